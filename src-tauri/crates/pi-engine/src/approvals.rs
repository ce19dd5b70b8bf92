//! The approval gate and sign-off as engine operations, over `pi-approvals`: the change set a
//! push would send now (the plan file against the tracking branch), an approval taken under the
//! repository lock after integrating the team's remote and published after it, and the push
//! gate, which publishes the plan's edits for the approvers when it refuses a push.
//!
//! It deliberately holds no approval rule: the policy review, the log and the signatures are
//! `pi-approvals`'; this module gives it the workspace, who acts and when.

use pi_approvals::{
    Actor, ApprovalError, ApprovalStatus, ChangeSet, Gate, Person, Reviewer, Signing,
};
use pi_git::Oid;
use pi_model::{ApprovalPolicy, RepoConfig};

use crate::context::Context;
use crate::error::Result;
use crate::workspace::Workspace;

/// What a refused push or an approval leaves in this clone when sharing it fails.
const RECORDED: &str = "The approval is recorded in this clone";

/// The repository's `pi-planner.toml` (defaults when there is none).
pub fn repo_config(ws: &Workspace) -> Result<RepoConfig> {
    Ok(pi_approvals::repo_config(&ws.repo)?)
}

/// The change set a push would send now: the plan file on disk against the tracking branch.
pub fn current_change(ws: &Workspace) -> Result<ChangeSet> {
    let base = ws.base()?;
    let owned = crate::owned::owned_fields(ws)?;
    let (ops, _) = crate::owned::push_plan(&base.plan, &ws.local()?, &owned)?;
    Ok(ChangeSet::new(base.commit, ops))
}

/// The change set a push of the plan as committed in `commit` (a working-branch commit) would
/// have sent: its plan against the newest Targetprocess snapshot it had merged. It equals
/// [`current_change`] while the plan and the tracking branch are as they were in `commit`.
pub fn change_at(ws: &Workspace, commit: Oid) -> Result<ChangeSet> {
    let tracking = ws.repo.resolve(&ws.names.tracking())?;
    let base = if ws.repo.is_ancestor(tracking, commit)? {
        tracking
    } else {
        ws.repo.merge_base(tracking, commit)?.unwrap_or(tracking)
    };
    let owned = crate::owned::owned_fields(ws)?;
    let (ops, _) = crate::owned::push_plan(&ws.plan_at(base)?, &ws.plan_at(commit)?, &owned)?;
    Ok(ChangeSet::new(base, ops))
}

/// An approval given outside PI Planner: the plan version it approved (a working-branch
/// commit), who gave it, when (RFC 3339) and where (`via`, unique per approval given).
#[derive(Debug, Clone)]
pub struct Given {
    pub commit: Oid,
    pub approver: Person,
    pub at: String,
    pub via: String,
}

/// Records approvals given outside PI Planner (reviews on the plan's pull request), each bound
/// to the change set of the version it approved ([`change_at`]), as `ctx.me` under the
/// repository lock after integrating the team's remote, and publishes them; one already in the
/// log (the same `via`) is not recorded again. Returns, for each, whether it was recorded now.
pub fn record_given(ctx: &Context<'_>, ws: &Workspace, given: &[Given]) -> Result<Vec<bool>> {
    if given.is_empty() {
        return Ok(Vec::new());
    }
    let _lock = pi_git::RepoLock::acquire(&ws.repo, crate::workspace::LOCK_WAIT)?;
    crate::remote::commit_and_integrate(ctx, ws)?;
    let policy = repo_config(ws)?.approvals;
    let signing = Signing::default();
    let scratch = ws.local_dir()?;
    let reviewer = reviewer(ws, &policy, &signing, &scratch);
    let mut recorded = Vec::with_capacity(given.len());
    for g in given {
        let change = change_at(ws, g.commit)?;
        let new = reviewer.record_given(
            actor(ctx),
            g.approver.clone(),
            g.at.clone(),
            change,
            g.via.clone(),
        )?;
        recorded.push(new);
    }
    if recorded.contains(&true) {
        crate::remote::publish(ctx, ws, RECORDED)?;
    }
    Ok(recorded)
}

/// The approvals of the current change set under `policy`, as `tpcli plan approvals` shows them.
pub fn status(
    ws: &Workspace,
    policy: &ApprovalPolicy,
    signing: &Signing,
) -> Result<ApprovalStatus> {
    let change = current_change(ws)?;
    let scratch = ws.local_dir()?;
    Ok(reviewer(ws, policy, signing, &scratch).review(change)?)
}

/// Approves the change set a push would send now, as `ctx.me`: commits the plan file's edits,
/// integrates the shared remote first (so the approval is of what the team will push), signs
/// the approval when `signing` has a key, appends it and publishes it.
pub fn approve(
    ctx: &Context<'_>,
    ws: &Workspace,
    comment: Option<String>,
    signing: &Signing,
) -> Result<ApprovalStatus> {
    let _lock = pi_git::RepoLock::acquire(&ws.repo, crate::workspace::LOCK_WAIT)?;
    crate::remote::commit_and_integrate(ctx, ws)?;
    let policy = repo_config(ws)?.approvals;
    let scratch = ws.local_dir()?;
    let change = current_change(ws)?;
    reviewer(ws, &policy, signing, &scratch).approve(actor(ctx), change, comment)?;
    crate::remote::publish(ctx, ws, RECORDED)?;
    status(ws, &policy, signing)
}

/// The push gate: `Ok` when the policy is met for `change` (or `override_reason` is given, which
/// is recorded); otherwise the plan's edits are published for the approvers and the push is
/// refused with [`ApprovalError::NotApproved`].
pub(crate) fn gate(
    ctx: &Context<'_>,
    ws: &Workspace,
    change: ChangeSet,
    override_reason: Option<&str>,
) -> Result<()> {
    let policy = repo_config(ws)?.approvals;
    let signing = Signing::from_repo(&ws.repo);
    let scratch = ws.local_dir()?;
    let reviewer = reviewer(ws, &policy, &signing, &scratch);
    match reviewer.gate(actor(ctx), change, override_reason)? {
        Gate::Open | Gate::Overridden => Ok(()),
        Gate::Closed(status) => {
            crate::remote::publish(ctx, ws, RECORDED)?;
            Err(ApprovalError::NotApproved(status).into())
        }
    }
}

fn reviewer<'a>(
    ws: &'a Workspace,
    policy: &'a ApprovalPolicy,
    signing: &'a Signing,
    scratch: &'a std::path::Path,
) -> Reviewer<'a> {
    Reviewer {
        repo: &ws.repo,
        names: &ws.names,
        policy,
        signing,
        scratch,
    }
}

fn actor<'a>(ctx: &Context<'a>) -> Actor<'a> {
    Actor {
        who: ctx.me,
        at: ctx.now,
    }
}
