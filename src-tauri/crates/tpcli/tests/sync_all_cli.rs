//! `tpcli plan sync-all`: two teams' plans, each in its own clone, pulled and pushed by one run;
//! a team with a conflict is reported and not pushed, the other is; exit codes and JSON.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use crate::sync_cli_support;

use sync_cli_support::*;

/// Names of the teams in the first team's ART, the first team first.
fn teams(bench: &Bench) -> Vec<String> {
    let control = bench.sim.control();
    let first = control
        .ids("Teams")
        .into_iter()
        .map(|id| control.get_entity("Teams", id).unwrap())
        .find(|t| t["Name"] == bench.team.as_str())
        .unwrap();
    let art = first["AgileReleaseTrain"]["Id"].clone();
    let mut names: Vec<String> = control
        .ids("Teams")
        .into_iter()
        .map(|id| control.get_entity("Teams", id).unwrap())
        .filter(|t| t["AgileReleaseTrain"]["Id"] == art)
        .map(|t| t["Name"].as_str().unwrap().to_owned())
        .collect();
    names.retain(|n| *n != bench.team);
    names.insert(0, bench.team.clone());
    names
}

/// `tpcli plan init` of `team` into `dir`; the plan file.
fn init(bench: &Bench, dir: &Path, team: &str) -> PathBuf {
    let dir = dir.to_str().unwrap();
    let out = bench.ok(&[
        "plan",
        "init",
        "--release",
        &bench.release,
        "--team",
        team,
        "--repo",
        dir,
        "--json",
    ]);
    PathBuf::from(json(&out)["plan_file"].as_str().unwrap())
}

fn first_objective(plan_file: &Path) -> (i64, f64) {
    let o = read_plan(plan_file).objectives[0].clone();
    (o.id.tp().unwrap(), o.effort.map_or(0.0, |e| e.points()))
}

fn set_effort(plan_file: &Path, points: f64) {
    edit_plan(plan_file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(points);
    });
}

#[test]
fn two_teams_synced_in_one_run_with_one_conflict_reported() {
    let bench = Bench::start();
    let names = teams(&bench);
    let (a, b) = (bench.repo().join("team-a"), bench.repo().join("team-b"));
    let (plan_a, plan_b) = (init(&bench, &a, &names[0]), init(&bench, &b, &names[1]));
    let ((id_a, effort_a), (id_b, _)) = (first_objective(&plan_a), first_objective(&plan_b));
    set_effort(&plan_a, effort_a + 3.0);
    // Team b's objective changed in Targetprocess and in the plan: a conflict.
    bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id_b, serde_json::json!({ "Effort": 61 }))
        .unwrap();
    set_effort(&plan_b, 62.0);

    let out = bench.run(&["plan", "sync-all", "team-a", "team-b"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let name_a = plan_a.file_name().unwrap().to_str().unwrap();
    let name_b = plan_b.file_name().unwrap().to_str().unwrap();
    let (part_a, part_b) = stdout.split_once(&format!("== {name_b}")).unwrap();
    assert!(
        part_a.starts_with(&format!("== {name_a} (team-a)")),
        "{stdout}"
    );
    assert!(
        part_a.contains("Pushed 1 operation to Targetprocess."),
        "{stdout}"
    );
    assert!(
        part_b.contains("Conflicts to resolve in this plan (1;"),
        "{stdout}"
    );
    assert!(
        part_b.contains("Not pushed: 1 conflict to resolve first"),
        "{stdout}"
    );
    assert_eq!(bench.objective(id_a)["Effort"], effort_a + 3.0);
    assert_eq!(bench.objective(id_b)["Effort"], 61.0);

    // Again, as JSON: a is clean now, b still has its conflict.
    let out = bench.run(&["plan", "sync-all", "--json", "team-a", "team-b"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&String::from_utf8_lossy(&out.stdout));
    let plans = report["plans"].as_array().unwrap();
    assert_eq!(plans[0]["plan_file"], name_a);
    assert_eq!(plans[0]["exit_code"], 0);
    assert_eq!(plans[0]["push"]["result"], "nothing_to_push");
    assert_eq!(plans[1]["exit_code"], 1);
    assert_eq!(plans[1]["pull"]["conflicts"].as_array().unwrap().len(), 1);
    assert_eq!(plans[1]["push"]["result"], "blocked_by_conflicts");
}

#[test]
fn pull_only_and_the_errors_of_bad_folders() {
    let bench = Bench::start();
    let names = teams(&bench);
    let a = bench.repo().join("team-a");
    let plan_a = init(&bench, &a, &names[0]);
    let (id, effort) = first_objective(&plan_a);
    set_effort(&plan_a, effort + 1.0);
    let out = bench.ok(&["plan", "sync-all", "--pull-only", "team-a"]);
    assert!(out.contains("Nothing new from Targetprocess."), "{out}");
    assert!(!out.contains("Pushed"), "{out}");
    assert_eq!(bench.objective(id)["Effort"], effort, "nothing pushed");

    // A folder that holds no plan: exit 2, naming it; nothing is synced.
    std::fs::create_dir(bench.repo().join("empty")).unwrap();
    let out = bench.run(&["plan", "sync-all", "team-a", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("empty"), "{err}");
    // The same plan twice.
    let out = bench.run(&["plan", "sync-all", "team-a", "team-a/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("given twice"));
    // No folder at all is bad usage.
    let out = bench.run(&["plan", "sync-all"]);
    assert_eq!(out.status.code(), Some(2));
}
