//! `tpcli plan propose` against the simulator's GitHub and a local bare git remote: the first
//! propose pushes the review branch and opens a pull request whose description is the
//! before/after table, a second one updates that pull request (after GitHub's 422 "already
//! exists"), a secondary rate limit is waited out, and a missing token says how to set it.

#![allow(clippy::unwrap_used)] // test set-up and assertions

use pi_model::Effort;

use crate::sync_cli_support::{Bench, edit_plan, git, json, read_plan};

/// An initialised plan with a bare `origin`, `[github]` pointing at the simulator, and the first
/// objective's effort changed and committed on the working branch; the bare remote and that
/// objective's name.
fn proposed_plan(bench: &Bench) -> (tempfile::TempDir, String) {
    let plan_file = bench.init();
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "--bare", "-q"]);
    git(
        bench.repo(),
        &["remote", "add", "origin", remote.path().to_str().unwrap()],
    );
    let config = format!(
        "[github]\nrepository = \"acme/plans\"\napi_url = \"{}\"\nbase = \"main\"\n",
        bench.sim.github().api_url()
    );
    std::fs::write(bench.repo().join("pi-planner.toml"), config).unwrap();
    edit_plan(&plan_file, |p| p.objectives[0].effort = Effort::new(77.0));
    let name = read_plan(&plan_file).objectives[0].name.clone();
    let file = plan_file.file_name().unwrap().to_str().unwrap();
    git(
        bench.repo(),
        &["commit", "-q", "-m", "Effort 77", "--", file],
    );
    (remote, name)
}

fn propose(bench: &Bench, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["plan", "propose", "--json"];
    args.extend_from_slice(extra);
    let out = bench
        .tpcli(&args)
        .env("GITHUB_TOKEN", bench.sim.github().token())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    crate::json_output_support::check(&args, &out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(&bench.sim.github().token()), "{stderr}");
    json(&String::from_utf8(out.stdout).unwrap())
}

#[test]
fn propose_opens_a_pull_request_with_the_table_then_updates_it() {
    let bench = Bench::start();
    let (remote, objective) = proposed_plan(&bench);
    let first = propose(&bench, &[]);
    assert_eq!(
        (first["result"].as_str(), first["number"].as_u64()),
        (Some("created"), Some(1))
    );
    assert!(
        first["url"]
            .as_str()
            .unwrap()
            .ends_with("/acme/plans/pull/1"),
        "{first}"
    );
    let branch = first["branch"].as_str().unwrap().to_owned();
    assert!(branch.starts_with("pi/review/"), "{branch}");
    let pushed = git(
        remote.path(),
        &["rev-parse", &format!("refs/heads/{branch}")],
    );
    let working = git(bench.repo(), &["rev-parse", "HEAD"]);
    assert_eq!(pushed, working);

    let log = bench.sim.github().requests();
    let create = log.iter().find(|r| r.method == "POST").unwrap();
    assert_eq!(create.path, "/repos/acme/plans/pulls");
    assert_eq!(
        (create.body["head"].as_str(), create.body["base"].as_str()),
        (Some(branch.as_str()), Some("main"))
    );
    let body = create.body["body"].as_str().unwrap();
    assert!(body.contains("### Objectives"), "{body}");
    let row = body.lines().find(|l| l.contains(&objective)).unwrap();
    assert!(
        row.contains("| changed |") && row.contains("| 77 |"),
        "{row}"
    );
    assert!(row.contains("/entity/"), "a link to Targetprocess: {row}");
    assert!(body.contains("| Total |"), "{body}");
    assert!(body.contains("### Features"), "{body}");

    let second = propose(&bench, &["--title", "Falcons: second look"]);
    assert_eq!(
        (second["result"].as_str(), second["number"].as_u64()),
        (Some("updated"), Some(1))
    );
    let log = bench.sim.github().requests();
    let calls: Vec<(String, u16)> = log[1..]
        .iter()
        .map(|r| (r.method.clone(), r.status))
        .collect();
    assert_eq!(
        calls,
        [
            ("POST".into(), 422),
            ("GET".into(), 200),
            ("PATCH".into(), 200)
        ]
    );
    let pulls = bench.sim.github().pulls();
    assert_eq!(pulls.len(), 1);
    assert_eq!(pulls[0].title, "Falcons: second look");

    let oplog = json(&bench.ok(&["plan", "log", "--json"]));
    let proposed: Vec<&serde_json::Value> = oplog
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "proposed")
        .collect();
    assert_eq!(proposed.len(), 2, "{oplog}");
    assert!(proposed.iter().all(|e| {
        e["summary"]
            .as_str()
            .unwrap()
            .contains("/acme/plans/pull/1")
    }));
}

#[test]
fn a_secondary_rate_limit_is_waited_out() {
    let bench = Bench::start();
    let (_remote, _) = proposed_plan(&bench);
    bench.sim.github().secondary_limit_next(1, 1);
    let out = propose(&bench, &[]);
    assert_eq!(out["result"], "created");
    let statuses: Vec<u16> = bench
        .sim
        .github()
        .requests()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [403, 201]);
}

#[test]
fn a_missing_token_says_how_to_set_it() {
    let bench = Bench::start();
    let (_remote, _) = proposed_plan(&bench);
    let out = bench
        .tpcli(&["plan", "propose"])
        .env_remove("GITHUB_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("set GITHUB_TOKEN"), "{stderr}");
    assert!(stderr.contains("github:token"), "{stderr}");
    assert!(bench.sim.github().requests().is_empty());
}
