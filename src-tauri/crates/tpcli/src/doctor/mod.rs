//! `tpcli doctor`: is this clone fit to sync? One line per check (ok, warn or fail) with a fix:
//! the Targetprocess account (reachable, the token accepted, `[tp]` as the account names things,
//! the clock), Jira when `[jira]` is set, the keychain, and inside a plan folder the git remote,
//! disk space, the repository lock, the push lease, unfinished pushes and stored conflicts.
//! Checks change nothing: nothing is fetched or pushed (the remote is asked with a dry run), and
//! the repository lock is taken for an instant only to see whether it is free.

mod account;
mod local;

use anyhow::Result;
use clap::Args;
use schemars::JsonSchema;
use serde::Serialize;

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

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ok,
    /// Works, but worth a look.
    Warn,
    /// Needs fixing before sync works (or works safely).
    Fail,
    /// Not checked: what it needs is missing (no plan folder, no `[jira]`, no remote).
    Skipped,
}

/// One check's result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Check {
    /// `targetprocess`, `schema`, `clock`, `jira`, `keychain`, `plan`, `remote`, `disk`, `lock`,
    /// `lease`, `unfinished_push`, `conflicts`.
    pub name: &'static str,
    pub level: Level,
    /// What was found.
    pub detail: String,
    /// What to do (absent when nothing is to be done).
    pub fix: Option<String>,
}

impl Check {
    fn new(name: &'static str, level: Level, detail: impl Into<String>) -> Self {
        Self {
            name,
            level,
            detail: detail.into(),
            fix: None,
        }
    }

    fn ok(name: &'static str, detail: impl Into<String>) -> Self {
        Self::new(name, Level::Ok, detail)
    }

    fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// `tpcli doctor --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Report {
    /// True when no check failed (warnings allowed): the exit code is 0.
    pub healthy: bool,
    pub checks: Vec<Check>,
}

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
        checks.extend(local::checks(ws));
    }
    Report {
        healthy: checks.iter().all(|c| c.level != Level::Fail),
        checks,
    }
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
