//! `tpcli plan verify`: prints what `pi_engine::verify` found, entity by entity, and what it
//! repaired. It decides nothing itself: which repair is safe is the engine's call.

use anyhow::Result;
use clap::Args;
use pi_engine::verify::{Finding, Repair, VerifyReport};

use super::connect::TpArgs;
use super::progress::Progress;
use super::words::{change, conflict, plural, short};
use super::{RepoArgs, block_on};
use crate::exit;

/// Checks that the plan file, the tracking branch (your last pull) and Targetprocess agree, and
/// reports every difference entity by entity. Exit 0: consistent; 1: drift found (after
/// `--repair`: what is left); 2: an error.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan verify            # report only, changes nothing
  tpcli plan verify --repair   # also resume an interrupted push and refresh a stale tracking
                               # branch when no local edit is involved
  tpcli plan verify --json")]
pub struct VerifyArgs {
    /// Repair what is safe: complete an interrupted push; pull when Targetprocess moved and
    /// nothing local would be merged. Never edits the plan file by hand otherwise.
    #[arg(long)]
    repair: bool,
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: TpArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: VerifyArgs) -> Result<u8> {
    let session = super::open(&args.repo, &args.tp)?;
    let ctx = session.ctx(false);
    let progress = Progress::new(args.json);
    progress.phase("Comparing the plan file, your last pull and Targetprocess…");
    let report = block_on(pi_engine::verify(&ctx, &session.ws, args.repair));
    progress.finish();
    let report = report??;
    if args.json {
        crate::output::print(&crate::output::views::VerifyView {
            consistent: report.consistent(),
            report: report.clone(),
        })?;
    } else {
        print_text(&report);
    }
    Ok(if report.consistent() {
        exit::OK
    } else {
        exit::FINDINGS
    })
}

fn print_text(report: &VerifyReport) {
    for r in &report.repairs {
        crate::term::line(format!("Repaired: {}", repair(r)));
    }
    if report.consistent() {
        crate::term::line("Consistent: the plan file, your last pull and Targetprocess agree.");
        return;
    }
    crate::term::line(format!(
        "{} found:",
        plural(report.findings.len(), "difference", "differences")
    ));
    for f in &report.findings {
        for (i, line) in finding(f).lines().enumerate() {
            crate::term::line(format!("{}{line}", if i == 0 { "  - " } else { "    " }));
        }
    }
    for a in &report.advice {
        crate::term::line(format!("Next: {a}"));
    }
}

fn repair(r: &Repair) -> String {
    match r {
        Repair::ResumedPush { operations } => format!(
            "completed the interrupted push ({})",
            plural(*operations, "operation", "operations")
        ),
        Repair::RefreshedTracking { changes } => format!(
            "pulled {} from Targetprocess (no local edits were involved)",
            plural(*changes, "change", "changes")
        ),
        Repair::RebuiltSnapshot { conflicts } => format!(
            "rebuilt the Targetprocess snapshot that did not read and merged it into the plan ({} open)",
            plural(*conflicts, "conflict", "conflicts")
        ),
    }
}

fn finding(f: &Finding) -> String {
    match f {
        Finding::TpChanged { change: c } => {
            format!("TP changed: pull — {} ({})", change(c), c.entity)
        }
        Finding::LocalChange { op } => format!("not pushed: {op}"),
        Finding::NotCreated { entity, name } => {
            format!("not created in Targetprocess yet: \"{name}\" ({entity})")
        }
        Finding::UnknownTpId {
            entity,
            name,
            in_tracking,
        } => {
            let why = if *in_tracking {
                "deleted in Targetprocess since your last pull"
            } else {
                "never seen in Targetprocess (typed by hand?)"
            };
            format!("\"{name}\" ({entity}) is not in Targetprocess: {why}")
        }
        Finding::NotPulled { entity, name } => {
            format!("\"{name}\" ({entity}) is in Targetprocess but not in your last pull: pull")
        }
        Finding::DuplicateId { entity, count } => {
            format!("id {entity} is used {count} times in the plan file")
        }
        Finding::Unparsable { file, errors } => {
            format!("{file} cannot be read:\n{}", errors.join("\n"))
        }
        Finding::UnreadableSnapshot { file, errors } => format!(
            "the Targetprocess snapshot {file} cannot be read (written by an earlier version):\n{}",
            errors.join("\n")
        ),
        Finding::Conflict { conflict: c } => format!("unresolved conflict: {}", conflict(c)),
        Finding::UnfinishedPush { operations } => format!(
            "an interrupted push has {} left",
            plural(*operations, "operation", "operations")
        ),
        Finding::LostWrite {
            entity,
            name,
            field,
            pushed,
            in_tp,
        } => format!(
            "lost write: {field} of \"{name}\" ({entity}) was pushed as {} but Targetprocess holds {}",
            short(pushed),
            short(in_tp)
        ),
    }
}
