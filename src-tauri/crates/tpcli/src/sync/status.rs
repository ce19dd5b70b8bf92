//! `tpcli plan status`.

use anyhow::Result;
use clap::Args;
use pi_engine::Context;

use super::connect::{self, TpArgs};
use super::progress::Progress;
use super::words::{conflict, plural};
use super::{RepoArgs, block_on};
use crate::exit;

/// Where your plan stands: changes not pushed yet, Targetprocess changes not pulled yet,
/// conflicts to resolve, an interrupted push to resume.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan status             # asks Targetprocess whether it changed
  tpcli plan status --offline   # no network: local state only
  tpcli plan status --json
  tpcli plan status --art \"Orbit Train\" --root train   # every team plan of the train

With --art: one row per team plan under --root (the layout of `sync-all --art`): changes to
push, conflicts, the last pull and push (who, when), approvals, validation errors, committed
effort (capacity unknown: plans carry none) and drift since the latest baseline. Reads only:
no Targetprocess, nothing written. Exit 1 when a team needs attention.")]
pub struct StatusArgs {
    /// Do not ask Targetprocess whether it changed.
    #[arg(long)]
    offline: bool,
    /// The release train (ART) whose team plans are under --root: the whole train's status.
    #[arg(long, value_name = "NAME", conflicts_with = "offline")]
    art: Option<String>,
    /// With --art: the folder holding one folder per team (default: the current folder).
    #[arg(long, value_name = "DIR", requires = "art", default_value = ".")]
    root: std::path::PathBuf,
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: TpArgs,
    /// Print the status as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: StatusArgs) -> Result<u8> {
    if let Some(art) = &args.art {
        return super::train::status(&args.root, art, args.json);
    }
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let status = if args.offline {
        block_on(pi_engine::status(None, &ws))??
    } else {
        let tp = connect::client(&args.tp, &ws)?;
        let me = connect::identity(&args.repo.repo)?;
        let ctx = Context {
            tp: &tp,
            me: &me,
            now: chrono::Utc::now(),
            auto_sync: false,
            progress: None,
        };
        let progress = Progress::new(args.json);
        progress.phase("Asking Targetprocess whether it changed…");
        let status = block_on(pi_engine::status(Some(&ctx), &ws));
        progress.finish();
        status??
    };
    if args.json {
        let view = crate::output::views::StatusView::from(&status);
        crate::output::print(&super::train::StatusOutput::Plan(view))?;
        return Ok(exit::OK);
    }
    println!(
        "Plan {} on branch {}",
        status.plan_file, status.working_branch
    );
    if let Some(problem) = &status.file_problem {
        println!("The plan file cannot be read:\n{problem}");
    }
    match status.local_changes.len() {
        0 => println!("No changes waiting to be pushed."),
        n => {
            println!("{} waiting to be pushed:", plural(n, "change", "changes"));
            for op in &status.local_changes {
                for line in op.to_string().lines() {
                    println!("  {line}");
                }
            }
        }
    }
    match status.tp_changed {
        Some(true) => {
            println!("Targetprocess changed since your last pull: run `tpcli plan pull`.")
        }
        Some(false) => println!("Targetprocess has not changed since your last pull."),
        None => println!("Targetprocess not checked (offline)."),
    }
    if !status.conflicts.is_empty() {
        println!(
            "{} to resolve before pushing:",
            plural(status.conflicts.len(), "conflict", "conflicts")
        );
        for c in &status.conflicts {
            println!("  {}", conflict(c));
        }
    }
    if !status.refused.is_empty() {
        println!(
            "{} refused by Targetprocess at the last push (fix and push again, or `tpcli plan discard --refused`):",
            plural(status.refused.len(), "change", "changes")
        );
        for r in &status.refused {
            for line in r.op.to_string().lines() {
                crate::term::line(format!("  {line}"));
            }
            crate::term::line(format!("      refused: {}", r.reason));
        }
    }
    if !status.stories_edited.is_empty() {
        println!(
            "warning: stories edited in the plan file (stories are read-only: not pushed, and Jira's come back at the next pull):"
        );
        for s in &status.stories_edited {
            crate::term::line(format!(
                "  {} {}: {}",
                s.feature,
                s.feature_name,
                s.keys.join(", ")
            ));
        }
    }
    if status.unfinished_push > 0 {
        println!(
            "An interrupted push has {} left: run `tpcli plan resume`.",
            plural(status.unfinished_push, "operation", "operations")
        );
    }
    Ok(exit::OK)
}
