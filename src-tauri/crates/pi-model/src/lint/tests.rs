use super::*;
use crate::{Criterion, Effort, FeatureKind, JiraLink, Named, Story, TeamObjective};

fn story(key: &str, category: &str, points: Option<f64>) -> Story {
    Story {
        key: key.into(),
        url: None,
        summary: format!("{key} summary"),
        status: Some(category.into()),
        status_category: Some(category.into()),
        assignee: None,
        points: points.and_then(Effort::new),
        acceptance_criteria: vec![],
    }
}

fn feature(id: i64, status: &str, effort: f64, epic: Option<&str>, stories: Vec<Story>) -> Feature {
    Feature {
        id: EntityId::Tp(id),
        kind: FeatureKind::Feature,
        name: format!("Feature {id}"),
        description: String::new(),
        status: Some(status.into()),
        effort: Effort::new(effort),
        owner: None,
        acceptance_criteria: vec![Criterion {
            text: "works".into(),
            done: false,
        }],
        jira: epic.map(|k| JiraLink {
            key: k.into(),
            url: None,
        }),
        stories,
    }
}

fn plan(features: Vec<Feature>, committed: bool) -> Plan {
    Plan {
        team: Named {
            id: Some(3),
            name: "Platform Eco".into(),
        },
        objectives: vec![TeamObjective {
            id: EntityId::Tp(10),
            name: "Governance".into(),
            description: String::new(),
            status: None,
            effort: None,
            owner: None,
            committed,
            business_value: None,
            actual_business_value: None,
            program_objective: None,
            features,
        }],
        ..Plan::default()
    }
}

fn settings() -> LintSettings {
    LintSettings {
        done_statuses: vec!["Done".into()],
        done_status: Some("Done".into()),
        open_status: Some("Implementing".into()),
        ..LintSettings::default()
    }
}

fn codes(findings: &[LintFinding]) -> Vec<(i64, LintCode)> {
    findings
        .iter()
        .map(|f| (f.feature.tp().unwrap_or(0), f.code))
        .collect()
}

#[test]
fn finds_each_kind_with_where_and_a_fix() {
    let mut no_ac = feature(
        7,
        "Backlog",
        3.0,
        Some("P-7"),
        vec![story("P-71", "new", Some(3.0))],
    );
    no_ac.acceptance_criteria.clear();
    let p = plan(
        vec![
            feature(
                1,
                "Done",
                3.0,
                Some("P-1"),
                vec![
                    story("P-11", "new", Some(1.0)),
                    story("P-12", "done", Some(2.0)),
                ],
            ),
            feature(
                2,
                "Implementing",
                2.0,
                Some("P-2"),
                vec![story("P-21", "done", Some(2.0))],
            ),
            feature(
                3,
                "Backlog",
                2.0,
                Some("P-3"),
                vec![story("P-31", "new", Some(40.0))],
            ),
            feature(4, "Backlog", 2.0, None, vec![]),
            feature(5, "Backlog", 2.0, Some("P-5"), vec![]),
            feature(
                6,
                "Backlog",
                0.0,
                Some("P-6"),
                vec![story("P-61", "new", None)],
            ),
            no_ac,
        ],
        true,
    );
    let found = lint(&p, &settings(), &["P-5".to_owned()]);
    assert_eq!(
        codes(&found),
        vec![
            (1, LintCode::FeatureDoneStoriesOpen),
            (2, LintCode::StoriesDoneFeatureOpen),
            (3, LintCode::PointsVsEffort),
            (4, LintCode::FeatureWithoutEpic),
            (5, LintCode::EpicMissing),
            (6, LintCode::StoriesWithoutPoints),
            (7, LintCode::AcEmptyOnCommitted),
        ]
    );
    let first = &found[0];
    assert_eq!(
        (first.team.as_str(), first.objective.as_str()),
        ("Platform Eco", "Governance")
    );
    assert_eq!(first.epic.as_deref(), Some("P-1"));
    assert_eq!(first.stories, vec!["P-11".to_owned()]);
    assert_eq!(
        first.fix.edit,
        Some(FixEdit::SetStatus {
            status: "Implementing".into()
        })
    );
    assert_eq!(
        found[1].fix.edit,
        Some(FixEdit::SetStatus {
            status: "Done".into()
        })
    );
    assert_eq!(found[2].fix.edit, Some(FixEdit::SetEffort { points: 40.0 }));
    assert_eq!(found[5].stories, vec!["P-61".to_owned()]);
    // Not committed: no criteria finding.
    assert!(
        lint(
            &plan(vec![feature(8, "Backlog", 1.0, Some("P-8"), vec![])], false),
            &settings(),
            &[]
        )
        .is_empty()
    );
}

#[test]
fn the_tolerance_is_a_share_or_points() {
    let p = |effort: f64, points: f64| {
        plan(
            vec![feature(
                1,
                "Backlog",
                effort,
                Some("P-1"),
                vec![story("P-11", "new", Some(points))],
            )],
            false,
        )
    };
    let mut s = settings();
    assert!(lint(&p(10.0, 12.0), &s, &[]).is_empty(), "20% of 12 is 2.4");
    assert_eq!(
        codes(&lint(&p(10.0, 13.0), &s, &[])),
        vec![(1, LintCode::PointsVsEffort)]
    );
    s.tolerance = Tolerance::parse("3").unwrap();
    assert!(lint(&p(10.0, 13.0), &s, &[]).is_empty());
    assert_eq!(
        Tolerance::parse(" 15 % ").unwrap(),
        Tolerance::Percent(15.0)
    );
    assert!(Tolerance::parse("-1").unwrap_err().contains("\"-1\""));
    assert!(Tolerance::parse("lots").is_err());
}

#[test]
fn fields_jira_owns_are_never_proposed_as_edits_and_fixes_apply_by_code() {
    let mut p = plan(
        vec![
            feature(
                1,
                "Done",
                3.0,
                Some("P-1"),
                vec![story("P-11", "new", Some(3.0))],
            ),
            feature(
                3,
                "Backlog",
                2.0,
                Some("P-3"),
                vec![story("P-31", "new", Some(40.0))],
            ),
        ],
        false,
    );
    let mut owned = settings();
    owned.jira_owns = vec!["status".into()];
    let found = lint(&p, &owned, &[]);
    assert_eq!(found[0].fix.edit, None);
    assert!(
        found[0].fix.description.contains("Jira owns"),
        "{:?}",
        found[0].fix
    );
    assert_eq!(apply(&mut p, &found, &LintCode::ALL), 1, "only the effort");
    let effort = p.objectives[0].features[1].effort.map(Effort::points);
    assert_eq!(effort, Some(40.0));
    assert_eq!(p.objectives[0].features[0].status.as_deref(), Some("Done"));
    let found = lint(&p, &settings(), &[]);
    assert_eq!(apply(&mut p, &found, &[LintCode::PointsVsEffort]), 0);
    assert_eq!(
        apply(&mut p, &found, &[LintCode::FeatureDoneStoriesOpen]),
        1
    );
    assert_eq!(
        p.objectives[0].features[0].status.as_deref(),
        Some("Implementing")
    );
    assert!(lint(&p, &settings(), &[]).is_empty());
    assert_eq!(
        LintCode::parse("points-vs-effort"),
        Some(LintCode::PointsVsEffort)
    );
    assert_eq!(LintCode::parse("nope"), None);
}
