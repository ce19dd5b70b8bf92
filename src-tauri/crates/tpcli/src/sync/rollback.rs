//! `tpcli plan rollback`: undo a push with a compensating push, in planner words or JSON.

use anyhow::Result;
use clap::Args;
use pi_engine::{RollbackOptions, RollbackOutcome, RollbackPlan};

use super::connect::TpArgs;
use super::progress::{self, Progress};
use super::words::{plural, short};
use super::{RepoArgs, block_on, open};
use crate::exit;

/// Undo a push: write back the values it replaced. History is kept: the rollback is a new push,
/// logged as such.
///
/// Only fields that still hold the values that push wrote are written back; a field changed in
/// Targetprocess since is reported as a conflict and left alone. Objectives and features the
/// push created are deleted only while unchanged (confirm with --yes); ones it deleted cannot be
/// brought back and are listed. Find push ids with `tpcli plan log`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan rollback --dry-run                 # what undoing your latest push would do
  tpcli plan rollback push-1790000060000        # undo that push
  tpcli plan rollback --yes                     # also delete what the push created

Exit codes: 0 rolled back (or nothing to roll back), 1 not everything rolled back (conflicts,
deletions that cannot be undone, deletions to confirm, unresolved plan conflicts, or an
operation refused), 2 error (including an unknown op id).")]
pub struct RollbackArgs {
    /// The op-log id of the push to undo. Default: the latest push.
    #[arg(value_name = "OP_ID")]
    op_id: Option<String>,
    /// Print the operations and conflicts of the rollback and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Confirm deleting objectives or features the push created.
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: TpArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: RollbackArgs) -> Result<u8> {
    let session = open(&args.repo, &args.tp)?;
    let (ws, ctx) = (&session.ws, session.ctx(false));
    let opts = RollbackOptions {
        dry_run: args.dry_run,
        yes: args.yes,
    };
    let progress = Progress::new(args.json);
    let watch = if args.dry_run {
        None
    } else {
        progress::watch_push(&progress, ws)?
    };
    progress.phase("Comparing the push with Targetprocess now…");
    let outcome = block_on(pi_engine::rollback(&ctx, ws, args.op_id.as_deref(), opts));
    drop(watch);
    progress.finish();
    let outcome = outcome??;
    if args.json {
        crate::output::print(&crate::output::views::RollbackView::from(&outcome))?;
    } else {
        print_human(&outcome);
    }
    Ok(code(&outcome))
}

fn code(outcome: &RollbackOutcome) -> u8 {
    let complete = |p: &RollbackPlan| p.conflicts.is_empty() && p.irreversible.is_empty();
    match outcome {
        RollbackOutcome::NothingToRollBack(p) | RollbackOutcome::Preview(p) if complete(p) => {
            exit::OK
        }
        RollbackOutcome::RolledBack { plan, report }
            if complete(plan) && report.ops.iter().all(|o| o.result.is_ok()) =>
        {
            exit::OK
        }
        _ => exit::FINDINGS,
    }
}

fn print_human(outcome: &RollbackOutcome) {
    match outcome {
        RollbackOutcome::Blocked { conflicts } => println!(
            "Not rolled back: {} to resolve first (`tpcli plan status`, `tpcli plan resolve`).",
            plural(*conflicts, "conflict", "conflicts")
        ),
        RollbackOutcome::NothingToRollBack(p) => {
            println!("Nothing of {} can be rolled back.", p.op_id);
            print_left(p);
        }
        RollbackOutcome::NeedsConfirmation(p) => {
            println!(
                "Not rolled back: undoing {} deletes in Targetprocess:",
                p.op_id
            );
            for op in p.ops.iter().filter(|o| o.is_delete()) {
                println!("  {op}");
            }
            println!("Run `tpcli plan rollback {} --yes` to confirm.", p.op_id);
        }
        RollbackOutcome::Preview(p) => {
            println!(
                "Rolling back {} would send {}:",
                p.op_id,
                plural(p.ops.len(), "operation", "operations")
            );
            print_ops(p, None);
            print_left(p);
        }
        RollbackOutcome::RolledBack { plan, report } => {
            let ok = report.ops.iter().filter(|o| o.result.is_ok()).count();
            println!(
                "Rolled back {} with {}.",
                plan.op_id,
                plural(ok, "operation", "operations")
            );
            print_ops(plan, Some(report));
            print_left(plan);
        }
    }
}

/// The operations, with their outcome once sent.
fn print_ops(plan: &RollbackPlan, report: Option<&pi_engine::PushReport>) {
    let Some(report) = report else {
        for op in &plan.ops {
            for line in op.to_string().lines() {
                println!("  {line}");
            }
        }
        return;
    };
    for o in &report.ops {
        let mark = if o.result.is_ok() { "✓" } else { "✗" };
        for line in o.op.to_string().lines() {
            println!("  {mark} {line}");
        }
        if let Err(e) = &o.result {
            println!("      refused: {e}");
        }
    }
}

/// What stays as it is: conflicts and writes that cannot be undone.
fn print_left(plan: &RollbackPlan) {
    if !plan.conflicts.is_empty() {
        println!("Left as they are (changed in Targetprocess since that push):");
    }
    for c in &plan.conflicts {
        let what = c.field.map_or_else(
            || format!("\"{}\"", c.name),
            |f| format!("{f} of \"{}\"", c.name),
        );
        println!(
            "  {what} ({}): pushed {}, Targetprocess now {}",
            c.entity,
            short(&c.pushed),
            short(&c.current)
        );
    }
    if !plan.irreversible.is_empty() {
        println!("Cannot be undone automatically:");
    }
    for i in &plan.irreversible {
        match i.field {
            None => println!("  \"{}\" ({}) was deleted by that push", i.name, i.entity),
            Some(f) => println!("  {f} of \"{}\" ({})", i.name, i.entity),
        }
    }
}
