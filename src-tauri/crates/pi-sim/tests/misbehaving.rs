//! The misbehaving-server faults: a redirect to another origin, endless paging (TP `Next`, Jira
//! `nextPageToken`), an oversized streamed body and an absurd `Retry-After`, each switched on and
//! off through the control API.

#![allow(clippy::unwrap_used)]

use pi_sim::{DataSource, Faults, RunningSim, SimConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn start() -> RunningSim {
    pi_sim::start(SimConfig {
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .expect("sim starts")
}

fn url(sim: &RunningSim, rel: &str) -> String {
    format!("{}{rel}access_token={}", sim.base_url(), sim.access_token())
}

/// `PUT /_sim/faults` with `faults`.
async fn put_faults(sim: &RunningSim, faults: Value) {
    let r = reqwest::Client::new()
        .put(format!("{}/_sim/faults", sim.base_url()))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn redirect_to_another_origin_carries_path_and_query() {
    let sim = start().await;
    put_faults(&sim, json!({"redirect_to": "http://127.0.0.1:9"})).await;
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = raw
        .get(url(&sim, "/api/v1/Teams?take=1&"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    let location = r.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("http://127.0.0.1:9/api/v1/Teams?take=1&access_token="));
    let log = sim.control().request_log();
    let api = log.iter().find(|l| l.path.starts_with("/api/")).unwrap();
    assert_eq!(api.status, Some(302));
    put_faults(&sim, json!({})).await;
    let r = raw.get(url(&sim, "/api/v1/Teams?")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn endless_paging_always_links_another_page() {
    let sim = start().await;
    sim.control().set_faults(Faults {
        endless_paging: true,
        ..Faults::default()
    });
    let far = url(&sim, "/api/v1/Teams?take=5&skip=100000&");
    let page: Value = reqwest::get(far).await.unwrap().json().await.unwrap();
    assert_eq!(page["Items"], json!([]));
    assert!(
        page["Next"].as_str().unwrap().contains("skip=100005"),
        "{page}"
    );
    let (email, token) = sim.jira_credentials();
    let jira: Value = reqwest::Client::new()
        .post(format!("{}/rest/api/3/search/jql", sim.base_url()))
        .basic_auth(email, Some(token))
        .json(&json!({"jql": "project = ORB", "maxResults": 5, "nextPageToken": null}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jira["isLast"], false);
    assert!(jira["nextPageToken"].is_string(), "{jira}");
}

#[tokio::test]
async fn an_oversized_body_streams_exactly_its_size() {
    let sim = pi_sim::start(SimConfig {
        data: DataSource::Empty,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let size: u64 = 3 * 1024 * 1024 + 17;
    sim.control().set_faults(Faults {
        oversized_body_bytes: Some(size),
        ..Faults::default()
    });
    let mut r = reqwest::get(url(&sim, "/api/v1/Teams?")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.content_length(), None, "streamed without a length");
    let (mut total, mut chunks, mut first) = (0_u64, 0, Vec::new());
    while let Some(chunk) = r.chunk().await.unwrap() {
        if chunks == 0 {
            first = chunk.to_vec();
        }
        total += chunk.len() as u64;
        chunks += 1;
    }
    assert_eq!(total, size);
    assert!(chunks > 1);
    assert!(first.starts_with(br#"{"Items":["#));
}

#[tokio::test]
async fn retry_after_text_replaces_the_seconds() {
    let sim = start().await;
    sim.control().set_faults(Faults {
        rate_limit_per_min: Some(0),
        retry_after_text: Some("1e30".into()),
        ..Faults::default()
    });
    let r = reqwest::get(url(&sim, "/api/v1/Teams?")).await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "1e30");
}
