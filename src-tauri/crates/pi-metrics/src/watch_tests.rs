//! Watch cycles against real SQLite files in temporary folders.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use crate::*;

fn at(minute: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, second)
        .single()
        .expect("a valid date")
}

fn plan(team: &str) -> PlanKey {
    PlanKey {
        art: "Rocket".into(),
        release: "PI-1".into(),
        team: team.into(),
    }
}

fn quiet(watch: WatchKind, team: &str, started: DateTime<Utc>, ms: u64) -> WatchCycle {
    WatchCycle {
        watch,
        step: CycleStep::Look,
        plan: plan(team),
        started_at: started,
        duration: Duration::from_millis(ms),
        committed: false,
        pulled: 0,
        pushed: 0,
        conflicts: 0,
        held: None,
        error: None,
    }
}

fn everything(now: DateTime<Utc>) -> Filter {
    Filter {
        art: None,
        since: None,
        now,
    }
}

#[test]
fn each_cycle_is_recorded_and_summed_per_plan_and_watch() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("opens");
    let mut start = quiet(WatchKind::Plan, "Alpha", at(0, 0), 40);
    start.step = CycleStep::Start;
    let save = WatchCycle {
        step: CycleStep::Save,
        committed: true,
        pushed: 3,
        ..quiet(WatchKind::Plan, "Alpha", at(0, 10), 300)
    };
    let pulled = WatchCycle {
        pulled: 2,
        conflicts: 1,
        held: Some("1 conflict to resolve".into()),
        ..quiet(WatchKind::Plan, "Alpha", at(0, 30), 200)
    };
    let failed = WatchCycle {
        error: Some("Targetprocess answered 503".into()),
        ..quiet(WatchKind::Plan, "Alpha", at(1, 0), 60)
    };
    for c in [
        &start,
        &save,
        &pulled,
        &quiet(WatchKind::Plan, "Alpha", at(0, 45), 0),
        &failed,
        &quiet(WatchKind::Train, "Beta", at(0, 5), 20),
        &quiet(WatchKind::Train, "Beta", at(0, 35), 30),
    ] {
        store.record_cycle(c).expect("records");
    }

    let stats = store.stats(&everything(at(2, 0))).expect("stats");
    assert_eq!(stats.operations, 0, "cycles are not operations");
    let w = &stats.watch;
    assert_eq!(w.plans.len(), 2);
    let alpha = &w.plans[0];
    assert_eq!(
        (alpha.watch, alpha.plan.team.as_str()),
        (WatchKind::Plan, "Alpha")
    );
    assert_eq!(
        (alpha.cycles, alpha.failed, alpha.committed),
        (5, 1, 1),
        "{alpha:?}"
    );
    assert_eq!((alpha.pulls, alpha.changes_pulled), (1, 2));
    assert_eq!((alpha.pushes, alpha.operations_pushed), (1, 3));
    assert_eq!(alpha.conflicts, 1);
    assert_eq!(alpha.max_duration_ms, 300);
    assert!((alpha.mean_duration_ms - 120.0).abs() < 1e-9, "{alpha:?}");
    assert_eq!(alpha.last_cycle, at(1, 0).to_rfc3339());
    assert_eq!(
        alpha.last_error.as_deref(),
        Some("Targetprocess answered 503")
    );
    assert_eq!(alpha.last_error_at, Some(at(1, 0).to_rfc3339()));
    let beta = &w.plans[1];
    assert_eq!(
        (beta.watch, beta.cycles, beta.failed),
        (WatchKind::Train, 2, 0)
    );
    assert_eq!((beta.last_error.as_ref(), beta.max_duration_ms), (None, 30));

    // The cycles that did something or failed, newest first; quiet looks are only counted.
    let latest: Vec<(CycleStep, String)> = w
        .latest
        .iter()
        .map(|c| (c.step, c.started_at.clone()))
        .collect();
    assert_eq!(
        latest,
        vec![
            (CycleStep::Look, at(1, 0).to_rfc3339()),
            (CycleStep::Look, at(0, 30).to_rfc3339()),
            (CycleStep::Save, at(0, 10).to_rfc3339()),
        ]
    );
    let seen = &w.latest[1];
    assert_eq!((seen.pulled, seen.conflicts, seen.duration_ms), (2, 1, 200));
    assert_eq!(seen.held.as_deref(), Some("1 conflict to resolve"));
    assert!(w.latest[2].committed);

    // The window and the ART filter apply to cycles too.
    let later = Filter {
        since: Some(at(0, 40)),
        ..everything(at(2, 0))
    };
    let w = store.stats(&later).expect("stats").watch;
    assert_eq!(w.plans.iter().map(|p| p.cycles).collect::<Vec<_>>(), [2]);
    let other = Filter {
        art: Some("Other ART".into()),
        ..everything(at(2, 0))
    };
    assert_eq!(
        store.stats(&other).expect("stats").watch,
        WatchStats::default()
    );
}

#[test]
fn only_the_newest_eventful_cycles_are_listed_and_long_texts_are_cut() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("opens");
    for i in 0..30u32 {
        let c = WatchCycle {
            error: Some("x".repeat(2000)),
            ..quiet(WatchKind::Train, "Beta", at(i, 0), 10)
        };
        store.record_cycle(&c).expect("records");
    }
    let w = store.stats(&everything(at(59, 0))).expect("stats").watch;
    assert_eq!(w.plans[0].cycles, 30);
    assert_eq!(w.latest.len(), LATEST);
    assert_eq!(w.latest[0].started_at, at(29, 0).to_rfc3339());
    let error = w.latest[0].error.as_deref().expect("an error");
    assert_eq!(error.chars().count(), 501, "500 characters and an ellipsis");
}

#[test]
fn retention_removes_old_cycles_and_an_older_file_gains_the_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(FILE_NAME);
    let mut store = Store::open(&path).expect("opens");
    store
        .record_cycle(&quiet(WatchKind::Plan, "Alpha", at(0, 0), 10))
        .expect("records");
    store
        .record_cycle(&quiet(WatchKind::Plan, "Alpha", at(5, 0), 10))
        .expect("records");
    store.prune(at(1, 0)).expect("prunes");
    let w = store.stats(&everything(at(9, 0))).expect("stats").watch;
    assert_eq!(w.plans[0].cycles, 1);
    drop(store);

    // A database from before watch cycles were kept: migrated, nothing else touched.
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch("DROP TABLE watch_cycles; PRAGMA user_version = 1;")
        .expect("back to version 1");
    drop(conn);
    let mut store = Store::open(&path).expect("reopens");
    assert_eq!(store.version().expect("version"), 2);
    store
        .record_cycle(&quiet(WatchKind::Plan, "Alpha", at(6, 0), 10))
        .expect("records after the migration");
}

#[test]
fn the_apps_looks_are_kept_and_read_back_as_the_apps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("opens");
    let look = WatchCycle {
        step: CycleStep::Look,
        pulled: 1,
        ..quiet(WatchKind::App, "Alpha", at(0, 10), 40)
    };
    store.record_cycle(&look).expect("records");
    let stats = store.stats(&everything(at(1, 0))).expect("stats");
    let plans = &stats.watch.plans;
    assert_eq!(plans.len(), 1);
    assert_eq!(
        (plans[0].watch, plans[0].cycles, plans[0].pulls),
        (WatchKind::App, 1, 1)
    );
    assert_eq!(stats.watch.latest[0].watch, WatchKind::App);
    assert_eq!(WatchKind::App.as_str(), "app");
}
