//! Throttling in detail and writes that lose their answer: per-token quotas next to the global
//! one, 503 throttling, Jira's rate-limit headers, request log times, the applied-then-dropped
//! write, objective tags and appended collection counts.

use std::time::Duration;

use pi_sim::{DataSource, Faults, RunningSim, SimConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn start(config: SimConfig) -> RunningSim {
    pi_sim::start(config).await.expect("sim starts")
}

fn url(sim: &RunningSim, path: &str, token: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{}/api/v1/{path}{sep}access_token={token}", sim.base_url())
}

async fn status(url: &str) -> StatusCode {
    reqwest::get(url).await.expect("answer").status()
}

#[tokio::test]
async fn each_token_has_its_own_quota_within_the_global_one() {
    let sim = start(SimConfig {
        data: DataSource::Empty,
        faults: Faults {
            rate_limit_per_min: Some(5),
            rate_limit_per_token_per_min: Some(2),
            throttle_status: 503,
            retry_after_secs: 4,
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await;
    let (personal, service) = (
        sim.access_token().to_owned(),
        sim.service_token().to_owned(),
    );
    let users = |t: &str| url(&sim, "Users?take=1", t);
    assert_eq!(status(&users(&personal)).await, StatusCode::OK);
    assert_eq!(status(&users(&personal)).await, StatusCode::OK);
    let r = reqwest::get(users(&personal)).await.expect("answer");
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers()["retry-after"], "4");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["Status"], "ServiceUnavailable");
    // The other token still has its quota; the same token as `token=` shares the bucket.
    assert_eq!(status(&users(&service)).await, StatusCode::OK);
    let service_as_token = users(&service).replace("access_token=", "token=");
    assert_eq!(status(&service_as_token).await, StatusCode::OK);
    // 4 of 5 global tokens are spent: a Basic user gets one more, then the global quota ends.
    let (login, password) = sim.basic_credentials();
    let basic = || {
        reqwest::Client::new()
            .get(format!("{}/api/v1/Users?take=1", sim.base_url()))
            .basic_auth(&login, Some(&password))
            .send()
    };
    assert_eq!(basic().await.expect("answer").status(), StatusCode::OK);
    assert_eq!(
        basic().await.expect("answer").status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    let statuses: Vec<Option<u16>> = sim
        .control()
        .request_log()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses,
        [200, 200, 503, 200, 200, 200, 503].map(Some).to_vec()
    );
}

#[tokio::test]
async fn jira_throttling_carries_rate_limit_headers() {
    let sim = start(SimConfig {
        faults: Faults {
            rate_limit_per_min: Some(5),
            retry_after_secs: 30,
            ..Faults::default()
        },
        clock: pi_sim::SimClock::Fixed(1_795_852_800_000),
        ..SimConfig::default()
    })
    .await;
    let (email, token) = sim.jira_credentials();
    let client = reqwest::Client::new();
    let get = || {
        client
            .get(format!("{}/rest/api/3/issue/ORB-1", sim.base_url()))
            .basic_auth(&email, Some(&token))
            .send()
    };
    let mut near = Vec::new();
    for _ in 0..5 {
        let r = get().await.expect("answer");
        assert_eq!(r.status(), StatusCode::OK);
        near.push(r.headers().get("x-ratelimit-nearlimit").is_some());
    }
    // Below 20 % of 5 only after the 5th request (0 left); the 4th leaves exactly 1.
    assert_eq!(near, vec![false, false, false, false, true]);
    let r = get().await.expect("answer");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let h = r.headers();
    assert_eq!(h["retry-after"], "30");
    assert_eq!(h["x-ratelimit-limit"], "5");
    assert_eq!(h["x-ratelimit-remaining"], "0");
    // 2026-11-28T08:00:00Z plus the 30 s of Retry-After.
    assert_eq!(h["x-ratelimit-reset"], "2026-11-28T08:00:30Z");
    assert_eq!(h["ratelimit-reason"], "jira-quota-based");
    let body: Value = r.json().await.expect("json");
    assert!(body["errorMessages"].is_array());
}

#[tokio::test]
async fn request_log_times_follow_arrival() {
    let sim = start(SimConfig {
        data: DataSource::Empty,
        ..SimConfig::default()
    })
    .await;
    let users = url(&sim, "Users?take=1", sim.access_token());
    assert_eq!(status(&users).await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(status(&users).await, StatusCode::OK);
    let log = sim.control().request_log();
    assert_eq!(log.len(), 2);
    let gap = log[1].at_ms - log[0].at_ms;
    assert!((120..5_000).contains(&gap), "{gap} ms between the requests");
    let json = serde_json::to_value(&log[0]).expect("serialisable");
    assert!(json["at_ms"].is_u64(), "{json}");
}

#[tokio::test]
async fn a_write_can_be_applied_and_lose_its_answer() {
    let sim = start(SimConfig {
        faults: Faults {
            drop_after_apply: Some(1),
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await;
    let control = sim.control();
    let team = control.ids("Teams")[0];
    let release = control.ids("Releases")[0];
    let before = control.count("TeamPIObjectives");
    let create = |name: &str| {
        reqwest::Client::new()
            .post(url(&sim, "TeamPIObjectives", sim.access_token()))
            .json(
                &json!({"Name": name, "Team": {"Id": team}, "Release": {"Id": release},
                "Tags": format!("marker-{name}")}),
            )
            .send()
    };
    assert_eq!(
        create("first").await.expect("answer").status(),
        StatusCode::CREATED
    );
    // Reads and failed writes do not count.
    assert_eq!(
        status(&url(&sim, "Teams", sim.access_token())).await,
        StatusCode::OK
    );
    let bad = reqwest::Client::new()
        .post(url(&sim, "TeamPIObjectives", sim.access_token()))
        .json(&json!({"Name": "no team"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let err = create("second").await.expect_err("answer dropped");
    assert!(!err.is_status(), "{err}");
    assert_eq!(
        control.count("TeamPIObjectives"),
        before + 2,
        "both applied"
    );
    let found: Value = reqwest::get(url(
        &sim,
        "TeamPIObjectives?where=Tags contains 'marker-second'&include=[Tags]",
        sim.access_token(),
    ))
    .await
    .expect("answer")
    .json()
    .await
    .expect("json");
    assert_eq!(found["Items"].as_array().map(Vec::len), Some(1), "{found}");
    let log = control.request_log();
    let dropped: Vec<_> = log.iter().filter(|r| r.applied_then_dropped).collect();
    assert_eq!(dropped.len(), 1, "{log:?}");
    assert_eq!(
        (dropped[0].method.as_str(), dropped[0].status),
        ("POST", None)
    );
    assert!(log.iter().filter(|r| r.status.is_none()).count() == 1);
    assert_eq!(
        create("third").await.expect("answer").status(),
        StatusCode::CREATED,
        "the count restarts"
    );
}

#[tokio::test]
async fn objectives_carry_tags_and_collections_can_be_counted() {
    let sim = start(SimConfig::default()).await;
    let token = sim.access_token().to_owned();
    let control = sim.control();
    let objective = control.ids("TeamPIObjectives")[0];
    let program = control.ids("ProgramPIObjectives")[0];
    for (resource, id) in [
        ("TeamPIObjectives", objective),
        ("ProgramPIObjectives", program),
    ] {
        let r = reqwest::Client::new()
            .post(url(&sim, &format!("{resource}/{id}"), &token))
            .json(&json!({"Tags": "pi-planner-op-7, keep"}))
            .send()
            .await
            .expect("answer");
        assert_eq!(r.status(), StatusCode::OK, "{resource}");
        let found: Value = reqwest::get(url(
            &sim,
            &format!("{resource}?where=Tags contains 'pi-planner-op-7'&include=[Tags]"),
            &token,
        ))
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
        assert_eq!(found["Items"][0]["Id"], id, "{resource}: {found}");
        assert_eq!(found["Items"][0]["Tags"], "pi-planner-op-7, keep");
    }

    let counted: Value = reqwest::get(url(
        &sim,
        &format!("TeamPIObjectives?where=Id eq {objective}&include=[Name]&append=[Features-Count]"),
        &token,
    ))
    .await
    .expect("answer")
    .json()
    .await
    .expect("json");
    let features: Value = reqwest::get(url(
        &sim,
        &format!("TeamPIObjectives/{objective}/Features?take=1000"),
        &token,
    ))
    .await
    .expect("answer")
    .json()
    .await
    .expect("json");
    let n = features["Items"].as_array().map_or(0, Vec::len);
    assert!(n >= 2, "{features}");
    assert_eq!(counted["Items"][0]["Features-Count"], n);

    let feature = features["Items"][0]["Id"].as_i64().expect("id");
    let own: Value = reqwest::get(url(
        &sim,
        &format!("Features?where=Id eq {feature}&append=[TeamPIObjectives-Count]"),
        &token,
    ))
    .await
    .expect("answer")
    .json()
    .await
    .expect("json");
    assert!(own["Items"][0]["TeamPIObjectives-Count"].as_u64() >= Some(1));
    let bad = reqwest::get(url(&sim, "Features?append=[Bugs-Effort-Sum]", &token))
        .await
        .expect("answer");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}
