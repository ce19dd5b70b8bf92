//! Reviewing the approvals log against the `[approvals]` policy: which approvals count for the
//! current change set, which are stale (an earlier change set) and which are rejected (forged
//! hash, unknown approver, the author approving their own change, a duplicate, a missing or bad
//! signature).

use std::collections::BTreeSet;

use pi_git::{BranchNames, Identity, PlanRepo, Source};
use pi_model::changeset::Op;
use pi_model::{ApprovalPolicy, SignatureRule};
use serde::{Deserialize, Serialize};

use crate::error::{ApprovalError, Result};
use crate::gate::Reviewer;
use crate::{Approval, ChangeSet, Override, Record, change_hash};

/// Where one approval stands for the current change set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "standing", content = "why", rename_all = "snake_case")]
pub enum Standing {
    /// Counts towards the policy.
    Valid,
    /// Approves an earlier change set: the plan was edited or pulled since.
    Stale,
    Rejected(Rejection),
}

/// Why an approval does not count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    /// Its hash is not the hash of the operations it lists.
    WrongHash,
    /// Not in the policy's approvers.
    UnknownApprover,
    /// An author of the change approved it and the policy forbids that.
    SelfApproval,
    /// The same person approved this change set before.
    Duplicate,
    /// Signatures are required and it has none.
    Unsigned,
    /// Its signature does not verify.
    BadSignature(String),
}

/// An approval from the log and where it stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reviewed {
    pub approval: Approval,
    pub standing: Standing,
    /// Signed, and the signature verified.
    pub verified: bool,
    /// The key of a verified signature ("ED25519 key SHA256:…", "OpenPGP key <fingerprint>").
    #[serde(default)]
    pub signer: Option<String>,
    /// The approver's role in the policy.
    pub role: Option<String>,
}

/// The approvals of one change set under the policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApprovalStatus {
    pub change: ChangeSet,
    pub required: u32,
    pub required_roles: Vec<String>,
    /// The change only touches fields the policy lets through without approval.
    pub exempt: bool,
    /// E-mails of the people who edited the plan since the last pull.
    pub authors: Vec<String>,
    /// Every approval in the log, oldest first.
    pub approvals: Vec<Reviewed>,
    /// Overrides recorded for this change set.
    pub overrides: Vec<Override>,
}

impl ApprovalStatus {
    /// Approvals that count.
    pub fn valid(&self) -> usize {
        self.approvals
            .iter()
            .filter(|r| r.standing == Standing::Valid)
            .count()
    }

    /// Required roles with no valid approval yet.
    pub fn missing_roles(&self) -> Vec<String> {
        self.required_roles
            .iter()
            .filter(|role| {
                !self.approvals.iter().any(|r| {
                    r.standing == Standing::Valid && r.role.as_deref() == Some(role.as_str())
                })
            })
            .cloned()
            .collect()
    }

    pub fn is_met(&self) -> bool {
        self.change.ops.is_empty()
            || self.exempt
            || (self.valid() >= self.required as usize && self.missing_roles().is_empty())
    }

    /// "1 of 2 approvals; waiting for a business owner", or "approved (2 of 2)".
    pub fn missing(&self) -> String {
        let count = format!("{} of {} approvals", self.valid(), self.required);
        let roles = self.missing_roles();
        if self.is_met() {
            return format!("approved ({count})");
        }
        if roles.is_empty() {
            return count;
        }
        let who: Vec<String> = roles
            .iter()
            .map(|r| format!("{} {r}", article(r)))
            .collect();
        format!("{count}; waiting for {}", who.join(" and "))
    }
}

fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// Reviews every record of the log against `change` under the reviewer's policy.
pub(crate) fn review(
    r: &Reviewer<'_>,
    change: ChangeSet,
    records: &[Record],
) -> Result<ApprovalStatus> {
    let authors = authors(r.repo, r.names)?;
    let mut counted: BTreeSet<String> = BTreeSet::new();
    let mut approvals = Vec::new();
    let mut overrides = Vec::new();
    for record in records {
        match record {
            Record::Override(o) if o.change.hash == change.hash => overrides.push(o.clone()),
            Record::Override(_) => {}
            Record::Approval(a) => {
                let reviewed = review_one(r, a, &change, &authors, &counted);
                if reviewed.standing == Standing::Valid {
                    counted.insert(a.approver.email.to_lowercase());
                }
                approvals.push(reviewed);
            }
        }
    }
    Ok(ApprovalStatus {
        exempt: exempt(r.policy, &change.ops),
        change,
        required: r.policy.required,
        required_roles: r.policy.required_roles.clone(),
        authors: authors.into_iter().collect(),
        approvals,
        overrides,
    })
}

/// One approval of the log against `change`: its signature verified, its standing decided
/// given the `authors` of the change and the approvers `counted` so far.
fn review_one(
    r: &Reviewer<'_>,
    a: &Approval,
    change: &ChangeSet,
    authors: &BTreeSet<String>,
    counted: &BTreeSet<String>,
) -> Reviewed {
    let verified = a.signature.as_ref().map(|s| {
        r.signing
            .verify(&a.signed_bytes(), s, &a.approver.email, r.scratch)
    });
    let signer = verified.clone().and_then(|v| v.ok());
    let verified = verified.map(|v| v.map(|_| ()));
    let standing = standing(a, change, r.policy, authors, counted, verified.clone());
    Reviewed {
        approval: a.clone(),
        standing,
        verified: matches!(verified, Some(Ok(()))),
        signer,
        role: role_of(r.policy, &a.approver.email),
    }
}

fn standing(
    a: &Approval,
    current: &ChangeSet,
    policy: &ApprovalPolicy,
    authors: &BTreeSet<String>,
    counted: &BTreeSet<String>,
    verified: Option<std::result::Result<(), String>>,
) -> Standing {
    let email = a.approver.email.to_lowercase();
    let reject = Standing::Rejected;
    if change_hash(&a.change.base, &a.change.ops) != a.change.hash {
        return reject(Rejection::WrongHash);
    }
    if a.change.hash != current.hash {
        return Standing::Stale;
    }
    if !is_approver(policy, &email) {
        return reject(Rejection::UnknownApprover);
    }
    if !policy.self_approval && authors.contains(&email) {
        return reject(Rejection::SelfApproval);
    }
    match verified {
        Some(Err(why)) => return reject(Rejection::BadSignature(why)),
        None if policy.signatures == SignatureRule::Required => {
            return reject(Rejection::Unsigned);
        }
        _ => {}
    }
    if counted.contains(&email) {
        return reject(Rejection::Duplicate);
    }
    Standing::Valid
}

fn is_approver(policy: &ApprovalPolicy, email: &str) -> bool {
    policy.approvers.is_empty()
        || policy
            .approvers
            .iter()
            .any(|a| a.email.eq_ignore_ascii_case(email))
}

fn role_of(policy: &ApprovalPolicy, email: &str) -> Option<String> {
    policy
        .approvers
        .iter()
        .find(|a| a.email.eq_ignore_ascii_case(email))
        .and_then(|a| a.role.clone())
}

/// Whether every operation only updates fields the policy lets through without approval.
fn exempt(policy: &ApprovalPolicy, ops: &[Op]) -> bool {
    !policy.without_approval.is_empty()
        && !ops.is_empty()
        && ops.iter().all(|op| match op {
            Op::UpdateObjective { changes, .. } | Op::UpdateFeature { changes, .. } => changes
                .iter()
                .all(|c| policy.without_approval.contains(&c.field)),
            _ => false,
        })
}

/// Who edited the plan since the last pull: authors of the non-merge commits on the working
/// branch that the tracking branch does not contain (Targetprocess's own commits aside).
fn authors(repo: &PlanRepo, names: &BranchNames) -> Result<BTreeSet<String>> {
    let working = repo.resolve(&names.working())?;
    let tracking = repo.resolve(&names.tracking())?;
    Ok(repo
        .commits_between(tracking, working)?
        .into_iter()
        .filter(|c| c.parents.len() == 1 && c.trailers.source() != Some(Source::Targetprocess))
        .map(|c| c.author.email.to_lowercase())
        .collect())
}

/// Why `me` could not give an approval that counts for `status` (not an approver, an author
/// where self-approval is off, already approved); `Ok` when they can.
pub fn may_approve(
    status: &ApprovalStatus,
    policy: &ApprovalPolicy,
    me: &Identity,
) -> Result<(), ApprovalError> {
    let email = me.email.to_lowercase();
    if !is_approver(policy, &email) {
        return Err(ApprovalError::NotAnApprover(me.email.clone()));
    }
    if !policy.self_approval && status.authors.contains(&email) {
        return Err(ApprovalError::SelfApproval(me.email.clone()));
    }
    let already = status.approvals.iter().any(|r| {
        r.standing == Standing::Valid && r.approval.approver.email.eq_ignore_ascii_case(&email)
    });
    if already {
        return Err(ApprovalError::AlreadyApproved(me.email.clone()));
    }
    Ok(())
}
