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
