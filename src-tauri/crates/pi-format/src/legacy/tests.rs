//! Direct tests of the legacy importer, including inputs the crate-level `parse` would route
//! elsewhere (no front matter, conflict markers) and smaller layout variations.

use pi_model::{EntityId, EntityPath, Field};
use proptest::prelude::*;

use super::{looks_legacy, parse};
use crate::{Layout, ParseErrorKind, Parsed, Position};

const GENERATED: &str = include_str!("../../tests/legacy/generated.md");
const PRD: &str = include_str!("../../tests/legacy/prd.md");

fn ok(text: &str) -> Parsed {
    match parse(text) {
        Ok(p) => p,
        Err(e) => panic!("expected the file to import, got:\n{e}"),
    }
}

fn err_text(text: &str) -> String {
    match parse(text) {
        Ok(p) => panic!("expected errors, got {:#?}", p.plan),
        Err(e) => e.to_string(),
    }
}

const HEAD: &str = "# PI-4/25 Plan - Platform Eco\n\n## Team Objective: Gov\n\n**TP ID**: 7\n";

#[test]
fn detects_legacy_files_only() {
    assert!(looks_legacy(GENERATED));
    assert!(looks_legacy(PRD));
    assert!(looks_legacy("---\nexported_at: x\n---\n# T\n"));
    assert!(!looks_legacy(
        "---\nformat: pi-plan/1\nexported_at: x\n---\n## Team Objective: A\n"
    ));
    assert!(!looks_legacy("# Just notes\n\n**Owner**: me\n"));
    assert!(!looks_legacy(""));
}

#[test]
fn conflict_markers_are_errors_at_their_lines() {
    let text = format!("{HEAD}<<<<<<< HEAD\n**Status**: A\n=======\n**Status**: B\n>>>>>>> x\n");
    let e = parse(&text).expect_err("conflict");
    assert_eq!(e.0.len(), 1);
    assert_eq!(e.0[0].kind, ParseErrorKind::ConflictMarkers);
    assert_eq!(e.0[0].at, Position { line: 6, column: 1 });
    let stray = parse(&format!("{HEAD}>>>>>>> theirs\n")).expect_err("stray marker");
    assert_eq!(stray.0[0].at.line, 6);
}

#[test]
fn title_gives_names_and_fixes_the_pi_pi_bug() {
    let p = ok("# PI-PI-4/25 Plan - Platform Eco\n\n## Team Objective: Gov\n\n**TP ID**: 7\n");
    assert_eq!(p.plan.release.name, "PI-4/25");
    assert_eq!(p.plan.team.name, "Platform Eco");
    assert_eq!(p.layout, Layout::LegacyGenerated);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn missing_release_and_team_are_errors() {
    insta::assert_snapshot!(err_text("## Team Objective: Gov\n**TP ID**: 7\n"), @r"
    1:1: the plan has no release: expected `release:` in the front matter or a title `# PI-4/25 Plan - Team`
    1:1: the plan has no team: expected `team:` in the front matter or a title `# PI-4/25 Plan - Team`
    ");
}

#[test]
fn unclosed_front_matter_is_one_error() {
    insta::assert_snapshot!(err_text("---\nrelease: x\n# PI-4/25 Plan - T\n"), @"1:1: the front matter opened here is never closed with `---`");
}

#[test]
fn objective_without_tp_id_gets_a_stable_local_id() {
    let text = "# PI-4/25 Plan - T\n\n## Team Objective: New one\n\n**Status**: Pending\n";
    let a = ok(text);
    let id = a.plan.objectives[0].id.clone();
    assert!(id.to_string().starts_with("new:legacy-"), "{id}");
    assert_eq!(ok(text).plan.objectives[0].id, id);
    insta::assert_snapshot!(a.warnings[0].to_string(), @"3:1: 1 team objective has no TP ID; given local ids (new:legacy-…), so a push would create them in Targetprocess");
}

#[test]
fn objective_team_mismatch_is_warned() {
    let text = format!("{HEAD}- **Team**: Other team\n- **Release**: PI-4/25\n");
    let p = ok(&text);
    assert_eq!(p.layout, Layout::LegacyPrd);
    assert_eq!(p.plan.team.name, "Platform Eco");
    insta::assert_snapshot!(p.warnings[0].to_string(), @r#"6:13: this objective says team "Other team" but the plan is for "Platform Eco"; the plan's team is kept"#);
    let path = EntityPath::Objective { index: 0 };
    assert_eq!(
        p.source_map.locate(path, Some(Field::Team)),
        Position { line: 6, column: 3 }
    );
}

#[test]
fn story_fields_on_one_line_are_split() {
    let text = format!(
        "{HEAD}\n### Epic: E\n\n#### [AB-1](https://j/browse/AB-1) - Do it\n\
         **Status**: Done **Assignee**: Kim Lee **Story Points**: 2\n"
    );
    let p = ok(&text);
    let s = &p.plan.objectives[0].features[0].stories[0];
    assert_eq!(s.status.as_deref(), Some("Done"));
    assert_eq!(s.assignee.as_deref(), Some("Kim Lee"));
    assert_eq!(s.points.map(|e| e.points()), Some(2.0));
}

#[test]
fn free_text_beside_a_description_section_is_an_error() {
    let text = format!("{HEAD}\nStray note.\n\n### Description\n\nReal text.\n");
    insta::assert_snapshot!(err_text(&text), @"7:1: text outside any field of this objective; move it under `### Description`");
}

#[test]
fn headings_in_fenced_code_stay_in_the_description() {
    let text = format!("{HEAD}\n### Description\n\n```\n## Team Objective: no\n```\n#### Sub\n");
    let p = ok(&text);
    assert_eq!(p.plan.objectives.len(), 1);
    assert_eq!(
        p.plan.objectives[0].description,
        "```\n## Team Objective: no\n```\n#### Sub"
    );
}

#[test]
fn free_text_before_the_first_section_becomes_notes() {
    let p = ok("# PI-4/25 Plan - T\n\nKeep this.\n\n## Team Objective: A\n**TP ID**: 3\n");
    assert_eq!(p.plan.notes, "Keep this.");
    assert_eq!(p.plan.objectives[0].id, EntityId::Tp(3));
}

#[test]
fn story_text_and_misplaced_headings_are_errors() {
    let text = format!(
        "{HEAD}\n#### [AB-1](u) - Orphan\n\n### Epic: E\n\n#### [AB-2](u) - S\n\nloose text\n"
    );
    insta::assert_snapshot!(err_text(&text), @r#"
    7:1: unexpected heading "[AB-1](u) - Orphan": `####` stories belong under `### Epic:`
    13:1: unexpected text under a Jira story: a story has only its heading and Status, Assignee, Story Points and Acceptance Criteria fields
    "#);
}

proptest! {
    #[test]
    fn never_panics_and_locates_inside_the_file(text in "\\PC{0,300}") {
        let lines = text.split('\n').count();
        let found = match parse(&text) {
            Ok(p) => p.warnings,
            Err(e) => e.0,
        };
        for e in found {
            prop_assert!(e.at.line >= 1 && e.at.line <= lines, "{e}");
            prop_assert!(e.at.column >= 1);
        }
    }

    #[test]
    fn never_panics_on_legacy_shaped_noise(
        parts in proptest::collection::vec(prop_oneof![
            Just("## Team Objective: X"), Just("### Epic: Y"), Just("### Description"),
            Just("#### Story: Z"), Just("- **TP ID**: 1"), Just("**Effort**: 1.5 pts"),
            Just("**Acceptance Criteria**:"), Just("  - [x] a"), Just("    more"),
            Just("## Program Objectives"), Just("- **Objective 1**: P"), Just("```"),
            Just("---"), Just(""), Just("**Program Objective**: Objective 1"),
        ], 0..40)
    ) {
        let text = format!("# PI-1 Plan - T\n{}", parts.join("\n"));
        let _ = parse(&text);
    }
}
