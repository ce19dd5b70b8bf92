//! The rendered form of a small plan that uses every construct of the layout.

use pi_format::{parse, render};
use pi_model::{
    Criterion, Effort, EntityId, Feature, FeatureKind, JiraLink, LocalId, Named, Plan, PlanMeta,
    ProgramObjective, Story, TeamObjective,
};

fn local(s: &str) -> EntityId {
    EntityId::Local(LocalId::new(s).expect("valid local id"))
}

fn sample() -> Plan {
    let signup = Feature {
        id: local("7f3c"),
        kind: FeatureKind::Feature,
        name: "Self-service *signup* [beta]".into(),
        description: "Lets a tenant admin sign up alone.\n\n# Not a heading\n**Owner**: not a field\n\n| step | who |\n|------|-----|\n| 1    | admin |".into(),
        status: Some("Pending".into()),
        effort: Effort::new(13.0),
        owner: Some("Jane Doe".into()),
        acceptance_criteria: vec![
            Criterion { text: "signup takes < 2 minutes".into(), done: false },
            Criterion { text: "audited in `events`".into(), done: true },
        ],
        jira: Some(JiraLink { key: "DAD-2652".into(), url: Some("https://acme.atlassian.net/browse/DAD-2652".into()) }),
        stories: vec![Story {
            key: "DAD-2701".into(),
            url: None,
            summary: "Signup form".into(),
            status: Some("In Progress".into()),
            status_category: Some("indeterminate".into()),
            assignee: Some("Mei Chen".into()),
            points: Effort::new(3.0),
            acceptance_criteria: vec![],
        }],
    };
    let epic = Feature {
        id: EntityId::Tp(2018883),
        kind: FeatureKind::Epic,
        name: "Tenant data export".into(),
        description: String::new(),
        status: None,
        effort: Effort::new(0.5),
        owner: None,
        acceptance_criteria: vec![],
        jira: None,
        stories: vec![],
    };
    Plan {
        art: Named {
            id: Some(11),
            name: "Platform ART".into(),
        },
        release: Named {
            id: Some(4425),
            name: "PI-4/25".into(),
        },
        team: Named {
            id: Some(77),
            name: "Platform Eco".into(),
        },
        meta: PlanMeta {
            tp_url: Some("https://acme.tpondemand.com".into()),
            jira_url: Some("https://acme.atlassian.net".into()),
        },
        program_objectives: vec![ProgramObjective {
            id: EntityId::Tp(2019050),
            name: "Data quality".into(),
        }],
        objectives: vec![TeamObjective {
            id: EntityId::Tp(2019099),
            name: "Faster #onboarding".into(),
            description: "Cut onboarding from days to hours.".into(),
            status: Some("Accepted".into()),
            effort: Effort::new(34.0),
            owner: Some("Ravi Patel".into()),
            committed: true,
            business_value: Some(8),
            actual_business_value: None,
            program_objective: Some(EntityId::Tp(2019050)),
            features: vec![signup, epic],
        }],
        notes: "Capacity: 120 points.\n\n### Risks\n\n- holidays in week 3".into(),
    }
}

#[test]
fn rendered_sample() {
    let plan = sample();
    let text = render(&plan);
    assert_eq!(parse(&text).expect("parses").plan, plan);
    insta::assert_snapshot!(text, @r#"
    ---
    format: pi-plan/1
    art:
      id: 11
      name: Platform ART
    release:
      id: 4425
      name: PI-4/25
    team:
      id: 77
      name: Platform Eco
    tp_url: https://acme.tpondemand.com
    jira_url: https://acme.atlassian.net
    ---

    # PI-4/25 Plan - Platform Eco

    ## Program Objectives

    ### Program Objective: Data quality

    **ID**: tp:2019050

    ## Objective: Faster \#onboarding

    **ID**: tp:2019099

    **Status**: Accepted

    **Effort**: 34 points

    **Owner**: Ravi Patel

    **Committed**: yes

    **Business Value**: 8

    **Program Objective**: tp:2019050 (Data quality)

    **Description**:

    Cut onboarding from days to hours.

    ### Feature: Self-service \*signup\* \[beta\]

    **ID**: new:7f3c

    **Status**: Pending

    **Effort**: 13 points

    **Owner**: Jane Doe

    **Jira**: [DAD-2652](https://acme.atlassian.net/browse/DAD-2652)

    **Acceptance Criteria**:

    - [ ] signup takes < 2 minutes
    - [x] audited in `events`

    **Description**:

    Lets a tenant admin sign up alone.

    \# Not a heading
    \**Owner**: not a field

    | step | who |
    |------|-----|
    | 1    | admin |

    #### Story: Signup form

    **Jira**: DAD-2701

    **Status**: In Progress

    **Status Category**: indeterminate

    **Assignee**: Mei Chen

    **Points**: 3 points

    ### Epic: Tenant data export

    **ID**: tp:2018883

    **Effort**: 0.5 points

    ## Notes

    Capacity: 120 points.

    ### Risks

    - holidays in week 3
    "#);
}
