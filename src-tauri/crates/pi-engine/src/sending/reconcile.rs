//! Reconciling an interrupted push with Targetprocess before its open operations are sent
//! again: what landed is recorded as done, what someone else changed meanwhile is not
//! overwritten, and what is ambiguous becomes a conflict.

use std::collections::BTreeMap;

use pi_model::changeset::{FieldChange, Op};
use pi_model::lookup::Entity;
use pi_model::{EntityId, Plan};
use pi_targetprocess::RemotePlan;

use super::complete::same;
use super::stale_fields;
use crate::context::Context;
use crate::error::Result;
use crate::journal::{Journal, JournalOp, OpState, PushRecord};
use crate::state::{self, Version};
use crate::workspace::{Workspace, plan_ids};

/// Before an interrupted push is completed, Targetprocess may have changed since its preflight.
/// An update is sent again only for the fields that still hold the value it was planned
/// against; a field that already holds the sent value landed before the interruption (if the
/// operation was ever sent: otherwise someone else wrote that value, and the merge treats it as
/// theirs); a field another planner changed meanwhile is not overwritten: the merge after the
/// push takes their later edit when the tracking branch had already seen ours land, and reports a
/// conflict otherwise. A field back at the planned-against value although the entity's version
/// moved since the preflight, while the update may have been sent, is ambiguous (it may have
/// landed and been set back by someone else): it is not sent but reported as a conflict. Likewise
/// a delete is not sent when the entity is gone already (it landed) or was changed since the last
/// pull (the merge reports the edit/delete conflict). What the planner has changed again in the
/// plan file since (a value, a deleted item put back) is not sent either. Every decision is
/// written to the journal before anything is sent: what landed becomes an operation of its own,
/// done; an operation left with nothing to send is skipped.
pub(crate) async fn reconcile(
    ctx: &Context<'_>,
    ws: &Workspace,
    journal: &mut Journal,
    record: PushRecord,
) -> Result<PushRecord> {
    let unsent = |o: &JournalOp| {
        o.state.is_open()
            && matches!(
                o.op,
                Op::UpdateObjective { .. }
                    | Op::UpdateFeature { .. }
                    | Op::DeleteObjective { .. }
                    | Op::DeleteFeature { .. }
            )
            && o.op.entity().tp().is_some()
    };
    if !record.ops.iter().any(unsent) {
        return Ok(record);
    }
    let base = ws.base()?;
    // A rollback's operations undo values the plan file still holds: only a push is compared
    // with the file.
    let local = match record.rollback_of {
        None => Some(ws.local()?),
        Some(_) => None,
    };
    let (release, team) = plan_ids(&base.plan)?;
    ctx.report(crate::progress::Progress::Fetching);
    let remote = ctx.tp.fetch_team_plan(release, team).await?;
    let seen = Seen {
        base: &base.plan,
        local: local.as_ref(),
        remote: &remote,
        planned: &record.planned,
    };
    let mut doubtful = Vec::new();
    for jop in record.ops.iter().filter(|o| unsent(o)) {
        match &jop.op {
            Op::UpdateObjective { id, changes, .. } | Op::UpdateFeature { id, changes, .. } => {
                let Some(split) = seen.update(jop, id, changes, &mut doubtful) else {
                    continue;
                };
                journal.split_op(
                    record.id,
                    jop.seq,
                    &split.rest,
                    split.state,
                    split.landed.as_ref(),
                )?;
            }
            delete => {
                if let Some(state) = seen.delete(jop, delete) {
                    journal.set_state(record.id, jop.seq, state, None, None)?;
                }
            }
        }
    }
    if !doubtful.is_empty() {
        report_doubtful(ws, &doubtful)?;
    }
    Ok(journal.push(record.id)?)
}

/// What a reconciliation compares: the last pulled state, the plan file (not for a rollback),
/// Targetprocess now, and the versions the push was planned against.
struct Seen<'a> {
    base: &'a Plan,
    local: Option<&'a Plan>,
    remote: &'a RemotePlan,
    planned: &'a BTreeMap<i64, Version>,
}

/// An update divided: what is still to send (and its state), and what had landed.
struct Split {
    rest: Op,
    state: OpState,
    landed: Option<Op>,
}

impl Seen<'_> {
    /// The split of an open update, or `None` when it goes as planned (or its entity is gone
    /// from Targetprocess: the update reports it). Fields that may have landed and been set
    /// back go to `doubtful`.
    fn update(
        &self,
        jop: &JournalOp,
        id: &EntityId,
        changes: &[FieldChange],
        doubtful: &mut Vec<(Op, FieldChange)>,
    ) -> Option<Split> {
        let maybe_sent = jop.state == OpState::Sending;
        let now = Entity::find(&self.remote.plan, id)?;
        let moved = self.moved(id);
        let wanted = self.local.and_then(|l| Entity::find(l, id));
        let (mut landed, mut rest) = (Vec::new(), Vec::new());
        for c in changes {
            let there = same(&now.get(c.field), &c.to);
            // A value the planner has since changed again in the plan file is not sent: the
            // file's value is the next push's business.
            let still_wanted =
                self.local.is_none() || wanted.is_some_and(|w| same(&w.get(c.field), &c.to));
            if there {
                if maybe_sent {
                    landed.push(c.clone());
                }
            } else if still_wanted && same(&now.get(c.field), &c.from) {
                if maybe_sent && moved {
                    doubtful.push((jop.op.clone(), c.clone()));
                } else {
                    rest.push(c.clone());
                }
            }
        }
        if landed.is_empty() && rest.len() == changes.len() {
            return None; // sent as planned
        }
        let state = if rest.is_empty() {
            OpState::Skipped
        } else {
            jop.state
        };
        Some(Split {
            rest: with_changes(&jop.op, rest),
            state,
            landed: (!landed.is_empty()).then(|| with_changes(&jop.op, landed)),
        })
    }

    /// Moved since the push was planned: someone else wrote to the entity (or this push did,
    /// when it was sent).
    fn moved(&self, id: &EntityId) -> bool {
        id.tp().is_some_and(|tp| {
            let (Some(planned), Some(v)) = (self.planned.get(&tp), self.remote.versions.get(&tp))
            else {
                return false;
            };
            &Version::from(v) != planned
        })
    }

    /// The state an open delete is closed with, or `None` to send it.
    fn delete(&self, jop: &JournalOp, delete: &Op) -> Option<OpState> {
        let maybe_sent = jop.state == OpState::Sending;
        let gone = Entity::find(&self.remote.plan, delete.entity()).is_none();
        let kept = self
            .local
            .is_some_and(|l| Entity::find(l, delete.entity()).is_some());
        if gone && maybe_sent {
            Some(OpState::Done)
        } else if gone || kept || !stale_fields(self.base, &self.remote.plan, delete).is_empty() {
            Some(OpState::Skipped)
        } else {
            None
        }
    }
}

/// `op` (an update) with `changes` instead of its own.
fn with_changes(op: &Op, changes: Vec<FieldChange>) -> Op {
    let mut op = op.clone();
    if let Op::UpdateObjective { changes: c, .. } | Op::UpdateFeature { changes: c, .. } = &mut op {
        *c = changes;
    }
    op
}

/// Records a conflict for each field an interrupted update may have written before someone
/// set it back: the plan file keeps the planner's value until they resolve it.
fn report_doubtful(
    ws: &Workspace,
    doubtful: &[(Op, pi_model::changeset::FieldChange)],
) -> Result<()> {
    let dir = ws.local_dir()?;
    let mut conflicts = state::load_conflicts(&dir)?;
    for (op, c) in doubtful {
        let (kind, name) = match op {
            Op::UpdateObjective { name, .. } => (pi_model::merge::EntityKind::Objective, name),
            Op::UpdateFeature { name, .. } => (pi_model::merge::EntityKind::Feature, name),
            _ => continue,
        };
        let conflict = pi_model::merge::Conflict {
            kind,
            entity: op.entity().clone(),
            name: name.clone(),
            field: Some(c.field),
            base: c.from.clone(),
            local: c.to.clone(),
            remote: c.from.clone(),
        };
        if !conflicts
            .iter()
            .any(|k| k.entity == conflict.entity && k.field == conflict.field)
        {
            conflicts.push(conflict);
        }
    }
    state::save_conflicts(&dir, &conflicts)
}
