//! Seeded chaos runs of the sync engine (see docs/chaos.md): `PI_CHAOS_SCENARIOS=<count>` sets
//! how many scenarios run (default below), `PI_CHAOS_BASE=<n>` the first seed, and
//! `PI_CHAOS_SEED=<n>` replays exactly one scenario. `PI_CHAOS_TPCLI=<path>` (or a `tpcli`
//! binary next to this test's build) lets some scenarios kill a real `tpcli` process.
//! `PI_CHAOS_KEEP_GOING=1` runs every scenario and lists all failed seeds instead of stopping
//! at the first; `PI_CHAOS_JOBS=<n>` runs n scenarios at once (default 2).

#![allow(clippy::unwrap_used)]

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pi_model::merge::FieldValue;
use pi_model::{Effort, EntityId, Field, Plan};
use pi_scenarios::chaos::model::{Ledger, Reported, Slot, TpEdit};
use pi_scenarios::chaos::{self, FAULT_KINDS, Options, Stats};

mod tp_json_replay;

/// Scenarios of a default run (CI): sized to stay within a few minutes of a debug build.
const DEFAULT_SCENARIOS: u64 = 200;
const DEFAULT_BASE: u64 = 1;
/// Scenarios run at once (each on its own thread, simulator and repository).
const DEFAULT_JOBS: usize = 2;
/// A scenario that takes longer than this is hung.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(120);

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}"))
    })
}

/// The `tpcli` binary: `PI_CHAOS_TPCLI`, else one built next to this test binary.
fn tpcli() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("PI_CHAOS_TPCLI") {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("tpcli");
    bin.is_file().then_some(bin)
}

/// Prints the replay line if a scenario panics instead of failing an invariant.
struct ReplayOnPanic(u64);

impl Drop for ReplayOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "chaos: scenario seed {} panicked; replay with PI_CHAOS_SEED={} cargo test -p \
                 pi-scenarios --test chaos -- --nocapture",
                self.0, self.0
            );
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `seeds` on `jobs` threads, each with its own runtime (a scenario's simulator and
/// repository are its own); the statistics of the passed ones and the failures by seed.
fn run_all(
    seeds: &[u64],
    jobs: usize,
    opts: &Options,
    keep_going: bool,
) -> (u64, Stats, Vec<(u64, String)>) {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Mutex<Vec<(u64, Result<Stats, String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                let mut rt = runtime();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= seeds.len() || stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let seed = seeds[i];
                    let guard = ReplayOnPanic(seed);
                    // A panic anywhere in the scenario (engine, client, simulator: all on this
                    // thread) fails it with its seed; the runtime is built afresh after one.
                    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        rt.block_on(async {
                            tokio::time::timeout(SCENARIO_TIMEOUT, chaos::run(seed, opts)).await
                        })
                    }));
                    drop(guard);
                    let result = match outcome {
                        Ok(Ok(Ok(stats))) => Ok(stats),
                        Ok(Ok(Err(failure))) => Err(failure.to_string()),
                        Err(_) => {
                            rt = runtime();
                            Err(format!(
                                "chaos: scenario seed {seed} panicked: {}; replay with \
                                 PI_CHAOS_SEED={seed} cargo test -p pi-scenarios --test chaos \
                                 -- --nocapture",
                                chaos::boundary::panics().1
                            ))
                        }
                        Ok(Err(_)) => Err(format!(
                            "chaos: scenario seed {seed} hung for {SCENARIO_TIMEOUT:?}; replay \
                             with PI_CHAOS_SEED={seed} cargo test -p pi-scenarios --test chaos \
                             -- --nocapture"
                        )),
                    };
                    if let Err(e) = &result {
                        eprintln!("{}", e.lines().next().unwrap_or_default());
                        if !keep_going {
                            stop.store(true, Ordering::SeqCst);
                        }
                    }
                    results.lock().unwrap().push((seed, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(seed, _)| *seed);
    let mut total = Stats::default();
    let mut passed = 0;
    let mut failures = Vec::new();
    for (seed, result) in results {
        match result {
            Ok(stats) => {
                total.add(&stats);
                passed += 1;
            }
            Err(e) => failures.push((seed, e)),
        }
    }
    (passed, total, failures)
}

#[test]
fn chaos_scenarios_recover_and_keep_every_invariant() {
    let (seeds, replay): (Vec<u64>, bool) = match env_u64("PI_CHAOS_SEED") {
        Some(seed) => (vec![seed], true),
        None => {
            let base = env_u64("PI_CHAOS_BASE").unwrap_or(DEFAULT_BASE);
            let count = env_u64("PI_CHAOS_SCENARIOS").unwrap_or(DEFAULT_SCENARIOS);
            ((base..base + count).collect(), false)
        }
    };
    let opts = Options {
        tpcli: tpcli(),
        verbose: replay,
    };
    let keep_going = env_u64("PI_CHAOS_KEEP_GOING").is_some_and(|v| v != 0);
    let jobs = env_u64("PI_CHAOS_JOBS").map_or(DEFAULT_JOBS, |j| j.max(1) as usize);
    let started = Instant::now();
    let (passed, total, failures) = run_all(&seeds, jobs, &opts, keep_going);
    print_summary(passed, &total, started.elapsed(), opts.tpcli.is_some());
    if let Some((_, first)) = failures.first() {
        // Every other failure in full too: a kill that lands by timing may not replay.
        for (_, e) in failures.iter().skip(1) {
            eprintln!("{e}");
        }
        let seeds: Vec<u64> = failures.iter().map(|(s, _)| *s).collect();
        panic!(
            "{first}chaos: {} failed scenario(s), seeds {seeds:?}",
            seeds.len()
        );
    }
    if !replay {
        // The run exercised what it claims to: every in-process fault kind, crashes and storms
        // that actually stopped operations, and conflicts. (Dropped connections and lost
        // answers are mostly absorbed by retries and idempotency markers.)
        assert_eq!(passed, seeds.len() as u64);
        if seeds.len() >= 100 {
            for kind in FAULT_KINDS[..6].iter().chain(&FAULT_KINDS[7..]) {
                assert!(
                    total.faults.get(kind).copied().unwrap_or(0) > 0,
                    "no {kind} was injected: {total:?}"
                );
            }
            // The misbehaving servers stop every operation that reads (all but a resolve).
            for kind in [FAULT_KINDS[0], FAULT_KINDS[1], FAULT_KINDS[5]]
                .iter()
                .chain(&FAULT_KINDS[9..])
            {
                assert!(
                    total.interrupted.get(kind).copied().unwrap_or(0) > 0,
                    "no operation was stopped by a {kind}: {total:?}"
                );
            }
            assert!(total.conflicts > 0, "no conflict was reported: {total:?}");
            assert!(total.refused > 0, "no operation was refused: {total:?}");
            assert!(
                total.hostile_starts > 0,
                "no scenario started hostile: {total:?}"
            );
            assert!(total.hostile_edits > 0, "no hostile TP edit: {total:?}");
        }
    }
}

fn print_summary(passed: u64, total: &Stats, took: Duration, tpcli: bool) {
    let injected: usize = total.faults.values().sum();
    let interrupted: usize = total.interrupted.values().sum();
    println!(
        "chaos: {passed} scenario(s) passed in {:.1} s: {} steps, {} local edits, {} TP edits, \
         {} pushes completed, {} conflict(s) reported, {} operation(s) refused; {} started from \
         hostile data, {} hostile TP edits",
        took.as_secs_f64(),
        total.steps,
        total.local_edits,
        total.tp_edits,
        total.pushes,
        total.conflicts,
        total.refused,
        total.hostile_starts,
        total.hostile_edits
    );
    println!(
        "chaos: {injected} faults injected, {interrupted} of them stopped the operation; all \
         survived (recovered, invariants held)"
    );
    for kind in FAULT_KINDS {
        println!(
            "chaos:   {kind:<28} injected {:>6}  stopped an operation {:>6}",
            total.faults.get(kind).copied().unwrap_or(0),
            total.interrupted.get(kind).copied().unwrap_or(0)
        );
    }
    if !tpcli {
        println!("chaos: no tpcli binary found: process kills were simulated in process only");
    }
}

// The checker itself must fail on a broken state.

fn objective(id: i64, effort: f64, name: &str) -> pi_model::TeamObjective {
    pi_model::TeamObjective {
        id: EntityId::Tp(id),
        name: name.into(),
        description: String::new(),
        status: Some("Draft".into()),
        effort: Effort::new(effort),
        owner: None,
        committed: false,
        business_value: None,
        actual_business_value: None,
        program_objective: None,
        features: Vec::new(),
    }
}

fn plan(objectives: Vec<pi_model::TeamObjective>) -> Plan {
    Plan {
        objectives,
        ..Plan::default()
    }
}

fn effort(v: f64) -> FieldValue {
    FieldValue::Effort(Effort::new(v))
}

fn key(id: i64) -> (EntityId, Slot) {
    (EntityId::Tp(id), Slot::Field(Field::Effort))
}

fn ledger() -> Ledger {
    let mut l = Ledger::default();
    l.record_initial(&plan(vec![objective(1, 3.0, "A"), objective(2, 5.0, "B")]));
    l
}

fn same_id(id: &EntityId) -> EntityId {
    id.clone()
}

#[test]
fn the_checker_accepts_a_state_that_keeps_every_edit() {
    let mut l = ledger();
    l.local_edit(EntityId::Tp(1), Slot::Field(Field::Effort), 2, effort(8.0));
    l.tp_edit(
        EntityId::Tp(2),
        Field::Effort,
        TpEdit {
            step: 3,
            before: effort(5.0),
            value: effort(13.0),
        },
    );
    let tp = plan(vec![objective(1, 8.0, "A"), objective(2, 13.0, "B")]);
    assert_eq!(l.check(&tp, &same_id), Ok(()));
}

#[test]
fn the_checker_finds_a_lost_local_edit_a_lost_tp_edit_and_a_changed_field() {
    let mut l = ledger();
    l.local_edit(EntityId::Tp(1), Slot::Field(Field::Effort), 2, effort(8.0));
    let lost_local = plan(vec![objective(1, 3.0, "A"), objective(2, 5.0, "B")]);
    let err = l.check(&lost_local, &same_id).unwrap_err();
    assert!(err.contains("local edit lost"), "{err}");

    let mut l = ledger();
    l.tp_edit(
        EntityId::Tp(2),
        Field::Effort,
        TpEdit {
            step: 3,
            before: effort(5.0),
            value: effort(13.0),
        },
    );
    let lost_tp = plan(vec![objective(1, 3.0, "A"), objective(2, 5.0, "B")]);
    let err = l.check(&lost_tp, &same_id).unwrap_err();
    assert!(err.contains("TP edit lost"), "{err}");

    let corrupted = plan(vec![objective(1, 3.0, "A"), objective(2, 5.0, "Renamed")]);
    let err = ledger().check(&corrupted, &same_id).unwrap_err();
    assert!(err.contains("unedited field changed"), "{err}");

    let missing = plan(vec![objective(1, 3.0, "A")]);
    let err = ledger().check(&missing, &same_id).unwrap_err();
    assert!(err.contains("entity lost"), "{err}");
}

#[test]
fn a_concurrent_tp_edit_overwritten_needs_a_reported_conflict() {
    // Local effort 8 at step 2 (not pushed), TP effort 13 at step 3, local kept: only fine if
    // the engine reported the conflict.
    let mut l = ledger();
    l.local_edit(EntityId::Tp(1), Slot::Field(Field::Effort), 2, effort(8.0));
    l.tp_edit(
        EntityId::Tp(1),
        Field::Effort,
        TpEdit {
            step: 3,
            before: effort(3.0),
            value: effort(13.0),
        },
    );
    let tp = plan(vec![objective(1, 8.0, "A"), objective(2, 5.0, "B")]);
    let err = l.check(&tp, &same_id).unwrap_err();
    assert!(err.contains("without a conflict"), "{err}");
    l.report(Reported {
        step: 4,
        entity: key(1).0,
        slot: key(1).1,
        remote: effort(13.0),
    });
    assert_eq!(l.check(&tp, &same_id), Ok(()));
    // Taking the TP value would lose the local edit that never reached TP.
    let took_tp = plan(vec![objective(1, 13.0, "A"), objective(2, 5.0, "B")]);
    let err = l.check(&took_tp, &same_id).unwrap_err();
    assert!(err.contains("local edit lost"), "{err}");
}

#[test]
fn a_tp_edit_after_the_local_edit_landed_may_win_without_a_conflict() {
    let mut l = ledger();
    l.local_edit(EntityId::Tp(1), Slot::Field(Field::Effort), 2, effort(8.0));
    l.syncs.push(3);
    l.tp_edit(
        EntityId::Tp(1),
        Field::Effort,
        TpEdit {
            step: 4,
            before: effort(8.0),
            value: effort(13.0),
        },
    );
    let tp = plan(vec![objective(1, 13.0, "A"), objective(2, 5.0, "B")]);
    assert_eq!(l.check(&tp, &same_id), Ok(()));
}

#[test]
fn a_local_delete_must_remove_the_entity() {
    let mut l = ledger();
    l.local_edit(EntityId::Tp(2), Slot::Presence, 2, FieldValue::Missing);
    let kept = plan(vec![objective(1, 3.0, "A"), objective(2, 5.0, "B")]);
    let err = l.check(&kept, &same_id).unwrap_err();
    assert!(err.contains("local delete lost"), "{err}");
    let gone = plan(vec![objective(1, 3.0, "A")]);
    assert_eq!(l.check(&gone, &same_id), Ok(()));
}

#[test]
fn the_convergence_check_finds_a_field_that_differs() {
    let a = plan(vec![objective(1, 3.0, "A")]);
    let b = plan(vec![objective(1, 5.0, "A")]);
    assert!(chaos::run::converged("plan file", &a, &a).is_ok());
    let err = chaos::run::converged("plan file", &a, &b).unwrap_err();
    assert!(err.contains("Effort"), "{err}");
    let err = chaos::run::converged("plan file", &a, &plan(vec![])).unwrap_err();
    assert!(err.contains("only in the plan file"), "{err}");
}

#[test]
fn the_journal_check_finds_an_unfinished_push() {
    let op = pi_model::changeset::Op::DeleteFeature {
        id: EntityId::Tp(9),
        name: "F".into(),
    };
    let row = |state: &str| chaos::run::JournalRow {
        push: 1,
        op: op.clone(),
        marker: "m-1".into(),
        state: state.into(),
        tp_id: None,
        error: None,
    };
    let done = chaos::run::JournalDump {
        pushes: vec![(1, true)],
        ops: vec![row("done")],
    };
    assert!(chaos::run::check_journal(&done, false).is_ok());
    let pending = chaos::run::JournalDump {
        pushes: vec![(1, true)],
        ops: vec![row("sending")],
    };
    assert!(chaos::run::check_journal(&pending, false).is_err());
    let open = chaos::run::JournalDump {
        pushes: vec![(1, false)],
        ops: vec![row("done")],
    };
    assert!(chaos::run::check_journal(&open, false).is_err());
    // A delete a resume closed without sending is terminal; a skipped create is not.
    let skipped = chaos::run::JournalDump {
        pushes: vec![(1, true)],
        ops: vec![row("skipped")],
    };
    assert!(chaos::run::check_journal(&skipped, false).is_ok());
    let create = chaos::run::JournalRow {
        op: pi_model::changeset::Op::CreateFeature {
            id: EntityId::Local(pi_model::LocalId::new("n1").unwrap()),
            objective: EntityId::Tp(1),
            name: "F".into(),
            fields: vec![],
        },
        tp_id: Some(12),
        ..row("skipped")
    };
    let skipped_create = chaos::run::JournalDump {
        pushes: vec![(1, true)],
        ops: vec![create],
    };
    let err = chaos::run::check_journal(&skipped_create, false).unwrap_err();
    assert!(err.contains("skipped"), "{err}");
    // A refused operation is an outcome only where a refusal was injected, and names its reason.
    let refused = |error: Option<&str>| chaos::run::JournalDump {
        pushes: vec![(1, true)],
        ops: vec![chaos::run::JournalRow {
            error: error.map(str::to_owned),
            ..row("failed")
        }],
    };
    assert!(chaos::run::check_journal(&refused(Some("HTTP 422")), true).is_ok());
    assert!(chaos::run::check_journal(&refused(Some("HTTP 422")), false).is_err());
    assert!(chaos::run::check_journal(&refused(None), true).is_err());
}

#[test]
fn a_field_typed_back_to_the_last_sync_is_no_local_edit() {
    // Local effort 8 at step 2, synced at step 3 (pushed); typed 3 at step 5, then back to 8 at
    // step 6: the file shows no change since the sync, so a later TP edit may win without a
    // conflict, as it may for the edit of step 2.
    let mut l = ledger();
    l.local_edit(EntityId::Tp(1), Slot::Field(Field::Effort), 2, effort(8.0));
    l.synced(3);
    l.local_edit(EntityId::Tp(1), Slot::Field(Field::Effort), 5, effort(3.0));
    l.local_edit_undone(EntityId::Tp(1), Slot::Field(Field::Effort), &effort(8.0));
    l.tp_edit(
        EntityId::Tp(1),
        Field::Effort,
        TpEdit {
            step: 7,
            before: effort(8.0),
            value: effort(13.0),
        },
    );
    let tp = plan(vec![objective(1, 13.0, "A"), objective(2, 5.0, "B")]);
    assert_eq!(l.check(&tp, &same_id), Ok(()));
    // An edit never pushed, then typed back to the synced (initial) value: unedited again.
    let mut l = ledger();
    l.local_edit(EntityId::Tp(2), Slot::Field(Field::Effort), 2, effort(8.0));
    l.synced(3);
    l.local_edit_undone(EntityId::Tp(2), Slot::Field(Field::Effort), &effort(5.0));
    let kept = plan(vec![objective(1, 3.0, "A"), objective(2, 5.0, "B")]);
    assert_eq!(l.check(&kept, &same_id), Ok(()));
    let err = l
        .check(
            &plan(vec![objective(1, 3.0, "A"), objective(2, 8.0, "B")]),
            &same_id,
        )
        .unwrap_err();
    assert!(err.contains("unedited field changed"), "{err}");
}

#[test]
fn a_tp_field_set_back_to_the_last_sync_is_no_tp_edit() {
    // TP 5 → 13 at step 3 (unseen), local 8 at step 4, TP back to 5 (the synced value) at step
    // 6: the engine sees only the local edit; 8 wins without a conflict.
    let mut l = ledger();
    let edit = |step, before, value| TpEdit {
        step,
        before: effort(before),
        value: effort(value),
    };
    l.tp_edit(EntityId::Tp(2), Field::Effort, edit(3, 5.0, 13.0));
    l.local_edit(EntityId::Tp(2), Slot::Field(Field::Effort), 4, effort(8.0));
    l.tp_edit(EntityId::Tp(2), Field::Effort, edit(6, 13.0, 5.0));
    let local_wins = plan(vec![objective(1, 3.0, "A"), objective(2, 8.0, "B")]);
    assert!(
        l.check(&local_wins, &same_id).is_err(),
        "recorded as a TP edit"
    );
    l.tp_edit_undone(EntityId::Tp(2), Field::Effort, 6, &effort(5.0));
    assert_eq!(l.check(&local_wins, &same_id), Ok(()));
    // An earlier TP edit to that value that was synced stays Targetprocess's.
    let mut l = ledger();
    l.tp_edit(EntityId::Tp(2), Field::Effort, edit(2, 5.0, 13.0));
    l.synced(3);
    l.tp_edit(EntityId::Tp(2), Field::Effort, edit(4, 13.0, 21.0));
    l.tp_edit_undone(EntityId::Tp(2), Field::Effort, 5, &effort(13.0));
    let kept = plan(vec![objective(1, 3.0, "A"), objective(2, 13.0, "B")]);
    assert_eq!(l.check(&kept, &same_id), Ok(()));
}

#[test]
fn any_local_edit_before_a_contested_delete_may_be_what_reached_tp() {
    // Local 8 (step 2, pushed), local 13 (step 3), delete at step 4; TP edited the entity, so
    // the engine reported the edit/delete conflict and kept it, with 8 in TP.
    let mut l = ledger();
    l.local_edit(EntityId::Tp(2), Slot::Field(Field::Effort), 2, effort(8.0));
    l.local_edit(EntityId::Tp(2), Slot::Field(Field::Effort), 3, effort(13.0));
    l.local_edit(EntityId::Tp(2), Slot::Presence, 4, FieldValue::Missing);
    l.report(Reported {
        step: 5,
        entity: EntityId::Tp(2),
        slot: Slot::Presence,
        remote: FieldValue::Text("present".into()),
    });
    let pushed_first = plan(vec![objective(1, 3.0, "A"), objective(2, 8.0, "B")]);
    assert_eq!(l.check(&pushed_first, &same_id), Ok(()));
    let never_typed = plan(vec![objective(1, 3.0, "A"), objective(2, 21.0, "B")]);
    assert!(l.check(&never_typed, &same_id).is_err());
}

#[test]
fn a_tp_edit_after_the_same_edit_on_both_sides_may_win() {
    // Local 8 at step 2; TP also 8 at step 3 (the same edit on both sides); TP 13 at step 5:
    // the local value had reached Targetprocess, so the later edit may win without a conflict.
    let mut l = ledger();
    l.local_edit(EntityId::Tp(2), Slot::Field(Field::Effort), 2, effort(8.0));
    let edit = |step, before, value| TpEdit {
        step,
        before: effort(before),
        value: effort(value),
    };
    l.tp_edit(EntityId::Tp(2), Field::Effort, edit(3, 5.0, 8.0));
    l.tp_edit(EntityId::Tp(2), Field::Effort, edit(5, 8.0, 13.0));
    let tp_wins = plan(vec![objective(1, 3.0, "A"), objective(2, 13.0, "B")]);
    assert_eq!(l.check(&tp_wins, &same_id), Ok(()));
}

#[test]
fn edits_before_a_delete_go_with_it_when_the_restored_item_is_edited() {
    // Local name at step 1, delete at step 2; TP renamed it, the merge put it back with TP's
    // name (an edit/delete conflict) and the planner edited its effort at step 5: TP's name
    // stands, not the one typed before the delete.
    let mut l = ledger();
    l.local_edit(
        EntityId::Tp(2),
        Slot::Field(Field::Name),
        1,
        FieldValue::Text("Typed before the delete".into()),
    );
    l.local_edit(EntityId::Tp(2), Slot::Presence, 2, FieldValue::Missing);
    l.tp_edit(
        EntityId::Tp(2),
        Field::Name,
        TpEdit {
            step: 3,
            before: FieldValue::Text("B".into()),
            value: FieldValue::Text("Renamed in TP".into()),
        },
    );
    l.report(Reported {
        step: 4,
        entity: EntityId::Tp(2),
        slot: Slot::Presence,
        remote: FieldValue::Text("present".into()),
    });
    l.local_edit(EntityId::Tp(2), Slot::Field(Field::Effort), 5, effort(8.0));
    let restored = plan(vec![
        objective(1, 3.0, "A"),
        objective(2, 8.0, "Renamed in TP"),
    ]);
    assert_eq!(l.check(&restored, &same_id), Ok(()));
}
