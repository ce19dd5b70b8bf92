use pi_engine::oplog::{Actor, ConflictRecord, FieldWrite, OpEntry, OpKind};
use pi_model::merge::{Conflict, EntityKind, FieldValue};
use pi_model::{EntityId, Field};

use super::spans;

fn entry(
    kind: OpKind,
    at: &str,
    conflicts: Vec<ConflictRecord>,
    writes: Vec<FieldWrite>,
) -> OpEntry {
    OpEntry {
        id: format!("{kind:?}-{at}"),
        kind,
        actor: Actor::Person {
            name: "Ann Planner".into(),
            email: "ann@example.com".into(),
        },
        at: at.into(),
        summary: String::new(),
        writes,
        created: vec![],
        conflicts,
    }
}

fn conflict(id: i64, field: Field, local: &str, remote: &str) -> ConflictRecord {
    ConflictRecord {
        conflict: Conflict {
            kind: EntityKind::Objective,
            entity: EntityId::Tp(id),
            name: format!("Objective {id}"),
            field: Some(field),
            base: FieldValue::Text("base".into()),
            local: FieldValue::Text(local.into()),
            remote: FieldValue::Text(remote.into()),
        },
        local_by: Some("Ann Planner <ann@example.com>".into()),
        remote_by: Some("Mira Ostrava".into()),
    }
}

fn settled(id: i64, field: Field) -> FieldWrite {
    FieldWrite {
        entity: EntityId::Tp(id),
        name: format!("Objective {id}"),
        field: Some(field),
        before: FieldValue::Text("mine".into()),
        after: FieldValue::Text("mine".into()),
    }
}

#[test]
fn a_conflict_is_found_once_and_resolved_with_who_when_and_how_long() {
    let log = vec![
        entry(
            OpKind::Pull,
            "2026-03-02T09:00:00+00:00",
            vec![conflict(1, Field::Name, "mine", "theirs")],
            vec![],
        ),
        // The next pull still lists it open, and finds another one.
        entry(
            OpKind::Pull,
            "2026-03-02T09:30:00+00:00",
            vec![
                conflict(1, Field::Name, "mine", "theirs"),
                conflict(2, Field::Description, "a", "b"),
            ],
            vec![],
        ),
        entry(
            OpKind::Push,
            "2026-03-02T09:40:00+00:00",
            vec![],
            vec![settled(3, Field::Name)],
        ),
        entry(
            OpKind::Resolve,
            "2026-03-02T10:15:00+00:00",
            vec![],
            vec![settled(1, Field::Name)],
        ),
        // Found again later: a new conflict.
        entry(
            OpKind::Pull,
            "2026-03-03T08:00:00+00:00",
            vec![conflict(1, Field::Name, "x", "y")],
            vec![],
        ),
    ];
    let s = spans(&log);
    assert_eq!(s.len(), 3, "{s:#?}");
    assert_eq!(
        (s[0].entity.clone(), s[0].field),
        (EntityId::Tp(1), Some(Field::Name))
    );
    assert_eq!(s[0].found_at, "2026-03-02T09:00:00+00:00");
    assert_eq!(s[0].remote_by.as_deref(), Some("Mira Ostrava"));
    assert_eq!(
        s[0].resolved_at.as_deref(),
        Some("2026-03-02T10:15:00+00:00")
    );
    assert_eq!(
        s[0].resolved_by.as_deref(),
        Some("Ann Planner <ann@example.com>")
    );
    assert_eq!(s[0].open_secs, Some(75 * 60));
    assert_eq!(
        (s[1].entity.clone(), s[1].field),
        (EntityId::Tp(2), Some(Field::Description))
    );
    assert_eq!(
        (s[1].resolved_at.as_ref(), s[1].open_secs),
        (None, None),
        "still open"
    );
    assert_eq!(s[2].found_at, "2026-03-03T08:00:00+00:00");
    assert_eq!(s[2].local, FieldValue::Text("x".into()));
    assert!(s[2].resolved_at.is_none());
}
