//! Rebuilding a plan whose tracking branch holds a Targetprocess snapshot that does not read (as
//! an earlier version could write from a name with a line break): a fresh snapshot is fetched and
//! committed on the tracking branch, and the working branch takes it in, so `status`, `pull` and
//! `push` work again. `tpcli plan verify --repair` runs it.
//!
//! What the plan file held is kept where it can be read: the working branch's newest readable
//! version is merged, field by field, with the fresh snapshot against the newest readable older
//! snapshot (a plan that never read takes Targetprocess's state). A plan file with uncommitted
//! edits that do not read is left to the planner, since nothing could merge them.

use pi_git::{CommitMessage, Oid, RepoLock, Trailers};
use pi_model::{Plan, merge};

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::snapshot::render_checked;
use crate::state;
use crate::tracking::commit_tracking;
use crate::workspace::LOCK_WAIT;
use crate::workspace::Workspace;

/// Versions searched back for a readable plan, per branch.
const READABLE_SEARCH: usize = 200;

/// The tracking branch's newest snapshot (the one the working branch merged) when it does not
/// read: its name (`branch:file`) and errors. `None` when it reads.
pub(crate) fn unreadable_base(ws: &Workspace) -> Result<Option<(String, pi_format::ParseErrors)>> {
    match ws.base() {
        Ok(_) => Ok(None),
        Err(EngineError::Parse { file, errors }) if file.starts_with(&ws.names.tracking()) => {
            Ok(Some((file, errors)))
        }
        Err(e) => Err(e),
    }
}

/// Fetches the plan from Targetprocess, commits it on the tracking branch and merges it into the
/// working branch. Returns the number of conflicts the merge left (kept like a pull's).
pub(crate) async fn rebuild(ctx: &Context<'_>, ws: &Workspace) -> Result<usize> {
    let _lock = RepoLock::acquire(&ws.repo, LOCK_WAIT)?;
    let (tracking, working, file) = (ws.names.tracking(), ws.names.working(), ws.plan_file());
    let header = ws.base_header()?;
    let (release, team) = crate::workspace::plan_ids(&header)?;
    let local = local_plan(ctx, ws)?;
    let mut remote = ctx.tp.fetch_team_plan(release, team).await?;
    remote.plan.meta = header.meta;
    let base = newest_readable(ws, &tracking)?.unwrap_or_else(|| remote.plan.clone());
    // Stories come from Jira at pulls; the rebuilt snapshot keeps the readable one's.
    crate::stories::settle(&mut remote.plan, &base, None);
    let local = local.unwrap_or_else(|| remote.plan.clone());
    commit_tracking(
        &ws.repo,
        &ws.names,
        &remote,
        ctx,
        "Rebuild the Targetprocess snapshot",
    )?;
    let outcome = merge::merge(&base, &local, &remote.plan);
    let text = render_checked(
        &outcome.merged,
        "the rebuilt plan",
        &format!("{working}:{file}"),
    )?;
    let message = CommitMessage::new("Take in the rebuilt Targetprocess snapshot")
        .with_trailers(Trailers::new().with_source(ctx.source()));
    let change = pi_git::FileChange {
        path: &file,
        content: text.as_bytes(),
        message: &message,
    };
    ws.repo
        .merge_commit(&working, &tracking, &change, &ctx.stamp())?;
    let dir = ws.local_dir()?;
    let mut conflicts = state::load_conflicts(&dir)?;
    conflicts.extend(outcome.conflicts);
    state::save_conflicts(&dir, &conflicts)?;
    Ok(conflicts.len())
}

/// The planner's plan: the file on disk when it reads (committed first, as a pull does), else
/// the working branch's newest readable version (`None`: it never read). Uncommitted edits that
/// do not read stop the rebuild.
fn local_plan(ctx: &Context<'_>, ws: &Workspace) -> Result<Option<Plan>> {
    let text = ws.local_text()?;
    if let Ok(parsed) = pi_format::parse(&text) {
        crate::save::commit_local_edits(ctx, ws, &text)?;
        return Ok(Some(parsed.plan));
    }
    let working = ws.names.working();
    let committed = ws.repo.read_file(&working, &ws.plan_file())?;
    if committed.as_deref() != Some(text.as_bytes()) {
        return Err(EngineError::UnreadableEdits {
            file: ws.plan_file(),
        });
    }
    newest_readable(ws, &working)
}

/// The newest version of the plan file on `branch` (its history, newest first) that reads.
fn newest_readable(ws: &Workspace, branch: &str) -> Result<Option<Plan>> {
    let file = ws.plan_file();
    for commit in ws.repo.history(branch, &file, Some(READABLE_SEARCH))? {
        if let Some(plan) = read_at(ws, commit.id, &file).and_then(|t| pi_format::parse(&t).ok()) {
            return Ok(Some(plan.plan));
        }
    }
    Ok(None)
}

fn read_at(ws: &Workspace, commit: Oid, file: &str) -> Option<String> {
    let bytes = ws.repo.read_file_at(commit, file).ok()??;
    String::from_utf8(bytes).ok()
}
