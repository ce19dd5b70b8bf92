//! Data of the sign-off panel: the change set in planner words, the progress against the
//! policy, each approval with its standing, and the audit trail's events.
//!
//! Plain data and wording only: what counts as an approval is pi-engine's business.

use pi_approvals::{ApprovalStatus, Rejection, Reviewed, Standing};
use pi_reports::audit::{AuditEvent, AuditKind};
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
    /// Approvals the policy asks for.
    pub required: u32,
    /// Approvals that count now.
    pub valid: u32,
    /// E-mails of the people who changed the plan since the last pull (the authors).
    pub authors: Vec<String>,
    /// Why the planner cannot give an approval that counts now (their own change, already
    /// approved, not an approver, nothing to approve, no signing key); `None`: they can.
    pub approve_blocked: Option<String>,
    /// A push may be overridden with a reason (the policy is not met and there is a change).
    pub can_override: bool,
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
    /// Signed, and the signature verified.
    pub signed: bool,
    /// `verified`, `unsigned` or `invalid` (signed, but the signature does not verify).
    pub signature: String,
    /// The key of a verified signature ("ED25519 key SHA256:…", "OpenPGP key <fingerprint>").
    pub signer: Option<String>,
    /// Why a stale or rejected approval does not count, in words.
    pub why: Option<String>,
}

impl From<&ApprovalStatus> for ApprovalsStatusDto {
    fn from(s: &ApprovalStatus) -> Self {
        let names = super::Names::default().with_ops(&s.change.ops);
        Self {
            ops: s
                .change
                .ops
                .iter()
                .map(|op| OpDto::new(op, &names))
                .collect(),
            hash: s.change.hash.clone(),
            progress: if s.required == 0 {
                "No sign-off required".to_owned()
            } else {
                s.missing()
            },
            met: s.is_met(),
            approvals: s.approvals.iter().map(ApprovalDto::from).collect(),
            required: s.required,
            valid: u32::try_from(s.valid()).unwrap_or(u32::MAX),
            authors: s.authors.clone(),
            approve_blocked: None,
            can_override: !s.is_met() && !s.change.ops.is_empty(),
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
        let signature = match (&r.approval.signature, r.verified) {
            (None, _) => "unsigned",
            (Some(_), true) => "verified",
            (Some(_), false) => "invalid",
        };
        let why = match &r.standing {
            Standing::Valid => None,
            Standing::Stale => Some("stale — the plan changed since".to_owned()),
            Standing::Rejected(why) => Some(rejection_words(why)),
        };
        Self {
            name: r.approval.approver.name.clone(),
            email: r.approval.approver.email.clone(),
            role: r.role.clone(),
            at: r.approval.at.clone(),
            comment: r.approval.comment.clone(),
            standing: standing.to_owned(),
            signed: r.verified,
            signature: signature.to_owned(),
            signer: r.signer.clone(),
            why,
        }
    }
}

/// Why an approval does not count, in planner words.
fn rejection_words(why: &Rejection) -> String {
    match why {
        Rejection::WrongHash => "not counted: it does not match the change it lists".to_owned(),
        Rejection::UnknownApprover => "not counted: not an approver of this plan".to_owned(),
        Rejection::SelfApproval => "not counted: an author approved their own change".to_owned(),
        Rejection::Duplicate => "not counted: the same person approved twice".to_owned(),
        Rejection::Unsigned => "not counted: this plan needs signed approvals".to_owned(),
        Rejection::BadSignature(reason) => format!("not counted: {reason}"),
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
    /// For a push or rollback: each item created or deleted and each field written, in planner
    /// words (`Effort 13 points → 21 points on "Checkout"`, `Created "Audit log export"`).
    pub sent: Vec<String>,
}

impl From<&AuditEvent> for AuditEventDto {
    fn from(e: &AuditEvent) -> Self {
        let kind = match e.kind {
            AuditKind::Approval => "approval",
            AuditKind::Override => "override",
            AuditKind::Push => "push",
            AuditKind::Rollback => "rollback",
            AuditKind::Proposal => "proposal",
        };
        Self {
            at: e.at.clone(),
            kind: kind.to_owned(),
            who: e.actor.clone(),
            change: e.change.clone(),
            summary: summary_words(&e.summary),
            note: e.note.clone(),
            sent: sent_words(&e.sent),
        }
    }
}

/// An event's summary without "operation(s)": the op log of earlier versions counted
/// operations; planners count changes.
fn summary_words(summary: &str) -> String {
    let mut out = summary.replace("1 operation(s)", "1 change");
    for (from, to) in [
        ("operation(s)", "changes"),
        (" operations", " changes"),
        (" operation", " change"),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// The fields a push or rollback wrote, in planner words: a new item as created (its fields as
/// `Owner: Mara Lind`), a deleted one as deleted, a change as `Effort 13 points → 21 points on
/// "Checkout"`; no ids, long values shortened with "…".
fn sent_words(writes: &[pi_engine::oplog::FieldWrite]) -> Vec<String> {
    use pi_model::merge::FieldValue;
    let names = super::Names::of_writes(writes);
    let created: Vec<&pi_model::EntityId> = writes
        .iter()
        .filter(|w| w.field.is_none() && w.before == FieldValue::Missing)
        .map(|w| &w.entity)
        .collect();
    let value = |v: &FieldValue| super::refused::value_words(v, &names);
    writes
        .iter()
        .filter_map(|w| {
            let name = super::refused::shorten(&w.name, super::refused::VALUE_CHARS);
            Some(match w.field {
                None if w.before == FieldValue::Missing => format!("Created \"{name}\""),
                None => format!("Deleted \"{name}\""),
                Some(pi_model::Field::Name) if created.contains(&&w.entity) => return None,
                Some(f) if created.contains(&&w.entity) => {
                    format!("{} of new \"{name}\": {}", f.label(), value(&w.after))
                }
                Some(f) => format!(
                    "{} {} → {} on \"{name}\"",
                    f.label(),
                    value(&w.before),
                    value(&w.after)
                ),
            })
        })
        .collect()
}

/// The format of an exported audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Json,
}

/// Where the exported audit trail was saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditExportDto {
    /// The file written (in the planner's Downloads folder).
    pub path: String,
    pub events: u32,
}

/// "New from template": an objective, or a feature under `objective`, from a named template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplateAddRequest {
    pub template: String,
    /// The objective (`tp:123` or `new:…`) a feature template is added under; `None`: an
    /// objective template.
    pub objective: Option<String>,
    /// A name instead of the template's.
    pub name: Option<String>,
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
    use pi_approvals::{Approval, ChangeSet, Person};
    use pi_engine::oplog::FieldWrite;
    use pi_model::merge::FieldValue;

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
            via: None,
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

        let free = ApprovalStatus {
            required: 0,
            required_roles: Vec::new(),
            approvals: Vec::new(),
            ..status
        };
        assert_eq!(
            ApprovalsStatusDto::from(&free).progress,
            "No sign-off required"
        );
    }

    fn write(field: Option<pi_model::Field>, before: FieldValue, after: FieldValue) -> FieldWrite {
        FieldWrite {
            entity: "tp:2203".parse().expect("an id"),
            name: "Audit log export".into(),
            field,
            before,
            after,
        }
    }

    /// A new item reads as created with its fields, long values are cut with "…", and no id or
    /// "operation(s)" reaches the audit view.
    #[test]
    fn audit_events_read_in_planner_words() {
        use pi_model::Field;
        let long = "word ".repeat(2_000);
        let created = vec![
            write(
                None,
                FieldValue::Missing,
                FieldValue::Text("Audit log export".into()),
            ),
            write(
                Some(Field::Name),
                FieldValue::Missing,
                FieldValue::Text("Audit log export".into()),
            ),
            write(
                Some(Field::Description),
                FieldValue::Missing,
                FieldValue::Text(long),
            ),
            write(
                Some(Field::Owner),
                FieldValue::Missing,
                FieldValue::OptText(Some("Mara Lind".into())),
            ),
        ];
        let event = AuditEvent {
            at: "2026-01-01T00:00:00Z".into(),
            kind: AuditKind::Push,
            actor: "Ann Planner <ann@example.com>".into(),
            change: None,
            summary: "Pushed 1 operation(s) to Targetprocess; 1 refused".into(),
            note: None,
            sent: created,
        };
        let dto = AuditEventDto::from(&event);
        assert_eq!(dto.summary, "Pushed 1 change to Targetprocess; 1 refused");
        assert_eq!(dto.sent[0], "Created \"Audit log export\"");
        assert_eq!(
            dto.sent.len(),
            3,
            "the name is the created line: {:?}",
            dto.sent
        );
        assert!(dto.sent[1].starts_with("Description of new \"Audit log export\": word word"));
        assert!(
            dto.sent[1].ends_with('…') && dto.sent[1].chars().count() < 140,
            "{}",
            dto.sent[1]
        );
        assert_eq!(dto.sent[2], "Owner of new \"Audit log export\": Mara Lind");
        for line in &dto.sent {
            assert!(
                !line.contains("tp:") && !line.contains("(deleted)"),
                "{line}"
            );
        }

        let changed = AuditEvent {
            sent: vec![write(
                Some(Field::Effort),
                FieldValue::Effort(pi_model::Effort::new(13.0)),
                FieldValue::Effort(pi_model::Effort::new(21.0)),
            )],
            summary: "Pushed 3 operation(s) to Targetprocess".into(),
            ..event
        };
        let dto = AuditEventDto::from(&changed);
        assert_eq!(dto.summary, "Pushed 3 changes to Targetprocess");
        assert_eq!(
            dto.sent,
            vec!["Effort 13 points → 21 points on \"Audit log export\"".to_owned()]
        );
    }
}
