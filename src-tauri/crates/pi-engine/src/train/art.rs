//! A release train by its ART's name (`tpcli plan sync-all --art`): the ART and its teams looked
//! up in Targetprocess, the release given or the PI running now, each team's plan opened,
//! started or joined in a folder of its own under one root, then all of them synced together
//! by [`super::sync_train`] (one client, one request budget, shared reads).
//!
//! Layout: `ROOT/<team slug>/` is one git repository per team (a repository has one plan
//! checked out, and a train's plans run side by side). With a shared remote, each of them is a
//! clone of the train's one plan repository: every team's branches and op log live there, and a
//! folder started afresh (a CI runner) joins the team's plan instead of starting a second one.
//!
//! One team's failure — its plan could not be started, read or pushed — is that team's result
//! and stops none of the others.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use pi_git::{BranchNames, PlanRepo, RepoLock};
use pi_targetprocess::{ReleasePeriod, Summary};

use super::{PlanSync, TrainOptions, sync_train};
use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::init::{InitRequest, init};
use crate::tracker::Tracker;
use crate::workspace::{LOCK_WAIT, Workspace};

/// Which train to sync, and where its plans live.
#[derive(Debug, Clone)]
pub struct ArtRequest {
    /// The ART's name as in Targetprocess (any case).
    pub art: String,
    /// The release (PI) by name; `None`: the PI running now.
    pub release: Option<String>,
    /// Only these teams of the ART (by name, any case); empty: every team.
    pub teams: Vec<String>,
    /// The folder holding one folder per team.
    pub root: PathBuf,
    /// The train's shared plan repository (`origin` of every team's folder), if any.
    pub remote: Option<String>,
}

/// How the release was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseChoice {
    /// Named by the caller.
    Given,
    /// Its start and end dates hold today.
    Running,
    /// No PI runs today; Targetprocess marks this one current.
    MarkedCurrent,
    /// No PI runs today or is marked current; this one starts next.
    Next,
}

/// An ART, the release to sync and the teams whose plans are synced.
#[derive(Debug, Clone)]
pub struct ArtTrain {
    pub art: Summary,
    pub release: Summary,
    pub choice: ReleaseChoice,
    pub teams: Vec<Summary>,
}

/// How a team's plan came to be in its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setup {
    /// The folder already had the plan checked out.
    Opened,
    /// The folder's repository had the plan; it was checked out.
    Switched,
    /// Started from Targetprocess (and published when there is a remote).
    Started,
    /// Taken from the shared remote, where a teammate or an earlier run had started it.
    Joined,
}

/// One team's part of a train sync.
#[derive(Debug)]
pub struct TeamSync {
    pub team: Summary,
    /// The team's folder (`ROOT/<team slug>`).
    pub dir: PathBuf,
    /// How the plan was set up, or why it could not be.
    pub setup: Result<Setup>,
    /// The plan's pull and push; `None` when the setup failed.
    pub sync: Option<PlanSync>,
}

/// The ART, the release (`req.release`, else the PI running at `now`) and the teams of `req`.
/// A name not found is an error listing the known ones.
pub async fn find_train(
    tp: &dyn Tracker,
    req: &ArtRequest,
    now: DateTime<Utc>,
) -> Result<ArtTrain> {
    let arts = tp.list_arts().await?;
    let art = find(&arts, &req.art)
        .ok_or_else(|| not_found("ART", &req.art, &arts))?
        .clone();
    let periods = tp.list_release_periods(art.id).await?;
    let (release, choice) = match &req.release {
        Some(name) => {
            let releases: Vec<Summary> = periods.iter().map(|p| p.release.clone()).collect();
            let found = find(&releases, name).ok_or_else(|| not_found("release", name, &releases));
            (found?.clone(), ReleaseChoice::Given)
        }
        None => {
            let (p, choice) =
                pick_release(&periods, now).ok_or_else(|| no_current(&periods, now))?;
            (p.release.clone(), choice)
        }
    };
    let all = tp.list_teams(art.id).await?;
    let teams = if req.teams.is_empty() {
        all
    } else {
        let pick = |name: &String| {
            find(&all, name)
                .cloned()
                .ok_or_else(|| not_found("team", name, &all))
        };
        req.teams.iter().map(pick).collect::<Result<Vec<_>>>()?
    };
    Ok(ArtTrain {
        art,
        release,
        choice,
        teams,
    })
}

/// The PI to sync at `now`: the one running (the latest started, when they overlap), else the
/// one Targetprocess marks current, else the next to start.
pub fn pick_release(
    periods: &[ReleasePeriod],
    now: DateTime<Utc>,
) -> Option<(&ReleasePeriod, ReleaseChoice)> {
    let running = periods
        .iter()
        .filter(|p| matches!((p.start, p.end), (Some(s), Some(e)) if s <= now && now <= e))
        .max_by_key(|p| p.start);
    if let Some(p) = running {
        return Some((p, ReleaseChoice::Running));
    }
    if let Some(p) = periods.iter().find(|p| p.is_current) {
        return Some((p, ReleaseChoice::MarkedCurrent));
    }
    periods
        .iter()
        .filter(|p| p.start.is_some_and(|s| s > now))
        .min_by_key(|p| p.start)
        .map(|p| (p, ReleaseChoice::Next))
}

/// The folder of `team`'s plan under `root`: its name is the team's slug, as in branch names.
pub fn team_dir(root: &Path, release: &str, team: &str) -> PathBuf {
    root.join(BranchNames::for_plan(release, team).team_slug)
}

/// Sets up every team's plan of `train` under `req.root`, then pulls and pushes them all
/// together; one result per team, in the order of `train.teams`.
#[tracing::instrument(name = "sync_art", skip_all, fields(art = %train.art.name, release = %train.release.name))]
pub async fn sync_art(
    ctx: &Context<'_>,
    req: &ArtRequest,
    train: &ArtTrain,
    opts: &TrainOptions<'_>,
) -> Result<Vec<TeamSync>> {
    let setups = train.teams.iter().map(|team| async move {
        let dir = team_dir(&req.root, &train.release.name, &team.name);
        let setup = set_up(
            ctx,
            &dir,
            &train.release.name,
            &team.name,
            req.remote.as_deref(),
        )
        .await;
        (team.clone(), dir, setup)
    });
    let setups = futures::future::join_all(setups).await;
    let mut ready: Vec<Workspace> = Vec::new();
    let mut out = Vec::with_capacity(setups.len());
    for (team, dir, setup) in setups {
        let setup = setup.map(|(ws, how)| {
            ready.push(ws);
            how
        });
        out.push(TeamSync {
            team,
            dir,
            setup,
            sync: None,
        });
    }
    let mut synced = sync_train(ctx, &ready, opts).await?.into_iter();
    for team in out.iter_mut().filter(|t| t.setup.is_ok()) {
        team.sync = synced.next();
    }
    Ok(out)
}

/// The plan of (`release`, `team`) checked out in `dir`: as it is, switched to, or started
/// (joined from `remote` when it holds the plan). `sync_art` and a train's watch set up each
/// team's plan with it.
pub async fn set_up(
    ctx: &Context<'_>,
    dir: &Path,
    release: &str,
    team: &str,
    remote: Option<&str>,
) -> Result<(Workspace, Setup)> {
    let want = BranchNames::for_plan(release, team);
    if let Ok(repo) = PlanRepo::open(dir) {
        if let Ok(ws) = Workspace::open(dir)
            && ws.names == want
        {
            return Ok((ws, Setup::Opened));
        }
        if repo.branch_tip(&want.working())?.is_some() {
            let _lock = RepoLock::acquire(&repo, LOCK_WAIT)?;
            repo.checkout_branch(&want.working())?;
            return Ok((Workspace::open(dir)?, Setup::Switched));
        }
    }
    let req = InitRequest {
        dir: dir.to_path_buf(),
        release: release.to_owned(),
        team: team.to_owned(),
        remote: remote.map(str::to_owned),
    };
    let report = init(ctx, &req).await?;
    let how = if report.joined {
        Setup::Joined
    } else {
        Setup::Started
    };
    Ok((Workspace::open(dir)?, how))
}

fn find<'a>(items: &'a [Summary], name: &str) -> Option<&'a Summary> {
    items
        .iter()
        .find(|s| s.name.trim().eq_ignore_ascii_case(name.trim()))
}

fn not_found(what: &'static str, name: &str, known: &[Summary]) -> EngineError {
    EngineError::NotFound {
        what,
        name: name.to_owned(),
        known: known_names(known),
    }
}

fn known_names(items: &[Summary]) -> String {
    let names: Vec<&str> = items.iter().map(|s| s.name.as_str()).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// No PI runs, is marked current or is still to come: the caller must name one.
fn no_current(periods: &[ReleasePeriod], now: DateTime<Utc>) -> EngineError {
    let releases: Vec<Summary> = periods.iter().map(|p| p.release.clone()).collect();
    let when = format!("running on {} or starting after it", now.format("%Y-%m-%d"));
    not_found("PI", &when, &releases)
}

#[cfg(test)]
mod tests;
