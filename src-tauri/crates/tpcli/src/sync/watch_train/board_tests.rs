#![allow(clippy::unwrap_used)]

use super::*;

/// Every metric name `/metrics` exposes (the samples' names), for the dashboard's check.
const METRIC_NAMES: &[&str] = &[
    "pi_watch_syncs_total",
    "pi_watch_failure_streak",
    "pi_watch_last_success_timestamp_seconds",
    "pi_watch_conflicts_open",
    "pi_watch_conflicts_found_total",
    "pi_watch_pulls_total",
    "pi_watch_pushes_total",
    "pi_tp_requests_total",
    "pi_tp_retries_total",
    "pi_tp_throttled_total",
    "pi_tp_throttled_wait_seconds_total",
    "pi_tp_quota_limit",
    "pi_tp_quota_remaining",
    "pi_watch_config_reloads_total",
];

fn board() -> Board {
    let board = Board::new(3);
    board.add("Platform Eco", "platform-eco");
    board.add("Odd \"name\"", "odd");
    board
}

#[test]
fn a_team_failing_the_threshold_in_a_row_makes_the_train_unhealthy_until_it_succeeds() {
    let board = board();
    assert!(board.health().healthy);
    for n in 1..=3 {
        board.failed(1, format!("boom {n}"));
    }
    let health = board.health();
    assert!(!health.healthy);
    assert_eq!(health.teams[1].failure_streak, 3);
    assert_eq!(health.teams[1].last_error.as_deref(), Some("boom 3"));
    assert_eq!(health.teams[0].failure_streak, 0);
    let at = Utc::now();
    board.succeeded(1, at);
    let health = board.health();
    assert!(health.healthy);
    assert_eq!(health.teams[1].last_success, Some(at));
    assert_eq!((health.teams[1].failed, health.teams[1].succeeded), (3, 1));
    assert_eq!(health.teams[1].last_error, None);
}

#[test]
fn the_exposition_holds_every_listed_name_and_ends_with_eof() {
    let board = board();
    board.succeeded(0, DateTime::from_timestamp(1_700_000_000, 0).unwrap());
    board.failed(1, "503".into());
    board.team(0, |t| t.conflicts_open = 2);
    board.set_traffic(Traffic {
        requests: 40,
        throttled: 5,
        quota_limit: Some(100),
        quota_remaining: Some(7),
        ..Traffic::default()
    });
    let text = board.metrics();
    assert!(text.ends_with("# EOF\n"), "{text}");
    for name in METRIC_NAMES {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{name}{{"))),
            "{name} missing:\n{text}"
        );
    }
    for line in [
        "pi_watch_syncs_total{team=\"platform-eco\",outcome=\"succeeded\"} 1",
        "pi_watch_syncs_total{team=\"odd\",outcome=\"failed\"} 1",
        "pi_watch_failure_streak{team=\"odd\"} 1",
        "pi_watch_conflicts_open{team=\"platform-eco\"} 2",
        "pi_watch_last_success_timestamp_seconds{team=\"platform-eco\"} 1700000000",
        "pi_tp_throttled_total{service=\"targetprocess\"} 5",
        "pi_tp_quota_remaining{service=\"targetprocess\"} 7",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing:\n{text}");
    }
    // A team that never succeeded has no last-success sample (not a 0 that looks like 1970).
    assert!(!text.contains("pi_watch_last_success_timestamp_seconds{team=\"odd\"}"));
}

#[test]
fn label_values_are_escaped() {
    assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}
