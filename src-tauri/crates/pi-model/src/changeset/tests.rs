use super::*;
use crate::{Criterion, Effort, FeatureKind, LocalId, Named};

fn objective(id: EntityId, name: &str) -> TeamObjective {
    TeamObjective {
        id,
        name: name.into(),
        description: String::new(),
        status: Some("Pending".into()),
        effort: Effort::new(13.0),
        owner: None,
        committed: false,
        business_value: None,
        actual_business_value: None,
        program_objective: None,
        features: vec![],
    }
}

fn feature(id: EntityId, name: &str) -> Feature {
    Feature {
        id,
        kind: FeatureKind::Feature,
        name: name.into(),
        description: String::new(),
        status: None,
        effort: None,
        owner: None,
        acceptance_criteria: vec![],
        jira: None,
        stories: vec![],
    }
}

fn local(s: &str) -> EntityId {
    EntityId::Local(LocalId::new(s).unwrap())
}

fn base() -> Plan {
    let mut a = objective(EntityId::Tp(1), "Platform governance");
    a.features.push(feature(EntityId::Tp(10), "Policy engine"));
    Plan {
        team: Named {
            id: Some(1),
            name: "Platform Eco".into(),
        },
        objectives: vec![a, objective(EntityId::Tp(2), "Observability")],
        ..Plan::default()
    }
}

fn lines(ops: &[Op]) -> Vec<String> {
    ops.iter().map(ToString::to_string).collect()
}

#[test]
fn no_change_no_ops() {
    assert_eq!(push_plan(&base(), &base()).unwrap(), vec![]);
}

#[test]
fn field_updates_read_like_a_planner_would_say_them() {
    let mut l = base();
    l.objectives[0].effort = Effort::new(21.0);
    l.objectives[0].owner = Some("Ana Lee".into());
    l.objectives[0].features[0]
        .acceptance_criteria
        .push(Criterion {
            text: "Audited".into(),
            done: false,
        });
    let ops = push_plan(&base(), &l).unwrap();
    assert_eq!(
        lines(&ops).join("\n"),
        "Effort 13 → 21 points on \"Platform governance\"\n\
         Owner (none) → Ana Lee on \"Platform governance\"\n\
         Acceptance Criteria (none) → [ ] Audited on \"Policy engine\""
    );
}

#[test]
fn creates_come_first_and_carry_their_set_fields() {
    let mut l = base();
    let mut o = objective(local("n1"), "New objective");
    o.features.push(feature(local("f1"), "New feature"));
    l.objectives.push(o);
    let ops = push_plan(&base(), &l).unwrap();
    assert_eq!(
        lines(&ops),
        vec![
            "Create objective \"New objective\"",
            "Create feature \"New feature\""
        ]
    );
    let Op::CreateObjective { fields, .. } = &ops[0] else {
        panic!("{ops:?}")
    };
    let set: Vec<Field> = fields.iter().map(|c| c.field).collect();
    assert_eq!(set, vec![Field::Name, Field::Status, Field::Effort]);
    let Op::CreateFeature { objective, .. } = &ops[1] else {
        panic!("{ops:?}")
    };
    assert_eq!(objective, &local("n1"));
}

#[test]
fn moves_are_relinks_and_removals_are_deletes_last() {
    let mut l = base();
    let f = l.objectives[0].features.remove(0);
    l.objectives[1].features.push(f);
    l.objectives.remove(0);
    let ops = push_plan(&base(), &l).unwrap();
    assert_eq!(
        lines(&ops),
        vec![
            "Move feature \"Policy engine\" from objective tp:1 to tp:2",
            "Delete objective \"Platform governance\"",
        ]
    );
    assert!(ops[1].is_delete());
}

#[test]
fn a_tp_id_unknown_to_the_base_is_refused() {
    let mut l = base();
    l.objectives.push(objective(EntityId::Tp(99), "Pasted"));
    assert_eq!(
        push_plan(&base(), &l),
        Err(ChangesetError::UnknownTpId(
            EntityId::Tp(99),
            "Pasted".into()
        ))
    );
}
