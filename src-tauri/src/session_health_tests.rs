use std::time::Duration;

use chrono::Utc;
use pi_metrics::{ConflictKey, Operation, OperationKind, Outcome, PlanKey, Store};

use crate::session_fixture::demo_with_plan;

fn op(plan: &PlanKey, minutes_ago: i64, kind: OperationKind, outcome: Outcome) -> Operation {
    Operation {
        kind,
        plan: plan.clone(),
        started_at: Utc::now() - chrono::Duration::minutes(minutes_ago),
        duration: Duration::from_secs(1),
        outcome,
        error_code: (outcome == Outcome::Failed).then(|| "targetprocess_server".to_owned()),
        traffic: vec![],
        quota: vec![],
        conflicts_found: vec![],
        conflicts_resolved: vec![],
        changes: vec![],
    }
}

#[tokio::test]
async fn the_dashboard_reads_the_plan_folders_metrics_and_says_since_when_sync_fails() {
    let (f, view) = demo_with_plan().await;
    let none = f.session.sync_health().await.expect("answers");
    assert_eq!((none.recorded, none.state.as_str()), (false, "none"));
    assert!(none.weeks.is_empty());

    let dir = std::path::Path::new(&view.plan_file)
        .parent()
        .expect("in a folder")
        .to_path_buf();
    let path = dir.join(".git/pi-planner").join(pi_metrics::FILE_NAME);
    let plan = PlanKey {
        art: "ART".into(),
        release: "PI 1".into(),
        team: "Apollo".into(),
    };
    let mut store = Store::open(&path).expect("opens");
    let mut pull = op(&plan, 50, OperationKind::Pull, Outcome::Findings);
    pull.conflicts_found = vec![ConflictKey {
        entity: "tp:1".into(),
        field: "Effort".into(),
    }];
    store.record(&pull).expect("recorded");
    store
        .record(&op(&plan, 40, OperationKind::Push, Outcome::Succeeded))
        .expect("recorded");
    store
        .record(&op(&plan, 20, OperationKind::Pull, Outcome::Failed))
        .expect("recorded");
    store
        .record(&op(&plan, 10, OperationKind::Pull, Outcome::Failed))
        .expect("recorded");
    drop(store);

    let health = f.session.sync_health().await.expect("answers");
    assert!(health.recorded);
    assert_eq!(health.state, "failing");
    assert!(
        health
            .headline
            .starts_with("Sync of Apollo (PI 1) is failing: 2 operations failed in a row since "),
        "{}",
        health.headline
    );
    assert_eq!(health.operations, 4);
    let week = health.weeks.last().expect("this week");
    assert_eq!((week.syncs, week.failed, week.pulls), (4, 2, 3));
    assert_eq!(week.conflicts_found, 1);
    assert_eq!(health.teams.len(), 1);
    assert_eq!(health.teams[0].failure_streak, 2);
    assert!((health.teams[0].success_rate - 0.5).abs() < 1e-9);
    assert_eq!(health.conflicts_open, 1);
    assert_eq!(health.conflicts_by_field[0].name, "Effort");
    assert_eq!(health.errors[0].name, "targetprocess_server");
}

#[tokio::test]
async fn the_apps_pulls_are_measured_and_a_failure_streak_raises_one_alert() {
    let (f, view) = demo_with_plan().await;
    let dir = std::path::Path::new(&view.plan_file)
        .parent()
        .expect("in a folder")
        .to_path_buf();
    std::fs::write(
        dir.join(pi_model::CONFIG_FILE_NAME),
        "[alerts]\nfailure_streak = 2\n",
    )
    .expect("written");
    f.session.pull(false, &|_| {}).await.expect("pulled");
    assert!(f.session.take_alerts().await.is_empty());
    let session = &f.session;
    let set_faults = |faults: pi_sim::Faults| async move {
        let inner = session.inner.lock().await;
        inner
            .demo
            .as_ref()
            .expect("demo runs")
            .control()
            .set_faults(faults);
    };
    set_faults(pi_sim::Faults {
        error_rate: 1.0,
        error_status: 500,
        ..pi_sim::Faults::default()
    })
    .await;
    f.session
        .pull(false, &|_| {})
        .await
        .expect_err("Targetprocess fails");
    assert!(
        f.session.take_alerts().await.is_empty(),
        "one failure is no streak"
    );
    f.session
        .pull(false, &|_| {})
        .await
        .expect_err("Targetprocess fails");
    let alerts = f.session.take_alerts().await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(
        (alerts[0].view.as_str(), alerts[0].title.as_str()),
        ("health", "Sync keeps failing")
    );
    assert!(
        alerts[0].body.contains("the last 2 sync operations failed"),
        "{}",
        alerts[0].body
    );
    // The open plan's `[notify.events]` decides whether the alert becomes an OS notification.
    assert!(
        f.session.desktop_notifies(&alerts[0]).await,
        "no routes: shown"
    );
    let config = dir.join(pi_model::CONFIG_FILE_NAME);
    let routed = |alert: &str| {
        format!("[alerts]\nfailure_streak = 2\n[notify.slack]\n[notify.events]\nalert = {alert}\n")
    };
    std::fs::write(&config, routed(r#"["slack"]"#)).expect("written");
    assert!(!f.session.desktop_notifies(&alerts[0]).await, "Slack only");
    std::fs::write(&config, routed(r#"["slack", "desktop"]"#)).expect("written");
    assert!(
        f.session.desktop_notifies(&alerts[0]).await,
        "routed to the desktop"
    );
    f.session
        .pull(false, &|_| {})
        .await
        .expect_err("Targetprocess fails");
    assert!(
        f.session.take_alerts().await.is_empty(),
        "the streak goes on: no second alert"
    );
    set_faults(pi_sim::Faults::default()).await;

    let health = f.session.sync_health().await.expect("answers");
    assert_eq!(health.operations, 4);
    assert_eq!(health.teams[0].failed, 3);
    assert_eq!(health.errors.len(), 1, "{:?}", health.errors);
    assert!(health.traffic[0].requests > 0);
}
