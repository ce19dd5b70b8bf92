//! `rollback`: undo a push with a guarded compensating push. History is never rewritten: the
//! before-values the push's op-log entry recorded are written back to Targetprocess, but only
//! where Targetprocess still holds the value that push wrote; a field changed since is reported
//! as a conflict and left alone. An entity the push created is deleted only when unchanged since;
//! one it deleted cannot be brought back and is reported.
//!
//! The operations go through the push machinery (journal, apply, tracking refresh, merge into the
//! working branch, verification) and are logged as a rollback naming the push. It deliberately
//! does not roll back pulls, resolves or other rollbacks.

mod compensate;

use pi_git::RepoLock;
use pi_model::changeset::Op;
use pi_model::merge::FieldValue;
use pi_model::{EntityId, Field};

use crate::context::Context;
use crate::error::Result;
pub use crate::error::RollbackError;
use crate::journal::Journal;
use crate::oplog::{self, OpEntry, OpKind};
use crate::sending::PushReport;
use crate::state;
use crate::workspace::LOCK_WAIT;
use crate::workspace::plan_ids;
use crate::workspace::{Base, Workspace};

#[derive(Debug, Clone, Copy, Default)]
pub struct RollbackOptions {
    /// Compute and return the operations and conflicts; change nothing.
    pub dry_run: bool,
    /// Confirms deletions in Targetprocess (of entities the push created).
    pub yes: bool,
}

/// A write of the push that Targetprocess no longer holds: not rolled back.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct RollbackConflict {
    pub entity: EntityId,
    pub name: String,
    /// `None`: the entity as a whole (deleted since, or a created objective that has features).
    pub field: Option<Field>,
    /// What the push wrote.
    pub pushed: FieldValue,
    /// What Targetprocess holds now (`Missing`: the entity is gone).
    pub current: FieldValue,
}

/// A write of the push that cannot be undone automatically.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Irreversible {
    pub entity: EntityId,
    pub name: String,
    /// `None`: the push deleted the entity.
    pub field: Option<Field>,
}

/// What rolling back one push takes.
#[derive(Debug, Clone, PartialEq)]
pub struct RollbackPlan {
    /// The op-log id of the push rolled back.
    pub op_id: String,
    /// The compensating operations, in the order they are sent.
    pub ops: Vec<Op>,
    pub conflicts: Vec<RollbackConflict>,
    pub irreversible: Vec<Irreversible>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RollbackOutcome {
    /// Unresolved conflicts of the plan must be resolved first.
    Blocked { conflicts: usize },
    /// No write of the push can be undone (see the plan's conflicts and irreversible writes).
    NothingToRollBack(RollbackPlan),
    /// The rollback deletes in Targetprocess; run again with `yes`.
    NeedsConfirmation(RollbackPlan),
    /// `dry_run`: what a rollback would do.
    Preview(RollbackPlan),
    RolledBack {
        plan: RollbackPlan,
        report: PushReport,
    },
}

/// Rolls back the push `op_id` of the op log (`None`: the latest push).
#[tracing::instrument(name = "rollback", skip_all, fields(plan = %ws.names.plan_slug()))]
pub async fn rollback(
    ctx: &Context<'_>,
    ws: &Workspace,
    op_id: Option<&str>,
    opts: RollbackOptions,
) -> Result<RollbackOutcome> {
    if !opts.dry_run {
        // An interrupted push or rollback is completed first: its writes are part of history.
        crate::sending::resume(ctx, ws).await?;
    }
    let lock = if opts.dry_run {
        None
    } else {
        let lock = RepoLock::acquire(&ws.repo, LOCK_WAIT)?;
        // Taken before integrating, as a push does (see `lease`).
        let lease = crate::lease::acquire(ctx, ws).await?;
        crate::remote::commit_and_integrate(ctx, ws)?;
        Some((lock, lease))
    };
    let entry = find_push(oplog::entries(&ws.repo, &ws.names.oplog_ref())?, op_id)?;
    let conflicts = state::load_conflicts(&ws.local_dir()?)?;
    if !conflicts.is_empty() {
        return Ok(RollbackOutcome::Blocked {
            conflicts: conflicts.len(),
        });
    }
    let base = ws.base()?;
    let (release, team) = plan_ids(&base.plan)?;
    let remote = ctx.tp.fetch_team_plan(release, team).await?;
    let plan = compensate::compensate(&entry, &remote.plan);
    if plan.ops.is_empty() {
        return Ok(RollbackOutcome::NothingToRollBack(plan));
    }
    if opts.dry_run {
        return Ok(RollbackOutcome::Preview(plan));
    }
    if !opts.yes && plan.ops.iter().any(Op::is_delete) {
        return Ok(RollbackOutcome::NeedsConfirmation(plan));
    }
    record(ctx, ws, &base, &plan)?;
    // The push machinery takes the lock and the lease itself: the recorded rollback is its
    // unfinished entry.
    drop(lock);
    let report = crate::sending::resume(ctx, ws).await?.unwrap_or_default();
    Ok(RollbackOutcome::RolledBack { plan, report })
}

/// The push entry to roll back.
fn find_push(mut entries: Vec<OpEntry>, op_id: Option<&str>) -> Result<OpEntry, RollbackError> {
    let Some(id) = op_id else {
        return entries
            .into_iter()
            .rev()
            .find(|e| e.kind == OpKind::Push)
            .ok_or(RollbackError::NoPush);
    };
    let pushes: Vec<&str> = entries
        .iter()
        .rev()
        .filter(|e| e.kind == OpKind::Push)
        .take(5)
        .map(|e| e.id.as_str())
        .collect();
    let known = if pushes.is_empty() {
        "none".to_owned()
    } else {
        pushes.join(", ")
    };
    match entries.iter().position(|e| e.id == id) {
        None => Err(RollbackError::UnknownOp {
            id: id.to_owned(),
            known,
        }),
        Some(i) if entries[i].kind != OpKind::Push => Err(RollbackError::NotAPush {
            id: id.to_owned(),
            kind: format!("{:?}", entries[i].kind).to_lowercase(),
        }),
        Some(i) => Ok(entries.swap_remove(i)),
    }
}

/// Journals the compensating operations as the unfinished entry the push machinery completes.
fn record(ctx: &Context<'_>, ws: &Workspace, base: &Base, plan: &RollbackPlan) -> Result<()> {
    let slug = ws.names.plan_slug();
    let key = ctx.now.timestamp_millis();
    let recorded: Vec<(Op, String)> = plan
        .ops
        .iter()
        .enumerate()
        .map(|(i, op)| (op.clone(), format!("{slug}-rollback-{key}-{i}")))
        .collect();
    let mut journal = Journal::open(&ws.local_dir()?.join("journal.sqlite"))?;
    journal.begin_rollback(
        &slug,
        &base.commit.to_string(),
        &ctx.at(),
        &format!("{} <{}>", ctx.me.name, ctx.me.email),
        &recorded,
        &plan.op_id,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oplog::Actor;

    fn entry(id: &str, kind: OpKind) -> OpEntry {
        OpEntry {
            id: id.into(),
            kind,
            actor: Actor::AutoSync,
            at: "2026-11-24T10:00:00Z".into(),
            summary: String::new(),
            writes: vec![],
            created: vec![],
            conflicts: Vec::new(),
        }
    }

    fn log() -> Vec<OpEntry> {
        vec![
            entry("init-1", OpKind::Init),
            entry("push-2", OpKind::Push),
            entry("pull-3", OpKind::Pull),
            entry("push-4", OpKind::Push),
            entry("rollback-5", OpKind::Rollback),
        ]
    }

    #[test]
    fn the_latest_push_or_the_named_one_is_chosen() {
        assert_eq!(find_push(log(), None).unwrap().id, "push-4");
        assert_eq!(find_push(log(), Some("push-2")).unwrap().id, "push-2");
        assert_eq!(
            find_push(vec![entry("init-1", OpKind::Init)], None),
            Err(RollbackError::NoPush)
        );
    }

    #[test]
    fn unknown_ids_and_other_kinds_are_refused_by_name() {
        let err = find_push(log(), Some("push-9")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no operation \"push-9\" in the operation log (recent pushes: push-4, push-2)"
        );
        let err = find_push(log(), Some("pull-3")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "pull-3 is not a push but a log entry of kind pull; only pushes can be rolled back"
        );
    }
}
