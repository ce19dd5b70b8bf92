//! Approvals: sign-off of a change set before it is pushed to Targetprocess.
//!
//! A change set is the push plan (the operations `push` would send) together with the tracking
//! commit it was computed against; its hash (SHA-256 of canonical JSON) is what an approval is
//! bound to. Any later edit or pull changes the operations or the base, so earlier approvals
//! become stale. Approvals and push overrides are entries of the append-only log
//! `refs/pi/approvals/<plan>`, shared through the remote like the op log, and optionally signed
//! with the approver's SSH or OpenPGP key (`sign`). The push gate ([`gate`]) applies the
//! repository's `[approvals]` policy (`review`).
//!
//! It deliberately does not decide who someone is: the acting identity and the signing set-up
//! come from the caller; it only checks approvals against the policy and the signatures.

mod gpg;
mod review;
pub mod sign;

use pi_git::{Identity, Oid};
use pi_model::changeset::{self, Op};
use pi_model::{ApprovalPolicy, CONFIG_FILE_NAME, RepoConfig};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::workspace::Workspace;

pub use review::{ApprovalStatus, Rejection, Reviewed, Standing};
pub use sign::{OpenPgp, SignFormat, Signature, Signing};

/// The exact change a push would make: its operations and the tracking commit they start from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// The tracking commit (Targetprocess's last pulled state) the operations are computed on.
    pub base: String,
    pub ops: Vec<Op>,
    /// `sha256:<hex>` of the canonical JSON of `{base, ops}`.
    pub hash: String,
}

impl ChangeSet {
    pub fn new(base: Oid, ops: Vec<Op>) -> Self {
        let base = base.to_string();
        let hash = change_hash(&base, &ops);
        Self { base, ops, hash }
    }
}

/// The hash an approval of (`base`, `ops`) carries.
pub fn change_hash(base: &str, ops: &[Op]) -> String {
    #[derive(Serialize)]
    struct Canonical<'a> {
        base: &'a str,
        ops: &'a [Op],
    }
    // Struct fields serialise in declaration order and the ops hold no maps: stable bytes.
    let bytes = serde_json::to_vec(&Canonical { base, ops }).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A person by git identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub email: String,
}

impl From<&Identity> for Person {
    fn from(i: &Identity) -> Self {
        Self {
            name: i.name.clone(),
            email: i.email.clone(),
        }
    }
}

/// One sign-off of a change set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub approver: Person,
    /// RFC 3339.
    pub at: String,
    pub comment: Option<String>,
    /// What was approved: the operations, their base and the hash binding them.
    pub change: ChangeSet,
    /// Over [`Approval::signed_bytes`]; `None` for an unsigned approval.
    pub signature: Option<Signature>,
}

impl Approval {
    /// The bytes a signature covers: the approval's canonical JSON without the signature.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let unsigned = Approval {
            signature: None,
            ..self.clone()
        };
        serde_json::to_vec(&unsigned).unwrap_or_default()
    }
}

/// A push made without the approvals the policy asks for, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Override {
    pub by: Person,
    pub at: String,
    pub reason: String,
    pub change: ChangeSet,
    /// What was missing, in words ("1 of 2 approvals; waiting for a business owner").
    pub missing: String,
}

/// One entry of the approvals log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Approval(Approval),
    Override(Override),
}

/// Why an approval or a push was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApprovalError {
    /// The policy is not met; the push was not sent.
    #[error("{}; run `tpcli plan approvals` to see them, or push with --override REASON", .0.missing())]
    NotApproved(Box<ApprovalStatus>),
    #[error("there is nothing to approve: the plan matches Targetprocess's last pulled state")]
    NothingToApprove,
    #[error("{0} is not an approver of this plan (see [approvals] in pi-planner.toml)")]
    NotAnApprover(String),
    #[error("{0} changed this plan and may not approve their own change")]
    SelfApproval(String),
    #[error("{0} already approved this change")]
    AlreadyApproved(String),
    #[error(
        "signatures are required, but no signing key is configured (git config user.signingkey)"
    )]
    SigningRequired,
    #[error("an override needs a reason")]
    EmptyReason,
    #[error("signing: {0}")]
    Sign(String),
    #[error("{CONFIG_FILE_NAME}: {0}")]
    Config(String),
}

impl From<ApprovalError> for EngineError {
    fn from(e: ApprovalError) -> Self {
        EngineError::Approval(Box::new(e))
    }
}

/// The repository's `pi-planner.toml` (defaults when there is none).
pub fn repo_config(ws: &Workspace) -> Result<RepoConfig> {
    let Some(dir) = ws.repo.workdir() else {
        return Ok(RepoConfig::default());
    };
    match std::fs::read_to_string(dir.join(CONFIG_FILE_NAME)) {
        Ok(text) => RepoConfig::from_toml_str(&text)
            .map_err(|e| ApprovalError::Config(e.to_string()).into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RepoConfig::default()),
        Err(e) => Err(e.into()),
    }
}

/// The change set a push would send now: the plan file on disk against the tracking branch.
pub fn current_change(ws: &Workspace) -> Result<ChangeSet> {
    let base = ws.base()?;
    let ops = changeset::push_plan(&base.plan, &ws.local()?)?;
    Ok(ChangeSet::new(base.commit, ops))
}

/// Every record of the approvals log, oldest first.
pub fn records(ws: &Workspace) -> Result<Vec<Record>> {
    let log = ws.names.approvals_ref();
    ws.repo
        .entries(&log)?
        .into_iter()
        .map(|e| {
            serde_json::from_slice(&e.data).map_err(|err| EngineError::State {
                path: format!("{log} entry {}", e.seq),
                message: format!("unreadable approvals log entry: {err}"),
            })
        })
        .collect()
}

fn append(ws: &Workspace, ctx: &Context<'_>, record: &Record) -> Result<()> {
    let data = serde_json::to_vec_pretty(record).map_err(|e| EngineError::State {
        path: ws.names.approvals_ref(),
        message: e.to_string(),
    })?;
    let mut attempts = 0;
    loop {
        match ws
            .repo
            .append_entry(&ws.names.approvals_ref(), &data, &ctx.stamp())
        {
            Ok(_) => return Ok(()),
            Err(pi_git::GitError::RefMoved { .. }) if attempts < 5 => attempts += 1,
            Err(e) => return Err(e.into()),
        }
    }
}

/// The approvals of the current change set under `policy`, as `tpcli plan approvals` shows them.
pub fn status(
    ws: &Workspace,
    policy: &ApprovalPolicy,
    signing: &Signing,
) -> Result<ApprovalStatus> {
    let change = current_change(ws)?;
    review::review(ws, policy, signing, change, &records(ws)?)
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
    let before = status(ws, &policy, signing)?;
    if before.change.ops.is_empty() {
        return Err(ApprovalError::NothingToApprove.into());
    }
    review::may_approve(&before, &policy, ctx.me)?;
    let mut approval = Approval {
        approver: Person::from(ctx.me),
        at: ctx.at(),
        comment: comment.filter(|c| !c.trim().is_empty()),
        change: before.change.clone(),
        signature: None,
    };
    if signing.can_sign() {
        approval.signature = Some(signing.sign(&approval.signed_bytes(), &ws.local_dir()?)?);
    } else if policy.signatures == pi_model::SignatureRule::Required {
        return Err(ApprovalError::SigningRequired.into());
    }
    append(ws, ctx, &Record::Approval(approval))?;
    crate::remote::publish(ctx, ws, "The approval is recorded in this clone")?;
    status(ws, &policy, signing)
}

/// Why `me` could not give an approval that counts for `status` (not an approver, an author
/// where self-approval is off, already approved); `Ok` when they can.
pub fn may_approve(
    status: &ApprovalStatus,
    policy: &ApprovalPolicy,
    me: &Identity,
) -> std::result::Result<(), ApprovalError> {
    review::may_approve(status, policy, me)
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
    if policy.required == 0 && policy.required_roles.is_empty() {
        return Ok(());
    }
    let signing = Signing::from_repo(&ws.repo);
    let status = review::review(ws, &policy, &signing, change, &records(ws)?)?;
    if status.is_met() {
        return Ok(());
    }
    match override_reason.map(str::trim) {
        Some("") => Err(ApprovalError::EmptyReason.into()),
        Some(reason) => append(
            ws,
            ctx,
            &Record::Override(Override {
                by: Person::from(ctx.me),
                at: ctx.at(),
                reason: reason.to_owned(),
                missing: status.missing(),
                change: status.change.clone(),
            }),
        ),
        None => {
            crate::remote::publish(ctx, ws, "The approval is recorded in this clone")?;
            Err(ApprovalError::NotApproved(Box::new(status)).into())
        }
    }
}
