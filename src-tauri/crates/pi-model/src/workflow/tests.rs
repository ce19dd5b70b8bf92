use super::*;
use crate::validate::{Severity, validate, validate_with};
use crate::{EntityId, Feature, FeatureKind, Named, Plan, RepoConfig, TeamObjective};

fn state(name: &str, process: &str) -> WorkflowState {
    WorkflowState {
        name: name.into(),
        process: Some(process.into()),
        initial: false,
        is_final: false,
    }
}

fn account() -> Workflows {
    Workflows {
        objective: vec![state("Proposed", "SAFe"), state("Committed", "SAFe")],
        feature: vec![
            state("Planned", "SAFe"),
            state("In Delivery", "SAFe"),
            state("planned", "Kanban"),
            state("Released", "Kanban"),
        ],
    }
}

fn plan(objective_status: &str, feature_status: &str) -> Plan {
    let feature = Feature {
        id: EntityId::Tp(20),
        kind: FeatureKind::Feature,
        name: "Dock".into(),
        description: String::new(),
        status: Some(feature_status.into()),
        effort: None,
        owner: None,
        acceptance_criteria: vec![],
        jira: None,
        stories: vec![],
    };
    let objective = TeamObjective {
        id: EntityId::Tp(10),
        name: "Ship".into(),
        description: String::new(),
        status: Some(objective_status.into()),
        effort: None,
        owner: None,
        committed: false,
        business_value: None,
        actual_business_value: None,
        program_objective: None,
        features: vec![feature],
    };
    let named = |name: &str| Named {
        id: Some(1),
        name: name.into(),
    };
    Plan {
        release: named("PI-1/26"),
        team: named("Harbor Ops"),
        objectives: vec![objective],
        ..Plan::default()
    }
}

fn known_status(findings: &[crate::validate::Finding]) -> Vec<(Severity, String)> {
    findings
        .iter()
        .filter(|f| f.rule == "known-status")
        .map(|f| (f.severity, f.message.clone()))
        .collect()
}

#[test]
fn names_are_distinct_across_processes_first_spelling_kept() {
    assert_eq!(
        account().names(StatusKind::Feature),
        vec!["Planned", "In Delivery", "Released"]
    );
}

#[test]
fn configured_beats_account_beats_usual() {
    let config = StatusConfig {
        objective: Some(vec!["Open".into()]),
        feature: None,
    };
    let known = KnownStatuses::resolve(&config, Some(&account()));
    assert_eq!(known.objective.source, StatusSource::Configured);
    assert_eq!(known.objective.names, vec!["Open"]);
    assert_eq!(known.feature.source, StatusSource::Account);
    let offline = KnownStatuses::resolve(&StatusConfig::default(), None);
    assert_eq!(offline.feature.source, StatusSource::Usual);
    assert!(!offline.feature.is_authoritative());
    let empty = KnownStatuses::resolve(&StatusConfig::default(), Some(&Workflows::default()));
    assert_eq!(
        empty.objective.source,
        StatusSource::Usual,
        "no states read: not known"
    );
}

#[test]
fn the_accounts_states_decide_when_known() {
    let config = RepoConfig::default();
    let known = KnownStatuses::resolve(&config.statuses, Some(&account()));
    assert!(
        known_status(&validate_with(
            &plan("Committed", "planned"),
            &config,
            &known
        ))
        .is_empty()
    );
    let found = known_status(&validate_with(
        &plan("Committed", "Funnel"),
        &config,
        &known,
    ));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, Severity::Error);
    assert!(
        found[0]
            .1
            .contains("Targetprocess's workflow: Planned, In Delivery, Released"),
        "{}",
        found[0].1
    );
}

#[test]
fn offline_without_states_an_unusual_status_is_a_warning() {
    let found = known_status(&validate(
        &plan("Pending", "Planned"),
        &RepoConfig::default(),
    ));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, Severity::Warning);
    assert!(found[0].1.contains("\"Planned\""), "{}", found[0].1);
    assert!(found[0].1.contains("not known here"), "{}", found[0].1);
}

#[test]
fn a_configured_list_is_an_error_source() {
    let config = RepoConfig::from_toml_str("[statuses]\nfeature = [\"Open\"]\n").unwrap();
    let found = known_status(&validate(&plan("Pending", "Planned"), &config));
    assert_eq!(found, vec![(Severity::Error, "feature \"Dock\" has status \"Planned\", which is not one of pi-planner.toml's [statuses]: Open".to_owned())]);
}

#[test]
fn workflows_round_trip_through_json_and_bad_json_is_located() {
    let text = account().to_json();
    assert_eq!(Workflows::from_json(&text).unwrap(), account());
    assert_eq!(
        text,
        Workflows::from_json(&text).unwrap().to_json(),
        "stable bytes"
    );
    let err = Workflows::from_json("{\n  \"feature\": [{\"nme\": \"x\"}]\n}").unwrap_err();
    assert!(err.starts_with("line 2"), "{err}");
}
