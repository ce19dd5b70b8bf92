//! `sync_train`: the plans of a whole release train synced together — every team's pull, then
//! its push — with their Targetprocess reads shared (one read of the release serves every team
//! waiting for one; see `pi_targetprocess::TpClient::share_reads`).
//!
//! Each plan goes through exactly the `pull` and `push` a planner would run on it, with the same
//! locks, journal, conflicts and approvals; one plan's conflict or failure is that plan's
//! result and stops nothing else. Each pull reads its plan's stories from Jira as a single
//! pull does, through the story source the caller gives for that plan.

use std::collections::BTreeSet;

pub mod art;

pub use art::{ArtRequest, ArtTrain, ReleaseChoice, Setup, TeamSync, find_train, set_up, sync_art};

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::pull::{PullOptions, PullReport, pull};
use crate::push::{PushOptions, PushOutcome, push};
use crate::stories::StorySource;
use crate::tracker::ReadShare;
use crate::workspace::{Place, Workspace};

/// The story source of a plan of the train (its repository's `[jira]`), if it has one.
pub type StoriesFor<'a> = &'a (dyn Fn(&Workspace) -> Option<&'a dyn StorySource> + Sync);

#[derive(Clone, Default)]
pub struct TrainOptions<'a> {
    /// Push each plan after its pull (otherwise pull only).
    pub push: bool,
    /// Confirms deletions in Targetprocess (as `PushOptions::yes`).
    pub yes: bool,
    /// Where each plan's pull reads the stories under its features' epics (as
    /// `PullOptions::stories`); `None`: no plan's stories are read.
    pub stories: Option<StoriesFor<'a>>,
}

impl std::fmt::Debug for TrainOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainOptions")
            .field("push", &self.push)
            .field("yes", &self.yes)
            .field("stories", &self.stories.is_some())
            .finish()
    }
}

/// One plan's part of a train sync.
#[derive(Debug)]
pub struct PlanSync {
    /// The plan file (`<release>.<team>.md`).
    pub plan: String,
    pub pull: Result<PullReport>,
    /// `None` when not pushed: pull only, or the pull failed.
    pub push: Option<Result<PushOutcome>>,
}

/// Pulls, then pushes (with `opts.push`), every plan of `plans`, all at once; results in the
/// order of `plans`. Two plans checked out in one repository are refused before anything runs
/// (each takes the repository's lock for its whole operation).
///
/// On a multi-threaded runtime each plan runs on a thread of its own (decision 0023): its
/// parse, merge, render and git work use every core, while its requests wait in the one
/// client's budget like everyone's. On a current-thread runtime the plans run side by side on
/// the caller's task.
#[tracing::instrument(name = "sync_train", skip_all)]
pub async fn sync_train(
    ctx: &Context<'_>,
    plans: &[Workspace],
    opts: &TrainOptions<'_>,
) -> Result<Vec<PlanSync>> {
    let mut repos = BTreeSet::new();
    for ws in plans {
        let dir = ws.repo.git_dir();
        let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        if !repos.insert(key) {
            return Err(EngineError::RepositoryTwice(dir.display().to_string()));
        }
    }
    let multi_threaded = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    let members = ctx.tp.share_reads(plans.len());
    if multi_threaded && plans.len() > 1 {
        let places: Vec<Place> = plans.iter().map(Workspace::place).collect();
        return Ok(on_threads(ctx, &places, members, opts));
    }
    let runs = plans
        .iter()
        .zip(members)
        .map(|(ws, member)| sync_plan(ctx, ws, member, opts));
    Ok(futures::future::join_all(runs).await)
}

/// Every plan on a scoped thread of its own that drives its pull and push with the runtime's
/// handle. A thread waiting for Targetprocess is parked; the CPU work of the plans whose answers
/// came runs on all cores at once. Not a pool of fewer threads: a plan waiting for a thread
/// would hold back every other plan's shared read, which waits for all of them.
fn on_threads(
    ctx: &Context<'_>,
    places: &[Place],
    members: Vec<ReadShare>,
    opts: &TrainOptions<'_>,
) -> Vec<PlanSync> {
    let handle = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| {
        std::thread::scope(|scope| {
            let threads: Vec<_> = places
                .iter()
                .zip(members)
                .map(|(place, member)| {
                    let handle = &handle;
                    scope.spawn(move || match place.open() {
                        Ok(ws) => handle.block_on(sync_plan(ctx, &ws, member, opts)),
                        Err(e) => {
                            drop(member);
                            PlanSync {
                                plan: place.plan_file(),
                                pull: Err(e),
                                push: None,
                            }
                        }
                    })
                })
                .collect();
            threads
                .into_iter()
                .map(|t| {
                    t.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    })
}

/// One plan's pull, then its push; `member` leaves the shared reads when the plan is done.
async fn sync_plan(
    ctx: &Context<'_>,
    ws: &Workspace,
    member: ReadShare,
    opts: &TrainOptions<'_>,
) -> PlanSync {
    let pull_opts = PullOptions {
        markers: false,
        stories: opts.stories.and_then(|of| of(ws)),
    };
    let pulled = pull(ctx, ws, &pull_opts).await;
    let pushed = match (&pulled, opts.push) {
        (Ok(_), true) => {
            let push_opts = PushOptions {
                dry_run: false,
                yes: opts.yes,
            };
            Some(push(ctx, ws, push_opts).await)
        }
        _ => None,
    };
    drop(member);
    PlanSync {
        plan: ws.plan_file(),
        pull: pulled,
        push: pushed,
    }
}
