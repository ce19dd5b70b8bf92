//! Black-box runs of `tpcli plan baseline | diff | report | log --objective` against a simulator
//! started by the test on loopback: a baseline of the committed plan, edits (one with markup in
//! its text), the diff in every format (HTML escaped), the report against the baseline, a push,
//! and the objective's history attributed to the planner.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use pi_model::Effort;
use sync_cli_support::*;

#[test]
fn baseline_diff_report_and_objective_history() {
    let bench = Bench::start();
    let plan_file = bench.init();
    let made = json(&bench.ok(&["plan", "baseline", "--json"]));
    let name = made["baseline"]["name"].as_str().unwrap().to_owned();
    assert!(name.ends_with("-committed"), "{made}");
    assert_eq!(made["uncommitted_edits"], false);
    let again = bench.run(&["plan", "baseline"]);
    assert_eq!(again.status.code(), Some(2), "a baseline is never moved");
    let listed = bench.ok(&["plan", "baseline", "--list"]);
    assert!(listed.starts_with(&name), "{listed}");

    assert!(
        bench.ok(&["plan", "diff"]).contains("None."),
        "no edits yet"
    );
    let plan = read_plan(&plan_file);
    let (id, old_name) = (
        plan.objectives[0].id.clone(),
        plan.objectives[0].name.clone(),
    );
    edit_plan(&plan_file, |p| {
        p.objectives[0].effort = Effort::new(99.0);
        p.objectives[0].description = "Ship <script>alert(1)</script> safely".into();
    });

    let text = bench.ok(&["plan", "diff"]);
    assert!(
        text.contains(&format!("Objective {old_name} ({id}) changed")),
        "{text}"
    );
    assert!(text.contains("{+99 points+}"), "{text}");
    let md = bench.ok(&["plan", "diff", "tp", "working", "--markdown"]);
    assert!(md.contains("<ins>99 points</ins>"), "{md}");
    assert!(!md.contains("<script>"), "{md}");
    let html = bench.ok(&["plan", "diff", &name, "--html"]);
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    let diff = json(&bench.ok(&["plan", "diff", "--json"]));
    assert_eq!(diff["after"]["rev"]["kind"], "working");
    assert_eq!(diff["diff"]["entities"][0]["id"], id.to_string());

    let report = json(&bench.ok(&["plan", "report", "--format", "json"]));
    assert_eq!(report["comparison"]["before"]["rev"]["kind"], "baseline");
    assert_eq!(report["counts"]["objectives_changed"], 1);
    let md = bench.ok(&["plan", "report", "--since", "tp", "--format", "md"]);
    assert!(md.contains("## Who changed what"), "{md}");

    bench.ok(&["plan", "push"]);
    let log = json(&bench.ok(&["plan", "log", "--objective", &id.to_string(), "--json"]));
    let history = log["history"].as_array().unwrap();
    let by_jane = history
        .iter()
        .find(|v| v["commit"]["who"]["name"] == "Jane Doe")
        .unwrap_or_else(|| panic!("{log}"));
    let fields: Vec<&str> = by_jane["changes"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["description", "effort"], "{log}");
    let text = bench.ok(&["plan", "log", "--objective", &id.to_string()]);
    assert!(text.starts_with(&format!("History of {id}")), "{text}");
    assert!(text.contains("Jane Doe <jane@example.com>"), "{text}");
    let report = json(&bench.ok(&["plan", "report", "--format", "json"]));
    let people = report["contributors"].as_array().unwrap();
    assert!(
        people.iter().any(|p| p["who"]["name"] == "Jane Doe"),
        "{report}"
    );
    bench.fsck();
}
