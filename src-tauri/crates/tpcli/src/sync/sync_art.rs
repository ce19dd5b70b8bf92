//! `tpcli plan sync-all --art NAME`: a release train by its ART's name — the teams looked up in
//! Targetprocess, each team's plan opened, started or joined in ROOT/<team slug>, then all of
//! them pulled and pushed together (`pi_engine::train::art`).

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use pi_engine::train::{ArtRequest, ArtTrain, ReleaseChoice, Setup, TeamSync};
use pi_engine::{Context, TrainOptions, Workspace};

use super::connect;
use super::progress::Progress;
use super::sync_all::{SyncAllArgs, code, print_sync, view};
use super::words::plural;
use crate::exit;
use crate::output::views::{SyncAllView, TeamView, TrainView};

/// `--art` and what goes with it.
#[derive(Debug, Args)]
pub struct ArtArgs {
    /// Sync every team of this Agile Release Train (its name in Targetprocess) instead of folders.
    #[arg(long, value_name = "NAME")]
    pub art: Option<String>,
    /// With --art: the release (PI) by name. Default: the PI running today (else the one
    /// Targetprocess marks current, else the next to start).
    #[arg(long, value_name = "NAME", requires = "art")]
    pub release: Option<String>,
    /// With --art: the folder holding one plan repository per team (ROOT/<team slug>).
    #[arg(long, value_name = "DIR", default_value = ".", requires = "art")]
    pub root: PathBuf,
    /// With --art: only these teams of the ART, comma-separated.
    #[arg(long, value_name = "A,B", value_delimiter = ',', requires = "art")]
    pub teams: Vec<String>,
    /// With --art: the train's shared plan repository; each team's folder is a clone of it.
    #[arg(long, value_name = "URL", requires = "art")]
    pub remote: Option<String>,
}

pub fn run(args: &SyncAllArgs) -> Result<u8> {
    let req = request(&args.train)?;
    std::fs::create_dir_all(&req.root)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", req.root.display()))?;
    let schema = connect::schema_at(&req.root)?;
    let tp = connect::client_at(&connect::target(&args.tp, None)?, schema)?;
    let me = connect::identity(&req.root)?;
    let ctx = Context {
        tp: &tp,
        me: &me,
        now: chrono::Utc::now(),
        auto_sync: args.auto_sync,
        progress: None,
    };
    let jira = super::jira::access_at(&req.root)?;
    let stories_of = |_: &pi_engine::Workspace| jira.source();
    let opts = TrainOptions {
        push: !args.pull_only,
        yes: args.yes,
        stories: Some(&stories_of),
    };
    let progress = Progress::new(args.json);
    progress.phase(&format!("Looking up {} in Targetprocess…", req.art));
    let train = super::block_on(pi_engine::train::find_train(&tp, &req, ctx.now));
    let train = match train {
        Ok(found) => found?,
        Err(e) => {
            progress.finish();
            return Err(e);
        }
    };
    progress.phase(&format!(
        "Syncing {} of {} for {}…",
        plural(train.teams.len(), "team", "teams"),
        train.art.name,
        train.release.name
    ));
    let dirs: Vec<PathBuf> = train
        .teams
        .iter()
        .map(|t| pi_engine::train::art::team_dir(&req.root, &train.release.name, &t.name))
        .collect();
    let before: Vec<usize> = dirs.iter().map(|d| super::meter::oplog_len(d)).collect();
    let open_before = reviewed(&ctx, &train, &dirs, !args.pull_only);
    let (started_at, clock) = (chrono::Utc::now(), std::time::Instant::now());
    let teams = super::block_on(pi_engine::train::sync_art(&ctx, &req, &train, &opts));
    progress.finish();
    let teams = teams??;
    let measured: Vec<super::meter::TrainPlan<'_>> = teams
        .iter()
        .filter_map(|t| {
            let at = dirs.iter().position(|d| d == &t.dir);
            Some((
                t.dir.as_path(),
                at.map_or(0, |i| before[i]),
                t.sync.as_ref()?,
            ))
        })
        .collect();
    super::meter::train_synced(
        &measured,
        &tp,
        std::slice::from_ref(&jira),
        started_at,
        clock.elapsed(),
    );
    for t in &teams {
        let at = dirs.iter().position(|d| d == &t.dir);
        let before = at.and_then(|i| open_before[i].as_ref());
        post_conflicts(t, before);
    }
    if args.json {
        crate::output::print(&json_view(&req, &train, &teams))?;
    } else {
        print_human(&req, &train, &teams);
    }
    Ok(teams.iter().map(team_code).max().unwrap_or(exit::OK))
}

/// Each team plan already in its folder before the sync, with the conflicts open in it; with
/// `push`, the approving reviews of its pull request are recorded as sign-offs first (as
/// sync-all of folders does).
fn reviewed(
    ctx: &Context<'_>,
    train: &ArtTrain,
    dirs: &[PathBuf],
    push: bool,
) -> Vec<Option<BTreeSet<String>>> {
    train
        .teams
        .iter()
        .zip(dirs)
        .map(|(team, dir)| {
            let want = pi_git::BranchNames::for_plan(&train.release.name, &team.name);
            let ws = Workspace::open(dir).ok().filter(|ws| ws.names == want)?;
            if push {
                super::notify::send_reviewed(&ws, &super::review::take_in_approvals(ctx, &ws));
            }
            Some(super::notify::open_conflicts(&ws))
        })
        .collect()
}

/// Posts the conflicts a team's pull found that were not open `before` on its plan's pull
/// request.
fn post_conflicts(t: &TeamSync, before: Option<&BTreeSet<String>>) {
    let Some(Ok(pull)) = t.sync.as_ref().map(|s| &s.pull) else {
        return;
    };
    let Ok(ws) = Workspace::open(&t.dir) else {
        return;
    };
    let none = BTreeSet::new();
    let found = super::notify::conflicts_not_in(before.unwrap_or(&none), pull);
    let found = super::review::among(&found, &pull.conflicts);
    super::review::post_conflicts(&ws, &super::notify::plan_ref(&ws).plan, &found);
}

/// The request of `args`; team names given empty are bad usage.
fn request(args: &ArtArgs) -> Result<ArtRequest> {
    let art = args.art.clone().unwrap_or_default();
    if art.trim().is_empty() {
        anyhow::bail!("--art needs the ART's name as in Targetprocess");
    }
    let teams: Vec<String> = args.teams.iter().map(|t| t.trim().to_owned()).collect();
    if teams.iter().any(String::is_empty) {
        anyhow::bail!(
            "--teams has an empty name: give names separated by commas, e.g. --teams \"Apollo,Gemini\""
        );
    }
    Ok(ArtRequest {
        art,
        release: args.release.clone().filter(|r| !r.trim().is_empty()),
        teams,
        root: args.root.clone(),
        remote: args.remote.clone(),
    })
}

fn team_code(t: &TeamSync) -> u8 {
    match &t.sync {
        Some(s) => code(s),
        None => exit::USAGE,
    }
}

fn setup_word(t: &TeamSync) -> &'static str {
    match &t.setup {
        Ok(Setup::Opened) => "opened",
        Ok(Setup::Switched) => "switched",
        Ok(Setup::Started) => "started",
        Ok(Setup::Joined) => "joined",
        Err(_) => "failed",
    }
}

fn chosen(train: &ArtTrain) -> (&'static str, &'static str) {
    match train.choice {
        ReleaseChoice::Given => ("given", "as given"),
        ReleaseChoice::Running => ("running", "running today"),
        ReleaseChoice::MarkedCurrent => ("marked_current", "marked current; none runs today"),
        ReleaseChoice::Next => ("next", "starts next; none runs today"),
    }
}

fn print_human(req: &ArtRequest, train: &ArtTrain, teams: &[TeamSync]) {
    println!(
        "{}, {} ({}): {} under {}",
        train.art.name,
        train.release.name,
        chosen(train).1,
        plural(teams.len(), "team", "teams"),
        req.root.display()
    );
    println!();
    for t in teams {
        let how = match &t.setup {
            Ok(Setup::Opened) => "",
            Ok(Setup::Switched) => ", plan checked out",
            Ok(Setup::Started) => ", plan started from Targetprocess",
            Ok(Setup::Joined) => ", joined the shared plan",
            Err(_) => ", not set up",
        };
        println!("== {} ({}{how})", t.team.name, t.dir.display());
        match (&t.setup, &t.sync) {
            (Err(e), _) => println!("Not synced: {e}"),
            (Ok(_), Some(s)) => print_sync(s),
            (Ok(_), None) => {}
        }
        println!();
    }
}

fn json_view(req: &ArtRequest, train: &ArtTrain, teams: &[TeamSync]) -> SyncAllView {
    let views = teams
        .iter()
        .map(|t| TeamView {
            team: t.team.name.clone(),
            dir: t.dir.display().to_string(),
            setup: setup_word(t).to_owned(),
            error: t.setup.as_ref().err().map(ToString::to_string),
            plan_file: t.sync.as_ref().map(|s| s.plan.clone()),
            exit_code: team_code(t),
        })
        .collect();
    let plans = teams
        .iter()
        .filter_map(|t| t.sync.as_ref().map(|s| view(&t.dir, s)))
        .collect();
    SyncAllView {
        train: Some(TrainView {
            art: train.art.name.clone(),
            release: train.release.name.clone(),
            release_chosen: chosen(train).0.to_owned(),
            root: req.root.display().to_string(),
            remote: req.remote.clone(),
            teams: views,
        }),
        plans,
    }
}
