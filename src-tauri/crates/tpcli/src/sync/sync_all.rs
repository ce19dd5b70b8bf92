//! `tpcli plan sync-all`: a whole train's plans, pulled then pushed together.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use pi_engine::{EngineError, PlanSync, PullReport, TrainOptions, Workspace};

use super::connect::{self, TpArgs};
use super::progress::Progress;
use super::words::{change, conflict, plural};
use super::{block_on, push};
use crate::exit;

/// Sync every team plan of a release train: each plan is pulled, then pushed, exactly as `tpcli
/// plan pull` and `tpcli plan push` would, with Targetprocess read once per round for all of
/// them instead of once per team (a team's plan needs every feature of the release).
///
/// Give each plan's folder (a clone with the plan checked out, one plan per clone). A plan's
/// conflicts, missing approvals or errors are reported for that plan and stop none of the
/// others. All plans must be in one Targetprocess account.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan sync-all plans/*/                 # every team's clone under plans/
  tpcli plan sync-all --pull-only team-a team-b
  tpcli plan sync-all --auto-sync --json plans/*/   # in a scheduled CI job

Exit codes: 0 every plan synced cleanly, 1 a plan has something to act on (conflicts,
Targetprocess changed, deletions to confirm, approvals missing, an operation refused), 2 a plan
could not be synced (an error) or bad usage.")]
pub struct SyncAllArgs {
    /// The plans' folders (each a plan repository, or a folder inside one).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Pull every plan, push none.
    #[arg(long)]
    pull_only: bool,
    /// Confirm deletions of objectives or features in Targetprocess.
    #[arg(long)]
    yes: bool,
    /// Attribute the syncs to an unattended sync (CI) instead of you.
    #[arg(long)]
    auto_sync: bool,
    #[command(flatten)]
    tp: TpArgs,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: SyncAllArgs) -> Result<u8> {
    let mut plans = Vec::with_capacity(args.dirs.len());
    for dir in &args.dirs {
        let ws = Workspace::open(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
        plans.push(ws);
    }
    let pairs: Vec<_> = args
        .dirs
        .iter()
        .map(PathBuf::as_path)
        .zip(plans.iter())
        .collect();
    let tp = connect::client_at(
        &connect::common_target(&args.tp, &pairs)?,
        common_schema(&pairs)?,
    )?;
    let me = connect::identity(&args.dirs[0])?;
    let ctx = pi_engine::Context {
        tp: &tp,
        me: &me,
        now: chrono::Utc::now(),
        auto_sync: args.auto_sync,
    };
        progress: None,
    let opts = TrainOptions {
        push: !args.pull_only,
        yes: args.yes,
    };
    let progress = Progress::new(args.json);
    progress.phase(&format!(
        "Syncing {} with Targetprocess…",
        plural(plans.len(), "plan", "plans")
    ));
    let synced = block_on(pi_engine::sync_train(&ctx, &plans, &opts));
    progress.finish();
    let synced = synced??;
    if args.json {
        let plans: Vec<_> = args
            .dirs
            .iter()
            .zip(&synced)
            .map(|(d, s)| json(d, s))
            .collect();
        println!("{}", serde_json::json!({ "plans": plans }));
    } else {
        for (dir, s) in args.dirs.iter().zip(&synced) {
            print_human(dir, s);
        }
    }
    Ok(synced.iter().map(code).max().unwrap_or(exit::OK))
}

/// `exit::USAGE` for an error, `exit::FINDINGS` for something to act on, else `exit::OK`.
fn code(s: &PlanSync) -> u8 {
    let Ok(pull) = &s.pull else {
        return exit::USAGE;
    };
    match &s.push {
        // The approval gate is a result to act on, as for `tpcli plan push`.
        Some(Err(EngineError::Approval(_))) => exit::FINDINGS,
        Some(Err(_)) => exit::USAGE,
        _ if !pull.conflicts.is_empty() => exit::FINDINGS,
        Some(Ok(outcome)) => push::code(outcome),
        None => exit::OK,
    }
}

fn print_human(dir: &std::path::Path, s: &PlanSync) {
    println!("== {} ({})", s.plan, dir.display());
    match &s.pull {
        Err(e) => {
            println!("Not synced: {e}");
            return;
        }
        Ok(pull) => print_pull(pull),
    }
    match &s.push {
        None => {}
        Some(Err(EngineError::Approval(refusal))) => println!("Not pushed: {refusal}."),
        Some(Err(e)) => println!("Not pushed: {e}"),
        Some(Ok(outcome)) => push::print_human(outcome),
    }
    println!();
}

fn print_pull(pull: &PullReport) {
    if pull.from_tp.is_empty() {
        println!("Nothing new from Targetprocess.");
    } else {
        println!(
            "From Targetprocess ({}):",
            plural(pull.from_tp.len(), "change", "changes")
        );
        for c in &pull.from_tp {
            println!("  {}", change(c));
        }
    }
    if !pull.conflicts.is_empty() {
        println!(
            "Conflicts to resolve in this plan ({}; `tpcli plan resolve`):",
            pull.conflicts.len()
        );
        for c in &pull.conflicts {
            println!("  {}", conflict(c));
        }
    }
}

fn json(dir: &std::path::Path, s: &PlanSync) -> serde_json::Value {
    use serde_json::json;
    let error = |e: &EngineError| json!({ "error": e.to_string() });
    let pull = match &s.pull {
        Ok(p) => super::pull::json(p),
        Err(e) => error(e),
    };
    let push = match &s.push {
        None => serde_json::Value::Null,
        Some(Err(EngineError::Approval(refusal))) => {
            json!({ "result": "awaiting_approval", "message": refusal.to_string() })
        }
        Some(Err(e)) => error(e),
        Some(Ok(outcome)) => push::json(outcome),
    };
    json!({
        "dir": dir.display().to_string(),
        "plan_file": s.plan,
        "exit_code": code(s),
        "pull": pull,
        "push": push,
    })
}

/// The `[tp]` schema names every plan's repository agrees on: one client reads for all of them.
fn common_schema(pairs: &[(&Path, &Workspace)]) -> Result<pi_model::TpSchema> {
    let Some((first_dir, first_ws)) = pairs.first() else {
        return Ok(pi_model::TpSchema::default());
    };
    let first = connect::schema_of(first_ws)?;
    for (dir, ws) in &pairs[1..] {
        if connect::schema_of(ws)? != first {
            anyhow::bail!(
                "{} and {} name Targetprocess's resources differently ([tp] in pi-planner.toml): sync them apart, or give them the same [tp] section",
                first_dir.display(),
                dir.display()
            );
        }
    }
    Ok(first)
}
