//! `status`: where the plan stands, in words a planner understands — local changes not pushed,
//! Targetprocess changes not pulled, unresolved conflicts, an interrupted push.

use pi_model::changeset::{self, Op};
use pi_model::merge::Conflict;

use crate::context::Context;
use crate::error::Result;
use crate::journal::{Journal, OpState};
use crate::state;
use crate::workspace::Workspace;
use crate::workspace::plan_ids;

/// A change of the last push that Targetprocess refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub op: Op,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub working_branch: String,
    pub plan_file: String,
    /// Operations a push would send now.
    pub local_changes: Vec<Op>,
    /// Whether Targetprocess changed since the last pull (`None` when not checked: offline).
    pub tp_changed: Option<bool>,
    pub conflicts: Vec<Conflict>,
    /// Operations of an interrupted push still to be completed (`tpcli plan resume`).
    pub unfinished_push: usize,
    /// Changes the last push sent that Targetprocess refused, with its reasons, as long as the
    /// plan still holds them: fix them and push again, or discard them.
    pub refused: Vec<Refused>,
    /// The plan file cannot be read (e.g. conflict markers); the message says where.
    pub file_problem: Option<String>,
    /// Stories edited in the plan file: read-only, never pushed, replaced by Jira's at the next
    /// pull that reads Jira.
    pub stories_edited: Vec<crate::stories::EditedStories>,
}

pub async fn status(ctx: Option<&Context<'_>>, ws: &Workspace) -> Result<Status> {
    let base = ws.base()?;
    let dir = ws.local_dir()?;
    let journal = Journal::open(&dir.join("journal.sqlite"))?;
    let interrupted = journal.unfinished(&ws.names.plan_slug())?;
    let local = ws.local();
    let stories_edited = local
        .as_ref()
        .map(|l| crate::stories::edited(&base.plan, l))
        .unwrap_or_default();
    let (local_changes, file_problem) = match local {
        Ok(local) => match changeset::push_plan(&base.plan, &local) {
            Ok(ops) => (ops, None),
            // A push stopped after writing the new items' ids into the plan but before
            // refreshing the tracking branch: the ids are not known there yet. Completing the
            // push (resume) settles it; the interrupted push is what status reports.
            Err(_) if interrupted.is_some() => (Vec::new(), None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        },
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let tp_changed = match ctx {
        Some(ctx) => {
            let (release, team) = plan_ids(&base.plan)?;
            let mut remote = ctx.tp.fetch_team_plan(release, team).await?;
            remote.plan.meta = base.plan.meta.clone();
            // Stories come from Jira, not Targetprocess: the snapshot's are not a TP change.
            crate::stories::settle(&mut remote.plan, &base.plan, None);
            let versions = state::Versions::from_remote(&remote);
            Some(remote.plan != base.plan || versions != base.versions)
        }
        None => None,
    };
    let unfinished_push = interrupted.map_or(0, |p| p.open_ops());
    let refused = last_refused(&journal, &ws.names.plan_slug(), &local_changes)?;
    Ok(Status {
        working_branch: ws.names.working(),
        plan_file: ws.plan_file(),
        local_changes,
        tp_changed,
        conflicts: state::load_conflicts(&dir)?,
        unfinished_push,
        refused,
        file_problem,
        stories_edited,
    })
}

/// The refused operations of the newest push whose item still has a change to push.
pub(crate) fn last_refused(journal: &Journal, plan: &str, pending: &[Op]) -> Result<Vec<Refused>> {
    let Some(id) = journal.latest_id(plan)? else {
        return Ok(Vec::new());
    };
    let record = journal.push(id)?;
    Ok(record
        .ops
        .into_iter()
        .filter(|o| o.state == OpState::Failed)
        .filter(|o| pending.iter().any(|p| p.entity() == o.op.entity()))
        .map(|o| Refused {
            reason: o.error.unwrap_or_default(),
            op: o.op,
        })
        .collect())
}
