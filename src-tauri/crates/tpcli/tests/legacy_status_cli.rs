//! Black-box: an old tpcli plan file whose statuses are not the demo's ("Planned", "Committed")
//! validates and migrates without errors when the account's workflow is not known here (no
//! `[statuses]`, no Targetprocess snapshot): the unusual statuses are warnings that say why.
//! With `[statuses]` naming the account's states they are checked, and a wrong one is an error.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

const OLD: &str = r#"---
release: "PI-1/26"
team: "Harbor Ops"
art: "Harbor ART"
exported_at: "2026-01-05T09:00:00.000000Z"
objectives:
  - {"id": 3100, "name": "Berth scheduling", "synced_at": "2026-01-05T09:00:00.000000Z"}
---

# PI-PI-1/26 Plan - Harbor Ops

## Team Objective: Berth scheduling

**TP ID**: 3100
**Status**: Committed
**Effort**: 13 points

### Epic: Crane booking

**Status**: Planned
**Effort**: 5 points
"#;

fn tpcli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tpcli"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tpcli runs")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn old_files_with_other_statuses_validate_and_migrate_offline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.md"), OLD).unwrap();
    let out = tpcli(dir.path(), &["plan", "validate", "old.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("warning: feature \"Crane booking\" has status \"Planned\", which is not one of the usual states"),
        "{said}"
    );
    assert!(said.contains("not known here"), "{said}");

    let out = tpcli(dir.path(), &["plan", "migrate", "old.md", "-o", "new.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = tpcli(dir.path(), &["plan", "validate", "new.md", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], 0, "{report}");
    let rules: Vec<&str> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["known-status", "known-status"], "{report}");
}

#[test]
fn configured_statuses_are_checked_as_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.md"), OLD).unwrap();
    std::fs::write(
        dir.path().join("pi-planner.toml"),
        "[statuses]\nobjective = [\"Proposed\", \"Committed\"]\nfeature = [\"Funnel\", \"Done\"]\n",
    )
    .unwrap();
    let out = tpcli(
        dir.path(),
        &["plan", "validate", "old.md", "--config", "pi-planner.toml"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("error: feature \"Crane booking\" has status \"Planned\", which is not one of pi-planner.toml's [statuses]: Funnel, Done"),
        "{said}"
    );
    assert!(
        !said.contains("\"Committed\", which"),
        "the objective's status is known: {said}"
    );
}
