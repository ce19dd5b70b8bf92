//! The HTTP layer against scripted loopback servers: retries and their rules, the server's
//! back-off, quota headers, counters, the concurrency bound, redirects, body limits and where
//! credentials travel.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Server, client, ok, settings};
use pi_http::{Auth, ErrorKind, Limits, Request, Settings};

fn token() -> Auth {
    Auth::Query {
        name: "access_token",
        value: "tok-abc-123".into(),
    }
}

#[tokio::test]
async fn quota_headers_are_recorded_and_exposed() {
    let server = Server::start(Duration::ZERO, |n, _| {
        let remaining = (99 - n).to_string();
        let headers = vec![
            ("x-ratelimit-limit", "100".to_owned()),
            ("x-ratelimit-remaining", remaining),
            ("x-ratelimit-reset", "2026-11-24T10:05Z".to_owned()),
        ];
        (200, headers, "{}".to_owned())
    })
    .await;
    let client = client(&server, &token(), &settings());
    assert_eq!(client.quota(), pi_http::Quota::default());
    for _ in 0..3 {
        client.json(&Request::get("Teams")).await.unwrap();
    }
    let quota = client.quota();
    assert_eq!((quota.limit, quota.remaining), (Some(100), Some(97)));
    assert_eq!(quota.reset.as_deref(), Some("2026-11-24T10:05Z"));
}

#[tokio::test]
async fn counters_count_requests_retries_and_throttled_waits() {
    let server = Server::start(Duration::ZERO, |n, _| match n {
        0 => (429, vec![("retry-after", "0.1".to_owned())], String::new()),
        1 => (503, Vec::new(), "busy".to_owned()),
        _ => ok("[1]"),
    })
    .await;
    let client = client(&server, &token(), &settings());
    let started = Instant::now();
    let json = client.json(&Request::get("Teams")).await.unwrap();
    assert_eq!(json, serde_json::json!([1]));
    assert!(started.elapsed() >= Duration::from_millis(100));
    let counters = client.counters();
    assert_eq!(
        (counters.requests, counters.retries, counters.throttled),
        (3, 2, 2)
    );
    assert!(
        counters.waited_throttled >= Duration::from_millis(100),
        "{counters:?}"
    );
    assert!(counters.waited >= counters.waited_throttled, "{counters:?}");
    assert_eq!(client.quota().retry_after, Some(Duration::from_millis(100)));
}

#[tokio::test]
async fn no_more_requests_are_in_flight_than_the_bound() {
    let server = Server::start(Duration::from_millis(60), |_, _| ok("{}")).await;
    let settings = Settings {
        concurrency: 2,
        ..settings()
    };
    let client = Arc::new(client(&server, &token(), &settings));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = client.clone();
        tasks.spawn(async move { client.json(&Request::get("Teams")).await });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap().unwrap();
    }
    assert_eq!(server.requests().len(), 8);
    assert_eq!(server.max_in_flight(), 2);
}

#[tokio::test]
async fn a_request_not_safe_to_replay_is_retried_only_when_surely_not_processed() {
    let server = Server::start(Duration::ZERO, |n, seen| match (seen.uri.as_str(), n) {
        (u, _) if u.starts_with("/api/create") => (500, Vec::new(), "boom".to_owned()),
        (u, 1) if u.starts_with("/api/throttled") => (429, Vec::new(), String::new()),
        (u, 3) if u.starts_with("/api/update") => (500, Vec::new(), String::new()),
        _ => ok("{}"),
    })
    .await;
    let client = client(&server, &token(), &settings());
    let body = serde_json::json!({"Name": "x"});
    let err = client
        .json(&Request::post("create").json(&body))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::Server { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "a 500 on a create is not retried"
    );
    client
        .json(&Request::post("throttled").json(&body))
        .await
        .unwrap();
    assert_eq!(
        server.requests().len(),
        3,
        "a 429 is retried: not processed"
    );
    let update = Request::post("update/7").json(&body).replay_safe();
    client.json(&update).await.unwrap();
    assert_eq!(
        server.requests().len(),
        5,
        "safe to replay: retried after a 500"
    );
}

#[tokio::test]
async fn a_retry_after_past_the_budget_ends_the_retries_at_once() {
    let server = Server::start(Duration::ZERO, |_, _| {
        (429, vec![("retry-after", "3600".to_owned())], String::new())
    })
    .await;
    let client = client(&server, &token(), &settings());
    let started = Instant::now();
    let err = client.json(&Request::get("Teams")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    let expected = ErrorKind::RateLimited {
        retry_after: Some(Duration::from_secs(3600)),
    };
    assert_eq!(err.kind, expected);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn redirects_are_followed_only_within_the_origin() {
    let other = Server::start(Duration::ZERO, |_, _| ok("{}")).await;
    let target = other.origin.clone();
    let server = Server::start(Duration::ZERO, move |_, seen| match seen.uri.as_str() {
        u if u.starts_with("/api/away") => (
            302,
            vec![("location", format!("{target}/x"))],
            String::new(),
        ),
        u if u.starts_with("/api/moved") => (
            301,
            vec![("location", "/api/here".to_owned())],
            String::new(),
        ),
        _ => ok("{\"here\":true}"),
    })
    .await;
    let client = client(&server, &token(), &settings());
    let err = client.json(&Request::get("away")).await.unwrap_err();
    let expected = ErrorKind::Redirected {
        status: 302,
        to: other.origin.clone(),
    };
    assert_eq!(err.kind, expected);
    assert!(
        other.requests().is_empty(),
        "nothing went to the other origin"
    );
    let json = client.json(&Request::get("moved")).await.unwrap();
    assert_eq!(json, serde_json::json!({"here": true}));
    assert!(
        server
            .requests()
            .iter()
            .all(|s| !s.headers.contains_key("referer"))
    );
}

#[tokio::test]
async fn an_answer_past_the_size_limit_is_refused() {
    let server = Server::start(Duration::ZERO, |_, _| ok(&"x".repeat(5000))).await;
    let settings = Settings {
        limits: Limits {
            max_response_bytes: 1000,
            ..Limits::default()
        },
        ..settings()
    };
    let client = client(&server, &token(), &settings);
    let err = client.send(&Request::get("big")).await.unwrap_err();
    match err.kind {
        ErrorKind::LimitExceeded(x) => assert_eq!(x.setting, "Limits::max_response_bytes"),
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
}

#[tokio::test]
async fn credentials_travel_as_the_client_chose() {
    let server = Server::start(Duration::ZERO, |_, _| ok("{}")).await;
    let basic = Auth::Basic {
        user: "ann@example.com".into(),
        password: "pw-1".into(),
    };
    for auth in [token(), basic, Auth::Bearer("pat-1".into())] {
        client(&server, &auth, &settings())
            .json(&Request::get("Teams"))
            .await
            .unwrap();
    }
    let seen = server.requests();
    let authorization = |i: usize| {
        seen[i]
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert!(
        seen[0].uri.ends_with("access_token=tok-abc-123"),
        "{}",
        seen[0].uri
    );
    assert_eq!(authorization(0), None);
    assert_eq!(
        authorization(1).as_deref(),
        Some("Basic YW5uQGV4YW1wbGUuY29tOnB3LTE=")
    );
    assert_eq!(authorization(2).as_deref(), Some("Bearer pat-1"));
    assert!(seen[2].uri.ends_with("/api/Teams"), "{}", seen[2].uri);
}
