use super::*;
use crate::{
    Criterion, Effort, Feature, FeatureKind, LocalId, Named, ProgramObjective, TeamObjective,
};

fn objective(id: i64, name: &str) -> TeamObjective {
    TeamObjective {
        id: EntityId::Tp(id),
        name: name.into(),
        description: String::new(),
        status: Some("Pending".into()),
        effort: Effort::new(8.0),
        owner: Some("Ana Lee".into()),
        committed: false,
        business_value: None,
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
        status: Some("Backlog".into()),
        effort: Effort::new(5.0),
        owner: None,
        acceptance_criteria: vec![Criterion {
            text: "works".into(),
            done: false,
        }],
        jira: None,
        stories: vec![],
    }
}

fn plan() -> Plan {
    let mut o = objective(10, "Platform governance");
    o.features.push(feature(100, "Policy engine"));
    Plan {
        art: Named {
            id: Some(1),
            name: "Cloud ART".into(),
        },
        release: Named {
            id: Some(2),
            name: "PI-4/25".into(),
        },
        team: Named {
            id: Some(3),
            name: "Platform Eco".into(),
        },
        program_objectives: vec![ProgramObjective {
            id: EntityId::Tp(50),
            name: "Data quality".into(),
        }],
        objectives: vec![o, objective(11, "Observability")],
        ..Plan::default()
    }
}

fn rules(findings: &[Finding]) -> Vec<(&'static str, Severity, EntityPath)> {
    findings
        .iter()
        .map(|f| (f.rule, f.severity, f.path))
        .collect()
}

#[test]
fn a_good_plan_has_no_findings() {
    assert_eq!(validate(&plan(), &RepoConfig::default()), vec![]);
}

#[test]
fn duplicate_ids_are_errors_on_the_second_use() {
    let mut p = plan();
    p.objectives[1].id = EntityId::Tp(10);
    p.objectives[0].features[0].id = EntityId::Local(LocalId::new("a1").unwrap());
    p.objectives[1].features.push(Feature {
        id: EntityId::Local(LocalId::new("a1").unwrap()),
        ..feature(0, "Copy")
    });
    let f = validate(&p, &RepoConfig::default());
    assert_eq!(
        rules(&f),
        vec![
            (
                "unique-ids",
                Severity::Error,
                EntityPath::Objective { index: 1 }
            ),
            (
                "unique-ids",
                Severity::Error,
                EntityPath::Feature {
                    objective: 1,
                    index: 0
                }
            ),
        ]
    );
    assert!(f[0].message.contains("tp:10"), "{}", f[0].message);
    assert!(
        f[0].message.contains("Platform governance"),
        "{}",
        f[0].message
    );
}

#[test]
fn negative_effort_and_missing_name_are_errors_an_unusual_status_a_warning() {
    let mut p = plan();
    p.objectives[0].effort = Effort::new(-1.0);
    p.objectives[0].features[0].status = Some("Shipped".into());
    p.objectives[1].name = "  ".into();
    let f = validate(&p, &RepoConfig::default());
    assert_eq!(
        rules(&f),
        vec![
            (
                "effort-non-negative",
                Severity::Error,
                EntityPath::Objective { index: 0 }
            ),
            (
                "known-status",
                Severity::Warning,
                EntityPath::Feature {
                    objective: 0,
                    index: 0
                }
            ),
            (
                "required-field",
                Severity::Error,
                EntityPath::Objective { index: 1 }
            ),
        ]
    );
    assert!(has_errors(&f));
    assert!(
        f[1].message.contains("Funnel, Analyzing"),
        "{}",
        f[1].message
    );
}

#[test]
fn status_is_matched_case_insensitively() {
    let mut p = plan();
    p.objectives[0].status = Some("in progress".into());
    assert_eq!(validate(&p, &RepoConfig::default()), vec![]);
}

#[test]
fn dangling_program_objective_link_is_an_error() {
    let mut p = plan();
    p.objectives[0].program_objective = Some(EntityId::Tp(50));
    assert_eq!(validate(&p, &RepoConfig::default()), vec![]);
    p.objectives[1].program_objective = Some(EntityId::Tp(51));
    let f = validate(&p, &RepoConfig::default());
    assert_eq!(
        rules(&f),
        vec![(
            "program-objective-link",
            Severity::Error,
            EntityPath::Objective { index: 1 }
        )]
    );
    assert_eq!(f[0].field, Some(Field::ProgramObjective));
}

#[test]
fn conflict_markers_in_text_are_errors() {
    let mut p = plan();
    p.objectives[0].description = "a\n<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n".into();
    let f = validate(&p, &RepoConfig::default());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "conflict-markers");
    // A setext heading underline alone is not a marker.
    p.objectives[0].description = "Title\n=======\n".into();
    assert_eq!(validate(&p, &RepoConfig::default()), vec![]);
}

#[test]
fn committed_rules_follow_their_configured_level() {
    let mut p = plan();
    p.objectives[0].committed = true;
    p.objectives[0].owner = None;
    p.objectives[0].features[0].acceptance_criteria.clear();
    let defaults = validate(&p, &RepoConfig::default());
    assert_eq!(
        rules(&defaults),
        vec![
            (
                "owner-required-on-committed",
                Severity::Warning,
                EntityPath::Objective { index: 0 }
            ),
            (
                "acceptance-criteria-required-on-committed",
                Severity::Warning,
                EntityPath::Feature {
                    objective: 0,
                    index: 0
                }
            ),
        ]
    );
    assert!(!has_errors(&defaults));

    let strict = RepoConfig::from_toml_str(
        "[validation]\nowner_required_on_committed = \"error\"\nacceptance_criteria_required_on_committed = \"off\"\n",
    )
    .unwrap();
    let f = validate(&p, &strict);
    assert_eq!(
        rules(&f),
        vec![(
            "owner-required-on-committed",
            Severity::Error,
            EntityPath::Objective { index: 0 }
        )]
    );
    // Uncommitted objectives are not held to these rules.
    p.objectives[0].committed = false;
    assert_eq!(validate(&p, &strict), vec![]);
}

#[test]
fn effort_range_max_objectives_and_allowed_statuses() {
    let config = RepoConfig::from_toml_str(
        r#"[validation]
effort_range = { min = 1, max = 6, level = "warning" }
max_objectives_per_team = { max = 1 }
allowed_statuses = { objective = ["Pending"], feature = ["Funnel"] }
"#,
    )
    .unwrap();
    let mut p = plan();
    p.objectives[1].status = Some("Accepted".into());
    let f = validate(&p, &config);
    assert_eq!(
        rules(&f),
        vec![
            ("max-objectives-per-team", Severity::Error, EntityPath::Plan),
            (
                "effort-range",
                Severity::Warning,
                EntityPath::Objective { index: 0 }
            ),
            (
                "allowed-statuses",
                Severity::Error,
                EntityPath::Feature {
                    objective: 0,
                    index: 0
                }
            ),
            (
                "allowed-statuses",
                Severity::Error,
                EntityPath::Objective { index: 1 }
            ),
            (
                "effort-range",
                Severity::Warning,
                EntityPath::Objective { index: 1 }
            ),
        ]
    );
    assert!(f[1].message.contains("between 1 and 6"), "{}", f[1].message);
}

#[test]
fn plan_must_name_release_and_team() {
    let mut p = plan();
    p.team.name.clear();
    let f = validate(&p, &RepoConfig::default());
    assert_eq!(
        rules(&f),
        vec![("required-field", Severity::Error, EntityPath::Plan)]
    );
    assert_eq!(f[0].field, Some(Field::Team));
}
