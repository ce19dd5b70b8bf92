//! `tpcli doctor`: is this clone fit to sync? One line per check (ok, warn or fail) with a fix:
//! the Targetprocess account (reachable, the token accepted, `[tp]` as the account names things,
//! the clock), Jira when `[jira]` is set, the keychain, and inside a plan folder the git remote,
//! disk space, the repository lock, the push lease, unfinished pushes and stored conflicts.
//! Checks change nothing: nothing is fetched or pushed (the remote is asked with a dry run), and
//! the repository lock is taken for an instant only to see whether it is free.

mod account;

use anyhow::Result;
use clap::Args;

use crate::exit;
use crate::sync::RepoArgs;
use crate::sync::connect::TpArgs;

/// Check that this clone can sync: account, token, schema, clock, remote, keychain, disk, lock,
/// lease, unfinished pushes, conflicts.
///
/// Each check prints one line: ok, warn (works, but look at it) or fail (needs fixing), with
/// what it found and the fix. Outside a plan folder only the account checks run (give the
/// account with --tp-url or TP_URL).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli doctor
  tpcli doctor --repo plans/platform-eco
  tpcli doctor --tp-url https://acme.tpondemand.com      (outside a plan folder)
  tpcli doctor --json

Exit codes: 0 nothing fails (warnings allowed), 1 a check failed, 2 error.")]
pub struct DoctorArgs {
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: TpArgs,
    /// Print the checks as JSON.
    #[arg(long)]
    json: bool,
}

pub use pi_doctor::{Check, Level, Report};

pub fn run(args: DoctorArgs) -> Result<u8> {
    let report = examine(&args);
    if args.json {
        crate::output::print(&report)?;
    } else {
        print!("{}", render(&report));
    }
    Ok(if report.healthy {
        exit::OK
    } else {
        exit::FINDINGS
    })
}

fn examine(args: &DoctorArgs) -> Report {
    let ws = pi_engine::Workspace::open(&args.repo.repo);
    let mut checks = Vec::new();
    let ws = match ws {
        Ok(ws) => {
            checks.push(Check::ok(
                "plan",
                format!(
                    "{} in {}",
                    ws.plan_file(),
                    ws.repo.workdir().unwrap_or(ws.repo.git_dir()).display()
                ),
            ));
            Some(ws)
        }
        Err(e) => {
            checks.push(Check::new(
                "plan",
                Level::Skipped,
                format!(
                    "not in a plan folder ({}): only the account is checked",
                    crate::term::safe(&e.to_string())
                ),
            ));
            None
        }
    };
    checks.extend(account::checks(&args.tp, ws.as_ref()));
    if let Some(ws) = &ws {
        let git = |dir: &std::path::Path, args: &[&str]| {
            crate::gitcli::run(dir, args)
                .map(|_| ())
                .map_err(|e| format!("{e:#}"))
        };
        checks.extend(pi_doctor::local_checks(ws, &git));
    }
    // What a server or git said is shown on a terminal: no control characters.
    for c in &mut checks {
        c.detail = crate::term::safe(&c.detail).into_owned();
        c.fix = c.fix.as_deref().map(|f| crate::term::safe(f).into_owned());
    }
    Report::new(checks)
}

fn render(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.checks {
        let level = match c.level {
            Level::Ok => "ok  ",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
            Level::Skipped => "skip",
        };
        out.push_str(&format!("{level}  {:<16} {}\n", c.name, c.detail));
        if let Some(fix) = &c.fix {
            out.push_str(&format!("      {:<16} fix: {fix}\n", ""));
        }
    }
    let failed = report
        .checks
        .iter()
        .filter(|c| c.level == Level::Fail)
        .count();
    out.push_str(&match failed {
        0 => "All checks passed.\n".to_owned(),
        n => format!("{n} check(s) need fixing.\n"),
    });
    out
}
