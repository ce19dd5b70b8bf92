//! `render_with_markers`: markers only around the conflicting fields, the text between them is
//! what the renderer writes for each side, and resolving every region to one side reads back
//! as that side's plan.

use crate::support;

use pi_format::{MarkerLabels, ParseErrorKind, parse, render, render_with_markers};
use pi_model::merge::{
    self, FEATURE_FIELDS, OBJECTIVE_FIELDS, feature_get, feature_set, objective_get, objective_set,
};
use pi_model::{Effort, EntityId, Feature, FeatureKind, Named, Plan, TeamObjective};
use proptest::prelude::*;

fn objective(id: i64, name: &str) -> TeamObjective {
    TeamObjective {
        id: EntityId::Tp(id),
        name: name.into(),
        description: String::new(),
        status: Some("Pending".into()),
        effort: Effort::new(13.0),
        owner: Some("John Smith".into()),
        committed: true,
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
        status: Some("Pending".into()),
        effort: None,
        owner: None,
        acceptance_criteria: vec![],
        jira: None,
        stories: vec![],
    }
}

fn base() -> Plan {
    let mut o = objective(10, "Faster onboarding");
    o.features.push(feature(20, "Self-service signup"));
    Plan {
        release: Named {
            id: Some(1),
            name: "PI-4/25".into(),
        },
        team: Named {
            id: Some(2),
            name: "Eco".into(),
        },
        objectives: vec![o, objective(11, "Cheaper storage")],
        ..Plan::default()
    }
}

const TP: MarkerLabels<'static> = MarkerLabels {
    local: "local",
    base: "base",
    remote: "Targetprocess",
};

fn marked(base: &Plan, local: &Plan, remote: &Plan) -> String {
    let out = merge::merge(base, local, remote);
    render_with_markers(&out.merged, &out.conflicts, TP)
}

/// Keeps one side of every marker region: 0 local, 1 base, 2 remote. Test-only resolver.
fn take(text: &str, side: usize) -> String {
    let mut out = String::new();
    let mut part: Option<usize> = None;
    for line in text.lines() {
        let (next, is_marker) = match line.get(..7) {
            Some("<<<<<<<") => (Some(0), true),
            Some("|||||||") if part.is_some() => (Some(1), true),
            Some("=======") if part.is_some() => (Some(2), true),
            Some(">>>>>>>") => (None, true),
            _ => (part, false),
        };
        if !is_marker && part.is_none_or(|p| p == side) {
            out.push_str(line);
            out.push('\n');
        }
        part = next;
    }
    out
}

#[test]
fn no_conflicts_is_plain_render() {
    let b = base();
    let mut l = b.clone();
    l.objectives[0].effort = Effort::new(21.0);
    let out = merge::merge(&b, &l, &b);
    assert!(out.conflicts.is_empty());
    assert_eq!(
        render_with_markers(&out.merged, &[], TP),
        render(&out.merged)
    );
}

#[test]
fn same_field_conflict_wraps_only_that_line() {
    let b = base();
    let (mut l, mut r) = (b.clone(), b.clone());
    l.objectives[0].effort = Effort::new(21.0);
    r.objectives[0].effort = Effort::new(20.0);
    r.objectives[0].owner = Some("Sarah Lee".into());
    let text = marked(&b, &l, &r);
    let start = text.find("## Objective: Faster").expect("objective");
    let end = text.find("### Feature").expect("feature");
    insta::assert_snapshot!(&text[start..end], @r"
    ## Objective: Faster onboarding

    **ID**: tp:10

    **Status**: Pending

    <<<<<<< local
    **Effort**: 21 points
    ||||||| base
    **Effort**: 13 points
    =======
    **Effort**: 20 points
    >>>>>>> Targetprocess

    **Owner**: Sarah Lee

    **Committed**: yes
    ");
    let errs = parse(&text).expect_err("markers are reported").0;
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].kind, ParseErrorKind::ConflictMarkers);
    let marker_line = text
        .lines()
        .position(|l| l.starts_with("<<<<<<<"))
        .expect("marker")
        + 1;
    assert_eq!(errs[0].at.line, marker_line);
}

#[test]
fn field_missing_locally_is_inserted_with_an_empty_local_side() {
    let b = base();
    let (mut l, mut r) = (b.clone(), b.clone());
    l.objectives[1].owner = None;
    r.objectives[1].owner = Some("Sarah Lee".into());
    let text = marked(&b, &l, &r);
    let start = text.find("## Objective: Cheaper").expect("objective");
    insta::assert_snapshot!(&text[start..], @r"
    ## Objective: Cheaper storage

    **ID**: tp:11

    **Status**: Pending

    **Effort**: 13 points

    <<<<<<< local
    ||||||| base
    **Owner**: John Smith
    =======
    **Owner**: Sarah Lee
    >>>>>>> Targetprocess

    **Committed**: yes
    ");
}

#[test]
fn multi_line_description_and_criteria_conflicts() {
    let mut b = base();
    // One criterion both sides rewrote differently (criteria only added on both sides merge).
    b.objectives[0].features[0].acceptance_criteria = vec![pi_model::Criterion {
        text: "quick".into(),
        done: false,
    }];
    let (mut l, mut r) = (b.clone(), b.clone());
    l.objectives[0].features[0].description = "Line one.\n\n# escaped heading".into();
    r.objectives[0].features[0].description = "Other text.".into();
    l.objectives[0].features[0].acceptance_criteria = vec![pi_model::Criterion {
        text: "fast".into(),
        done: false,
    }];
    r.objectives[0].features[0].acceptance_criteria = vec![pi_model::Criterion {
        text: "audited".into(),
        done: true,
    }];
    let text = marked(&b, &l, &r);
    let start = text.find("### Feature").expect("feature");
    let end = text.find("## Objective: Cheaper").expect("next objective");
    insta::assert_snapshot!(&text[start..end], @r"
    ### Feature: Self-service signup

    **ID**: tp:20

    **Status**: Pending

    <<<<<<< local
    **Acceptance Criteria**:

    - [ ] fast
    ||||||| base
    **Acceptance Criteria**:

    - [ ] quick
    =======
    **Acceptance Criteria**:

    - [x] audited
    >>>>>>> Targetprocess

    <<<<<<< local
    **Description**:

    Line one.

    \# escaped heading
    ||||||| base
    =======
    **Description**:

    Other text.
    >>>>>>> Targetprocess
    ");
    assert_eq!(parse(&take(&text, 2)).expect("remote side parses").plan, {
        let mut want = r.clone();
        want.objectives[0].features[0].status = Some("Pending".into());
        want
    });
}

#[test]
fn edited_here_deleted_there_wraps_the_whole_section() {
    let b = base();
    let (mut l, mut r) = (b.clone(), b.clone());
    l.objectives[0].features[0].effort = Effort::new(8.0);
    r.objectives[0].features.clear();
    let text = marked(&b, &l, &r);
    let start = text.find("<<<<<<<").expect("markers");
    let end = text.find("## Objective: Cheaper").expect("next objective");
    insta::assert_snapshot!(&text[start..end], @r"
    <<<<<<< local
    ### Feature: Self-service signup

    **ID**: tp:20

    **Status**: Pending

    **Effort**: 8 points
    =======
    >>>>>>> Targetprocess
    ");
    assert!(
        parse(&take(&text, 2)).expect("parses").plan.objectives[0]
            .features
            .is_empty()
    );
}

/// Sets every merged field of the first objective and its first feature from `from`.
fn copy_fields(to: &mut Plan, from: &Plan) {
    let (Some(t), Some(f)) = (to.objectives.first_mut(), from.objectives.first()) else {
        return;
    };
    for field in OBJECTIVE_FIELDS {
        objective_set(t, field, objective_get(f, field));
    }
    let (Some(tf), Some(ff)) = (t.features.first_mut(), f.features.first()) else {
        return;
    };
    for field in FEATURE_FIELDS {
        feature_set(tf, field, feature_get(ff, field));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Resolving every region to one side reads back as that side: local gives the merged plan,
    /// remote gives the merged plan with each conflict's remote value.
    #[test]
    fn each_side_of_the_markers_is_that_side(
        b in support::normalized_plan(),
        lsrc in support::normalized_plan(),
        rsrc in support::normalized_plan(),
    ) {
        let (mut l, mut r) = (b.clone(), b.clone());
        copy_fields(&mut l, &lsrc);
        copy_fields(&mut r, &rsrc);
        let out = merge::merge(&b, &l, &r);
        let text = render_with_markers(&out.merged, &out.conflicts, TP);
        let regions = text.lines().filter(|l| l.starts_with("<<<<<<<")).count();
        prop_assert_eq!(regions, out.conflicts.len(), "{:?}\n{}", out.conflicts, text);
        let local = parse(&take(&text, 0)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let want_local = parse(&render(&out.merged)).expect("render parses").plan;
        prop_assert_eq!(local.plan, want_local);
        let mut remote_plan = out.merged.clone();
        for c in &out.conflicts {
            let Some(field) = c.field else { continue };
            if let Some(o) = remote_plan.objectives.iter_mut().find(|o| o.id == c.entity) {
                objective_set(o, field, c.remote.clone());
            } else if let Some(f) = remote_plan
                .objectives
                .iter_mut()
                .flat_map(|o| o.features.iter_mut())
                .find(|f| f.id == c.entity)
            {
                feature_set(f, field, c.remote.clone());
            }
        }
        let remote = parse(&take(&text, 2)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let want_remote = parse(&render(&remote_plan)).expect("render parses").plan;
        prop_assert_eq!(remote.plan, want_remote, "{}", text);
    }
}
