//! Black-box crash and concurrency runs of `tpcli plan push` against a slow simulator: a push
//! killed (SIGKILL) part-way is reported by `status` and completed by `resume` without duplicates
//! or lost edits; two pushes started at once on one repository take turns on the lock; a lock
//! held too long is named by its holder's pid.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use std::time::{Duration, Instant};

use sync_cli_support::*;

const NEW: &str = "Created while the push was killed";

/// Remaining operations of an interrupted push, from `status --offline --json`.
fn unfinished(bench: &Bench) -> u64 {
    let status = json(&bench.ok(&["plan", "status", "--offline", "--json"]));
    status["unfinished_push_operations"].as_u64().unwrap()
}

/// One run: init, edit many objectives and add one, push with `latency` per request and kill
/// the push after `delay`; then status, resume, push, and the checks. The operations the kill
/// left unfinished (0 when it came before or after the journaled part), and their total.
fn killed_push(delay: Duration) -> (u64, u64) {
    let bench = Bench::start();
    let plan_file = bench.init();
    edit_plan(&plan_file, |p| edit_many(p, NEW));
    let total = read_plan(&plan_file).objectives.len() as u64;
    bench.set_latency(Duration::from_millis(150));
    let mut child = bench
        .tpcli(&["plan", "push"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    child.kill().unwrap(); // SIGKILL on Unix: no cleanup runs
    child.wait().unwrap();
    bench.set_latency(Duration::ZERO);

    let left = unfinished(&bench);
    if left > 0 {
        let human = bench.ok(&["plan", "status", "--offline"]);
        assert!(
            human.contains("An interrupted push has") && human.contains("tpcli plan resume"),
            "{human}"
        );
        let resumed = bench.ok(&["plan", "resume"]);
        assert!(resumed.contains("Pushed"), "{resumed}");
        assert_eq!(unfinished(&bench), 0, "resume finished the push");
    }
    // A kill before the journal was written leaves the edits for the next push; after resume
    // there is nothing left.
    let again = json(&bench.ok(&["plan", "push", "--json"]));
    if left > 0 {
        assert_eq!(again["result"], "nothing_to_push", "{again}");
    }
    assert_converged(&bench, &plan_file, NEW);
    let status = json(&bench.ok(&["plan", "status", "--offline", "--json"]));
    assert_eq!(status["local_changes"], serde_json::json!([]), "{status}");
    bench.fsck();
    (left, total)
}

#[test]
fn push_killed_part_way_is_resumed_without_duplicates_or_lost_edits() {
    let mut part_way = 0;
    for ms in [900, 1500, 2200, 3000] {
        let (left, total) = killed_push(Duration::from_millis(ms));
        eprintln!("killed after {ms} ms: {left} of {total} operations left");
        if left > 0 && left < total {
            part_way += 1;
        }
    }
    assert!(part_way > 0, "some kill landed between operations");
}

#[test]
fn two_pushes_at_once_take_turns_and_send_each_change_once() {
    let bench = Bench::start();
    let plan_file = bench.init();
    let name = "Added while two pushes raced";
    edit_plan(&plan_file, |p| edit_many(p, name));
    bench.set_latency(Duration::from_millis(60));
    let spawn = || {
        bench
            .tpcli(&["plan", "push", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let results: Vec<serde_json::Value> = [a, b]
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            bench.assert_no_token(&out);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            json(&String::from_utf8(out.stdout).unwrap())
        })
        .into_iter()
        .collect();
    bench.set_latency(Duration::ZERO);
    let mut outcomes: Vec<&str> = results
        .iter()
        .map(|r| r["result"].as_str().unwrap())
        .collect();
    outcomes.sort_unstable();
    assert_eq!(outcomes, ["nothing_to_push", "pushed"], "{results:?}");
    assert_converged(&bench, &plan_file, name);
    let log = json(&bench.ok(&["plan", "log", "--json"]));
    let pushes = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "push")
        .count();
    assert_eq!(pushes, 1, "one push in the op log");
    bench.fsck();
}

#[test]
fn a_push_that_cannot_get_the_lock_names_its_holder() {
    let bench = Bench::start();
    let plan_file = bench.init();
    edit_plan(&plan_file, |p| edit_many(p, "Never sent"));
    let repo = pi_git::PlanRepo::discover(bench.repo()).unwrap();
    let held = pi_git::RepoLock::acquire(&repo, Duration::from_secs(5)).unwrap();
    let started = Instant::now();
    let out = bench.run(&["plan", "push"]);
    drop(held);
    assert_eq!(out.status.code(), Some(2));
    assert!(started.elapsed() >= pi_engine::workspace::LOCK_WAIT);
    let stderr = String::from_utf8(out.stderr).unwrap();
    let me = std::process::id();
    let error = stderr.lines().find(|l| l.starts_with("error:")).unwrap();
    assert!(
        error.contains(&format!("is held by process {me}")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("Waiting for another tpcli (pid {me})")),
        "{stderr}"
    );
    assert_eq!(bench.named("Never sent"), 0);
}
