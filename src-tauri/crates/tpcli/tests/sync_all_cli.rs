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
    let (a_init, b_init) = (requests(&stats(&bench, &a)), requests(&stats(&bench, &b)));
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

    // Each plan's pulls and pushes are in its own clone's metrics, after its init.
    let (sa, sb) = (stats(&bench, &a), stats(&bench, &b));
    assert_eq!(
        sa["teams"][0]["operations"], 5,
        "init, 2 pulls, 2 pushes: {sa:#}"
    );
    assert_eq!(sa["teams"][0]["syncs"], 4, "{sa:#}");
    assert_eq!(sa["teams"][0]["failed"], 0, "{sa:#}");
    assert_eq!(
        sa["changes_by_field"],
        serde_json::json!([{"field": "Effort", "count": 1}])
    );
    assert_eq!(
        sb["teams"][0]["findings"], 4,
        "conflicted pulls and blocked pushes: {sb:#}"
    );
    assert_eq!(
        (&sb["conflicts_found"], &sb["conflicts_open"]),
        (&1.into(), &1.into())
    );
    // The shared client's requests are filed once, with the first plan: b has its init's.
    assert!(
        sa["traffic"][0]["requests"].as_u64().unwrap() > a_init,
        "{sa:#}"
    );
    assert_eq!(requests(&sb), b_init, "{sb:#}");
}

/// `tpcli plan stats --json` of the plan in `dir`.
fn stats(bench: &Bench, dir: &Path) -> serde_json::Value {
    let dir = dir.to_str().unwrap();
    let out = bench.run(&["plan", "stats", "--json", "--repo", dir]);
    json(&String::from_utf8_lossy(&out.stdout))
}

/// The Targetprocess requests in `stats`.
fn requests(stats: &serde_json::Value) -> u64 {
    stats["traffic"][0]["requests"].as_u64().unwrap()
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

/// The name of the ART of the simulator's first team.
fn art_name(bench: &Bench) -> String {
    let control = bench.sim.control();
    let team = control
        .ids("Teams")
        .into_iter()
        .map(|id| control.get_entity("Teams", id).unwrap())
        .find(|t| t["Name"] == bench.team.as_str())
        .unwrap();
    let art = team["AgileReleaseTrain"]["Id"].as_i64().unwrap();
    let art = control.get_entity("AgileReleaseTrains", art).unwrap();
    art["Name"].as_str().unwrap().to_owned()
}

/// How many objectives, features and program objectives Targetprocess holds.
fn counts(bench: &Bench) -> [usize; 3] {
    let control = bench.sim.control();
    ["TeamPIObjectives", "Features", "ProgramPIObjectives"].map(|r| control.ids(r).len())
}

#[test]
fn an_art_from_nothing_to_synced_in_one_command_and_again_without_duplicates() {
    let bench = Bench::start();
    let (art, names) = (art_name(&bench), teams(&bench));
    let before = counts(&bench);
    let out = bench.run(&[
        "plan",
        "sync-all",
        "--art",
        &art.to_uppercase(),
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
    let train = &report["train"];
    assert_eq!(train["art"], art.as_str());
    assert_ne!(train["release_chosen"], "given");
    let teams = train["teams"].as_array().unwrap();
    assert_eq!(teams.len(), names.len());
    assert!(
        teams
            .iter()
            .all(|t| t["setup"] == "started" && t["exit_code"] == 0),
        "{train}"
    );
    assert_eq!(report["plans"].as_array().unwrap().len(), names.len());
    for t in teams {
        let dir = bench.repo().join(t["dir"].as_str().unwrap());
        assert!(dir.join(t["plan_file"].as_str().unwrap()).is_file(), "{t}");
    }
    assert_eq!(counts(&bench), before);

    // Again, in words: every plan is opened where the first run left it, nothing is created.
    let out = bench.ok(&["plan", "sync-all", "--art", &art, "--root", "train"]);
    assert!(out.starts_with(&format!("{art}, ")), "{out}");
    assert!(out.contains(&format!("== {} (train/", names[0])), "{out}");
    assert!(!out.contains("started"), "{out}");
    assert_eq!(counts(&bench), before);
    assert_eq!(
        std::fs::read_dir(bench.repo().join("train"))
            .unwrap()
            .count(),
        names.len()
    );
}

#[test]
fn through_a_shared_remote_a_fresh_root_joins_and_a_broken_plan_fails_alone() {
    let bench = Bench::start();
    let (art, names) = (art_name(&bench), teams(&bench));
    let shared = bench.repo().join("shared.git");
    git2::Repository::init_bare(&shared).unwrap();
    let shared = shared.to_str().unwrap();
    let (first, second) = (names[0].as_str(), names[1].as_str());
    let picked = format!("{first},{second}");
    let args = |root: &'static str| {
        let mut a = vec!["plan", "sync-all", "--art", art.as_str(), "--release"];
        a.extend([
            bench.release.as_str(),
            "--teams",
            picked.as_str(),
            "--root",
            root,
        ]);
        a.extend(["--remote", shared, "--json"]);
        a
    };
    let out = bench.run(&args("runner-1"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = counts(&bench);

    // A second runner starts from nothing: it joins both plans from the shared repository.
    let out = bench.run(&args("runner-2"));
    let report = json(&String::from_utf8_lossy(&out.stdout));
    let teams = report["train"]["teams"].as_array().unwrap();
    assert_eq!(report["train"]["release_chosen"], "given");
    assert!(teams.iter().all(|t| t["setup"] == "joined"), "{report}");

    // The first team's plan is edited, the second's is broken: the first is pushed anyway.
    let dir_of = |t: &serde_json::Value| bench.repo().join(t["dir"].as_str().unwrap());
    let plan_a = dir_of(&teams[0]).join(teams[0]["plan_file"].as_str().unwrap());
    let plan_b = dir_of(&teams[1]).join(teams[1]["plan_file"].as_str().unwrap());
    let (id, effort) = first_objective(&plan_a);
    set_effort(&plan_a, effort + 2.0);
    let broken = std::fs::read_to_string(&plan_b).unwrap()
        + "\n<<<<<<< ours\nleft by a merge\n>>>>>>> theirs\n";
    std::fs::write(&plan_b, &broken).unwrap();
    let out = bench.run(&args("runner-2"));
    assert_eq!(out.status.code(), Some(2));
    let report = json(&String::from_utf8_lossy(&out.stdout));
    let teams = report["train"]["teams"].as_array().unwrap();
    assert_eq!(
        (
            teams[0]["exit_code"].as_u64(),
            teams[1]["exit_code"].as_u64()
        ),
        (Some(0), Some(2))
    );
    let plans = report["plans"].as_array().unwrap();
    assert_eq!(plans[0]["push"]["result"], "pushed", "{report}");
    assert!(plans[1]["pull"]["error"].is_string(), "{report}");
    assert_eq!(bench.objective(id)["Effort"], effort + 2.0);
    assert_eq!(
        std::fs::read_to_string(&plan_b).unwrap(),
        broken,
        "the broken plan is kept"
    );
    assert_eq!(counts(&bench), before);
}

#[test]
fn an_art_release_or_team_not_found_is_bad_usage_naming_the_known_ones() {
    let bench = Bench::start();
    let art = art_name(&bench);
    let out = bench.run(&["plan", "sync-all", "--art", "Kepler Train"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ART \"Kepler Train\"") && err.contains(&art),
        "{err}"
    );
    let out = bench.run(&["plan", "sync-all", "--art", &art, "--teams", "Nobody"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("team \"Nobody\""));
    let out = bench.run(&["plan", "sync-all", "--art", &art, "--release", "PI-9/99"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("release \"PI-9/99\""));
    // Folders and --art together, or --release without --art: bad usage.
    let out = bench.run(&["plan", "sync-all", "--art", &art, "team-a"]);
    assert_eq!(out.status.code(), Some(2));
    let out = bench.run(&["plan", "sync-all", "--release", "PI-1/26", "team-a"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!bench.repo().join("nobody").exists());
}
