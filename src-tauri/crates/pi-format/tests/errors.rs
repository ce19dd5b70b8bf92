//! Located error messages of the current layout: exact `line:column: message` for each kind of
//! mistake a planner (or a bad merge) makes.

use pi_format::{Layout, ParseErrorKind, parse};
use pi_model::{EntityPath, Field};

/// A small valid file; line numbers are referred to in the tests below.
const BASE: &str = "\
---
format: pi-plan/1
art:
  name: Platform ART
release:
  name: PI-4/25
team:
  name: Platform Eco
---

# PI-4/25 Plan - Platform Eco

## Objective: Faster onboarding

**ID**: tp:2019099

**Effort**: 34 points

**Committed**: yes

### Feature: Self-service signup

**ID**: new:7f3c

**Status**: Pending
";

fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(p) => panic!("expected errors, parsed {:?}", p.plan),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from:?} not in the base file");
    BASE.replacen(from, to, 1)
}

#[test]
fn base_file_parses_with_positions() {
    let parsed = parse(BASE).expect("valid");
    assert_eq!(parsed.layout, Layout::Current);
    let o = EntityPath::Objective { index: 0 };
    let f = EntityPath::Feature {
        objective: 0,
        index: 0,
    };
    let map = &parsed.source_map;
    assert_eq!(map.locate(o, None).line, 13);
    assert_eq!(
        map.locate(o, Some(Field::Effort)).to_string_pair(),
        (17, 13)
    );
    assert_eq!(map.locate(o, Some(Field::Name)).to_string_pair(), (13, 15));
    assert_eq!(
        map.locate(f, Some(Field::Status)).to_string_pair(),
        (25, 13)
    );
    assert_eq!(map.locate(EntityPath::Plan, Some(Field::Team)).line, 7);
    assert_eq!(
        parsed.plan.objectives[0].features[0].status.as_deref(),
        Some("Pending")
    );
}

trait Pair {
    fn to_string_pair(self) -> (usize, usize);
}

impl Pair for pi_format::Position {
    fn to_string_pair(self) -> (usize, usize) {
        (self.line, self.column)
    }
}

#[test]
fn non_numeric_effort_points_at_the_value() {
    assert_eq!(
        errors(&with("34 points", "thirty-four points")),
        ["17:13: Effort must be a number of points, found \"thirty-four\""]
    );
}

#[test]
fn bad_ids() {
    assert_eq!(
        errors(&with("tp:2019099", "tp:abc")),
        ["15:9: ID is not a valid id: a TP id is a positive whole number, found \"abc\""]
    );
    assert_eq!(
        errors(&with("new:7f3c", "7f3c")),
        ["23:9: ID is not a valid id: an id is `tp:<number>` or `new:<local id>`, found \"7f3c\""]
    );
}

#[test]
fn unknown_field_label() {
    assert_eq!(
        errors(&with("**Status**: Pending", "**Priority**: high")),
        [
            "25:1: unknown field \"Priority\" in a feature; expected one of: ID, Status, Effort, \
             Owner, Jira, Acceptance Criteria, Description"
        ]
    );
}

#[test]
fn missing_id_line() {
    assert_eq!(
        errors(&with("**ID**: new:7f3c\n\n", "")),
        ["21:1: this feature has no `**ID**:` line"]
    );
}

#[test]
fn duplicate_field() {
    assert_eq!(
        errors(&with(
            "**Committed**: yes",
            "**Committed**: yes\n\n**Effort**: 3 points"
        )),
        ["21:1: duplicate field \"Effort\" (first on line 17)"]
    );
}

#[test]
fn bad_committed_value() {
    assert_eq!(
        errors(&with("**Committed**: yes", "**Committed**: maybe")),
        ["19:16: Committed must be \"yes\" or \"no\", found \"maybe\""]
    );
}

#[test]
fn several_value_errors_are_all_reported() {
    let text = with("34 points", "lots").replace("**Committed**: yes", "**Committed**: sure");
    assert_eq!(
        errors(&text),
        [
            "17:13: Effort must be a number of points, found \"lots\"",
            "19:16: Committed must be \"yes\" or \"no\", found \"sure\"",
        ]
    );
}

#[test]
fn conflict_markers_one_error_per_region() {
    let text = with(
        "**Effort**: 34 points",
        "<<<<<<< HEAD\n**Effort**: 34 points\n=======\n**Effort**: 21 points\n>>>>>>> theirs",
    )
    .replace(
        "**Status**: Pending",
        "<<<<<<< HEAD\n**Status**: Pending\n||||||| base\n=======\n**Status**: Done\n>>>>>>> theirs",
    );
    let err = parse(&text).expect_err("conflicts");
    assert!(
        err.0
            .iter()
            .all(|e| e.kind == ParseErrorKind::ConflictMarkers)
    );
    assert_eq!(
        err.0.iter().map(|e| e.at.line).collect::<Vec<_>>(),
        [17, 29]
    );
    assert_eq!(
        err.0[0].to_string(),
        "17:1: unresolved merge conflict (lines 17-21): keep the right side, then delete the \
         <<<<<<<, ======= and >>>>>>> lines"
    );
}

#[test]
fn broken_front_matter_is_located_in_the_file() {
    let err = parse(&with("  name: Platform Eco", "  name: [Platform")).expect_err("yaml");
    assert_eq!(err.0[0].kind, ParseErrorKind::FrontMatter);
    assert_eq!(err.0[0].at.line, 8, "{err}");
    let err = parse(&with("team:", "teem:")).expect_err("unknown key");
    assert_eq!(err.0[0].kind, ParseErrorKind::FrontMatter);
    assert_eq!(err.0[0].at.line, 7, "{err}");
}

#[test]
fn unsupported_format_version() {
    assert_eq!(
        errors(&with("pi-plan/1", "pi-plan/2")),
        ["2:9: unsupported format \"pi-plan/2\"; this version reads pi-plan/1"]
    );
}

#[test]
fn missing_front_matter() {
    let body = BASE.split_once("---\n\n").expect("front matter end").1;
    assert_eq!(
        errors(body),
        [
            "1:1: missing front matter: a plan file starts with a `---` block holding \
          `format: pi-plan/1`"
        ]
    );
    assert_eq!(
        errors(&BASE.replacen("---\n\n#", "\n#", 1)),
        ["1:1: the front matter opened on line 1 is never closed with a `---` line"]
    );
}

#[test]
fn unknown_section_heading() {
    assert_eq!(
        errors(&with("## Objective: Faster", "## Goal: Faster")),
        [
            "13:1: unknown section heading \"## Goal: Faster onboarding\"; expected \
             `## Objective: <name>`, `## Program Objectives` or `## Notes`"
        ]
    );
}

#[test]
fn content_before_the_first_objective() {
    assert_eq!(
        errors(&with(
            "## Objective:",
            "Some stray paragraph\nover two lines.\n\n## Objective:"
        )),
        [
            "13:1: unexpected text \"Some stray paragraph\" before the first objective; free \
             text belongs in `## Notes` or in a `**Description**:` block"
        ]
    );
}

#[test]
fn stray_text_inside_a_section() {
    assert_eq!(
        errors(&with(
            "**Committed**: yes",
            "**Committed**: yes\n\nJust some words"
        )),
        [
            "21:1: unexpected text \"Just some words\"; expected a field line `**Label**: \
             value`, a `**Description**:` block or a heading"
        ]
    );
}

#[test]
fn wrong_heading_levels() {
    assert_eq!(
        errors(&with("### Feature:", "#### Feature:")),
        [
            "21:1: unexpected heading \"#### Feature: Self-service signup\"; expected \
             `### Feature: <name>` or `### Epic: <name>` inside an objective"
        ]
    );
    assert_eq!(
        errors(&format!("{BASE}\n##### Deep\n")),
        [
            "27:1: unexpected heading \"##### Deep\"; expected `#### Story: <summary>` inside a feature"
        ]
    );
}

#[test]
fn missing_title() {
    assert_eq!(
        errors(&with("# PI-4/25 Plan - Platform Eco\n\n", "")),
        [
            "11:1: expected the title line `# PI-4/25 Plan - Platform Eco`, found \"## \
             Objective: Faster onboarding\""
        ]
    );
}

#[test]
fn notes_must_come_last() {
    let text = with("## Objective:", "## Notes\n\nKeep me.\n\n## Objective:");
    assert_eq!(
        errors(&text),
        [
            "17:1: `## Notes` (line 13) must be the last section; found \"## Objective: Faster \
             onboarding\""
        ]
    );
}

#[test]
fn title_mismatch_is_only_a_warning() {
    let parsed = parse(&with("# PI-4/25 Plan", "# PI-5/25 Plan")).expect("parses");
    assert_eq!(parsed.warnings.len(), 1);
    assert_eq!(parsed.warnings[0].at.line, 11);
}

#[test]
fn criteria_and_jira_values() {
    let text = with(
        "**Status**: Pending",
        "**Status**: Pending\n\n**Jira**: [DAD-1](broken\n\n**Acceptance Criteria**:\n\n- [ ] ok\n- [?] bad",
    );
    assert_eq!(
        errors(&text),
        [
            "27:11: Jira must be a key like DAD-123 or a link like [DAD-123](https://…), found \
             \"[DAD-1](broken\"",
            "32:1: expected a task list item `- [ ] text` or `- [x] text`, found \"- [?] bad\"",
        ]
    );
}

#[test]
fn legacy_files_are_not_read_as_current() {
    let legacy = "# PI-4/25 Plan - Platform Eco\n\n## Team Objective: Faster onboarding\n\n**TP ID**: 2019099\n";
    match parse(legacy) {
        Ok(p) => assert_ne!(p.layout, Layout::Current),
        Err(e) => assert!(
            !e.to_string().contains("missing front matter"),
            "delegated to the legacy reader: {e}"
        ),
    }
}
