//! `pull`: Targetprocess → tracking branch → field-level three-way merge into the working branch.

use pi_git::{CommitMessage, RepoLock, Trailers};
use pi_model::Plan;
use pi_model::merge::{self, Change, Conflict, Origin};

use pi_model::lookup::conflict_value;

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::oplog::{self, ConflictRecord, FieldWrite, OpEntry, OpKind};
use crate::progress::Progress;
use crate::save::commit_local_edits;
use crate::state;
use crate::stories::{self, StoriesRefresh, StorySource};
use crate::tracking::{commit_tracking_with, tp_actor};
use crate::workspace::{LOCK_WAIT, Workspace, plan_ids};

#[derive(Clone, Default)]
pub struct PullOptions<'a> {
    /// Write git-style conflict markers into the plan file around conflicting fields.
    pub markers: bool,
    /// Where the stories under the features' Jira epics are read from; `None`: the plan's
    /// stories are left as they are.
    pub stories: Option<&'a dyn StorySource>,
}

impl std::fmt::Debug for PullOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PullOptions")
            .field("markers", &self.markers)
            .field("stories", &self.stories.is_some())
            .finish()
    }
}

/// What a pull brought in, what stayed local, and what conflicts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct PullReport {
    /// Changes that came from Targetprocess into the plan file.
    #[serde(rename = "from_targetprocess")]
    pub from_tp: Vec<Change>,
    /// Local changes not in Targetprocess yet (kept).
    #[serde(rename = "kept_local")]
    pub local: Vec<Change>,
    /// Every unresolved conflict after this pull (new ones and still-open earlier ones).
    pub conflicts: Vec<Conflict>,
    /// False when Targetprocess had not changed since the last pull.
    pub tp_changed: bool,
    /// What the inbound boundary had to cut or flatten in Targetprocess's data (see
    /// `RemotePlan::warnings`), for the planner to see.
    pub warnings: Vec<String>,
    /// What Targetprocess had that the plan could not place or map (see
    /// `RemotePlan::notices`): never left out without a word.
    #[schemars(with = "Vec<serde_json::Value>")]
    pub notices: Vec<pi_targetprocess::Notice>,
    /// The stories under the features' Jira epics: read, or why not (the plan keeps the ones
    /// it had). `None`: the pull had no story source (no `[jira]`).
    pub jira: Option<StoriesRefresh>,
}

#[tracing::instrument(name = "pull", skip_all, fields(plan = %ws.names.plan_slug()))]
pub async fn pull(ctx: &Context<'_>, ws: &Workspace, opts: &PullOptions<'_>) -> Result<PullReport> {
    let _lock = RepoLock::acquire(&ws.repo, LOCK_WAIT)?;
    let finished = finish_closed_push(ctx, ws).await?;
    ctx.report(Progress::ReadingPlan);
    let edited = ws.local_text()?;
    ws.parse(&edited)?;
    commit_local_edits(ctx, ws, &edited)?;
    let shared = crate::remote::integrate(ctx, ws)?;
    let local_text = ws.local_text()?;
    ws.parse(&local_text)?;
    let base = ws.base()?;
    let (release, team) = plan_ids(&base.plan)?;
    ctx.report(Progress::Fetching);
    let (remote, states) =
        futures::join!(ctx.tp.fetch_team_plan(release, team), ctx.tp.workflows());
    let mut remote = remote?;
    let states = crate::workflows::settle(states, &mut remote);
    remote.plan.meta = base.plan.meta.clone();
    let fetched = stories::fetch(opts.stories, &remote.plan).await;
    stories::settle(&mut remote.plan, &base.plan, fetched.as_ref().map(|f| &f.0));
    let (tip, editors) = commit_tracking_with(
        &ws.repo,
        &ws.names,
        &remote,
        states.as_ref(),
        ctx,
        "Pull from Targetprocess",
    )?;
    let tp_changed = tip != base.commit;
    ctx.report(Progress::Merging);
    let inputs = Inputs {
        base: &base.plan,
        remote: &remote.plan,
        stories: fetched.as_ref().map(|f| &f.0),
        earlier: finished.into_iter().chain(shared).collect(),
        markers: opts.markers,
    };
    let merged = merge_into_file(ctx, ws, &inputs, local_text, tp_changed)?;
    let mut conflicts = merged.conflicts;
    ctx.report(Progress::Publishing);
    let late = crate::remote::publish(ctx, ws, "The pull is merged into your plan")?;
    if !late.is_empty() {
        conflicts.extend(late);
        state::save_conflicts(&ws.local_dir()?, &conflicts)?;
    }
    let (from_tp, kept): (Vec<Change>, Vec<Change>) = merged
        .changes
        .into_iter()
        .partition(|c| c.origin == Origin::Remote);
    if tp_changed {
        let records = conflict_records(ctx, &conflicts, &remote.editors);
        log_pull(ctx, ws, &from_tp, records, editors)?;
    }
    Ok(PullReport {
        from_tp,
        local: kept,
        conflicts,
        tp_changed,
        warnings: remote.warnings.clone(),
        notices: remote.notices.clone(),
        jira: fetched.map(|f| f.1),
    })
}

/// How many saves made while one pull runs are merged again before the pull gives up (and
/// writes nothing): a planner saving that often is better served by the next pull.
const SAVES_DURING_PULL: usize = 3;

/// What a pull merges into the plan file, whatever the file holds when it is merged.
struct Inputs<'a> {
    base: &'a Plan,
    remote: &'a Plan,
    stories: Option<&'a stories::Fetched>,
    /// Conflicts found before the merge (an interrupted push's end, the shared remote's).
    earlier: Vec<Conflict>,
    markers: bool,
}

/// One merge of the plan file with Targetprocess's plan.
struct Merged {
    changes: Vec<Change>,
    conflicts: Vec<Conflict>,
    text: String,
}

/// Merges Targetprocess's plan into `local_text` (the plan file as last committed) and writes
/// the merge as the plan file and its commit. Just before writing, the file is read again: a
/// save the planner made while the pull fetched is never overwritten but committed (as any
/// typed edit is) and merged again; after [`SAVES_DURING_PULL`] such saves, or a save that does
/// not read as a plan, the pull writes nothing and says so ([`EngineError::SavedDuringPull`]).
fn merge_into_file(
    ctx: &Context<'_>,
    ws: &Workspace,
    inputs: &Inputs<'_>,
    mut local_text: String,
    tp_changed: bool,
) -> Result<Merged> {
    for _ in 0..=SAVES_DURING_PULL {
        let merged = merge_text(ws, inputs, &local_text)?;
        if ws.local_text()? == local_text
            && written(write_merge(ctx, ws, &merged.text, &local_text, tp_changed))?
        {
            state::save_conflicts(&ws.local_dir()?, &merged.conflicts)?;
            return Ok(merged);
        }
        local_text = take_save(ctx, ws)?;
    }
    Err(saved_during_pull(ws, true))
}

/// The merge of `local_text` with Targetprocess's plan, its conflicts (with those still open
/// from earlier pulls) and the text to write.
fn merge_text(ws: &Workspace, inputs: &Inputs<'_>, local_text: &str) -> Result<Merged> {
    let local = ws.parse(local_text)?;
    let mut outcome = merge::merge(inputs.base, &local, inputs.remote);
    if let Some(read) = inputs.stories {
        stories::apply(&mut outcome.merged, read);
    }
    let earlier: Vec<Conflict> = state::load_conflicts(&ws.local_dir()?)?
        .into_iter()
        .filter(|c| !inputs.earlier.contains(c))
        .collect();
    let conflicts = still_open(earlier, &outcome.merged, inputs.remote)
        .into_iter()
        .chain(inputs.earlier.iter().cloned())
        .chain(outcome.conflicts.iter().cloned())
        .collect::<Vec<_>>();
    // The plan must read back; with markers, the file reads once they are resolved.
    let where_ = format!("{}:{}", ws.names.working(), ws.plan_file());
    let plain = crate::snapshot::render_checked(&outcome.merged, "the merged plan", &where_)?;
    let text = if inputs.markers && !conflicts.is_empty() {
        let labels = pi_format::MarkerLabels {
            local: "yours",
            base: "last pull",
            remote: "Targetprocess",
        };
        pi_format::render_with_markers(&outcome.merged, &conflicts, labels)
    } else {
        plain
    };
    Ok(Merged {
        changes: outcome.changes,
        conflicts,
        text,
    })
}

/// Commits the merged `text` on the working branch (a merge of the tracking branch when
/// Targetprocess changed) and writes it as the plan file.
fn write_merge(
    ctx: &Context<'_>,
    ws: &Workspace,
    text: &str,
    local_text: &str,
    tp_changed: bool,
) -> Result<()> {
    ctx.report(Progress::Committing);
    let message = CommitMessage::new("Merge Targetprocess changes into the plan")
        .with_trailers(Trailers::new().with_source(ctx.source()));
    let change = pi_git::FileChange {
        path: &ws.plan_file(),
        content: text.as_bytes(),
        message: &message,
    };
    if tp_changed {
        ws.repo.merge_commit(
            &ws.names.working(),
            &ws.names.tracking(),
            &change,
            &ctx.stamp(),
        )?;
    } else if text != local_text {
        ws.repo
            .commit_file(&ws.names.working(), &change, &ctx.stamp())?;
    }
    Ok(())
}

/// Whether the merge was written: `false` when the plan file was saved between the last read
/// and the write (git found it changed and wrote nothing).
fn written(result: Result<()>) -> Result<bool> {
    match result {
        Ok(()) => Ok(true),
        Err(EngineError::Git(pi_git::GitError::DirtyWorktree { .. })) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The plan file as the planner saved it during the pull, committed as a typed edit. A save
/// that does not read as a plan stops the pull (nothing written); one saved yet again before it
/// could be committed is left for the next merge's read.
fn take_save(ctx: &Context<'_>, ws: &Workspace) -> Result<String> {
    let text = ws.local_text()?;
    if ws.parse(&text).is_err() {
        return Err(saved_during_pull(ws, false));
    }
    written(commit_local_edits(ctx, ws, &text))?;
    Ok(text)
}

fn saved_during_pull(ws: &Workspace, readable: bool) -> EngineError {
    EngineError::SavedDuringPull {
        path: ws.plan_file(),
        readable,
    }
}

/// Ends an interrupted push whose operations are all closed (sent, refused or skipped): only its
/// end is left (ids written back, Targetprocess's state merged), done here sending nothing.
/// Returns the conflicts that end found: new to the planner, they are this pull's to report (the
/// merge after it no longer sees them). A push with open operations must be resumed first: its
/// creates may have reached Targetprocess, and merged in as "added there" they would sit in the
/// plan twice.
async fn finish_closed_push(ctx: &Context<'_>, ws: &Workspace) -> Result<Vec<Conflict>> {
    let mut journal = crate::journal::Journal::open(&ws.local_dir()?.join("journal.sqlite"))?;
    let Some(record) = journal.unfinished(&ws.names.plan_slug())? else {
        return Ok(Vec::new());
    };
    let ops_left = record.open_ops();
    if ops_left > 0 {
        return Err(EngineError::InterruptedPush { ops_left });
    }
    let dir = ws.local_dir()?;
    let before = state::load_conflicts(&dir)?;
    crate::sending::finish_closed(ctx, ws, &mut journal, record).await?;
    Ok(state::load_conflicts(&dir)?
        .into_iter()
        .filter(|c| !before.contains(c))
        .collect())
}

/// Earlier conflicts that a new merge would otherwise hide: the file still holds the local side
/// and Targetprocess still holds a different value.
fn still_open(earlier: Vec<Conflict>, merged: &Plan, remote: &Plan) -> Vec<Conflict> {
    earlier
        .into_iter()
        .filter(|c| {
            let (Some(now), Some(tp)) = (conflict_value(merged, c), conflict_value(remote, c))
            else {
                return false;
            };
            now == c.local && tp != c.local
        })
        .map(|mut c| {
            if let Some(tp) = conflict_value(remote, &c) {
                c.remote = tp;
            }
            c
        })
        .collect()
}

/// The conflicts open after a pull, with who made each side: the planner who pulled, and the
/// entity's last editor in Targetprocess.
fn conflict_records(
    ctx: &Context<'_>,
    conflicts: &[Conflict],
    editors: &std::collections::BTreeMap<i64, String>,
) -> Vec<ConflictRecord> {
    let me = format!("{} <{}>", ctx.me.name, ctx.me.email);
    conflicts
        .iter()
        .map(|c| ConflictRecord {
            conflict: c.clone(),
            local_by: Some(me.clone()),
            remote_by: c.entity.tp().and_then(|id| editors.get(&id).cloned()),
        })
        .collect()
}

/// Appends the pull's entry: the fields Targetprocess changed and the conflicts left open.
fn log_pull(
    ctx: &Context<'_>,
    ws: &Workspace,
    from_tp: &[Change],
    conflicts: Vec<ConflictRecord>,
    editors: Vec<String>,
) -> Result<()> {
    let writes = from_tp
        .iter()
        .map(|c| FieldWrite {
            entity: c.entity.clone(),
            name: c.name.clone(),
            field: c.field,
            before: c.from.clone(),
            after: c.to.clone(),
        })
        .collect();
    let entry = OpEntry {
        id: format!("pull-{}", ctx.now.timestamp_millis()),
        kind: OpKind::Pull,
        actor: tp_actor(editors),
        at: ctx.at(),
        summary: format!(
            "Pulled {} change(s) from Targetprocess; {} conflict(s) open",
            from_tp.len(),
            conflicts.len()
        ),
        writes,
        created: vec![],
        conflicts,
    };
    oplog::append(&ws.repo, &ws.names.oplog_ref(), &entry, &ctx.stamp())
}
