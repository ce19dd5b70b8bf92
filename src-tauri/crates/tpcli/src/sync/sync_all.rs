//! `tpcli plan sync-all`: a whole train's plans, pulled then pushed together.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use pi_engine::{EngineError, PlanSync, PullReport, TrainOptions, Workspace};

use super::connect::{self, TpArgs};
use super::progress::Progress;
use super::words::{change, conflict, plural};
use super::{block_on, meter, push};
use crate::exit;
use crate::output::views::{ErrorView, PlanSyncView, PullPart, PushPart, SyncAllView};

/// Sync every team plan of a release train: each plan is pulled, then pushed, exactly as `tpcli
/// plan pull` and `tpcli plan push` would, with Targetprocess read once per round for all of
/// them instead of once per team (a team's plan needs every feature of the release).
///
/// Give each plan's folder (a clone with the plan checked out, one plan per clone), or name the
/// ART with `--art`: its teams are looked up in Targetprocess and each team's plan is opened,
/// started or joined in ROOT/<team> first. A plan's conflicts, missing approvals or errors are
/// reported for that plan and stop none of the others. All plans must be in one Targetprocess
/// account. With [github] in a plan's pi-planner.toml, approving reviews of its pull request are
/// recorded as sign-offs before the pushes (once merged, with sign_off = "merge", and with --art
/// for each team's plan already in its folder) and new conflicts are posted on it, each on the
/// plan file's line where it sits when the pull request changes that line.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan sync-all plans/*/                 # every team's clone under plans/
  tpcli plan sync-all --pull-only team-a team-b
  tpcli plan sync-all --auto-sync --json plans/*/   # in a scheduled CI job
  tpcli plan sync-all --art \"Orbit Train\" --root plans   # every team of the ART, current PI
  tpcli plan sync-all --art \"Orbit Train\" --release \"PI-2/25\" --teams \"Apollo,Gemini\"
  tpcli plan sync-all --art \"Orbit Train\" --root plans --remote git@git.example.com:art/plans.git

With --art, each team's plan lives in a git repository of its own, ROOT/<team slug> (made by
the first run); with --remote they are clones of the train's one shared plan repository, and a
fresh ROOT (a CI runner) joins the plans already there. The [tp] names come from
ROOT/pi-planner.toml when it exists. The Targetprocess URL is --tp-url or $TP_URL.

Exit codes: 0 every plan synced cleanly, 1 a plan has something to act on (conflicts,
Targetprocess changed, deletions to confirm, approvals missing, an operation refused), 2 a plan
could not be set up or synced (an error), or bad usage (an ART, release or team not found).")]
pub struct SyncAllArgs {
    /// The plans' folders (each a plan repository, or a folder inside one).
    #[arg(
        value_name = "DIR",
        required_unless_present = "art",
        conflicts_with = "art"
    )]
    dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) train: super::sync_art::ArtArgs,
    /// Pull every plan, push none.
    #[arg(long)]
    pub(super) pull_only: bool,
    /// Confirm deletions of objectives or features in Targetprocess.
    #[arg(long)]
    pub(super) yes: bool,
    /// Attribute the syncs to an unattended sync (CI) instead of you.
    #[arg(long)]
    pub(super) auto_sync: bool,
    #[command(flatten)]
    pub(super) tp: TpArgs,
    /// Print the results as JSON.
    #[arg(long)]
    pub(super) json: bool,
}

pub fn run(args: SyncAllArgs) -> Result<u8> {
    if args.train.art.is_some() {
        return super::sync_art::run(&args);
    }
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
        progress: None,
    };
    let jira = plans
        .iter()
        .map(super::jira::access)
        .collect::<Result<Vec<_>>>()?;
    let git_dirs: Vec<PathBuf> = plans
        .iter()
        .map(|p| p.repo.git_dir().to_path_buf())
        .collect();
    let stories_of = |ws: &Workspace| {
        let at = git_dirs.iter().position(|d| d == ws.repo.git_dir())?;
        jira.get(at)?.source()
    };
    let opts = TrainOptions {
        push: !args.pull_only,
        yes: args.yes,
        stories: Some(&stories_of),
    };
    let open_before: Vec<_> = plans.iter().map(super::notify::open_conflicts).collect();
    if !args.pull_only {
        for ws in &plans {
            super::notify::send_reviewed(ws, &super::review::take_in_approvals(&ctx, ws));
        }
    }
    let progress = Progress::new(args.json);
    progress.phase(&format!(
        "Syncing {} with Targetprocess…",
        plural(plans.len(), "plan", "plans")
    ));
    let before: Vec<usize> = args.dirs.iter().map(|d| meter::oplog_len(d)).collect();
    let (started_at, clock) = (chrono::Utc::now(), std::time::Instant::now());
    let synced = block_on(pi_engine::sync_train(&ctx, &plans, &opts));
    progress.finish();
    let mut synced = synced??;
    let measured: Vec<meter::TrainPlan<'_>> = args
        .dirs
        .iter()
        .zip(&before)
        .zip(&synced)
        .map(|((d, b), s)| (d.as_path(), *b, s))
        .collect();
    meter::train_synced(&measured, &tp, &jira, started_at, clock.elapsed());
    for (s, access) in synced.iter_mut().zip(&jira) {
        if let Ok(pull) = &mut s.pull {
            pull.jira = access.outcome(pull.jira.take());
        }
    }
    for ((s, ws), before) in synced.iter().zip(&plans).zip(&open_before) {
        if let Ok(pull) = &s.pull {
            let plan = super::notify::plan_ref(ws).plan;
            let found = super::notify::conflicts_not_in(before, pull);
            let found = super::review::among(&found, &pull.conflicts);
            super::review::post_conflicts(ws, &plan, &found);
        }
        super::notify::synced(ws, before, s);
    }
    if args.json {
        let plans = args
            .dirs
            .iter()
            .zip(&synced)
            .map(|(d, s)| view(d, s))
            .collect();
        crate::output::print(&SyncAllView { train: None, plans })?;
    } else {
        for (dir, s) in args.dirs.iter().zip(&synced) {
            print_human(dir, s);
        }
    }
    Ok(synced.iter().map(code).max().unwrap_or(exit::OK))
}

/// `exit::USAGE` for an error, `exit::FINDINGS` for something to act on, else `exit::OK`.
pub(super) fn code(s: &PlanSync) -> u8 {
    let Ok(pull) = &s.pull else {
        return exit::USAGE;
    };
    match &s.push {
        Some(Err(_)) => exit::USAGE,
        _ if !pull.conflicts.is_empty() => exit::FINDINGS,
        Some(Ok(outcome)) => push::code(outcome),
        None => exit::OK,
    }
}

fn print_human(dir: &std::path::Path, s: &PlanSync) {
    println!("== {} ({})", s.plan, dir.display());
    print_sync(s);
    println!();
}

/// A plan's pull and push, in words.
pub(super) fn print_sync(s: &PlanSync) {
    match &s.pull {
        Err(e) => {
            println!("Not synced: {e}");
            return;
        }
        Ok(pull) => print_pull(pull),
    }
    match &s.push {
        None => {}
        Some(Err(e)) => println!("Not pushed: {e}"),
        Some(Ok(outcome)) => push::print_human(outcome),
    }
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

pub(super) fn view(dir: &Path, s: &PlanSync) -> PlanSyncView {
    let error = |e: &EngineError| ErrorView {
        error: e.to_string(),
    };
    let pull = match &s.pull {
        Ok(p) => PullPart::Pulled(p.clone()),
        Err(e) => PullPart::Failed(error(e)),
    };
    let push = s.push.as_ref().map(|push| match push {
        Err(e) => PushPart::Failed(error(e)),
        Ok(outcome) => PushPart::Pushed(outcome.into()),
    });
    PlanSyncView {
        dir: dir.display().to_string(),
        plan_file: s.plan.clone(),
        exit_code: code(s),
        pull,
        push,
    }
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
