use pi_model::merge::{Conflict, EntityKind, FieldValue};
use pi_model::{Criterion, Effort, EntityId, Field};

use super::*;

fn conflict(field: Option<Field>, local: FieldValue, remote: FieldValue) -> Conflict {
    Conflict {
        kind: EntityKind::Objective,
        entity: EntityId::Tp(7),
        name: "Platform governance".into(),
        field,
        base: FieldValue::Effort(Effort::new(13.0)),
        local,
        remote,
    }
}

#[test]
fn conflicts_read_in_planner_words_with_the_choices_that_apply() {
    let effort = ConflictDto::from(&conflict(
        Some(Field::Effort),
        FieldValue::Effort(Effort::new(21.0)),
        FieldValue::Effort(Effort::new(8.0)),
    ));
    insta::assert_snapshot!(
        serde_json::to_string(&effort).expect("plain data"),
        @r#"{"kind":"objective","entity":"tp:7","name":"Platform governance","field":"effort","label":"Effort","base":{"text":"13 points","missing":false},"mine":{"text":"21 points","missing":false},"theirs":{"text":"8 points","missing":false},"canKeepBoth":false,"canEdit":true}"#
    );
    let criteria = ConflictDto::from(&conflict(
        Some(Field::AcceptanceCriteria),
        FieldValue::Criteria(vec![Criterion {
            text: "Pilot".into(),
            done: true,
        }]),
        FieldValue::Criteria(vec![]),
    ));
    assert!(criteria.can_keep_both && !criteria.can_edit);
    assert_eq!(criteria.mine.text, "[x] Pilot");
    let deleted = ConflictDto::from(&conflict(
        None,
        FieldValue::Text("Platform governance".into()),
        FieldValue::Missing,
    ));
    assert_eq!(deleted.label, "Item");
    assert!(deleted.theirs.missing && !deleted.can_keep_both && !deleted.can_edit);
}

#[test]
fn changes_name_the_field_and_both_values() {
    let change = Change {
        kind: EntityKind::Feature,
        entity: EntityId::Tp(9),
        name: "SSO".into(),
        field: Some(Field::Effort),
        origin: pi_model::merge::Origin::Remote,
        from: FieldValue::Effort(Effort::new(13.0)),
        to: FieldValue::Effort(Effort::new(21.0)),
    };
    assert_eq!(
        change_text(&change),
        "Effort 13 points → 21 points on \"SSO\""
    );
    let added = Change {
        field: None,
        from: FieldValue::Missing,
        to: FieldValue::Text("SSO".into()),
        ..change
    };
    assert_eq!(change_text(&added), "Added \"SSO\"");
}

/// A new feature's preview is one change that lists the fields it is created with; long values
/// are cut with "…".
#[test]
fn a_create_in_the_preview_shows_its_fields() {
    use pi_model::changeset::{FieldChange, Op};
    let op = Op::CreateFeature {
        id: "new:c845cf3a".parse().expect("an id"),
        objective: "tp:2203".parse().expect("an id"),
        name: "Audit log export".into(),
        fields: vec![
            FieldChange {
                field: Field::Name,
                from: FieldValue::Missing,
                to: FieldValue::Text("Audit log export".into()),
            },
            FieldChange {
                field: Field::Owner,
                from: FieldValue::Missing,
                to: FieldValue::OptText(Some("Mara Lind".into())),
            },
            FieldChange {
                field: Field::Effort,
                from: FieldValue::Missing,
                to: FieldValue::Effort(Effort::new(5.0)),
            },
            FieldChange {
                field: Field::AcceptanceCriteria,
                from: FieldValue::Missing,
                to: FieldValue::Criteria(vec![Criterion {
                    text: "Exports the last 90 days ".repeat(20),
                    done: false,
                }]),
            },
        ],
    };
    let dto = OpDto::new(&op, &Names::default());
    assert_eq!(
        dto.lines[..3],
        [
            "Create feature \"Audit log export\"".to_owned(),
            "Owner: Mara Lind".to_owned(),
            "Effort: 5 points".to_owned(),
        ]
    );
    assert!(dto.lines[3].starts_with("Acceptance Criteria: [ ] Exports the last 90 days"));
    assert!(dto.lines[3].ends_with('…'), "{}", dto.lines[3]);
    assert_eq!(dto.lines.len(), 4);
    assert!(!dto.delete);
}
