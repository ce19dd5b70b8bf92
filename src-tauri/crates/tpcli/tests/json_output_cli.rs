//! Black-box: tpcli's `--json` outputs match the JSON Schemas checked in under `docs/schemas/`
//! (every run through the test helpers is checked; these tests run the commands whose outputs
//! the other tests do not reach, and show that a schema refuses a changed output).

#![allow(clippy::unwrap_used)]

use std::process::Command;

use crate::json_output_support::{check, errors, schema};
use crate::sync_cli_support::{Bench, json};

fn tpcli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tpcli"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn json_schema_prints_each_checked_in_schema_and_lists_the_names() {
    let names = String::from_utf8(tpcli(&["json-schema"]).stdout).unwrap();
    let names: Vec<&str> = names.lines().collect();
    assert!(
        names.contains(&"plan-push") && names.contains(&"auth-status"),
        "{names:?}"
    );
    for name in names {
        let out = tpcli(&["json-schema", name]);
        assert!(out.status.success(), "{name}");
        let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(printed, schema(name), "{name}");
    }
    let unknown = tpcli(&["json-schema", "plan-pushes"]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("\"plan-pushes\"") && stderr.contains("tpcli json-schema"),
        "{stderr}"
    );
}

#[test]
fn a_workflow_prints_json_that_matches_every_schema_and_a_changed_output_does_not() {
    let bench = Bench::start();
    let plan_file = bench.init();
    let pulled = json(&bench.ok(&["plan", "pull", "--json"]));
    let text = std::fs::read_to_string(&plan_file).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("**Effort**: "))
        .unwrap();
    std::fs::write(&plan_file, text.replacen(line, "**Effort**: 13 points", 1)).unwrap();

    for args in [
        &["plan", "status", "--json"][..],
        &["plan", "push", "--dry-run", "--json"],
        &["plan", "approvals", "--json"],
        &["plan", "diff", "--json"],
        &["plan", "verify", "--json"],
        &["plan", "push", "--json"],
        &["plan", "resume", "--json"],
        &["plan", "rollback", "--dry-run", "--json"],
        &["plan", "discard", "--refused", "--json"],
    ] {
        // `check` runs inside `Bench::run`; the exit code is each command's own business here.
        let out = bench.run(args);
        assert!(!out.stdout.is_empty(), "tpcli {args:?} printed nothing");
    }
    let log = json(&bench.ok(&["plan", "log", "--json"]));
    let id = log[1]["writes"][0]["entity"].as_str().unwrap().to_owned();
    bench.ok(&["plan", "log", "--objective", &id, "--json"]);
    let plan_dir = bench.repo().to_str().unwrap().to_owned();
    bench.ok(&["plan", "sync-all", "--json", &plan_dir]);

    // The schema is a contract: a renamed field or an unknown result is refused.
    assert!(errors("plan-pull", &pulled).is_empty());
    let mut renamed = pulled.clone();
    let from = renamed
        .as_object_mut()
        .unwrap()
        .remove("from_targetprocess")
        .unwrap();
    renamed["from_tp"] = from;
    assert!(!errors("plan-pull", &renamed).is_empty(), "{renamed}");
    let unknown = serde_json::json!({"result": "pushed_somewhere", "resumed": 0});
    assert!(!errors("plan-push", &unknown).is_empty());
}

#[test]
fn commands_without_json_are_not_checked_and_unknown_schemas_fail() {
    // No --json: nothing to check, whatever was printed.
    check(&["plan", "status"], b"Plan x on branch y");
    let missing = std::panic::catch_unwind(|| schema("plan-nothing"));
    assert!(
        missing.is_err(),
        "a command without a schema file is an error"
    );
}
