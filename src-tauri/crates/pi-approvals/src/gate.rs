//! Reviewing, approving and gating one change set under the repository's `[approvals]` policy.
//!
//! A [`Reviewer`] is given everything from the caller: the repository and the plan's branch
//! names, the policy, this machine's signing set-up and a private folder for the signature
//! files. Taking the repository lock, integrating the team's remote before an approval and
//! publishing after it are the caller's (the engine's).

use std::path::Path;

use chrono::{DateTime, Utc};
use pi_git::{BranchNames, Identity, PlanRepo, Stamp, When};
use pi_model::{ApprovalPolicy, SignatureRule};

use crate::error::{ApprovalError, Result};
use crate::log::{append, records};
use crate::review::{ApprovalStatus, may_approve, review};
use crate::sign::Signing;
use crate::{Approval, ChangeSet, Override, Person, Record};

/// Who approves or overrides, and when (recorded in the log entry and its commit).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub who: &'a Identity,
    pub at: DateTime<Utc>,
}

impl Actor<'_> {
    fn stamp(&self) -> Stamp {
        Stamp::new(self.who.clone(), When::utc(self.at.timestamp()))
    }

    fn at(&self) -> String {
        self.at.to_rfc3339()
    }
}

/// What the push gate decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Gate {
    /// The policy is met (or asks for nothing): the push may go.
    Open,
    /// The policy is not met, and the push goes anyway: the override is in the log.
    Overridden,
    /// The policy is not met and there is no override: the push must not go.
    Closed(Box<ApprovalStatus>),
}

/// One plan's approvals under one policy, as this machine verifies them.
#[derive(Debug, Clone, Copy)]
pub struct Reviewer<'a> {
    pub repo: &'a PlanRepo,
    pub names: &'a BranchNames,
    pub policy: &'a ApprovalPolicy,
    pub signing: &'a Signing,
    /// A private folder for the files `ssh-keygen` and `gpg` read and write.
    pub scratch: &'a Path,
}

impl Reviewer<'_> {
    /// The approvals of `change` in the log, reviewed against the policy.
    pub fn review(&self, change: ChangeSet) -> Result<ApprovalStatus> {
        review(self, change, &records(self.repo, self.names)?)
    }

    /// Approves `change` as `actor`: refuses an empty change and an approval that could not
    /// count, signs it when the signing set-up has a key (refuses when the policy requires a
    /// signature and there is none), and appends it to the log. Publishing it is the caller's.
    pub fn approve(
        &self,
        actor: Actor<'_>,
        change: ChangeSet,
        comment: Option<String>,
    ) -> Result<()> {
        let before = self.review(change)?;
        if before.change.ops.is_empty() {
            return Err(ApprovalError::NothingToApprove.into());
        }
        may_approve(&before, self.policy, actor.who)?;
        let mut approval = Approval {
            approver: Person::from(actor.who),
            at: actor.at(),
            comment: comment.filter(|c| !c.trim().is_empty()),
            change: before.change,
            signature: None,
            via: None,
        };
        if self.signing.can_sign() {
            approval.signature = Some(self.signing.sign(&approval.signed_bytes(), self.scratch)?);
        } else if self.policy.signatures == SignatureRule::Required {
            return Err(ApprovalError::SigningRequired.into());
        }
        append(
            self.repo,
            self.names,
            &Record::Approval(approval),
            &actor.stamp(),
        )
    }

    /// Records an approval `approver` gave outside PI Planner at `at` (RFC 3339) — a review on
    /// the plan's pull request, named by `via` — of `change`, unsigned, in `recorder`'s name. It
    /// is reviewed like any approval (an approver of the policy, not an author, signatures).
    /// Nothing is recorded for an empty change, or when an approval with the same `via` is in
    /// the log already (`Ok(false)`). Publishing it is the caller's.
    pub fn record_given(
        &self,
        recorder: Actor<'_>,
        approver: Person,
        at: String,
        change: ChangeSet,
        via: String,
    ) -> Result<bool> {
        let known = records(self.repo, self.names)?
            .iter()
            .any(|r| matches!(r, Record::Approval(a) if a.via.as_deref() == Some(via.as_str())));
        if known || change.ops.is_empty() {
            return Ok(false);
        }
        let approval = Approval {
            approver,
            at,
            comment: None,
            change,
            signature: None,
            via: Some(via),
        };
        append(
            self.repo,
            self.names,
            &Record::Approval(approval),
            &recorder.stamp(),
        )?;
        Ok(true)
    }

    /// The push gate for `change`: open when the policy asks for nothing or is met; with an
    /// `override_reason` the override is recorded in the log (an empty reason is refused) and
    /// the push may go; otherwise closed, with the approvals it lacks.
    pub fn gate(
        &self,
        actor: Actor<'_>,
        change: ChangeSet,
        override_reason: Option<&str>,
    ) -> Result<Gate> {
        if self.policy.required == 0 && self.policy.required_roles.is_empty() {
            return Ok(Gate::Open);
        }
        let status = self.review(change)?;
        if status.is_met() {
            return Ok(Gate::Open);
        }
        match override_reason.map(str::trim) {
            Some("") => Err(ApprovalError::EmptyReason.into()),
            Some(reason) => {
                let record = Record::Override(Override {
                    by: Person::from(actor.who),
                    at: actor.at(),
                    reason: reason.to_owned(),
                    missing: status.missing(),
                    change: status.change,
                });
                append(self.repo, self.names, &record, &actor.stamp())?;
                Ok(Gate::Overridden)
            }
            None => Ok(Gate::Closed(Box::new(status))),
        }
    }
}
