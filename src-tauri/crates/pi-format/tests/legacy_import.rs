//! Import of legacy tpcli plan files through `pi_format::parse`: both layouts, every field of
//! the resulting plan, warnings, deterministic local ids, located errors, and no panics.

use pi_format::{Layout, ParseErrorKind, ParseErrors, Parsed, Position};
use pi_model::{Criterion, EntityId, EntityPath, Field, JiraLink};
use proptest::prelude::*;

const GENERATED: &str = include_str!("legacy/generated.md");
const PRD: &str = include_str!("legacy/prd.md");
const MALFORMED: &str = include_str!("legacy/malformed.md");
const CONFLICT: &str = include_str!("legacy/conflict.md");
const FM_MISMATCH: &str = include_str!("legacy/front-matter-mismatch.md");
const BAD_FRONT_MATTER: &str = include_str!("legacy/bad-front-matter.md");

fn ok(text: &str) -> Parsed {
    match pi_format::parse(text) {
        Ok(p) => p,
        Err(e) => panic!("expected the file to import, got:\n{e}"),
    }
}

fn errors(text: &str) -> ParseErrors {
    match pi_format::parse(text) {
        Ok(p) => panic!("expected errors, got a plan: {:#?}", p.plan),
        Err(e) => e,
    }
}

fn at(line: usize, column: usize) -> Position {
    Position { line, column }
}

fn warnings_text(p: &Parsed) -> String {
    p.warnings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("legacy/snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn generated_layout_whole_plan() {
    let p = ok(GENERATED);
    assert_eq!(p.layout, Layout::LegacyGenerated);
    snapshot_settings().bind(|| insta::assert_yaml_snapshot!("generated_plan", p.plan));
}

#[test]
fn generated_layout_key_fields() {
    let plan = ok(GENERATED).plan;
    // The front matter wins over the title, whose "PI-PI-4/25" is the old generator's bug.
    assert_eq!(plan.release.name, "PI-4/25");
    assert_eq!(plan.team.name, "Platform Eco");
    assert_eq!(plan.art.name, "Cloud Enablement & Delivery");
    assert_eq!(
        (plan.release.id, plan.team.id, plan.art.id),
        (None, None, None)
    );
    assert_eq!(plan.notes, "");

    let names: Vec<_> = plan
        .program_objectives
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Data quality and governance",
            "Faster, safer releases",
            "Reduce cloud cost by 15%",
            // Named by an objective but missing from the list: added so nothing is lost.
            "Improve incident response",
        ]
    );
    let po = |i: usize| Some(plan.program_objectives[i].id.clone());

    let gov = &plan.objectives[0];
    assert_eq!(gov.id, EntityId::Tp(2019099));
    assert_eq!(gov.name, "Platform governance");
    assert_eq!(gov.status.as_deref(), Some("In Progress"));
    assert_eq!(gov.effort.map(|e| e.points()), Some(21.0));
    assert_eq!(gov.owner.as_deref(), Some("Jane Doe"));
    assert!(!gov.committed);
    // Matched case-insensitively against the program objectives list.
    assert_eq!(gov.program_objective, po(0));
    assert_eq!(
        gov.description,
        "<p>Establish <strong>policy-as-code</strong> for every platform account.</p>\n\
         <ul><li>Guardrails on by default</li><li>Audit trail for every change</li></ul>"
    );

    let rollout = &gov.features[0];
    assert_eq!(rollout.name, "Policy engine rollout");
    assert!(rollout.id.is_local());
    assert_eq!(rollout.owner.as_deref(), Some("Ravi Patel"));
    assert_eq!(rollout.status.as_deref(), Some("Implementing"));
    assert_eq!(rollout.effort.map(|e| e.points()), Some(13.0));
    assert_eq!(
        rollout.jira,
        Some(JiraLink {
            key: "DAD-2652".into(),
            url: Some("https://jira.example.com/browse/DAD-2652".into()),
        })
    );
    let criteria: Vec<_> = rollout
        .acceptance_criteria
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(
        criteria,
        [
            "Policies are versioned in git",
            "Violations block deployment to staging",
            "Exceptions need an approved ticket",
        ]
    );
    assert!(rollout.acceptance_criteria.iter().all(|c| !c.done));

    let story = &rollout.stories[0];
    assert_eq!(story.key, "DAD-2701");
    assert_eq!(
        story.url.as_deref(),
        Some("https://jira.example.com/browse/DAD-2701")
    );
    assert_eq!(story.summary, "Write baseline policies");
    assert_eq!(story.status.as_deref(), Some("Done"));
    assert_eq!(story.assignee.as_deref(), Some("Ravi Patel"));
    assert_eq!(story.points.map(|e| e.points()), Some(5.0));
    assert_eq!(
        story.acceptance_criteria,
        [Criterion {
            text: "Baseline covers IAM and networking".into(),
            done: false
        }]
    );
    assert_eq!(rollout.stories[1].assignee, None, "Unassigned means nobody");

    let selfservice = &plan.objectives[1];
    assert_eq!(selfservice.owner, None, "Unassigned means nobody");
    assert_eq!(selfservice.effort.map(|e| e.points()), Some(8.5));
    assert_eq!(selfservice.description, "", "an empty Description section");
    assert_eq!(selfservice.program_objective, None);
    assert_eq!(selfservice.features[0].status, None);
    // A bold label inside a criteria list is part of the criterion, not an unknown field.
    assert_eq!(
        selfservice.features[0].acceptance_criteria[0].text,
        "**Request**: a developer can request an environment from the portal"
    );

    let obs = &plan.objectives[2];
    assert_eq!(obs.program_objective, po(3));
    assert_eq!(
        obs.description,
        "Dashboards and alerts for every production service.\n\nOwners get paged within 5 minutes."
    );
    assert_eq!(obs.features[0].jira, None);
}

#[test]
fn generated_layout_warnings() {
    let p = ok(GENERATED);
    insta::assert_snapshot!(warnings_text(&p), @r#"
    5:14: dropped volatile sync data that the current format keeps out of the plan: `exported_at`, `synced_at` (3), `**Last Synced**:` lines (6), the `_Sync Status_` line (1), "see Jira for stories" notes (2), the program objectives' read-only note (1)
    38:1: 4 features have no TP id (the legacy generator never wrote one); given local ids (new:legacy-…) derived from objective and name — link them to their Targetprocess features before a push, or it will create new ones
    "#);
}

#[test]
fn generated_layout_source_map() {
    let p = ok(GENERATED);
    let m = &p.source_map;
    let o = EntityPath::Objective { index: 0 };
    let f = EntityPath::Feature {
        objective: 0,
        index: 0,
    };
    assert_eq!(m.locate(EntityPath::Plan, None), at(12, 1));
    assert_eq!(m.locate(EntityPath::Plan, Some(Field::Release)), at(2, 10));
    assert_eq!(m.locate(EntityPath::Plan, Some(Field::Art)), at(4, 6));
    assert_eq!(
        m.locate(EntityPath::ProgramObjective { index: 1 }, None),
        at(19, 3)
    );
    assert_eq!(
        m.locate(EntityPath::ProgramObjective { index: 3 }, None),
        at(105, 24)
    );
    assert_eq!(m.locate(o, None), at(24, 1));
    assert_eq!(m.locate(o, Some(Field::Name)), at(24, 20));
    assert_eq!(m.locate(o, Some(Field::Id)), at(26, 1));
    assert_eq!(m.locate(o, Some(Field::Effort)), at(28, 1));
    assert_eq!(m.locate(o, Some(Field::ProgramObjective)), at(30, 1));
    assert_eq!(m.locate(o, Some(Field::Description)), at(33, 1));
    assert_eq!(m.locate(f, None), at(38, 1));
    assert_eq!(m.locate(f, Some(Field::Name)), at(38, 11));
    assert_eq!(m.locate(f, Some(Field::Jira)), at(43, 1));
    assert_eq!(m.locate(f, Some(Field::AcceptanceCriteria)), at(46, 1));
    // No Owner line on the second epic: falls back to its heading.
    let audit = EntityPath::Feature {
        objective: 0,
        index: 1,
    };
    assert_eq!(m.locate(audit, Some(Field::Owner)), at(65, 1));
    assert_eq!(
        m.locate(EntityPath::Objective { index: 2 }, Some(Field::Owner)),
        at(104, 1)
    );
}

#[test]
fn prd_layout_whole_plan() {
    let p = ok(PRD);
    assert_eq!(p.layout, Layout::LegacyPrd);
    snapshot_settings().bind(|| insta::assert_yaml_snapshot!("prd_plan", p.plan));
}

#[test]
fn prd_layout_key_fields() {
    let p = ok(PRD);
    let plan = &p.plan;
    // No front matter: release and team come from the title.
    assert_eq!(plan.release.name, "PI-4/25");
    assert_eq!(plan.team.name, "Platform Eco");
    assert_eq!(plan.art.name, "");
    let gov = &plan.objectives[0];
    assert_eq!(gov.id, EntityId::Tp(2019099));
    assert_eq!(gov.effort.map(|e| e.points()), Some(21.0), "`21 pts`");
    // `**Program Objective**: Objective 1` refers to the list label.
    assert_eq!(
        gov.program_objective,
        Some(plan.program_objectives[0].id.clone())
    );
    assert_eq!(
        gov.description,
        "Establish policy-as-code for every platform account."
    );

    let rollout = &gov.features[0];
    assert_eq!(rollout.id, EntityId::Tp(2018883));
    assert_eq!(
        rollout.description,
        "Roll the policy engine out to every account, staging first.\n\
         Production follows once exceptions are handled."
    );
    assert_eq!(
        rollout.acceptance_criteria,
        [
            Criterion {
                text: "Policies are versioned in git".into(),
                done: false
            },
            Criterion {
                text: "Violations block deployment to staging".into(),
                done: true
            },
            Criterion {
                text: "Exceptions need an approved ticket with an expiry date".into(),
                done: false
            },
        ]
    );
    assert_eq!(rollout.stories[0].key, "");
    assert_eq!(rollout.stories[0].summary, "Write baseline policies");
    assert_eq!(rollout.stories[1].key, "DAD-2702");
    assert_eq!(rollout.stories[1].assignee.as_deref(), Some("Ravi Patel"));
    assert_eq!(rollout.stories[1].points.map(|e| e.points()), Some(3.0));

    let cost = &plan.objectives[1];
    assert_eq!(cost.owner, None);
    // Free text under the objective heading, without a Description section.
    assert_eq!(
        cost.description,
        "Show every team what its cloud accounts cost, per week."
    );
    assert_eq!(plan.program_objectives[2].name, "Reduce cloud cost");
    assert_eq!(
        cost.program_objective,
        Some(plan.program_objectives[2].id.clone())
    );
    assert!(cost.features[0].id.is_local());
    insta::assert_snapshot!(warnings_text(&p), @r"
    3:1: dropped volatile sync data that the current format keeps out of the plan: the `_Sync Status_` line (1)
    40:1: 1 Jira story heading has no Jira key; kept with an empty key
    60:1: 1 feature has no TP id (the legacy generator never wrote one); given local ids (new:legacy-…) derived from objective and name — link them to their Targetprocess features before a push, or it will create new ones
    ");
}

#[test]
fn local_ids_are_deterministic_and_distinct() {
    let a = ok(GENERATED).plan;
    let b = ok(GENERATED).plan;
    let ids: Vec<EntityId> = a.features().map(|(_, f)| f.id.clone()).collect();
    assert_eq!(
        ids,
        b.features().map(|(_, f)| f.id.clone()).collect::<Vec<_>>()
    );
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    for id in &ids {
        let s = id.to_string();
        assert!(
            s.starts_with("new:legacy-") && s.len() == "new:legacy-".len() + 8,
            "{s}"
        );
    }
    assert_eq!(
        a.program_objectives[0].id.to_string(),
        "new:po-data-quality-and-governance"
    );

    // Renaming one epic changes only its id; the others keep theirs.
    let renamed = ok(&GENERATED.replace("### Epic: Audit trail", "### Epic: Audit log")).plan;
    let renamed_ids: Vec<EntityId> = renamed.features().map(|(_, f)| f.id.clone()).collect();
    assert_eq!(renamed_ids[0], ids[0]);
    assert_ne!(renamed_ids[1], ids[1]);
    assert_eq!(renamed_ids[2..], ids[2..]);

    // Two epics of the same name in one objective still get different ids.
    let twice = GENERATED.replace("### Epic: Audit trail", "### Epic: Policy engine rollout");
    let twice = ok(&twice).plan;
    assert_eq!(twice.objectives[0].features[0].id, ids[0]);
    assert_ne!(twice.objectives[0].features[1].id, ids[0]);
}

#[test]
fn front_matter_mismatch_is_warned_and_the_body_wins() {
    let p = ok(FM_MISMATCH);
    assert_eq!(p.plan.objectives.len(), 1);
    assert_eq!(p.plan.objectives[0].name, "Platform governance");
    insta::assert_snapshot!(warnings_text(&p), @r#"
    4:14: dropped volatile sync data that the current format keeps out of the plan: `exported_at`, `synced_at` (2)
    6:5: the front matter names objective tp:2019099 "Governance" but its section is titled "Platform governance"; the section's name is kept
    7:5: the front matter lists objective tp:2019200 "Retired objective" but the body has no section for it; the body wins, so it is not imported
    "#);
}

#[test]
fn malformed_file_reports_every_problem_with_its_position() {
    let e = errors(MALFORMED);
    insta::assert_snapshot!(e.to_string(), @r#"
    10:12: TP ID must be a positive whole number, found "20x9"
    12:13: Effort must be a number of points, found "thirty-four"
    13:1: unknown field `Priority` in a team objective; known fields are TP ID, Status, Effort, Owner, Program Objective, Last Synced, Team, Release
    19:1: unexpected heading "Risks": expected `### Description` or `### Epic: NAME`
    25:13: Effort must be a number of points, found "x"
    26:16: Jira Epic must be a Jira key or a link [KEY](url), found "see the board"
    28:1: `Status` is given twice in an epic
    30:1: unexpected heading "Notes": a legacy plan has no headings below `####`
    "#);
    assert!(
        e.0.iter()
            .all(|e| e.kind != ParseErrorKind::ConflictMarkers)
    );
    assert_eq!(e.0[1].kind, ParseErrorKind::Value);
    assert_eq!(e.0[2].kind, ParseErrorKind::Structure);
}

#[test]
fn bad_front_matter_is_located_in_the_file() {
    let e = errors(BAD_FRONT_MATTER);
    insta::assert_snapshot!(e.to_string(), @r#"
    5:52: front matter: unknown field `synced`, expected one of id, name, synced_at
    13:13: Effort must be a number of points, found "lots"
    "#);
    assert_eq!(e.0[0].kind, ParseErrorKind::FrontMatter);
}

#[test]
fn conflict_markers_are_reported_at_the_opening_line() {
    let e = errors(CONFLICT);
    assert_eq!(e.0.len(), 1, "{e}");
    assert_eq!(e.0[0].kind, ParseErrorKind::ConflictMarkers);
    assert_eq!(e.0[0].at, at(12, 1));
}

/// Lines that stress the scanner when spliced into a fixture.
fn tricky_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("### Epic: ".to_owned()),
        Just("#### Story:".to_owned()),
        Just("#### [".to_owned()),
        Just("**Effort**: é points".to_owned()),
        Just("**Acceptance Criteria**: [x]".to_owned()),
        Just("- **Objective 1**:".to_owned()),
        Just("```".to_owned()),
        Just("---".to_owned()),
        Just("  - ".to_owned()),
        Just("**TP ID**: 99999999999999999999999".to_owned()),
        Just("objectives: [{".to_owned()),
        "\\PC{0,40}",
    ]
}

/// One edit of a fixture's lines.
#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Insert(usize, String),
    Truncate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<usize>(), tricky_line()).prop_map(|(a, l)| Mutation::Insert(a, l)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, n)| Mutation::Truncate(a, n)),
    ]
}

fn mutate(text: &str, edits: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for m in edits {
        let n = lines.len().max(1);
        match m {
            Mutation::Delete(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Mutation::Duplicate(i) if !lines.is_empty() => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::Swap(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
            Mutation::Insert(i, l) => lines.insert(i % (lines.len() + 1), l.clone()),
            Mutation::Truncate(i, k) if !lines.is_empty() => {
                let l = &mut lines[i % n];
                let keep = l
                    .chars()
                    .count()
                    .checked_rem(k.saturating_add(1))
                    .unwrap_or(0);
                *l = l.chars().take(keep).collect();
            }
            _ => {}
        }
    }
    lines.join("\n")
}

fn fixture() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(GENERATED),
        Just(PRD),
        Just(MALFORMED),
        Just(FM_MISMATCH),
        Just(BAD_FRONT_MATTER),
    ]
}

proptest! {
    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        let _ = pi_format::parse(&text);
        let _ = pi_format::parse(&format!("---\nrelease: x\n---\n{text}"));
    }

    #[test]
    fn mutated_fixtures_never_panic(
        text in fixture(),
        edits in proptest::collection::vec(mutation(), 1..8),
    ) {
        let mutated = mutate(text, &edits);
        match pi_format::parse(&mutated) {
            Ok(p) => prop_assert!(p.warnings.iter().all(|w| w.at.line >= 1 && w.at.column >= 1)),
            Err(e) => {
                prop_assert!(!e.0.is_empty());
                prop_assert!(e.0.iter().all(|e| e.at.line >= 1 && e.at.column >= 1));
            }
        }
    }
}
