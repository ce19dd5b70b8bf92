//! `tpcli plan stats` over a history made by real runs: pulls, a conflict found and resolved, a
//! push, and pulls failing against a simulator that answers every request 503.

use std::time::Duration;

use pi_sim::Faults;

use crate::sync_cli_support::{Bench, OBJECTIVES, edit_plan, json, read_plan};

fn stats(bench: &Bench, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["plan", "stats", "--json"];
    all.extend_from_slice(args);
    let out = bench.run(&all);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code(), json(&stdout))
}

#[test]
fn stats_count_the_syncs_conflicts_changes_and_failures_of_real_runs() {
    let bench = Bench::start();
    let plan_file = bench.init();
    let first = read_plan(&plan_file).objectives[0].clone();
    let id = first.id.tp().expect("a pulled objective has its TP id");
    bench.ok(&["plan", "pull"]);

    // The same field changed on both sides: the next pull finds one conflict.
    bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": 61 }))
        .unwrap();
    edit_plan(&plan_file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(62.0)
    });
    assert_eq!(bench.run(&["plan", "pull"]).status.code(), Some(1));
    // The pull's op log entry holds the conflict as data: field, both values, who.
    let log = json(&bench.ok(&["plan", "log", "--json"]));
    let pull = log
        .as_array()
        .unwrap()
        .iter()
        .rfind(|e| e["kind"] == "pull")
        .unwrap();
    let c = &pull["conflicts"][0];
    assert_eq!(c["entity"], format!("tp:{id}"), "{pull:#}");
    assert_eq!(c["field"], "effort", "{pull:#}");
    assert_eq!(
        (&c["local"]["value"], &c["remote"]["value"]),
        (&62.0.into(), &61.0.into()),
        "{pull:#}"
    );
    assert!(c["local_by"].as_str().unwrap().contains('@'), "{pull:#}");
    assert!(c["remote_by"].is_string(), "{pull:#}");
    let text = bench.ok(&["plan", "log"]);
    assert!(text.contains("conflict on Effort of"), "{text}");
    std::thread::sleep(Duration::from_millis(1100));
    bench.ok(&["plan", "resolve", "--keep", "local", "--all"]);
    bench.ok(&["plan", "push"]);
    assert_eq!(bench.objective(id)["Effort"], 62.0);

    // Targetprocess answers every request 503: the pull fails after its retries.
    bench.sim.control().set_faults(Faults {
        error_rate: 1.0,
        error_status: 503,
        ..Faults::default()
    });
    assert_eq!(bench.run(&["plan", "pull"]).status.code(), Some(2));

    let (code, s) = stats(&bench, &[]);
    assert_eq!(code, Some(1), "a plan is failing now: {s:#}");
    let team = &s["teams"][0];
    assert_eq!(team["team"], bench.team.as_str());
    // init, pull, pull (conflict), resolve, push, failed pull.
    assert_eq!(team["operations"], 6, "{s:#}");
    assert_eq!(team["syncs"], 4, "{s:#}");
    assert_eq!(
        (&team["succeeded"], &team["findings"], &team["failed"]),
        (&4.into(), &1.into(), &1.into())
    );
    let rate = team["success_rate"].as_f64().unwrap();
    assert!((rate - 5.0 / 6.0).abs() < 1e-9, "{s:#}");
    assert_eq!(team["failure_streak"], 1);
    assert!(team["failing_since"].is_string(), "{s:#}");
    assert_eq!(
        (&s["conflicts_found"], &s["conflicts_resolved"]),
        (&1.into(), &1.into())
    );
    assert_eq!(s["conflicts_open"], 0);
    let mttr = s["mean_time_to_resolve_secs"].as_f64().unwrap();
    assert!(
        (1.0..60.0).contains(&mttr),
        "the conflict stayed open over a second: {mttr}"
    );
    assert_eq!(
        s["conflicts_by_field"],
        serde_json::json!([{"field": "Effort", "count": 1}])
    );
    assert_eq!(
        s["changes_by_field"],
        serde_json::json!([{"field": "Effort", "count": 1}])
    );
    assert_eq!(s["errors"][0]["code"], "targetprocess_server", "{s:#}");
    let week = &s["weeks"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&week["pulls"], &week["conflicts_found"]),
        (&3.into(), &1.into())
    );
    let tp = &s["traffic"][0];
    assert_eq!(tp["service"], "targetprocess");
    assert!(tp["throttled"].as_u64().unwrap() >= 1, "{s:#}");
    assert!(tp["retries"].as_u64().unwrap() >= 1, "{s:#}");
    assert!(tp["requests"].as_u64().unwrap() > tp["throttled"].as_u64().unwrap());

    // Another ART, or a window after the runs, holds nothing.
    let (code, none) = stats(&bench, &["--art", "No Such ART"]);
    assert_eq!((code, &none["operations"]), (Some(0), &0.into()));
    let (_, later) = stats(&bench, &["--since", "2999-01-01"]);
    assert_eq!(later["operations"], 0);
}

#[test]
fn stats_as_markdown_and_a_bad_date_said_plainly() {
    let bench = Bench::start();
    bench.init();
    bench.ok(&["plan", "pull"]);
    let text = bench.ok(&["plan", "stats", "--markdown"]);
    assert!(text.starts_with("# Sync health\n"), "{text}");
    assert!(text.contains("| plan | syncs/week | success |"), "{text}");
    assert!(text.contains("| 100% |"), "{text}");
    let out = bench.run(&["plan", "stats", "--since", "last tuesday"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--since \"last tuesday\" is not a date"),
        "{err}"
    );
}

/// The operations recorded in the clone's metrics database, oldest first: kind, outcome,
/// conflicts found, conflicts resolved, field changes written (read with Python's sqlite3).
fn recorded(bench: &Bench) -> Vec<(String, String, i64, i64, i64)> {
    let db = bench.repo().join(".git/pi-planner/metrics.sqlite");
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sqlite3, sys\n\
             rows = sqlite3.connect(sys.argv[1]).execute('SELECT kind, outcome, \
             conflicts_found, conflicts_resolved, changes_pushed FROM operations \
             ORDER BY started_ms, id').fetchall()\n\
             print(json.dumps(rows))",
        ])
        .arg(&db)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("rows as JSON")
}

#[test]
fn resume_rollback_and_resolve_are_recorded_with_their_outcome_conflicts_and_changes() {
    let bench = Bench::start();
    let plan_file = bench.init();
    let id = read_plan(&plan_file).objectives[0].id.tp().unwrap();

    // A push whose answers are lost part-way fails; `plan resume` completes it.
    edit_plan(&plan_file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(71.0)
    });
    bench.sim.control().set_faults(Faults {
        drop_after_apply: Some(0),
        ..Faults::default()
    });
    assert_ne!(bench.run(&["plan", "push"]).status.code(), Some(0));
    bench.sim.control().set_faults(Faults::default());
    bench.ok(&["plan", "resume"]);
    assert_eq!(bench.objective(id)["Effort"], 71.0);

    // The completed push rolled back.
    let log = json(&bench.ok(&["plan", "log", "--json"]));
    let push = log
        .as_array()
        .unwrap()
        .iter()
        .rfind(|e| e["kind"] == "push")
        .unwrap();
    let op_id = push["id"].as_str().unwrap().to_owned();
    bench.ok(&["plan", "rollback", &op_id]);
    assert_ne!(bench.objective(id)["Effort"], 71.0);

    // A conflict found by a pull, resolved.
    bench.ok(&["plan", "pull"]);
    bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": 81 }))
        .unwrap();
    edit_plan(&plan_file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(82.0)
    });
    assert_eq!(bench.run(&["plan", "pull"]).status.code(), Some(1));
    bench.ok(&["plan", "resolve", "--keep", "local", "--all"]);

    let ops = recorded(&bench);
    let kinds: Vec<(&str, &str)> = ops
        .iter()
        .map(|(k, o, ..)| (k.as_str(), o.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("init", "succeeded"),
            ("push", "failed"),
            ("resume", "succeeded"),
            ("rollback", "succeeded"),
            ("pull", "succeeded"),
            ("pull", "findings"),
            ("resolve", "succeeded"),
        ],
        "{ops:?}"
    );
    let (resume, rollback, found, resolve) = (&ops[2], &ops[3], &ops[5], &ops[6]);
    assert!(resume.4 >= 1, "the resumed push's writes: {resume:?}");
    assert!(rollback.4 >= 1, "the rollback's writes: {rollback:?}");
    assert_eq!((found.2, found.3), (1, 0), "{found:?}");
    assert_eq!((resolve.2, resolve.3), (0, 1), "{resolve:?}");
}
