//! Black-box runs of `tpcli plan rollback` against a simulator started by the test on loopback:
//! init, an effort edit pushed, then a dry run of its rollback as JSON (nothing changes), an
//! unknown op id (exit 2), and the rollback itself (Targetprocess holds the old effort again).

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use std::path::Path;

use sync_cli_support::{Bench, edit_plan, read_plan};

/// Runs `tpcli` and expects exit code `code`; returns stdout.
fn expect(bench: &Bench, code: i32, args: &[&str]) -> String {
    let out = bench.run(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "tpcli {args:?}\nstdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn effort_in_tp(bench: &Bench, id: i64) -> serde_json::Value {
    bench.objective(id)["Effort"].clone()
}

fn writes_seen(bench: &Bench) -> usize {
    let log = bench.sim.control().request_log();
    log.iter().filter(|r| r.method != "GET").count()
}

/// Sets the first objective's effort to `to` in the plan file; its TP id.
fn edit_first_effort(file: &Path, to: f64) -> i64 {
    edit_plan(file, |plan| {
        plan.objectives[0].effort = pi_model::Effort::new(to)
    });
    read_plan(file).objectives[0].id.tp().unwrap()
}

#[test]
fn rollback_dry_run_json_shows_the_compensating_push_and_changes_nothing() {
    let bench = Bench::start();
    let file = bench.init();
    let id = edit_first_effort(&file, 34.0);
    let before = effort_in_tp(&bench, id);
    expect(&bench, 0, &["plan", "push", "--json"]);
    assert_eq!(effort_in_tp(&bench, id), 34.0);

    let (writes, text) = (writes_seen(&bench), std::fs::read_to_string(&file).unwrap());
    let out = expect(&bench, 0, &["plan", "rollback", "--dry-run", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["result"], "dry_run", "{v}");
    let op_id = v["op_id"].as_str().unwrap().to_owned();
    assert!(op_id.starts_with("push-"), "{v}");
    assert_eq!(v["operations"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["operations"][0]["op"], "update_objective", "{v}");
    let summary = v["summary"][0].as_str().unwrap();
    assert!(summary.starts_with("Effort 34 → "), "{summary}");
    assert_eq!(v["conflicts"], serde_json::json!([]));
    assert_eq!(writes_seen(&bench), writes, "a dry run sends no write");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert_eq!(effort_in_tp(&bench, id), 34.0);

    let out = bench.run(&["plan", "rollback", "push-404", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("push-404") && stderr.contains(&op_id),
        "{stderr}"
    );

    let out = expect(&bench, 0, &["plan", "rollback", &op_id]);
    assert!(
        out.starts_with(&format!("Rolled back {op_id} with 1 operation.")),
        "{out}"
    );
    assert_eq!(effort_in_tp(&bench, id), before);
}
