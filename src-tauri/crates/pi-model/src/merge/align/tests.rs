use super::*;
use crate::merge::merge;
use crate::{Criterion, Effort, FeatureKind, LocalId, Named};

fn legacy(s: &str) -> EntityId {
    EntityId::Local(LocalId::new(&format!("legacy-{s}")).unwrap())
}

fn is_legacy(id: &EntityId) -> bool {
    matches!(id, EntityId::Local(l) if l.as_str().starts_with("legacy-"))
}

const DERIVED: Derived<'static> = Derived {
    base: &is_legacy,
    side: &is_legacy,
};

fn epic(id: &str, name: &str, effort: f64) -> Feature {
    Feature {
        id: legacy(id),
        kind: FeatureKind::Epic,
        name: name.into(),
        description: String::new(),
        status: Some("Implementing".into()),
        effort: Effort::new(effort),
        owner: Some("Ravi Patel".into()),
        acceptance_criteria: vec![Criterion {
            text: format!("{name} is accepted"),
            done: false,
        }],
        jira: None,
        stories: vec![],
    }
}

fn plan(features: Vec<Feature>) -> Plan {
    Plan {
        release: Named {
            id: None,
            name: "PI-4/25".into(),
        },
        team: Named {
            id: None,
            name: "Platform Eco".into(),
        },
        objectives: vec![TeamObjective {
            id: EntityId::Tp(7),
            name: "Governance".into(),
            description: String::new(),
            status: None,
            effort: None,
            owner: None,
            committed: false,
            business_value: None,
            actual_business_value: None,
            program_objective: None,
            features,
        }],
        ..Plan::default()
    }
}

#[test]
fn renaming_an_id_less_epic_on_both_sides_is_a_name_conflict_not_two_epics() {
    let base = plan(vec![
        epic("a", "Policy engine", 13.0),
        epic("b", "Audit", 5.0),
    ]);
    let mut local = plan(vec![
        epic("l1", "Policy rollout", 13.0),
        epic("b", "Audit", 5.0),
    ]);
    let mut remote = plan(vec![
        epic("r1", "Policy engine v2", 13.0),
        epic("b", "Audit", 5.0),
    ]);
    local.objectives[0].features[0].acceptance_criteria[0].text =
        "Policy engine is accepted".into();
    remote.objectives[0].features[0].acceptance_criteria[0].text =
        "Policy engine is accepted".into();
    assert_eq!(align_derived_ids(&base, &mut local, &DERIVED), 1);
    assert_eq!(align_derived_ids(&base, &mut remote, &DERIVED), 1);
    let out = merge(&base, &local, &remote);
    assert_eq!(out.merged.objectives[0].features.len(), 2);
    assert_eq!(out.conflicts.len(), 1, "{:?}", out.conflicts);
    assert_eq!(out.conflicts[0].entity, legacy("a"));
    assert_eq!(out.conflicts[0].field, Some(Field::Name));
}

#[test]
fn a_deleted_epic_and_a_new_one_at_its_place_are_not_matched() {
    let base = plan(vec![epic("a", "Policy engine", 13.0)]);
    let mut new = epic("n", "Cost dashboards", 3.0);
    new.status = Some("Analyzing".into());
    new.owner = Some("Mia Chen".into());
    let mut local = plan(vec![new]);
    assert_eq!(align_derived_ids(&base, &mut local, &DERIVED), 0);
    assert_eq!(local.objectives[0].features[0].id, legacy("n"));
}

#[test]
fn ids_written_in_the_file_are_never_rematched() {
    let base = plan(vec![epic("a", "Policy engine", 13.0)]);
    let mut local = plan(vec![epic("x", "Policy rollout", 13.0)]);
    local.objectives[0].features[0].id = EntityId::Tp(55);
    assert_eq!(align_derived_ids(&base, &mut local, &DERIVED), 0);
    let written = |id: &EntityId| !matches!(id, EntityId::Tp(_)) && !is_legacy(id);
    let strict = Derived {
        base: &is_legacy,
        side: &written,
    };
    let mut local = plan(vec![epic("x", "Policy rollout", 13.0)]);
    assert_eq!(align_derived_ids(&base, &mut local, &strict), 0);
}

#[test]
fn a_lone_name_only_epic_renamed_in_place_is_matched_by_place() {
    let bare = |id: &str, name: &str| Feature {
        status: None,
        effort: None,
        owner: None,
        acceptance_criteria: vec![],
        ..epic(id, name, 1.0)
    };
    let base = plan(vec![bare("a", "One"), bare("b", "Two")]);
    let mut local = plan(vec![bare("c", "Uno"), bare("b", "Two")]);
    assert_eq!(align_derived_ids(&base, &mut local, &DERIVED), 1);
    assert_eq!(local.objectives[0].features[0].id, legacy("a"));
}

#[test]
fn an_epic_moved_to_another_objective_keeps_its_match() {
    let mut base = plan(vec![epic("a", "Policy engine", 13.0)]);
    let mut second = base.objectives[0].clone();
    second.id = EntityId::Tp(8);
    second.features.clear();
    base.objectives.push(second);
    let mut local = base.clone();
    let mut moved = local.objectives[0].features.remove(0);
    moved.id = legacy("m");
    local.objectives[1].features.push(moved);
    assert_eq!(align_derived_ids(&base, &mut local, &DERIVED), 1);
    assert_eq!(local.objectives[1].features[0].id, legacy("a"));
}
