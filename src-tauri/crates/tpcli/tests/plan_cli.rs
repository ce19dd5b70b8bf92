//! Black-box runs of `tpcli plan validate | migrate | show` on files in temp folders.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pi_model::{
    Criterion, Effort, EntityId, Feature, FeatureKind, Named, Plan, ProgramObjective, TeamObjective,
};

fn tpcli(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tpcli"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tpcli runs");
    crate::json_output_support::check(args, &out.stdout);
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn plan() -> Plan {
    let feature = Feature {
        id: EntityId::Tp(2018883),
        kind: FeatureKind::Feature,
        name: "Policy engine rollout".into(),
        description: "Roll out *policy as code*.\n\n| env | state |\n|---|---|\n| dev | on |"
            .into(),
        status: Some("Implementing".into()),
        effort: Effort::new(13.0),
        owner: Some("Ravi Patel".into()),
        acceptance_criteria: vec![Criterion {
            text: "Policies are versioned".into(),
            done: true,
        }],
        jira: None,
        stories: vec![],
    };
    Plan {
        art: Named {
            id: Some(1936122),
            name: "Cloud ART".into(),
        },
        release: Named {
            id: Some(1942235),
            name: "PI-4/25".into(),
        },
        team: Named {
            id: Some(2022903),
            name: "Platform Eco".into(),
        },
        program_objectives: vec![ProgramObjective {
            id: EntityId::Tp(2019050),
            name: "Data quality".into(),
        }],
        objectives: vec![TeamObjective {
            id: EntityId::Tp(2019099),
            name: "Platform governance".into(),
            description: "Guardrails on by default.".into(),
            status: Some("Accepted".into()),
            effort: Effort::new(21.0),
            owner: Some("Jane Doe".into()),
            committed: true,
            business_value: Some(8),
            actual_business_value: None,
            program_objective: Some(EntityId::Tp(2019050)),
            features: vec![feature],
        }],
        ..Plan::default()
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect(needle) + 1
}

#[test]
fn a_valid_plan_passes_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.md", &pi_format::render(&plan()));
    let out = tpcli(dir.path(), &["plan", "validate", "plan.md"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(stdout(&out), "0 errors, 0 warnings in 1 file\n");
}

#[test]
fn a_bad_effort_is_reported_at_its_line_and_column_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        pi_format::render(&plan()).replace("**Effort**: 21 points", "**Effort**: thirty-four");
    write(dir.path(), "plan.md", &text);
    let out = tpcli(dir.path(), &["plan", "validate", "plan.md"]);
    assert_eq!(out.status.code(), Some(1));
    let line = line_of(&text, "thirty-four");
    let expected = format!(
        "plan.md:{line}:13: error: Effort must be a number of points, found \"thirty-four\" [value]"
    );
    assert!(stdout(&out).contains(&expected), "{}", stdout(&out));
}

#[test]
fn rule_findings_point_at_the_field_and_follow_the_repo_config() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let mut p = plan();
    p.objectives[0].owner = None;
    p.objectives[0].status = Some("Shipped".into());
    let text = pi_format::render(&p);
    write(dir.path(), "plan.md", &text);
    write(
        dir.path(),
        "pi-planner.toml",
        "[validation]\nowner_required_on_committed = \"error\"\neffort_range = { max = 20, level = \"warning\" }\n",
    );
    let out = tpcli(dir.path(), &["plan", "validate", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // No [statuses] and no Targetprocess snapshot here: an unusual status is only a warning.
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], 2);
    let findings = json["files"][0]["findings"].as_array().unwrap();
    let rules: Vec<(&str, &str, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let line = |needle: &str| line_of(&text, needle) as u64;
    let mut expected = vec![
        ("known-status", "warning", line("**Status**: Shipped")),
        ("effort-range", "warning", line("**Effort**: 21 points")),
        (
            "owner-required-on-committed",
            "error",
            line("## Objective: Platform governance"),
        ),
    ];
    expected.sort_by_key(|e| e.2);
    assert_eq!(rules, expected);
}

#[test]
fn conflict_markers_are_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let text = pi_format::render(&plan()).replace(
        "**Effort**: 21 points\n",
        "<<<<<<< ours\n**Effort**: 21 points\n=======\n**Effort**: 20 points\n>>>>>>> theirs\n",
    );
    write(dir.path(), "plan.md", &text);
    let out = tpcli(dir.path(), &["plan", "validate", "plan.md"]);
    assert_eq!(out.status.code(), Some(1));
    let line = line_of(&text, "<<<<<<<");
    assert!(
        stdout(&out).contains(&format!("plan.md:{line}:1: error:")),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("[conflict-markers]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn unreadable_input_and_broken_config_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = tpcli(dir.path(), &["plan", "validate", "missing.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.md"), "{}", stderr(&out));

    write(dir.path(), "plan.md", &pi_format::render(&plan()));
    write(
        dir.path(),
        "bad.toml",
        "[validation]\nowner_required = true\n",
    );
    let out = tpcli(
        dir.path(),
        &["plan", "validate", "plan.md", "--config", "bad.toml"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.toml:2:1:"), "{}", stderr(&out));
}

const LEGACY: &str = r#"---
release: "PI-4/25"
team: "Platform Eco"
art: "Cloud ART"
exported_at: "2025-12-01T10:00:00.000000Z"
objectives:
  - {"id": 2019099, "name": "Platform governance", "synced_at": "2025-12-01T10:00:00.000000Z"}
---

# PI-PI-4/25 Plan - Platform Eco

_Sync Status: Last exported 2025-12-01._

## Team Objective: Platform governance

**TP ID**: 2019099
**Status**: Pending
**Effort**: 13 points
**Owner**: Unassigned
**Last Synced**: 2025-12-01T10:00:00Z

### Description

Guardrails on by default.

### Epic: Policy engine

**Status**: Implementing
**Effort**: 8 points
**Jira Epic**: [DAD-2652](https://jira.example.com/browse/DAD-2652)

**Acceptance Criteria**:
  - Policies are versioned
  - Violations block deploys
"#;

#[test]
fn legacy_files_validate_with_a_warning_and_migrate_losslessly() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old.md", LEGACY);
    let out = tpcli(dir.path(), &["plan", "validate", "old.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("old.md:1:1: warning: this file uses the legacy tpcli layout; convert it with `tpcli plan migrate old.md`"),
        "{}",
        stdout(&out)
    );

    let out = tpcli(dir.path(), &["plan", "migrate", "old.md", "-o", "new.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = tpcli(dir.path(), &["plan", "validate", "new.md"]);
    assert_eq!(stdout(&out), "0 errors, 0 warnings in 1 file\n");

    let out = tpcli(dir.path(), &["plan", "show", "new.md", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = &json["objectives"][0];
    assert_eq!(o["id"], "tp:2019099");
    assert_eq!(o["name"], "Platform governance");
    assert_eq!(o["status"], "Pending");
    assert_eq!(o["effort"], 13.0);
    assert_eq!(o["owner"], serde_json::Value::Null);
    assert_eq!(o["description"], "Guardrails on by default.");
    let f = &o["features"][0];
    assert_eq!(f["name"], "Policy engine");
    assert_eq!(f["status"], "Implementing");
    assert_eq!(f["effort"], 8.0);
    assert_eq!(f["jira"]["key"], "DAD-2652");
    assert_eq!(f["jira"]["url"], "https://jira.example.com/browse/DAD-2652");
    let criteria: Vec<&str> = f["acceptance_criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        criteria,
        vec!["Policies are versioned", "Violations block deploys"]
    );
    assert!(
        f["id"].as_str().unwrap().starts_with("new:legacy-"),
        "{}",
        f["id"]
    );
    assert_eq!(json["release"]["name"], "PI-4/25");
    assert_eq!(json["art"]["name"], "Cloud ART");
}

#[test]
fn migrate_in_place_and_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "old.md", LEGACY);
    let printed = tpcli(dir.path(), &["plan", "migrate", "old.md", "-o", "-"]);
    assert_eq!(printed.status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        LEGACY,
        "-o - leaves the file alone"
    );
    let out = tpcli(dir.path(), &["plan", "migrate", "old.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&path).unwrap(), stdout(&printed));
    let again = tpcli(dir.path(), &["plan", "migrate", "old.md"]);
    assert!(
        stderr(&again).contains("already in the current format"),
        "{}",
        stderr(&again)
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), stdout(&printed));
}

#[test]
fn show_json_carries_every_entity_and_field() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.md", &pi_format::render(&plan()));
    let out = tpcli(dir.path(), &["plan", "show", "plan.md", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let back: Plan = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(back, plan());
}

#[test]
fn show_summary_reads_like_a_plan() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.md", &pi_format::render(&plan()));
    let out = tpcli(dir.path(), &["plan", "show", "plan.md"]);
    assert_eq!(
        stdout(&out),
        "PI-4/25 — Platform Eco (Cloud ART)\n\
         1 objective, 1 feature, 21 points\n\
         \n\
         tp:2019099  Platform governance\n    \
         Accepted, 21 points, committed, Jane Doe\n    \
         - tp:2018883  Policy engine rollout (13 points)\n"
    );
}

/// A plan file is anyone's text: escape sequences and bidi overrides in its names are printed as
/// visible escapes, never sent to the terminal raw.
#[test]
fn show_escapes_control_and_bidi_characters_for_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = plan();
    p.objectives[0].name = "Gov\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202E}ecnanrev".into();
    p.objectives[0].features[0].name = "Roll\u{0}out\u{9b}31m".into();
    write(dir.path(), "plan.md", &pi_format::render(&p));
    let out = tpcli(dir.path(), &["plan", "show", "plan.md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !text.contains(['\u{1b}', '\u{7}', '\u{0}', '\u{9b}', '\u{202E}']),
        "{text:?}"
    );
    assert!(
        text.contains("Gov\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{202e}ecnanrev"),
        "{text}"
    );
    assert!(text.contains("Roll\\u{0}out\\u{9b}31m"), "{text}");
}

#[test]
fn validate_without_files_checks_every_plan_here_and_says_when_there_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = tpcli(dir.path(), &["plan", "validate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no plan files"), "{}", stderr(&out));
    write(dir.path(), "README.md", "# not a plan\n");
    write(dir.path(), "a.md", &pi_format::render(&plan()));
    write(dir.path(), "b.md", LEGACY);
    let out = tpcli(dir.path(), &["plan", "validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).ends_with("in 2 files\n"), "{}", stdout(&out));
}

#[test]
fn the_shipped_example_plan_is_valid_and_canonical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let example = root.join("examples/pi-4-25.platform-eco.md");
    let out = tpcli(&root, &["plan", "validate", example.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("0 errors, 0 warnings"),
        "{}",
        stdout(&out)
    );
    let text = fs::read_to_string(&example).unwrap();
    let parsed = pi_format::parse(&text).unwrap();
    assert_eq!(
        pi_format::render(&parsed.plan),
        text,
        "the example is in canonical form"
    );
}

#[test]
fn migrate_reports_as_json() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old.md", LEGACY);
    let out = tpcli(
        dir.path(),
        &["plan", "migrate", "old.md", "-o", "new.md", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "warnings go into the JSON");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["written"], "new.md");
    assert_eq!(json["layout"], "legacy_generated");
    assert_eq!(
        (json["objectives"].as_u64(), json["features"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(!json["warnings"].as_array().unwrap().is_empty());
    let again = tpcli(dir.path(), &["plan", "migrate", "new.md", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        json["written"],
        serde_json::Value::Null,
        "already current: nothing written"
    );
}
