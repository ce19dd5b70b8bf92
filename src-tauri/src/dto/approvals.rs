//! Data of the sign-off panel: the change set in planner words, the progress against the
//! policy, each approval with its standing, and the audit trail's events.
//!
//! Plain data and wording only: what counts as an approval is pi-engine's business.

use pi_engine::approvals::{ApprovalStatus, Reviewed, Standing};
use pi_engine::audit::{AuditEvent, AuditKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::OpDto;

/// The approvals of the change set a push would send now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalsStatusDto {
    /// The writes the approvals are bound to, as the push preview shows them.
    pub ops: Vec<OpDto>,
    /// `sha256:<hex>` of the change set.
    pub hash: String,
    /// "1 of 2 approvals; waiting for a business owner", or "approved (2 of 2 approvals)".
    pub progress: String,
    /// The policy lets this change through now.
    pub met: bool,
    /// Every approval in the log, oldest first.
    pub approvals: Vec<ApprovalDto>,
}

/// One approval and where it stands for the current change set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalDto {
    pub name: String,
    pub email: String,
    pub role: Option<String>,
    /// RFC 3339.
    pub at: String,
    pub comment: Option<String>,
    /// `valid`, `stale` or `rejected`.
    pub standing: String,
    pub signed: bool,
}

impl From<&ApprovalStatus> for ApprovalsStatusDto {
    fn from(s: &ApprovalStatus) -> Self {
        Self {
            ops: s.change.ops.iter().map(OpDto::from).collect(),
            hash: s.change.hash.clone(),
            progress: s.missing(),
            met: s.is_met(),
            approvals: s.approvals.iter().map(ApprovalDto::from).collect(),
        }
    }
}

impl From<&Reviewed> for ApprovalDto {
    fn from(r: &Reviewed) -> Self {
        let standing = match r.standing {
            Standing::Valid => "valid",
            Standing::Stale => "stale",
            Standing::Rejected(_) => "rejected",
        };
        Self {
            name: r.approval.approver.name.clone(),
            email: r.approval.approver.email.clone(),
            role: r.role.clone(),
            at: r.approval.at.clone(),
            comment: r.approval.comment.clone(),
            standing: standing.to_owned(),
            signed: r.verified,
        }
    }
}

/// One event of the audit trail, as the audit view's table shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventDto {
    /// RFC 3339.
    pub at: String,
    /// `approval`, `override`, `push` or `rollback`.
    pub kind: String,
    /// `Name <email>`, or `auto-sync`.
    pub who: String,
    /// The change-set hash an approval or override is bound to.
    pub change: Option<String>,
    pub summary: String,
    /// The approval's comment or the override's reason.
    pub note: Option<String>,
}

impl From<&AuditEvent> for AuditEventDto {
    fn from(e: &AuditEvent) -> Self {
        let kind = match e.kind {
            AuditKind::Approval => "approval",
            AuditKind::Override => "override",
            AuditKind::Push => "push",
            AuditKind::Rollback => "rollback",
        };
        Self {
            at: e.at.clone(),
            kind: kind.to_owned(),
            who: e.actor.clone(),
            change: e.change.clone(),
            summary: e.summary.clone(),
            note: e.note.clone(),
        }
    }
}

/// The names of the repository's objective and feature templates ("New from template").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplatesDto {
    pub objectives: Vec<String>,
    pub features: Vec<String>,
}

#[cfg(test)]
mod tests {
    use pi_engine::approvals::{Approval, ChangeSet, Person};

    use super::*;

    #[test]
    fn progress_and_standing_in_planner_words() {
        let change = ChangeSet {
            base: "abc".into(),
            ops: vec![pi_model::changeset::Op::DeleteObjective {
                id: "tp:7".parse().expect("a valid id"),
                name: "Checkout".into(),
            }],
            hash: "sha256:00".into(),
        };
        let approval = Approval {
            approver: Person {
                name: "Bo".into(),
                email: "bo@example.com".into(),
            },
            at: "2026-01-01T00:00:00Z".into(),
            comment: Some("fine".into()),
            change: change.clone(),
            signature: None,
        };
        let status = ApprovalStatus {
            change,
            required: 2,
            required_roles: vec!["business owner".into()],
            exempt: false,
            authors: Vec::new(),
            approvals: vec![Reviewed {
                approval,
                standing: Standing::Stale,
                verified: false,
                signer: None,
                role: Some("business owner".into()),
            }],
            overrides: Vec::new(),
        };
        let dto = ApprovalsStatusDto::from(&status);
        insta::assert_snapshot!(dto.progress, @"0 of 2 approvals; waiting for a business owner");
        assert!(!dto.met);
        assert_eq!(dto.ops.len(), 1);
        assert_eq!(dto.approvals[0].standing, "stale");
        assert_eq!(dto.approvals[0].comment.as_deref(), Some("fine"));
    }
}
