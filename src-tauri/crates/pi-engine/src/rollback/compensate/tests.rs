use pi_model::{Effort, FeatureKind, LocalId};

use super::*;
use crate::oplog::{Actor, OpKind};

fn objective(id: i64, name: &str) -> TeamObjective {
    TeamObjective {
        id: EntityId::Tp(id),
        name: name.into(),
        description: String::new(),
        status: Some("Open".into()),
        effort: Effort::new(13.0),
        owner: Some("Ann Lee".into()),
        committed: true,
        business_value: Some(5),
        actual_business_value: None,
        program_objective: None,
        features: vec![],
    }
}

fn feature(id: i64, name: &str) -> Feature {
    Feature {
        id: EntityId::Tp(id),
        kind: FeatureKind::Feature,
        name: name.into(),
        description: String::new(),
        status: Some("Open".into()),
        effort: Effort::new(5.0),
        owner: None,
        acceptance_criteria: vec![],
        jira: None,
        stories: vec![],
    }
}

/// Two objectives; the first has feature 100, the second feature 101.
fn remote() -> Plan {
    let mut a = objective(10, "Platform governance");
    a.features.push(feature(100, "Policy engine"));
    let mut b = objective(11, "Observability");
    b.features.push(feature(101, "Tracing"));
    Plan {
        objectives: vec![a, b],
        ..Plan::default()
    }
}

fn write(
    entity: i64,
    name: &str,
    field: Option<Field>,
    before: FieldValue,
    after: FieldValue,
) -> FieldWrite {
    FieldWrite {
        entity: EntityId::Tp(entity),
        name: name.into(),
        field,
        before,
        after,
    }
}

fn entry(writes: Vec<FieldWrite>) -> OpEntry {
    OpEntry {
        id: "push-1".into(),
        kind: OpKind::Push,
        actor: Actor::AutoSync,
        at: "2026-11-24T10:00:00Z".into(),
        summary: String::new(),
        writes,
        created: vec![],
        conflicts: Vec::new(),
    }
}

fn effort(v: f64) -> FieldValue {
    FieldValue::Effort(Effort::new(v))
}

fn owner(v: &str) -> FieldValue {
    FieldValue::OptText(Some(v.into()))
}

#[test]
fn fields_still_as_pushed_are_set_back_and_changed_ones_are_conflicts() {
    let pushed = entry(vec![
        write(
            10,
            "Platform governance",
            Some(Field::Effort),
            effort(8.0),
            effort(13.0),
        ),
        write(
            10,
            "Platform governance",
            Some(Field::Owner),
            owner("Bo Chan"),
            owner("Eve Park"),
        ),
    ]);
    let plan = compensate(&pushed, &remote());
    assert_eq!(plan.op_id, "push-1");
    assert_eq!(
        plan.ops,
        vec![Op::UpdateObjective {
            id: EntityId::Tp(10),
            name: "Platform governance".into(),
            changes: vec![FieldChange {
                field: Field::Effort,
                from: effort(13.0),
                to: effort(8.0),
            }],
        }]
    );
    assert_eq!(
        plan.conflicts,
        vec![RollbackConflict {
            entity: EntityId::Tp(10),
            name: "Platform governance".into(),
            field: Some(Field::Owner),
            pushed: owner("Eve Park"),
            current: owner("Ann Lee"),
        }]
    );
    assert_eq!(plan.irreversible, vec![]);
}

#[test]
fn a_moved_feature_is_moved_back_only_while_it_is_where_the_push_put_it() {
    let link = |id| FieldValue::Link(Some(EntityId::Tp(id)));
    let moved = entry(vec![write(
        100,
        "Policy engine",
        Some(Field::Objective),
        link(11),
        link(10),
    )]);
    assert_eq!(
        compensate(&moved, &remote()).ops,
        vec![Op::RelinkFeature {
            id: EntityId::Tp(100),
            name: "Policy engine".into(),
            from: EntityId::Tp(10),
            to: EntityId::Tp(11),
        }]
    );
    let elsewhere = entry(vec![write(
        101,
        "Tracing",
        Some(Field::Objective),
        link(10),
        link(12),
    )]);
    let plan = compensate(&elsewhere, &remote());
    assert_eq!(plan.ops, vec![]);
    assert_eq!(plan.conflicts[0].current, link(11));
}

fn created(entity: i64, name: &str) -> FieldWrite {
    write(
        entity,
        name,
        None,
        FieldValue::Missing,
        FieldValue::Text(name.into()),
    )
}

#[test]
fn created_entities_are_deleted_features_first_when_unchanged() {
    let pushed = entry(vec![
        created(11, "Observability"),
        write(
            11,
            "Observability",
            Some(Field::Effort),
            FieldValue::Missing,
            effort(13.0),
        ),
        created(101, "Tracing"),
    ]);
    assert_eq!(
        compensate(&pushed, &remote()).ops,
        vec![
            Op::DeleteFeature {
                id: EntityId::Tp(101),
                name: "Tracing".into()
            },
            Op::DeleteObjective {
                id: EntityId::Tp(11),
                name: "Observability".into()
            },
        ]
    );
}

#[test]
fn a_created_entity_changed_since_or_with_a_feature_added_stays() {
    let mut tp = remote();
    tp.objectives[0].name = "Governance".into();
    let renamed = entry(vec![created(10, "Platform governance")]);
    let plan = compensate(&renamed, &tp);
    assert_eq!(plan.ops, vec![]);
    assert_eq!(plan.conflicts[0].field, Some(Field::Name));
    assert_eq!(
        plan.conflicts[0].current,
        FieldValue::Text("Governance".into())
    );

    // The objective is as pushed, but feature 101 under it was added by someone else.
    let plan = compensate(&entry(vec![created(11, "Observability")]), &remote());
    assert_eq!(plan.ops, vec![]);
    assert_eq!(plan.conflicts[0].field, None);
    assert_eq!(
        plan.conflicts[0].current,
        FieldValue::Text("with feature(s) Tracing".into())
    );
}

#[test]
fn deletions_are_irreversible_and_vanished_entities_are_conflicts() {
    let pushed = entry(vec![
        write(
            12,
            "Old objective",
            None,
            FieldValue::Text("Old objective".into()),
            FieldValue::Missing,
        ),
        write(
            99,
            "Gone since",
            Some(Field::Effort),
            effort(1.0),
            effort(2.0),
        ),
    ]);
    let plan = compensate(&pushed, &remote());
    assert_eq!(plan.ops, vec![]);
    assert_eq!(
        plan.irreversible,
        vec![Irreversible {
            entity: EntityId::Tp(12),
            name: "Old objective".into(),
            field: None,
        }]
    );
    assert_eq!(plan.conflicts.len(), 1);
    assert_eq!(
        (plan.conflicts[0].field, &plan.conflicts[0].current),
        (None, &FieldValue::Missing)
    );
}

#[test]
fn writes_of_local_ids_never_match_targetprocess_entities() {
    let local = EntityId::Local(LocalId::new("n1").expect("valid local id"));
    let mut w = created(0, "Never created");
    w.entity = local;
    let plan = compensate(&entry(vec![w]), &remote());
    assert_eq!(plan.ops, vec![]);
    assert_eq!(plan.conflicts[0].current, FieldValue::Missing);
}
