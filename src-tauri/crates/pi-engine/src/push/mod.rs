//! `push`: the local plan → Targetprocess, as a previewable list of operations, guarded by the
//! approval gate and a preflight re-read (optimistic locking, `preflight`), journaled before
//! sending, and followed by id write-back, a tracking-branch refresh, verification and an
//! op-log entry (the push machinery, `sending`).

mod preflight;
mod validation;

use pi_git::RepoLock;
use pi_model::changeset::Op;

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::journal::Journal;
use crate::progress::Progress;
pub use crate::sending::{Mismatch, OpResult, PushReport, Stale, resume};
use crate::sending::{op_marker, open_journal, run};
use crate::state;
use crate::workspace::{Base, LOCK_WAIT, Workspace};
pub use pi_approvals::ApprovalStatus;
pub use validation::{
    BlockingFinding, REASON as OVERRIDE_REASON, blocking_findings, override_reason,
};

#[derive(Debug, Clone, Copy, Default)]
pub struct PushOptions {
    /// Compute and return the operations; change nothing.
    pub dry_run: bool,
    /// Confirms deletions in Targetprocess.
    pub yes: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PushOutcome {
    /// The plan file matches Targetprocess's last pulled state.
    NothingToPush {
        resumed: usize,
    },
    /// Unresolved conflicts must be resolved first.
    Blocked {
        conflicts: usize,
    },
    /// The plan has validation errors (`[validation] block_push`): nothing was sent. Fix them,
    /// or push with an override reason.
    BlockedByValidation {
        findings: Vec<BlockingFinding>,
    },
    /// The push deletes in Targetprocess; run again with `yes`.
    NeedsConfirmation {
        ops: Vec<Op>,
    },
    /// `dry_run`: what a push would do.
    Preview {
        ops: Vec<Op>,
    },
    /// Targetprocess changed fields this push would overwrite; pull first.
    RemoteChanged {
        stale: Vec<Stale>,
    },
    /// The `[approvals]` policy is not met for these operations: nothing was sent, and the
    /// plan's edits were shared for the approvers. Approve (or push with an override reason).
    AwaitingApproval {
        status: Box<ApprovalStatus>,
    },
    Pushed(PushReport),
}

pub async fn push(ctx: &Context<'_>, ws: &Workspace, opts: PushOptions) -> Result<PushOutcome> {
    push_overriding(ctx, ws, opts, None).await
}

/// [`push`], sent even when the `[approvals]` policy is not met or the plan has validation
/// errors: the override and its `reason` are recorded in the approvals log, and a validation
/// override in the op log (both in the audit trail). `None` behaves exactly like `push`.
/// A push (not a dry run) that ends with an error is recorded in the op log as a failed push.
#[tracing::instrument(name = "push", skip_all, fields(plan = %ws.names.plan_slug(), dry_run = opts.dry_run))]
pub async fn push_overriding(
    ctx: &Context<'_>,
    ws: &Workspace,
    opts: PushOptions,
    override_reason: Option<&str>,
) -> Result<PushOutcome> {
    let result = push_unrecorded(ctx, ws, opts, override_reason).await;
    // Waiting for a teammate's push (or a refused override) is no failed attempt: nothing was
    // tried. Waiting for sign-off is an outcome, not an error.
    let waiting = matches!(
        result,
        Err(EngineError::Approval(_) | EngineError::PlanBusy { .. })
    );
    if let Err(error) = &result
        && !opts.dry_run
        && !waiting
    {
        crate::oplog::record_failed_push(ctx, ws, error);
    }
    result
}

async fn push_unrecorded(
    ctx: &Context<'_>,
    ws: &Workspace,
    opts: PushOptions,
    override_reason: Option<&str>,
) -> Result<PushOutcome> {
    let _lock = (!opts.dry_run)
        .then(|| RepoLock::acquire(&ws.repo, LOCK_WAIT))
        .transpose()?;
    // Held until the push is published (see `lease`); a dry run sends nothing.
    let _lease = if opts.dry_run {
        None
    } else {
        crate::lease::acquire(ctx, ws).await?
    };
    let resumed = if opts.dry_run {
        0
    } else {
        complete_interrupted(ctx, ws).await?
    };
    ctx.report(Progress::ReadingPlan);
    if !opts.dry_run {
        crate::remote::commit_and_integrate(ctx, ws)?;
    }
    let conflicts = state::load_conflicts(&ws.local_dir()?)?;
    if !conflicts.is_empty() {
        return Ok(PushOutcome::Blocked {
            conflicts: conflicts.len(),
        });
    }
    let local = ws.parse(&ws.local_text()?)?;
    let base = ws.base()?;
    let owned = crate::owned::owned_fields(ws)?;
    let (ops, _) = crate::owned::push_plan(&base.plan, &local, &owned)?;
    if ops.is_empty() {
        return Ok(PushOutcome::NothingToPush { resumed });
    }
    if opts.dry_run {
        return Ok(PushOutcome::Preview { ops });
    }
    if let validation::Gate::Closed(findings) = validation::gate(ctx, ws, override_reason)? {
        return Ok(PushOutcome::BlockedByValidation { findings });
    }
    if !opts.yes && ops.iter().any(Op::is_delete) {
        return Ok(PushOutcome::NeedsConfirmation { ops });
    }
    if let Some(status) = approval_gate(ctx, ws, &base, &ops, override_reason)? {
        return Ok(PushOutcome::AwaitingApproval { status });
    }
    let (stale, planned) = preflight::preflight(ctx, &base, &ops).await?;
    if !stale.is_empty() {
        return Ok(PushOutcome::RemoteChanged { stale });
    }
    let mut journal = open_journal(ws)?;
    let id = journal_push(ctx, ws, &mut journal, &base, ops)?;
    journal.set_planned(id, &planned)?;
    let record = journal.push(id)?;
    let mut report = run(ctx, ws, &mut journal, record).await?;
    report.resumed = resumed;
    Ok(PushOutcome::Pushed(report))
}

/// Completes an interrupted push found in the journal first; returns how many operations it
/// had.
async fn complete_interrupted(ctx: &Context<'_>, ws: &Workspace) -> Result<usize> {
    let mut journal = open_journal(ws)?;
    match journal.unfinished(&ws.names.plan_slug())? {
        Some(record) => Ok(crate::sending::complete_open(ctx, ws, &mut journal, record)
            .await?
            .ops
            .len()),
        None => Ok(0),
    }
}

/// The `[approvals]` policy must be met for exactly these operations on this base (or the push
/// is overridden with a recorded reason): `Some(status)` when it is not (see `approvals`).
fn approval_gate(
    ctx: &Context<'_>,
    ws: &Workspace,
    base: &Base,
    ops: &[Op],
    override_reason: Option<&str>,
) -> Result<Option<Box<ApprovalStatus>>> {
    let change = pi_approvals::ChangeSet::new(base.commit, ops.to_vec());
    match crate::approvals::gate(ctx, ws, change, override_reason) {
        Ok(()) => Ok(None),
        Err(EngineError::Approval(refusal)) => match *refusal {
            pi_approvals::ApprovalError::NotApproved(status) => Ok(Some(status)),
            other => Err(other.into()),
        },
        Err(e) => Err(e),
    }
}

/// Records the push's operations in the journal, each with its idempotency marker, before
/// anything is sent; returns the push's journal id.
fn journal_push(
    ctx: &Context<'_>,
    ws: &Workspace,
    journal: &mut Journal,
    base: &Base,
    ops: Vec<Op>,
) -> Result<i64> {
    let key = ctx.now.timestamp_millis();
    let recorded: Vec<(Op, String)> = ops
        .into_iter()
        .enumerate()
        .map(|(i, op)| {
            let marker = op_marker(&ws.names.plan_slug(), &op, key, i);
            (op, marker)
        })
        .collect();
    let actor = format!("{} <{}>", ctx.me.name, ctx.me.email);
    Ok(journal.begin_push(
        &ws.names.plan_slug(),
        &base.commit.to_string(),
        &ctx.at(),
        &actor,
        &recorded,
    )?)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
#[path = "../push_refused_tests.rs"]
mod refused_tests;
