//! Black-box runs of `tpcli plan watch --push auto` against the simulator: rapid edits on both
//! sides never ping-pong and converge within two polls once they stop; a watch killed at random
//! moments (seeded: `WATCH_KILL_SEED`) and started again loses nothing and creates nothing twice.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::sync_cli_support::{Bench, read_plan};
use crate::watch_cli_support::*;

/// Seconds between two looks at Targetprocess.
const POLL: u64 = 1;
/// The watch's quiet period (`--quiet-period 0.2`).
const QUIET: Duration = Duration::from_millis(200);

/// The plan's objectives' Targetprocess ids, in file order.
fn objective_ids(plan_file: &std::path::Path) -> Vec<i64> {
    read_plan(plan_file)
        .objectives
        .iter()
        .map(|o| o.id.tp().unwrap())
        .collect()
}

/// The planner renames objective `id` in the file; remembered in `names`.
fn rename(
    bench: &Bench,
    file: &std::path::Path,
    names: &mut BTreeMap<i64, String>,
    id: i64,
    r: usize,
) {
    let name = format!("Objective {id} revision {r}");
    save(file, bench.home.path(), |p| {
        if let Some(o) = p.objectives.iter_mut().find(|o| o.id.tp() == Some(id)) {
            o.name.clone_from(&name);
        }
    });
    names.insert(id, name);
}

/// Another planner's change in Targetprocess (the first objective's effort) is pulled, and the
/// planner's save (the second objective renamed) is pushed, each within `deadline`.
fn pulled_and_pushed(bench: &Bench, plan_file: &std::path::Path, ids: &[i64], deadline: Duration) {
    tp_set_effort(bench, ids[0], 345.0);
    assert!(
        poll_until(deadline, || read_plan(plan_file).objectives[0]
            .effort
            .is_some_and(|e| e.points() == 345.0)),
        "the change was pulled"
    );
    let mut names = BTreeMap::new();
    rename(bench, plan_file, &mut names, ids[1], 1);
    assert!(
        poll_until(deadline, || tp_objective(bench, ids[1]).1 == names[&ids[1]]),
        "the save was pushed"
    );
}

/// Targetprocess's efforts changed every 100 ms (objectives in turn) until `stop`.
fn tp_editor(bench: &Bench, ids: &[i64], stop: &AtomicBool) -> usize {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        tp_set_effort(bench, ids[n % ids.len()], 100.0 + n as f64);
        n += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    n
}

#[test]
fn rapid_edits_on_both_sides_never_ping_pong_and_converge_within_two_polls() {
    let bench = Bench::start();
    let plan_file = bench.init();
    let ids = objective_ids(&plan_file);
    assert!(ids.len() >= 2, "the seeded plan has objectives");
    let watch = Watching::start(&bench, POLL);
    let (mut names, mut efforts) = (BTreeMap::new(), BTreeMap::new());

    // Different fields on each side, for 6 s: Targetprocess's efforts every 100 ms, the
    // planner's names every 300 ms.
    let stop = AtomicBool::new(false);
    let tp_edits = std::thread::scope(|s| {
        let tp = s.spawn(|| tp_editor(&bench, &ids, &stop));
        let start = Instant::now();
        let mut r = 0;
        while start.elapsed() < Duration::from_secs(6) {
            rename(&bench, &plan_file, &mut names, ids[r % ids.len()], r);
            r += 1;
            std::thread::sleep(Duration::from_millis(300));
        }
        stop.store(true, Ordering::Relaxed);
        tp.join().unwrap()
    });
    let stopped = Instant::now();
    let settled = |efforts: &BTreeMap<i64, f64>| {
        let conflicts = status(&bench).0;
        unconverged(&bench, &plan_file, &conflicts).is_empty()
            && lost_edits(&bench, &names, efforts, &conflicts).is_empty()
    };
    let converged = poll_until(Duration::from_secs(60), || settled(&efforts));
    let took = stopped.elapsed();
    let conflicts = status(&bench).0;
    assert!(
        converged,
        "not converged after 60 s: {:?}, lost {:?}\n{}",
        unconverged(&bench, &plan_file, &conflicts),
        lost_edits(&bench, &names, &efforts, &conflicts),
        watch.lines().join("\n")
    );
    eprintln!(
        "{tp_edits} Targetprocess edits, {} planner saves; converged {took:?} after the edits stopped (poll {POLL} s)",
        names.len()
    );
    // Two polls, the quiet period, and one step's time on a loaded machine.
    let bound = Duration::from_secs(2 * POLL) + QUIET + Duration::from_secs(3);
    assert!(
        took <= bound,
        "converged after {took:?}, more than {bound:?}"
    );
    assert_no_redundant_write(&bench);

    // The same field on both sides: the planner's save, then Targetprocess's edit at once.
    for (k, id) in ids.iter().take(2).enumerate() {
        let mine = 600.0 + k as f64;
        save(&plan_file, bench.home.path(), |p| {
            let o = p
                .objectives
                .iter_mut()
                .find(|o| o.id.tp() == Some(*id))
                .unwrap();
            o.effort = pi_model::Effort::new(mine);
        });
        efforts.insert(*id, mine);
        tp_set_effort(&bench, *id, 500.0 + k as f64);
    }
    let done = poll_until(Duration::from_secs(60), || settled(&efforts));
    assert!(done, "{}", watch.lines().join("\n"));
    // Two more polls change nothing.
    std::thread::sleep(Duration::from_secs(2 * POLL) + QUIET);
    assert!(settled(&efforts));
    let lines = watch.stop();
    let conflicts = status(&bench).0;
    eprintln!(
        "{} conflict(s) open:\n{}",
        conflicts.len(),
        lines.join("\n")
    );
    assert!(
        !conflicts.is_empty(),
        "a same-field edit on both sides conflicts"
    );
    assert_each_conflict_told_once(&lines, &conflicts);
    assert_no_redundant_write(&bench);
}

/// A seeded sequence of numbers (xorshift): the kill moments of one run, replayable.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const NEW_FEATURE: &str = "Created while the watch was killed";

/// A new feature under the first objective with features.
fn add_feature(bench: &Bench, plan_file: &std::path::Path) {
    save(plan_file, bench.home.path(), |p| {
        let o = p
            .objectives
            .iter_mut()
            .find(|o| !o.features.is_empty())
            .unwrap();
        let mut f = o.features[0].clone();
        f.id = "new:killed-watch".parse().unwrap();
        f.name = NEW_FEATURE.to_owned();
        f.stories.clear();
        o.features.push(f);
    });
}

fn features_named(bench: &Bench, name: &str) -> usize {
    let control = bench.sim.control();
    control
        .ids("Features")
        .into_iter()
        .filter(|id| control.get_entity("Features", *id).unwrap()["Name"] == name)
        .count()
}

#[test]
fn a_watch_killed_at_random_moments_loses_nothing_and_creates_nothing_twice() {
    let seed = std::env::var("WATCH_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(19_u64);
    eprintln!("WATCH_KILL_SEED={seed}");
    let mut rng = Seeded(seed.max(1));
    let bench = Bench::start();
    let plan_file = bench.init();
    let ids = objective_ids(&plan_file);
    let (mut names, efforts) = (BTreeMap::new(), BTreeMap::new());
    add_feature(&bench, &plan_file);
    let mut r = 0;
    for round in 0..4 {
        let watch = Watching::start(&bench, POLL);
        let life = Duration::from_millis(300 + rng.next() % 2700);
        let start = Instant::now();
        while start.elapsed() < life {
            tp_set_effort(&bench, ids[r % ids.len()], 200.0 + r as f64);
            rename(&bench, &plan_file, &mut names, ids[(r + 1) % ids.len()], r);
            r += 1;
            std::thread::sleep(Duration::from_millis(150));
        }
        eprintln!("round {round}: killed after {life:?}");
        watch.kill();
    }
    let watch = Watching::start(&bench, POLL);
    let settled = || {
        let conflicts = status(&bench).0;
        features_named(&bench, NEW_FEATURE) == 1
            && unconverged(&bench, &plan_file, &conflicts).is_empty()
            && lost_edits(&bench, &names, &efforts, &conflicts).is_empty()
    };
    let done = poll_until(Duration::from_secs(90), settled);
    let lines = watch.stop();
    assert!(
        done,
        "the restarted watch did not converge:\n{}",
        lines.join("\n")
    );
    let (conflicts, open_ops) = status(&bench);
    assert_eq!(open_ops, 0, "the journal holds no open push");
    assert_eq!(features_named(&bench, NEW_FEATURE), 1, "created once");
    let plan = read_plan(&plan_file);
    let feature = plan
        .features()
        .find(|(_, f)| f.name == NEW_FEATURE)
        .map(|(_, f)| f.id.clone())
        .unwrap();
    assert!(feature.tp().is_some(), "its id written back: {feature}");
    for name in names.values() {
        let control = bench.sim.control();
        let same = control
            .ids(crate::sync_cli_support::OBJECTIVES)
            .into_iter()
            .filter(|id| {
                control
                    .get_entity(crate::sync_cli_support::OBJECTIVES, *id)
                    .unwrap()["Name"]
                    == *name
            })
            .count();
        assert!(same <= 1, "{name:?} is in Targetprocess {same} times");
    }
    assert_each_conflict_told_once(&lines, &conflicts);
    assert_no_redundant_write(&bench);
    bench.fsck();
}

/// The watch cycles `tpcli plan stats --json` shows for the bench's plan: the plan's summary
/// and the eventful cycles.
fn watch_stats(bench: &Bench) -> (serde_json::Value, Vec<serde_json::Value>) {
    let stats = crate::sync_cli_support::json(&bench.ok(&["plan", "stats", "--json"]));
    let plans = stats["watch"]["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 1, "{stats}");
    let latest = stats["watch"]["latest"].as_array().unwrap().clone();
    (plans[0].clone(), latest)
}

#[test]
fn every_cycle_of_the_watch_is_recorded_with_what_it_did_and_plan_stats_shows_them() {
    let bench = Bench::start();
    let plan_file = bench.init();
    let ids = objective_ids(&plan_file);
    let started = chrono::Utc::now();
    let watch = Watching::start(&bench, POLL);
    let deadline = Duration::from_secs(60);

    pulled_and_pushed(&bench, &plan_file, &ids, deadline);
    // The push has ended (its closing read included) before Targetprocess fails.
    watch.wait_for_line("Pushed 1 operation", deadline);
    // Targetprocess answers 503: a look fails and the watch waits it out.
    bench.sim.control().set_faults(pi_sim::Faults {
        error_rate: 1.0,
        error_status: 503,
        ..pi_sim::Faults::default()
    });
    watch.wait_for_line("Could not reach Targetprocess", deadline);
    bench.sim.control().set_faults(pi_sim::Faults::default());
    let lines = watch.stop();

    let (plan, latest) = watch_stats(&bench);
    assert_eq!(plan["watch"], "plan", "{plan}");
    let n = |key: &str| plan[key].as_u64().unwrap();
    assert!(
        n("cycles") >= 4,
        "a start, a pull, a save, a failed look: {plan}"
    );
    assert!(n("committed") >= 1 && n("operations_pushed") >= 1, "{plan}");
    assert!(n("changes_pulled") >= 1 && n("failed") >= 1, "{plan}");
    assert!(!plan["last_error"].as_str().unwrap().is_empty(), "{plan}");
    let when = |c: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(c["started_at"].as_str().unwrap()).unwrap()
    };
    assert!(latest.iter().all(|c| when(c) >= started), "{latest:?}");
    assert!(
        latest.windows(2).all(|w| when(&w[0]) >= when(&w[1])),
        "newest first: {latest:?}"
    );
    let found = |what: &dyn Fn(&serde_json::Value) -> bool| latest.iter().any(what);
    assert!(
        found(&|c| c["step"] == "look" && c["pulled"].as_u64() >= Some(1)),
        "a look that pulled: {latest:?}\n{}",
        lines.join("\n")
    );
    assert!(
        found(&|c| c["committed"] == true && c["pushed"].as_u64() >= Some(1)),
        "a saved edit committed and pushed: {latest:?}\n{}",
        lines.join("\n")
    );
    assert!(
        found(&|c| c["step"] == "look" && c["error"].is_string()),
        "a failed look: {latest:?}"
    );
    let text = bench.ok(&["plan", "stats"]);
    assert!(text.contains("Live sync (plan watch cycles)"), "{text}");
    assert!(text.contains("committed a saved edit"), "{text}");
    assert!(text.contains("pushed 1 operation(s)"), "{text}");
}

/// The watch's standard output and error go away (the terminal closed, the pipe to a log
/// collector broken): what it prints is lost, and nothing else. It still pulls, pushes and
/// stops cleanly on SIGTERM.
#[test]
fn a_watch_whose_output_is_gone_still_syncs_and_stops_cleanly() {
    use std::io::{BufRead as _, BufReader};
    let bench = Bench::start();
    let plan_file = bench.init();
    let ids = objective_ids(&plan_file);
    let mut child = spawn(&bench, POLL, &[]);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.starts_with("Watching "), "{first}");
    drop(out);
    drop(child.stderr.take());
    let deadline = Duration::from_secs(60);

    pulled_and_pushed(&bench, &plan_file, &ids, deadline);
    assert!(
        child.try_wait().unwrap().is_none(),
        "the watch ended when its output went away"
    );
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "the watch stopped with {status}");
}
