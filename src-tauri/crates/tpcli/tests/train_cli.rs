//! The train forms of `tpcli plan status`, `report` and `resolve` (`--art`) over three team
//! plans set up by `sync-all --art` against the simulator, and the push gate on validation
//! errors (`tpcli plan push`, `sync-all`).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use crate::sync_cli_support;

use sync_cli_support::*;

/// The first team's ART and its first three teams, synced into `train/` by `sync-all --art`;
/// each team's folder and plan file.
fn three_teams(bench: &Bench) -> (String, Vec<(String, PathBuf, PathBuf)>) {
    let control = bench.sim.control();
    let team = control
        .ids("Teams")
        .into_iter()
        .map(|id| control.get_entity("Teams", id).unwrap())
        .find(|t| t["Name"] == bench.team.as_str())
        .unwrap();
    let art_id = team["AgileReleaseTrain"]["Id"].as_i64().unwrap();
    let art = control.get_entity("AgileReleaseTrains", art_id).unwrap()["Name"]
        .as_str()
        .unwrap()
        .to_owned();
    let names: Vec<String> = control
        .ids("Teams")
        .into_iter()
        .map(|id| control.get_entity("Teams", id).unwrap())
        .filter(|t| t["AgileReleaseTrain"]["Id"] == art_id)
        .map(|t| t["Name"].as_str().unwrap().to_owned())
        .take(3)
        .collect();
    let picked = names.join(",");
    let out = bench.run(&[
        "plan",
        "sync-all",
        "--art",
        &art,
        "--release",
        &bench.release,
        "--teams",
        &picked,
        "--root",
        "train",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&String::from_utf8_lossy(&out.stdout));
    let teams = report["train"]["teams"].as_array().unwrap();
    let teams = teams
        .iter()
        .map(|t| {
            let dir = bench.repo().join(t["dir"].as_str().unwrap());
            let plan = dir.join(t["plan_file"].as_str().unwrap());
            (t["team"].as_str().unwrap().to_owned(), dir, plan)
        })
        .collect();
    (art, teams)
}

fn first_objective(plan: &Path) -> i64 {
    read_plan(plan).objectives[0].id.tp().unwrap()
}

/// The team's first objective changed in Targetprocess and in the plan, then pulled: a conflict.
fn conflict_in(bench: &Bench, dir: &Path, plan: &Path) {
    let id = first_objective(plan);
    bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": 61 }))
        .unwrap();
    edit_plan(plan, |p| {
        p.objectives[0].effort = pi_model::Effort::new(62.0)
    });
    let out = bench.run(&["plan", "pull", "--repo", dir.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// An effort of 99 where the team's pi-planner.toml allows at most 40: a validation error.
fn invalid_effort(dir: &Path, plan: &Path) {
    std::fs::write(
        dir.join("pi-planner.toml"),
        "[validation]\neffort_range = { max = 40, level = \"error\" }\n",
    )
    .unwrap();
    edit_plan(plan, |p| {
        p.objectives[0].effort = pi_model::Effort::new(99.0)
    });
}

#[test]
fn train_status_and_report_list_every_team_with_its_conflict_and_validation_error() {
    let bench = Bench::start();
    let (art, teams) = three_teams(&bench);
    conflict_in(&bench, &teams[0].1, &teams[0].2);
    invalid_effort(&teams[1].1, &teams[1].2);
    // The clean team pushes a change: its last push is Jane's.
    edit_plan(&teams[2].2, |p| {
        p.objectives[0].effort = pi_model::Effort::new(17.0)
    });
    bench.ok(&["plan", "push", "--repo", teams[2].1.to_str().unwrap()]);
    let requests = bench.sim.control().request_log().len();

    let out = bench.run(&["plan", "status", "--art", &art, "--root", "train", "--json"]);
    assert_eq!(out.status.code(), Some(1), "a team needs attention");
    let status = json(&String::from_utf8_lossy(&out.stdout));
    let rows = status["teams"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{status}");
    let row = |name: &str| rows.iter().find(|r| r["team"] == name).unwrap();
    let (a, b, c) = (row(&teams[0].0), row(&teams[1].0), row(&teams[2].0));
    assert_eq!(a["conflicts"].as_array().unwrap().len(), 1, "{a}");
    assert_eq!(a["needs_attention"], true);
    let errors = b["validation_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{b}");
    assert_eq!(errors[0]["rule"], "effort-range");
    assert_eq!(errors[0]["field"], "effort");
    assert_eq!(b["pending_changes"], 1);
    assert_eq!(c["needs_attention"], false, "{c}");
    assert_eq!(c["conflicts"].as_array().unwrap().len(), 0);
    assert_eq!(c["last_push"]["who"], "Jane Doe <jane@example.com>", "{c}");
    assert!(a["last_push"].is_null(), "never pushed: {a}");
    assert!(
        a["last_pull"]["who"]
            .as_str()
            .unwrap()
            .starts_with("Targetprocess")
    );
    for r in rows {
        assert!(r["last_pull"]["at"].is_string(), "{r}");
        assert_eq!(r["approvals"]["state"], "not_required");
        assert!(r["effort"]["capacity"].is_null());
        assert!(r["drift"].is_null(), "no baseline yet: {r}");
    }

    // A baseline of the clean team, then an edit: its drift is reported.
    let c_dir = teams[2].1.to_str().unwrap();
    bench.ok(&["plan", "baseline", "create", "--repo", c_dir]);
    edit_plan(&teams[2].2, |p| {
        p.objectives[0].committed = !p.objectives[0].committed
    });
    let out = bench.run(&[
        "plan", "report", "--art", &art, "--root", "train", "--format", "json",
    ]);
    let report = json(&String::from_utf8_lossy(&out.stdout));
    let c = report["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["team"] == teams[2].0.as_str())
        .unwrap()
        .clone();
    assert_eq!(c["drift"]["objectives_changed"], 1, "{c}");

    let out = bench.run(&[
        "plan", "report", "--art", &art, "--root", "train", "--format", "markdown",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8_lossy(&out.stdout);
    for (name, _, _) in &teams {
        assert!(md.contains(name.as_str()), "{md}");
    }
    assert!(md.contains("capacity unknown"), "{md}");
    assert!(md.contains("conflict:"), "{md}");
    assert!(md.contains("validation error, line"), "{md}");
    let out = bench.run(&["plan", "status", "--art", &art, "--root", "train"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Needs attention"));
    let out = bench.run(&[
        "plan", "report", "--art", &art, "--root", "train", "--format", "html",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("<table"));

    // Read only: no request to Targetprocess.
    assert_eq!(bench.sim.control().request_log().len(), requests);

    let out = bench.run(&["plan", "status", "--art", "Kepler Train", "--root", "train"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no plan of ART \"Kepler Train\""));
}

#[test]
fn one_batch_resolution_settles_a_conflict_in_three_teams() {
    let bench = Bench::start();
    let (art, teams) = three_teams(&bench);
    for (_, dir, plan) in &teams {
        conflict_in(&bench, dir, plan);
    }
    let base = ["plan", "resolve", "--art", art.as_str(), "--root", "train"];
    let args = |extra: &[&'static str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        a
    };

    let out = bench.run(&args(&["--keep", "remote", "--kind", "feature"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No conflict of the train matches"));

    let out = bench.run(&args(&[
        "--keep",
        "remote",
        "--field",
        "effort",
        "--dry-run",
    ]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Would resolve 3 conflicts in 3 teams"),
        "{text}"
    );
    for (name, _, plan) in &teams {
        assert!(text.contains(name.as_str()), "{text}");
        assert_eq!(read_plan(plan).objectives[0].effort.unwrap().points(), 62.0);
    }

    let out = bench.run(&args(&["--keep", "remote", "--field", "effort", "--json"]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let batch = json(&String::from_utf8_lossy(&out.stdout));
    let settled = batch["conflicts"].as_array().unwrap();
    assert_eq!(settled.len(), 3, "{batch}");
    assert!(
        settled
            .iter()
            .all(|c| c["resolved"] == true && c["error"].is_null())
    );
    for (_, dir, plan) in &teams {
        assert_eq!(read_plan(plan).objectives[0].effort.unwrap().points(), 61.0);
        let out = bench.ok(&["plan", "log", "--repo", dir.to_str().unwrap(), "--json"]);
        assert!(
            out.contains("\"resolve\""),
            "each team's resolution is logged: {out}"
        );
    }
    let out = bench.run(&["plan", "status", "--art", &art, "--root", "train", "--json"]);
    let status = json(&String::from_utf8_lossy(&out.stdout));
    assert!(
        status["teams"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["conflicts"].as_array().unwrap().is_empty())
    );
}

#[test]
fn push_and_sync_all_stop_at_validation_errors_unless_overridden() {
    let bench = Bench::start();
    let (art, teams) = three_teams(&bench);
    let (_, dir, plan) = &teams[0];
    let repo = dir.to_str().unwrap();
    let id = first_objective(plan);
    invalid_effort(dir, plan);

    let out = bench.run(&["plan", "push", "--repo", repo]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Not pushed: the plan has 1 validation error:"),
        "{text}"
    );
    assert!(
        text.contains("line ") && text.contains(&format!("(tp:{id}), Effort:")),
        "{text}"
    );
    assert!(
        text.contains("--override REASON") && text.contains("block_push"),
        "{text}"
    );
    let out = bench.run(&["plan", "push", "--repo", repo, "--json"]);
    let view = json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(view["result"], "blocked_by_validation");
    assert_eq!(view["findings"][0]["item"], format!("tp:{id}"));
    assert_ne!(bench.objective(id)["Effort"], 99.0);

    let out = bench.run(&[
        "plan", "sync-all", "--art", &art, "--root", "train", "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&String::from_utf8_lossy(&out.stdout));
    let name = dir.file_name().unwrap().to_str().unwrap();
    let ours = report["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["dir"].as_str().unwrap().ends_with(name))
        .unwrap();
    assert_eq!(ours["push"]["result"], "blocked_by_validation", "{report}");
    assert_eq!(ours["exit_code"], 1);

    bench.ok(&[
        "plan",
        "push",
        "--repo",
        repo,
        "--override",
        "agreed with the RTE",
    ]);
    assert_eq!(bench.objective(id)["Effort"], 99.0);
    let audit = bench.ok(&["plan", "audit", "--repo", repo, "--json"]);
    assert!(audit.contains("agreed with the RTE"), "{audit}");
}
