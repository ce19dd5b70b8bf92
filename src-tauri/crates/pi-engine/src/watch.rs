//! `watch`: live sync of one plan — a saved edit of the plan file committed as the app's save
//! commits it, Targetprocess asked every poll only for what changed since the last look
//! (`Tracker::changed_since`) and pulled when something did, and a guarded push.
//!
//! Built from whole commands: `pull`, `push` and the push's `resume`, each with its own lock,
//! journal and publishing; the loop runs one step at a time and stops only between steps, so a
//! stop never cuts a write in half. File watching and signals are the caller's (`tpcli plan
//! watch`): it sends [`Signal`]s and builds the [`Context`] of each step (the clock is its).
//!
//! Never ping-pong: what a pull brings in becomes the tracking branch's state, so the push plan
//! (the plan against that state) never holds it; what a push sent is recorded with its new
//! versions, so a look that finds only those versions pulls nothing. A push waits for the
//! validation, the conflicts, the approvals and the lease; each reason it waits for is told once
//! until it goes away.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use pi_model::changeset::Op;
use pi_model::merge::Conflict;
use pi_model::validate::Severity;

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::pull::{PullOptions, PullReport, pull};
use crate::push::{PushOptions, PushOutcome, PushReport, push, resume};
use crate::state::{self, Version};
use crate::workspace::{Base, Workspace, plan_ids};

/// When the watch pushes what the planner saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PushMode {
    /// Whenever nothing holds the push back.
    Auto,
    /// Like `Auto`, after the caller's confirmation of the operations.
    Ask,
    /// Never: the watch pulls and commits only.
    #[default]
    Never,
}

#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub push: PushMode,
    /// Time between two looks at Targetprocess.
    pub poll: Duration,
    /// Every `full_every`-th look also re-reads the versions of the plan's entities by id (a
    /// deletion shows in no `ModifyDate`), and pulls when one is gone or moved; every twelfth of
    /// those looks reads the whole plan.
    pub full_every: u32,
    /// Longest wait after failed looks (429, 5xx, network): the wait doubles up to it.
    pub max_backoff: Duration,
}

/// Every `full_every`-th look checks the tracking branch's entities by id (ids and versions
/// only); every `WHOLE_AFTER_CHECKS`-th of those looks reads the whole plan instead, for what
/// neither a `ModifyDate` nor an entity's version shows (a deleted program objective).
const WHOLE_AFTER_CHECKS: u32 = 12;

/// How many times the first step is taken when saves keep overtaking it, and the pause between.
const START_ATTEMPTS: u32 = 5;
const START_RETRY: Duration = Duration::from_millis(200);

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            push: PushMode::Never,
            poll: Duration::from_secs(30),
            full_every: 10,
            max_backoff: Duration::from_secs(600),
        }
    }
}

/// What the caller tells the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// The plan file was saved and has been quiet since.
    Saved,
    /// Stop after the step under way.
    Stop,
}

/// Why a push waits; each reason is told once until it goes away.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Held {
    /// The plan file does not read as a plan (the parse error).
    Unreadable(String),
    /// Validation errors (their messages).
    Invalid(Vec<String>),
    /// Unresolved conflicts with Targetprocess.
    Conflicts(usize),
    /// The `[approvals]` policy is not met (what is missing).
    AwaitingApproval(String),
    /// A teammate's push holds the plan's lease.
    LeaseBusy { by: String },
    /// The push deletes in Targetprocess; the watch never confirms a deletion.
    Deletes(usize),
    /// Targetprocess changed what the push would overwrite; the next look pulls.
    RemoteChanged,
    /// The planner declined these operations (`ask`); asked again when they change.
    Declined,
}

/// What a step did, for the caller to show.
#[derive(Debug, Clone)]
pub enum Event {
    /// A saved edit was committed on the working branch.
    Committed,
    /// Targetprocess changed and was merged into the plan.
    Pulled(Box<PullReport>),
    /// Conflicts a pull found that were not open at the last pull: each is told once, until it
    /// is resolved (a later conflict on the same field is told again).
    Conflicts(Vec<Conflict>),
    Pushed(Box<PushReport>),
    /// An interrupted push was completed.
    Resumed(Box<PushReport>),
    /// A push waits (told once per reason).
    Held(Held),
    /// A look at Targetprocess failed; the next waits `retry_in`.
    LookFailed {
        error: String,
        retry_in: Duration,
    },
}

/// Asks the planner whether to send these operations (`PushMode::Ask`).
pub type Confirm<'a> = &'a (dyn Fn(&[Op]) -> bool + Sync);

/// The loop's memory between steps.
#[derive(Debug)]
pub struct Watch {
    opts: WatchOptions,
    /// The latest `ModifyDate` seen: the next look asks for what changed after it.
    since: Option<DateTime<Utc>>,
    looks: u32,
    pull_next: bool,
    told: BTreeSet<Held>,
    declined: Option<Vec<Op>>,
    failures: u32,
    /// The conflicts open at the last pull, already told.
    open: Vec<Conflict>,
}

impl Watch {
    pub fn new(opts: WatchOptions) -> Self {
        Self {
            opts,
            since: None,
            looks: 0,
            pull_next: true,
            told: BTreeSet::new(),
            declined: None,
            failures: 0,
            open: Vec::new(),
        }
    }

    /// [`Watch::start`], taken again when a save overtook it (an editor saving just as the
    /// watch starts): a few times, a moment apart, each reading the file as saved. A file that
    /// stays in the way (edits the step would overwrite) ends the watch with that error.
    pub async fn start_retrying<'a>(
        &mut self,
        ctx: &dyn Fn() -> Context<'a>,
        ws: &Workspace,
        tell: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        let mut attempts = 1;
        loop {
            match self.start(&ctx(), ws, tell).await {
                Err(e) if overtaken_by_a_save(&e) && attempts < START_ATTEMPTS => {
                    tracing::info!("a save overtook the first step ({e}); taking it again");
                    attempts += 1;
                    tokio::time::sleep(START_RETRY).await;
                }
                other => return other,
            }
        }
    }

    /// The first step: completes an interrupted push, commits the file's edits, pulls.
    pub async fn start(
        &mut self,
        ctx: &Context<'_>,
        ws: &Workspace,
        tell: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        if let Some(report) = resume(ctx, ws).await? {
            tell(Event::Resumed(Box::new(report)));
        }
        self.commit_saved(ctx, ws, tell)?;
        self.pull_next = true;
        Ok(())
    }

    /// A saved edit: committed as the app's save commits it (when it reads), then pushed as
    /// the mode allows.
    pub async fn saved(
        &mut self,
        ctx: &Context<'_>,
        ws: &Workspace,
        confirm: Option<Confirm<'_>>,
        tell: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        if self.commit_saved(ctx, ws, tell)? {
            let pushed = self.push_step(ctx, ws, confirm, tell).await;
            self.unless_push_failed_for_now(pushed, tell)?;
        }
        Ok(())
    }

    /// One look at Targetprocess (a pull when it changed), then a push as the mode allows.
    /// Returns the wait before the next look: the poll interval, or a growing back-off after
    /// a look failed with a rate limit, a server error or a network error.
    pub async fn poll(
        &mut self,
        ctx: &Context<'_>,
        ws: &Workspace,
        confirm: Option<Confirm<'_>>,
        tell: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Duration> {
        match self.look(ctx, ws, tell).await {
            Ok(readable) => {
                self.failures = 0;
                if readable {
                    let pushed = self.push_step(ctx, ws, confirm, tell).await;
                    if let Some(retry_in) = self.unless_push_failed_for_now(pushed, tell)? {
                        return Ok(retry_in);
                    }
                }
                Ok(self.opts.poll)
            }
            Err(e) if passing(&e) => Ok(self.wait_out(&e, tell)),
            Err(e) => Err(e),
        }
    }

    /// A step that failed for a reason that passes: told as a failed look; returns the
    /// growing wait before the next look.
    fn wait_out(&mut self, e: &EngineError, tell: &mut (dyn FnMut(Event) + Send)) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let retry_in = self.backoff();
        tell(Event::LookFailed {
            error: e.to_string(),
            retry_in,
        });
        retry_in
    }

    /// A step the planner's save overtook (git found the plan file changed between the step's
    /// read and its write, and wrote nothing): not an error of the watch. The save is committed
    /// at its `Saved`, and the next look pulls again. A caller running the steps itself (to
    /// measure each, as `tpcli plan watch` does) passes each step's result through it, as
    /// [`Watch::run`] does.
    pub fn unless_saved_meanwhile<T>(&mut self, result: Result<T>) -> Result<Option<T>> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(e) if overtaken_by_a_save(&e) => {
                tracing::info!("a save overtook the step ({e}); the next look takes it in");
                self.pull_next = true;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// A push that failed for a reason that passes (a 429, a 5xx, a dropped connection): told
    /// as a failed look and waited out like one, not the end of the watch. What it sent is
    /// journaled; the next look pulls, which completes the interrupted push first. Returns the
    /// wait before that look (`None` when the push did not fail).
    fn unless_push_failed_for_now(
        &mut self,
        pushed: Result<()>,
        tell: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Option<Duration>> {
        match pushed {
            Ok(()) => Ok(None),
            Err(e) if passing(&e) => {
                self.pull_next = true;
                Ok(Some(self.wait_out(&e, tell)))
            }
            Err(e) => Err(e),
        }
    }

    fn backoff(&self) -> Duration {
        let factor = 1u32 << self.failures.min(16);
        self.opts
            .poll
            .saturating_mul(factor)
            .min(self.opts.max_backoff.max(self.opts.poll))
    }

    /// Commits the plan file when it reads and differs from the working branch; a file that
    /// does not read is told (once) and left alone. Returns whether the file reads.
    fn commit_saved(
        &mut self,
        ctx: &Context<'_>,
        ws: &Workspace,
        tell: &mut (dyn FnMut(Event) + Send),
    ) -> Result<bool> {
        let text = ws.local_text()?;
        if let Err(e) = ws.parse(&text) {
            self.hold(Held::Unreadable(e.to_string()), tell);
            return Ok(false);
        }
        self.told.retain(|h| !matches!(h, Held::Unreadable(_)));
        if commit_as_saved(ctx, ws, &text)? {
            tell(Event::Committed);
        }
        Ok(true)
    }

    /// Asks Targetprocess what changed and pulls when something did (or a whole read is due).
    /// Returns whether the plan file reads (nothing is pulled into a file that does not).
    async fn look(
        &mut self,
        ctx: &Context<'_>,
        ws: &Workspace,
        tell: &mut (dyn FnMut(Event) + Send),
    ) -> Result<bool> {
        if !self.commit_saved(ctx, ws, tell)? {
            return Ok(false);
        }
        self.looks = self.looks.wrapping_add(1);
        let every = self.opts.full_every.max(1);
        let whole = self.pull_next
            || self.since.is_none()
            || self
                .looks
                .is_multiple_of(every.saturating_mul(WHOLE_AFTER_CHECKS));
        if whole
            || self.changed(ctx, ws).await?
            || (self.looks.is_multiple_of(every) && gone_or_moved(ctx, ws).await?)
        {
            self.pull(ctx, ws, tell).await?;
        }
        Ok(true)
    }

    /// Whether Targetprocess holds a version of the plan's entities other than the tracking
    /// branch's, or a program objective changed, since the last look.
    async fn changed(&mut self, ctx: &Context<'_>, ws: &Workspace) -> Result<bool> {
        let Some(since) = self.since else {
            return Ok(true);
        };
        let base = ws.base()?;
        let (release, team) = plan_ids(&base.plan)?;
        let changed = ctx.tp.changed_since(release, team, since).await?;
        self.since = changed.newest.max(self.since);
        Ok(concerns_the_plan(&changed, &base))
    }

    async fn pull(
        &mut self,
        ctx: &Context<'_>,
        ws: &Workspace,
        tell: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        let report = match pull(ctx, ws, &PullOptions::default()).await {
            Err(EngineError::InterruptedPush { .. }) => {
                if let Some(done) = resume(ctx, ws).await? {
                    tell(Event::Resumed(Box::new(done)));
                }
                pull(ctx, ws, &PullOptions::default()).await
            }
            other => other,
        };
        let report = match report {
            // The planner saved while the pull merged, and kept saving (or saved a file that
            // does not read): nothing was written over it; the next look pulls again.
            Err(EngineError::SavedDuringPull { .. }) => {
                self.pull_next = true;
                return Ok(());
            }
            other => other?,
        };
        self.pull_next = false;
        self.since = newest_version(ws)?.max(self.since);
        self.told.retain(|h| !matches!(h, Held::RemoteChanged));
        let new: Vec<Conflict> = report
            .conflicts
            .iter()
            .filter(|c| !self.open.iter().any(|o| same_field(o, c)))
            .cloned()
            .collect();
        self.open.clone_from(&report.conflicts);
        if report.tp_changed {
            tell(Event::Pulled(Box::new(report)));
        }
        if !new.is_empty() {
            tell(Event::Conflicts(new));
        }
        Ok(())
    }

    /// Pushes when the mode allows and nothing holds the push back; tells why otherwise.
    async fn push_step(
        &mut self,
        ctx: &Context<'_>,
        ws: &Workspace,
        confirm: Option<Confirm<'_>>,
        tell: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        if self.opts.push == PushMode::Never {
            return Ok(());
        }
        // A save that landed since the step's own commit is committed (and told) here, not
        // taken in unannounced by the push.
        if !self.commit_saved(ctx, ws, tell)? {
            return Ok(());
        }
        let ops = crate::approvals::current_change(ws)?.ops;
        if ops.is_empty() {
            self.told.clear();
            self.declined = None;
            return Ok(());
        }
        if let Some(reason) = self.before_push(ws, &ops)? {
            self.hold(reason, tell);
            return Ok(());
        }
        if let (PushMode::Ask, Some(ask)) = (self.opts.push, confirm)
            && !ask(&ops)
        {
            self.declined = Some(ops);
            self.hold(Held::Declined, tell);
            return Ok(());
        }
        let outcome = push(ctx, ws, PushOptions::default()).await;
        self.after_push(outcome, tell)
    }

    /// What holds a push back before anything is sent: validation errors, conflicts, deletions,
    /// operations the planner already declined.
    fn before_push(&self, ws: &Workspace, ops: &[Op]) -> Result<Option<Held>> {
        let plan = ws.local()?;
        let config = crate::approvals::repo_config(ws)?;
        let known = crate::workflows::known_statuses(&ws.repo, &ws.names, &config.statuses)?;
        let errors: Vec<String> = pi_model::validate::validate_with(&plan, &config, &known)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.message)
            .collect();
        if !errors.is_empty() {
            return Ok(Some(Held::Invalid(errors)));
        }
        let conflicts = state::load_conflicts(&ws.local_dir()?)?.len();
        if conflicts > 0 {
            return Ok(Some(Held::Conflicts(conflicts)));
        }
        let deletes = ops.iter().filter(|o| o.is_delete()).count();
        if deletes > 0 {
            return Ok(Some(Held::Deletes(deletes)));
        }
        Ok((self.declined.as_deref() == Some(ops)).then_some(Held::Declined))
    }

    fn after_push(
        &mut self,
        outcome: Result<PushOutcome>,
        tell: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        let held = match outcome {
            Ok(PushOutcome::Pushed(report)) => {
                self.told.clear();
                tell(Event::Pushed(Box::new(report)));
                return Ok(());
            }
            Ok(PushOutcome::NothingToPush { .. } | PushOutcome::Preview { .. }) => return Ok(()),
            Ok(PushOutcome::Blocked { conflicts }) => Held::Conflicts(conflicts),
            Ok(PushOutcome::BlockedByValidation { findings }) => {
                Held::Invalid(findings.into_iter().map(|f| f.message).collect())
            }
            Ok(PushOutcome::NeedsConfirmation { ops }) => {
                Held::Deletes(ops.iter().filter(|o| o.is_delete()).count())
            }
            Ok(PushOutcome::AwaitingApproval { status }) => {
                Held::AwaitingApproval(status.missing())
            }
            Ok(PushOutcome::RemoteChanged { .. }) => {
                self.pull_next = true;
                Held::RemoteChanged
            }
            Err(EngineError::PlanBusy { by, .. }) => Held::LeaseBusy { by },
            Err(e) => return Err(e),
        };
        self.hold(held, tell);
        Ok(())
    }

    /// Tells `reason` unless it was told and has not gone away since.
    fn hold(&mut self, reason: Held, tell: &mut (dyn FnMut(Event) + Send)) {
        if self.told.insert(reason.clone()) {
            tell(Event::Held(reason));
        }
    }
}

/// Whether a look's answer concerns the plan: an entity of the plan at another version than
/// the tracking branch's, a program objective changed, or an entity new to the plan (a team
/// objective, or a feature linked to one of the plan's objectives or whose links the answer
/// does not tell). A feature only other teams' objectives link to is their change: the look at
/// a team's features is a look at the release's.
pub(crate) fn concerns_the_plan(changed: &pi_targetprocess::Changed, base: &Base) -> bool {
    let objectives: BTreeSet<i64> = base
        .plan
        .objectives
        .iter()
        .filter_map(|o| o.id.tp())
        .collect();
    let ours = |id: &i64| {
        changed
            .links
            .get(id)
            .is_none_or(|linked| linked.iter().any(|o| objectives.contains(o)))
    };
    let moved = changed
        .work_items
        .iter()
        .any(|(id, v)| match base.versions.entities.get(id) {
            Some(known) => known != &Version::from(v),
            None => ours(id),
        });
    moved || !changed.program_objectives.is_empty()
}

/// Whether two conflicts are about the same field of the same entity (their values may differ
/// as either side edits it again).
fn same_field(a: &Conflict, b: &Conflict) -> bool {
    a.kind == b.kind && a.entity == b.entity && a.field == b.field
}

/// A look that failed for a reason that passes (rate limit, server error, network): waited out.
/// An editor's save under way when a step read the plan file: git found it changed between the
/// step's read and its write, or the file was gone or half-replaced while git or the step read
/// it (an editor that deletes and writes again, or replaces it). Nothing was written; the next
/// look reads the file as saved.
fn overtaken_by_a_save(e: &EngineError) -> bool {
    match e {
        EngineError::Git(pi_git::GitError::DirtyWorktree { .. }) => true,
        EngineError::Git(g) => g.is_worktree_read_race(),
        EngineError::PlanFile {
            writing: false,
            source,
            ..
        } => source.kind() == std::io::ErrorKind::NotFound,
        _ => false,
    }
}

fn passing(e: &EngineError) -> bool {
    use pi_targetprocess::TpError;
    matches!(
        e,
        EngineError::Tp(
            TpError::RateLimited { .. } | TpError::Server { .. } | TpError::Network { .. }
        )
    )
}

/// Commits `text` (the plan file as saved) on the working branch exactly as the app's save does
/// (`save::SAVE_SUBJECT`, `Pi-Source: local`, in the planner's name), under the repository
/// lock, without writing the file again. Returns whether a commit was made.
fn commit_as_saved(ctx: &Context<'_>, ws: &Workspace, text: &str) -> Result<bool> {
    let _lock = pi_git::RepoLock::acquire(&ws.repo, crate::workspace::LOCK_WAIT)?;
    let branch = ws.names.working();
    let before = ws.repo.branch_tip(&branch)?;
    let message = pi_git::CommitMessage::new(crate::save::SAVE_SUBJECT)
        .with_trailers(pi_git::Trailers::new().with_source(pi_git::Source::Local));
    let change = pi_git::FileChange {
        path: &ws.plan_file(),
        content: text.as_bytes(),
        message: &message,
    };
    let after = ws.repo.commit_file(&branch, &change, &ctx.stamp())?;
    Ok(before != Some(after))
}

/// Whether a team objective or feature of the tracking branch is gone from Targetprocess or
/// at another version there (a deletion changes no `ModifyDate` a look could find): their ids
/// re-read, versions only, a few small reads instead of the whole plan and its merge.
async fn gone_or_moved(ctx: &Context<'_>, ws: &Workspace) -> Result<bool> {
    use pi_targetprocess::Kind;
    let base = ws.base()?;
    let objectives: Vec<i64> = base
        .plan
        .objectives
        .iter()
        .filter_map(|o| o.id.tp())
        .collect();
    let features: Vec<i64> = (base.plan.objectives.iter().flat_map(|o| &o.features))
        .filter_map(|f| f.id.tp())
        .collect();
    let (objectives_now, features_now) = futures::try_join!(
        ctx.tp.reread_versions(Kind::TeamObjective, &objectives),
        ctx.tp.reread_versions(Kind::Feature, &features),
    )?;
    let differs =
        |ids: &[i64], now: &std::collections::BTreeMap<i64, pi_targetprocess::SyncVersion>| {
            ids.iter()
                .any(|id| now.get(id).map(Version::from).as_ref() != base.versions.entities.get(id))
        };
    Ok(differs(&objectives, &objectives_now) || differs(&features, &features_now))
}

/// The latest `ModifyDate` on the tracking branch.
fn newest_version(ws: &Workspace) -> Result<Option<DateTime<Utc>>> {
    Ok(ws
        .base()?
        .versions
        .entities
        .values()
        .filter_map(|v| v.modify_date.as_deref())
        .filter_map(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&Utc))
        .max())
}
