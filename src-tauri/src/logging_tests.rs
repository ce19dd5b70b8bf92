use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::credentials::MemoryStore;
use crate::dto::ConnectRequest;
use crate::session::{Dirs, Session};

const TOKEN: &str = "tok-Zq8vW3-known-to-this-test";
const WRONG: &str = "tok-Kp2xR7-refused-by-this-test";

/// Every line of every log file in `folder`.
fn log_lines(folder: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(folder).expect("log folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("log file");
        lines.extend(text.lines().map(str::to_owned));
    }
    lines
}

/// Tests the connection with the right token and a refused one while the log file records at
/// `spec`; returns the log's lines.
async fn connection_tests_logged(spec: Option<&str>) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let logs = dir.path().join("logs");
    let sim = pi_sim::start(pi_sim::SimConfig {
        access_token: Some(TOKEN.to_owned()),
        ..pi_sim::SimConfig::default()
    })
    .await
    .expect("simulator");
    let dirs = Dirs {
        config: dir.path().join("config"),
        data: dir.path().join("data"),
    };
    let session = Session::new(dirs, Arc::new(MemoryStore::default()));
    let (dispatch, guard) = file_subscriber(&logs, filter(spec)).expect("log file");
    {
        let _logging = tracing::dispatcher::set_default(&dispatch);
        let ok = |token: &str| ConnectRequest {
            url: sim.base_url(),
            token: token.to_owned(),
        };
        let arts = session.test_connection(&ok(TOKEN)).await.expect("accepted");
        assert!(arts.arts > 0);
        let refused = session.test_connection(&ok(WRONG)).await.expect_err("401");
        assert!(!refused.message.contains(WRONG), "{}", refused.message);
    }
    drop(guard);
    log_lines(&logs)
}

#[tokio::test]
async fn a_connection_test_logs_its_requests_but_never_the_token() {
    for spec in [None, Some("debug"), Some("trace")] {
        let lines = connection_tests_logged(spec).await;
        if spec.is_some() {
            assert!(
                lines.iter().any(|l| l.contains("/api/v1/")),
                "{spec:?}: the requests are logged: {lines:?}"
            );
        }
        for secret in [TOKEN, WRONG] {
            let leaked: Vec<&String> = lines.iter().filter(|l| l.contains(secret)).collect();
            assert!(leaked.is_empty(), "{spec:?}: {leaked:?}");
        }
    }
}

#[test]
fn the_level_is_info_for_pi_planner_and_warn_for_the_rest_unless_asked() {
    let default = filter(None).to_string();
    assert!(default.contains("pi_engine=info"), "{default}");
    assert!(default.contains("pi_planner=info"), "{default}");
    assert!(default.split(',').any(|d| d == "warn"), "{default}");
    assert_eq!(filter(Some("  ")).to_string(), default);
    let debug = filter(Some("DEBUG")).to_string();
    assert!(debug.contains("pi_http=debug"), "{debug}");
    assert!(!debug.contains("=info"), "{debug}");
    let custom = filter(Some("error,pi_git=trace")).to_string();
    assert!(custom.contains("pi_git=trace"), "{custom}");
    assert!(!custom.contains("pi_engine"), "{custom}");
    assert_eq!(filter(Some("pi_git=[")).to_string(), default, "unreadable");
}

#[test]
fn the_files_rotate_daily_and_a_week_is_kept() {
    assert_eq!(KEPT_FILES, 7);
    let dir = tempfile::tempdir().expect("temp dir");
    let logs = dir.path().join("nested/logs");
    let (dispatch, guard) = file_subscriber(&logs, filter(None)).expect("log file");
    tracing::dispatcher::with_default(&dispatch, || tracing::info!("planner opened a plan"));
    drop(guard);
    let names: Vec<String> = std::fs::read_dir(&logs)
        .expect("created")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(names[0], format!("pi-planner.{today}.log"));
    assert!(log_lines(&logs)[0].contains("planner opened a plan"));
}
