//! `tpcli plan merge-file` on every row of the conflict table (plan-format reference §6.1 and
//! §6.2): exit code and merged content; plus output options, labels and unreadable input.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use crate::merge_file_support;

use std::fs;
use std::path::Path;

use merge_file_support::*;
use pi_model::{Criterion, Effort, Plan};

type Edit = fn(&mut Plan);

struct Row {
    name: &'static str,
    local: Edit,
    remote: Edit,
    conflict: bool,
    check: fn(&Plan),
}

fn epic(p: &mut Plan) -> &mut pi_model::Feature {
    &mut p.objectives[0].features[0]
}

fn criteria(text: &str) -> Vec<Criterion> {
    vec![Criterion {
        text: text.into(),
        done: false,
    }]
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "user renames objective",
            local: |p| p.objectives[0].name = "Onboarding in hours".into(),
            remote: |_| {},
            conflict: false,
            check: |p| assert_eq!(p.objectives[0].name, "Onboarding in hours"),
        },
        Row {
            name: "TP renames objective",
            local: |_| {},
            remote: |p| p.objectives[0].name = "Onboarding v2".into(),
            conflict: false,
            check: |p| assert_eq!(p.objectives[0].name, "Onboarding v2"),
        },
        Row {
            name: "both rename objective differently",
            local: |p| p.objectives[0].name = "Onboarding in hours".into(),
            remote: |p| p.objectives[0].name = "Onboarding v2".into(),
            conflict: true,
            check: |_| {},
        },
        Row {
            name: "user edits effort",
            local: |p| p.objectives[0].effort = Effort::new(21.0),
            remote: |_| {},
            conflict: false,
            check: |p| assert_eq!(p.objectives[0].effort, Effort::new(21.0)),
        },
        Row {
            name: "TP updates status",
            local: |_| {},
            remote: |p| p.objectives[0].status = Some("In Progress".into()),
            conflict: false,
            check: |p| assert_eq!(p.objectives[0].status.as_deref(), Some("In Progress")),
        },
        Row {
            name: "both change effort",
            local: |p| p.objectives[0].effort = Effort::new(21.0),
            remote: |p| p.objectives[0].effort = Effort::new(20.0),
            conflict: true,
            check: |_| {},
        },
        Row {
            name: "user adds epic",
            local: |p| p.objectives[0].features.push(feature(300, "Audit log")),
            remote: |_| {},
            conflict: false,
            check: |p| assert_eq!(names(p, 0), ["Self-service signup", "Audit log"]),
        },
        Row {
            name: "TP adds epic",
            local: |_| {},
            remote: |p| p.objectives[0].features.push(feature(301, "SSO")),
            conflict: false,
            check: |p| assert_eq!(names(p, 0), ["Self-service signup", "SSO"]),
        },
        Row {
            name: "both add different epics to one objective",
            local: |p| p.objectives[0].features.push(feature(300, "Audit log")),
            remote: |p| p.objectives[0].features.push(feature(301, "SSO")),
            conflict: false,
            check: |p| {
                let mut n = names(p, 0);
                n.sort_unstable();
                assert_eq!(n, ["Audit log", "SSO", "Self-service signup"]);
            },
        },
        Row {
            name: "same change on both sides",
            local: |p| p.objectives[0].status = Some("In Progress".into()),
            remote: |p| p.objectives[0].status = Some("In Progress".into()),
            conflict: false,
            check: |p| assert_eq!(p.objectives[0].status.as_deref(), Some("In Progress")),
        },
        Row {
            name: "user effort + TP owner on the next line",
            local: |p| p.objectives[0].effort = Effort::new(21.0),
            remote: |p| p.objectives[0].owner = Some("Sarah Lee".into()),
            conflict: false,
            check: |p| {
                assert_eq!(p.objectives[0].effort, Effort::new(21.0));
                assert_eq!(p.objectives[0].owner.as_deref(), Some("Sarah Lee"));
            },
        },
        Row {
            name: "user renames epic, TP edits a field of it",
            local: |p| epic(p).name = "Signup without support".into(),
            remote: |p| epic(p).status = Some("Implementing".into()),
            conflict: false,
            check: |p| {
                assert_eq!(p.objectives[0].features[0].name, "Signup without support");
                assert_eq!(
                    p.objectives[0].features[0].status.as_deref(),
                    Some("Implementing")
                );
            },
        },
        Row {
            name: "epic deleted in TP, untouched locally",
            local: |_| {},
            remote: |p| p.objectives[0].features.clear(),
            conflict: false,
            check: |p| assert!(p.objectives[0].features.is_empty()),
        },
        Row {
            name: "epic deleted locally, untouched in TP",
            local: |p| p.objectives[0].features.clear(),
            remote: |_| {},
            conflict: false,
            check: |p| assert!(p.objectives[0].features.is_empty()),
        },
        Row {
            name: "Jira rewrote criteria, user untouched",
            local: |_| {},
            remote: |p| epic(p).acceptance_criteria = criteria("signup audited"),
            conflict: false,
            check: |p| {
                assert_eq!(
                    p.objectives[0].features[0].acceptance_criteria,
                    criteria("signup audited")
                );
            },
        },
        Row {
            name: "user and Jira both edited the criterion",
            local: |p| epic(p).acceptance_criteria = criteria("signup takes < 1 minute"),
            remote: |p| epic(p).acceptance_criteria = criteria("signup audited"),
            conflict: true,
            check: |_| {},
        },
        Row {
            name: "user deletes epic, TP edits it",
            local: |p| p.objectives[0].features.clear(),
            remote: |p| epic(p).effort = Effort::new(8.0),
            conflict: true,
            check: |_| {},
        },
        Row {
            name: "TP deletes epic, user edited it",
            local: |p| epic(p).effort = Effort::new(8.0),
            remote: |p| p.objectives[0].features.clear(),
            conflict: true,
            check: |_| {},
        },
        Row {
            name: "TP adds epic to one objective, user to another",
            local: |p| p.objectives[1].features.push(feature(300, "Audit log")),
            remote: |p| p.objectives[0].features.push(feature(301, "SSO")),
            conflict: false,
            check: |p| {
                assert_eq!(names(p, 0), ["Self-service signup", "SSO"]);
                assert_eq!(names(p, 1), ["Audit log"]);
            },
        },
    ]
}

fn names(p: &Plan, objective: usize) -> Vec<&str> {
    p.objectives[objective]
        .features
        .iter()
        .map(|f| f.name.as_str())
        .collect()
}

/// Writes base/local/remote for a row into `dir` and runs merge-file (result over local.md).
fn run_row(dir: &Path, row: &Row) -> std::process::Output {
    let base = base_plan();
    let (mut local, mut remote) = (base.clone(), base.clone());
    (row.local)(&mut local);
    (row.remote)(&mut remote);
    write_plan(&dir.join("base.md"), &base);
    write_plan(&dir.join("local.md"), &local);
    write_plan(&dir.join("remote.md"), &remote);
    tpcli(
        dir,
        &["plan", "merge-file", "base.md", "local.md", "remote.md"],
    )
}

#[test]
fn every_row_of_the_conflict_table() {
    for row in rows() {
        let dir = tempfile::tempdir().unwrap();
        let out = run_row(dir.path(), &row);
        let merged = fs::read_to_string(dir.path().join("local.md")).unwrap();
        let want = if row.conflict { 1 } else { 0 };
        assert_eq!(
            code(&out),
            want,
            "{}: {}{}",
            row.name,
            text(&out.stdout),
            merged
        );
        if row.conflict {
            assert!(
                !marker_lines(&merged).is_empty(),
                "{}: no markers",
                row.name
            );
            assert!(text(&out.stdout).contains("conflict in"), "{}", row.name);
        } else {
            assert!(marker_lines(&merged).is_empty(), "{}: {merged}", row.name);
            (row.check)(&read_plan(&dir.path().join("local.md")));
        }
    }
}

#[test]
fn same_field_conflict_has_markers_around_that_field_only() {
    let row = &rows()[5];
    assert_eq!(row.name, "both change effort");
    let dir = tempfile::tempdir().unwrap();
    let out = run_row(dir.path(), row);
    assert_eq!(code(&out), 1);
    let merged = fs::read_to_string(dir.path().join("local.md")).unwrap();
    let start = merged.find("<<<<<<<").unwrap();
    let end = merged.find(">>>>>>>").unwrap();
    assert_eq!(
        &merged[start..=end + merged[end..].find('\n').unwrap()],
        "<<<<<<< local\n**Effort**: 21 points\n||||||| base\n**Effort**: 13 points\n\
         =======\n**Effort**: 20 points\n>>>>>>> remote\n"
    );
    assert_eq!(marker_lines(&merged).len(), 1);
}

#[test]
fn output_option_labels_and_json() {
    let row = &rows()[5];
    let dir = tempfile::tempdir().unwrap();
    run_row(dir.path(), row);
    let local_before = fs::read_to_string(dir.path().join("local.md")).unwrap();
    // run_row already merged over local.md once; write the local side again.
    let mut local = base_plan();
    (row.local)(&mut local);
    write_plan(&dir.path().join("local.md"), &local);
    assert_ne!(local_before, pi_format::render(&local));
    let out = tpcli(
        dir.path(),
        &[
            "plan",
            "merge-file",
            "base.md",
            "local.md",
            "remote.md",
            "-o",
            "out.md",
            "-L",
            "ours",
            "-L",
            "ancestor",
            "-L",
            "Targetprocess",
            "--json",
        ],
    );
    assert_eq!(code(&out), 1);
    assert_eq!(
        fs::read_to_string(dir.path().join("local.md")).unwrap(),
        pi_format::render(&local),
        "local.md untouched with -o"
    );
    let merged = fs::read_to_string(dir.path().join("out.md")).unwrap();
    assert!(merged.contains("<<<<<<< ours\n"), "{merged}");
    assert!(merged.contains("||||||| ancestor\n"), "{merged}");
    assert!(merged.contains(">>>>>>> Targetprocess\n"), "{merged}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["clean"], false);
    assert_eq!(json["output"], "out.md");
    let conflicts = json["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0]["field"], "effort");
    assert_eq!(conflicts[0]["entity"], "tp:100");
}

#[test]
fn clean_merge_reports_changes_as_json() {
    let row = &rows()[10];
    assert_eq!(row.name, "user effort + TP owner on the next line");
    let dir = tempfile::tempdir().unwrap();
    run_row(dir.path(), row);
    let mut local = base_plan();
    (row.local)(&mut local);
    write_plan(&dir.path().join("local.md"), &local);
    let out = tpcli(
        dir.path(),
        &[
            "plan",
            "merge-file",
            "base.md",
            "local.md",
            "remote.md",
            "--json",
        ],
    );
    assert_eq!(code(&out), 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["clean"], true);
    let changes = json["changes"].as_array().unwrap();
    let fields: Vec<&str> = changes.iter().filter_map(|c| c["field"].as_str()).collect();
    assert_eq!(fields, ["effort", "owner"]);
}

#[test]
fn unparsable_input_exits_2_with_located_errors_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let base = base_plan();
    write_plan(&dir.path().join("base.md"), &base);
    let broken = pi_format::render(&base).replace("**Effort**: 13 points", "**Effort**: lots");
    fs::write(dir.path().join("local.md"), &broken).unwrap();
    write_plan(&dir.path().join("remote.md"), &base);
    let out = tpcli(
        dir.path(),
        &["plan", "merge-file", "base.md", "local.md", "remote.md"],
    );
    assert_eq!(code(&out), 2);
    let line = broken.lines().position(|l| l.contains("lots")).unwrap() + 1;
    let err = text(&out.stderr);
    assert!(err.contains(&format!("local.md:{line}:")), "{err}");
    assert_eq!(
        fs::read_to_string(dir.path().join("local.md")).unwrap(),
        broken
    );
    let missing = tpcli(
        dir.path(),
        &["plan", "merge-file", "nope.md", "local.md", "remote.md"],
    );
    assert_eq!(code(&missing), 2);
    assert!(text(&missing.stderr).contains("nope.md"));
}
