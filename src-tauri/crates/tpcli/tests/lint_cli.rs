//! `tpcli plan lint` against the simulator's demo, whose first features disagree with their
//! Jira epics one way each: every kind of finding is found, and `--fix points-vs-effort` lands
//! the new effort in Targetprocess through an ordinary push. The push's note for fields Jira
//! owns (`[jira] owns`), in words and in `--json`.

#![allow(clippy::unwrap_used)] // tests

use std::collections::BTreeSet;
use std::process::Output;

use pi_sim::SimConfig;

use crate::sync_cli_support::{Bench, edit_plan, read_plan};

/// The demo bench with `[jira]` naming its Jira Cloud (and `extra` lines), initialised.
fn demo(extra: &str) -> (Bench, std::path::PathBuf) {
    let bench = Bench::start_with(SimConfig {
        control_api: true,
        ..SimConfig::default()
    });
    let config = format!(
        "[jira]\nurl = \"{}\"\ndeployment = \"cloud\"\n{extra}",
        bench.sim.base_url()
    );
    std::fs::write(bench.repo().join(pi_model::CONFIG_FILE_NAME), config).unwrap();
    let (release, team) = inconsistent_plan(&bench);
    let out = run(
        &bench,
        &[
            "plan",
            "init",
            "--release",
            &release,
            "--team",
            &team,
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["jira"]["result"], "refreshed", "{report}");
    let file = std::path::PathBuf::from(report["plan_file"].as_str().unwrap());
    (bench, file)
}

/// The release and team of the demo's first feature with a Jira key: the features the demo made
/// inconsistent (`pi_sim::DONE_WITH_OPEN_STORIES_INDEX`, ...) are the first ones.
fn inconsistent_plan(bench: &Bench) -> (String, String) {
    let control = bench.sim.control();
    let first = control
        .ids("Features")
        .into_iter()
        .filter_map(|id| control.get_entity("Features", id))
        .find(|f| {
            f["CustomFields"].as_array().is_some_and(|fields| {
                fields
                    .iter()
                    .any(|c| c["Type"] == "TemplatedURL" && c["Value"].is_string())
            })
        })
        .unwrap();
    let name = |v: &serde_json::Value| v["Name"].as_str().unwrap().to_owned();
    (name(&first["Release"]), name(&first["Team"]))
}

/// `tpcli ARGS` with the simulator's Jira Cloud credentials; its `--json` is checked against
/// the schema.
fn run(bench: &Bench, args: &[&str]) -> Output {
    let (email, token) = bench.sim.jira_credentials();
    let out = bench
        .tpcli(args)
        .env("JIRA_EMAIL", email)
        .env("JIRA_TOKEN", &token)
        .env_remove("JIRA_URL")
        .output()
        .unwrap();
    bench.assert_no_token(&out);
    for stream in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(&token));
    }
    crate::json_output_support::check(args, &out.stdout);
    out
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

fn codes(view: &serde_json::Value) -> BTreeSet<String> {
    view["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn lint_finds_each_kind_and_a_points_fix_lands_in_targetprocess_through_a_push() {
    let (bench, file) = demo("");
    // The two kinds Targetprocess alone decides, as a planner's edit: a feature without its
    // epic, and a committed objective's feature without acceptance criteria.
    let pulled = std::fs::read_to_string(&file).unwrap();
    edit_plan(&file, |p| {
        let last = p
            .objectives
            .iter_mut()
            .rev()
            .find_map(|o| o.features.last_mut());
        last.unwrap().jira = None;
        let committed = p.objectives.iter_mut().find(|o| o.committed).unwrap();
        committed.features[0].acceptance_criteria.clear();
    });
    let out = run(&bench, &["plan", "lint", "--json"]);
    assert_eq!(out.status.code(), Some(1), "findings: exit 1");
    let view = json(&out);
    assert_eq!(view["epics_checked"], true, "{view}");
    let all: BTreeSet<String> = pi_model::lint::LintCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(codes(&view), all, "{view}");
    let points = view["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "points-vs-effort")
        .unwrap()
        .clone();
    let feature = points["feature"].as_str().unwrap().to_owned();
    let sum = points["fix"]["edit"]["points"].as_f64().unwrap();
    let text = String::from_utf8(run(&bench, &["plan", "lint"]).stdout).unwrap();
    std::fs::write(&file, pulled).unwrap();
    assert!(
        text.contains("[points-vs-effort]") && text.contains("fix: set the feature's effort"),
        "{text}"
    );

    let fixed = json(&run(
        &bench,
        &["plan", "lint", "--fix", "points-vs-effort", "--json"],
    ));
    assert!(fixed["fixed"]["applied"].as_u64().unwrap() >= 1, "{fixed}");
    assert!(fixed["fixed"]["commit"].is_string(), "{fixed}");
    assert!(!codes(&fixed).contains("points-vs-effort"), "{fixed}");
    let plan = read_plan(&file);
    let (_, f) = plan
        .features()
        .find(|(_, f)| f.id.to_string() == feature)
        .unwrap();
    assert_eq!(f.effort.map(pi_model::Effort::points), Some(sum));

    let preview = String::from_utf8(run(&bench, &["plan", "push", "--dry-run"]).stdout).unwrap();
    let fixes = fixed["fixed"]["applied"].as_u64().unwrap();
    let name = points["feature_name"].as_str().unwrap();
    assert!(
        preview.contains(&format!("A push would send {fixes} operation"))
            && preview.contains(&format!("→ {sum} points on \"{name}\"")),
        "{preview}"
    );
    let pushed = json(&run(&bench, &["plan", "push", "--json"]));
    assert_eq!(pushed["result"], "pushed", "{pushed}");
    let id: i64 = feature.trim_start_matches("tp:").parse().unwrap();
    let tp = bench.sim.control().get_entity("Features", id).unwrap();
    assert_eq!(tp["Effort"].as_f64(), Some(sum), "{tp}");
}

#[test]
fn an_unknown_fix_code_is_refused_and_changes_nothing() {
    let (bench, file) = demo("");
    let before = std::fs::read_to_string(&file).unwrap();
    let out = run(&bench, &["plan", "lint", "--fix", "points-vs-efort"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a lint code"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn a_push_names_the_edits_to_fields_jira_owns_and_sends_them_not() {
    let (bench, file) = demo("owns = [\"status\"]\n");
    let mut edited = None;
    edit_plan(&file, |p| {
        let f = &mut p.objectives[0].features[0];
        f.status = Some("Analyzing".into());
        f.effort = pi_model::Effort::new(7.0);
        edited = Some(f.id.clone());
    });
    let edited = edited.unwrap().to_string();
    let id: i64 = edited.trim_start_matches("tp:").parse().unwrap();
    let state_before =
        bench.sim.control().get_entity("Features", id).unwrap()["EntityState"].clone();
    let preview = json(&run(&bench, &["plan", "push", "--dry-run", "--json"]));
    assert_eq!(preview["result"], "dry_run", "{preview}");
    let notes = preview["not_sent"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{preview}");
    assert_eq!(notes[0]["feature"], edited.as_str());
    assert_eq!(notes[0]["message"], "status is owned by Jira: not sent");
    let text = String::from_utf8(run(&bench, &["plan", "push"]).stdout).unwrap();
    assert!(text.contains("status is owned by Jira: not sent"), "{text}");
    let tp = bench.sim.control().get_entity("Features", id).unwrap();
    assert_eq!(tp["Effort"].as_f64(), Some(7.0), "the effort went: {tp}");
    assert_eq!(tp["EntityState"], state_before, "the status did not: {tp}");
}
