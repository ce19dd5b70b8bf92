//! The store against real SQLite files in temporary folders.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use crate::*;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    // 2026-03-02 is a Monday (ISO week 10).
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
        .single()
        .expect("a valid date")
}

fn plan(art: &str, team: &str) -> PlanKey {
    PlanKey {
        art: art.into(),
        release: "PI-1".into(),
        team: team.into(),
    }
}

fn key(entity: &str, field: &str) -> ConflictKey {
    ConflictKey {
        entity: entity.into(),
        field: field.into(),
    }
}

fn op(kind: OperationKind, plan: &PlanKey, started: DateTime<Utc>, outcome: Outcome) -> Operation {
    Operation {
        kind,
        plan: plan.clone(),
        started_at: started,
        duration: Duration::from_secs(2),
        outcome,
        error_code: None,
        traffic: vec![],
        quota: vec![],
        conflicts_found: vec![],
        conflicts_resolved: vec![],
        changes: vec![],
    }
}

fn filter(now: DateTime<Utc>) -> Filter {
    Filter {
        art: None,
        since: None,
        now,
    }
}

#[test]
fn a_new_file_is_migrated_and_reopens_with_its_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested").join(FILE_NAME);
    let mut store = Store::open(&path).expect("opens a new file");
    assert_eq!(store.version().expect("version"), 2);
    let p = plan("Rocket", "Alpha");
    store
        .record(&op(OperationKind::Pull, &p, at(2, 9), Outcome::Succeeded))
        .expect("records");
    drop(store);
    let store = Store::open(&path).expect("reopens");
    assert_eq!(store.version().expect("version"), 2);
    assert_eq!(store.stats(&filter(at(3, 0))).expect("stats").operations, 1);
}

#[test]
fn a_file_from_a_newer_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(FILE_NAME);
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.pragma_update(None, "user_version", 7).expect("pragma");
    drop(conn);
    let err = Store::open(&path).expect_err("too new");
    assert!(
        matches!(
            err,
            MetricsError::TooNew {
                found: 7,
                known: 2,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("update PI Planner"), "{err}");
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("pragma");
    assert_eq!(v, 7);
}

#[test]
fn a_file_that_is_not_a_database_names_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(FILE_NAME);
    std::fs::write(&path, "not a database, a planner's notes".repeat(200)).expect("write");
    let err = Store::open(&path).expect_err("not a database");
    assert!(err.to_string().contains(FILE_NAME), "{err}");
}

#[test]
fn conflicts_open_once_close_once_and_give_the_mean_time_to_resolve() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("open");
    let p = plan("Rocket", "Alpha");
    let mut pull = op(OperationKind::Pull, &p, at(2, 9), Outcome::Findings);
    pull.conflicts_found = vec![key("tp:1", "Status"), key("tp:2", "Effort")];
    store.record(&pull).expect("pull");
    // The same conflict found again by a later pull stays one conflict, opened at the first.
    let mut again = op(OperationKind::Pull, &p, at(2, 10), Outcome::Findings);
    again.conflicts_found = vec![key("tp:1", "Status")];
    store.record(&again).expect("pull again");
    let mut resolve = op(OperationKind::Resolve, &p, at(2, 11), Outcome::Succeeded);
    resolve.conflicts_resolved = vec![key("tp:1", "Status")];
    store.record(&resolve).expect("resolve");
    let mut later = op(OperationKind::Resolve, &p, at(2, 13), Outcome::Succeeded);
    later.conflicts_resolved = vec![key("tp:2", "Effort")];
    store.record(&later).expect("resolve");

    let open = store.open_conflicts(&p).expect("open conflicts");
    assert!(open.is_empty(), "{open:?}");
    let s = store.stats(&filter(at(3, 0))).expect("stats");
    assert_eq!(s.conflicts_found, 3, "counted per pull that found them");
    assert_eq!(s.conflicts_resolved, 2);
    assert_eq!(s.conflicts_open, 0);
    // Opened at 09:00:02, closed at 11:00:02 and 13:00:02: two and four hours.
    assert_eq!(s.mean_time_to_resolve_secs, Some(3.0 * 3600.0));
    let by_field: Vec<(&str, u64)> = s
        .conflicts_by_field
        .iter()
        .map(|c| (c.field.as_str(), c.count))
        .collect();
    assert_eq!(by_field, [("Effort", 1), ("Status", 1)]);
}

#[test]
fn teams_show_success_rate_frequency_and_the_failure_streak() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("open");
    let (a, b) = (plan("Rocket", "Alpha"), plan("Rocket", "Bravo"));
    store
        .record(&op(OperationKind::Pull, &a, at(2, 9), Outcome::Succeeded))
        .expect("1");
    store
        .record(&op(OperationKind::Push, &a, at(3, 9), Outcome::Findings))
        .expect("2");
    let mut failed = op(OperationKind::Pull, &a, at(4, 9), Outcome::Failed);
    failed.error_code = Some("targetprocess_unauthorized".into());
    store.record(&failed).expect("3");
    store.record(&failed.clone()).expect("4");
    store
        .record(&op(
            OperationKind::Resolve,
            &b,
            at(5, 9),
            Outcome::Succeeded,
        ))
        .expect("5");

    let s = store.stats(&filter(at(16, 9))).expect("stats");
    assert_eq!(s.teams.len(), 2);
    let alpha = &s.teams[0];
    assert_eq!(alpha.plan.team, "Alpha");
    assert_eq!((alpha.operations, alpha.syncs), (4, 4));
    assert_eq!((alpha.succeeded, alpha.findings, alpha.failed), (1, 1, 2));
    assert_eq!(alpha.success_rate, 0.5);
    // From its first operation (Mar 2, 09:00) to now (Mar 16, 09:00): two weeks.
    assert_eq!(alpha.syncs_per_week, 2.0);
    assert_eq!(alpha.failure_streak, 2);
    assert_eq!(
        alpha.failing_since.as_deref(),
        Some(at(4, 9).to_rfc3339().as_str())
    );
    assert_eq!(
        alpha.last_success.as_deref(),
        Some(at(3, 9).to_rfc3339().as_str())
    );
    let bravo = &s.teams[1];
    assert_eq!(
        (bravo.syncs, bravo.failure_streak, bravo.success_rate),
        (0, 0, 1.0)
    );
    assert_eq!(
        s.errors,
        [ErrorCount {
            code: "targetprocess_unauthorized".into(),
            count: 2
        }]
    );
}

#[test]
fn the_conflict_rate_per_week_and_its_trend() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("open");
    let p = plan("Rocket", "Alpha");
    // Week 10: two pulls, no conflict. Week 11: two pulls, one conflict. Week 12: one pull, two.
    let weeks = [(2, 0), (3, 0), (9, 1), (10, 0), (16, 2)];
    for (i, (day, found)) in weeks.into_iter().enumerate() {
        let mut pull = op(OperationKind::Pull, &p, at(day, 9), Outcome::Succeeded);
        pull.conflicts_found = (0..found)
            .map(|n| key(&format!("tp:{i}{n}"), "Name"))
            .collect();
        store.record(&pull).expect("pull");
    }
    let s = store.stats(&filter(at(20, 0))).expect("stats");
    let rates: Vec<(&str, u64, f64)> = s
        .weeks
        .iter()
        .map(|w| (w.week.as_str(), w.pulls, w.conflict_rate))
        .collect();
    assert_eq!(
        rates,
        [
            ("2026-W10", 2, 0.0),
            ("2026-W11", 2, 0.5),
            ("2026-W12", 1, 2.0)
        ]
    );
    assert_eq!(s.conflict_trend.direction, TrendDirection::Rising);
    assert_eq!(s.conflict_trend.slope_per_week, 1.0);
}

#[test]
fn traffic_sums_per_service_with_the_newest_quota() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("open");
    let p = plan("Rocket", "Alpha");
    for (hour, remaining) in [(9, 90), (10, 40)] {
        let mut pull = op(OperationKind::Pull, &p, at(2, hour), Outcome::Succeeded);
        pull.traffic = vec![Traffic {
            service: "targetprocess".into(),
            requests: 10,
            retries: 2,
            throttled: 1,
            waited: Duration::from_millis(1500),
            waited_throttled: Duration::from_millis(1000),
        }];
        pull.quota = vec![QuotaSeen {
            service: "targetprocess".into(),
            limit: Some(100),
            remaining: Some(remaining),
            reset: None,
            near_limit: false,
        }];
        pull.changes = vec![FieldCount {
            field: "Status".into(),
            count: 3,
        }];
        store.record(&pull).expect("pull");
    }
    let s = store.stats(&filter(at(3, 0))).expect("stats");
    let tp = &s.traffic[0];
    assert_eq!(
        (
            tp.requests,
            tp.retries,
            tp.throttled,
            tp.waited_throttled_ms
        ),
        (20, 4, 2, 2000)
    );
    assert_eq!(tp.latest_quota.as_ref().and_then(|q| q.remaining), Some(40));
    assert_eq!(
        s.changes_by_field,
        [FieldCount {
            field: "Status".into(),
            count: 6
        }]
    );
}

#[test]
fn retention_drops_old_operations_and_filters_select_by_art_and_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("open");
    let (rocket, comet) = (plan("Rocket", "Alpha"), plan("Comet", "Delta"));
    let mut old = op(OperationKind::Pull, &rocket, at(2, 9), Outcome::Findings);
    old.traffic = vec![Traffic {
        service: "targetprocess".into(),
        requests: 5,
        ..Traffic::default()
    }];
    store.record(&old).expect("old");
    store
        .record(&op(
            OperationKind::Pull,
            &rocket,
            at(9, 9),
            Outcome::Succeeded,
        ))
        .expect("new");
    store
        .record(&op(
            OperationKind::Push,
            &comet,
            at(9, 9),
            Outcome::Succeeded,
        ))
        .expect("comet");

    let rocket_only = Filter {
        art: Some("Rocket".into()),
        since: Some(at(5, 0)),
        now: at(10, 0),
    };
    let s = store.stats(&rocket_only).expect("stats");
    assert_eq!(s.operations, 1);
    assert_eq!(s.teams[0].plan, rocket);

    assert_eq!(store.prune(at(5, 0)).expect("prune"), 1);
    let s = store.stats(&filter(at(10, 0))).expect("stats");
    assert_eq!(s.operations, 2);
    assert!(
        s.traffic.is_empty(),
        "the old operation's traffic went with it"
    );
}
