//! Fault injection and control: 429 + Retry-After, injected 5xx, dropped connections seen by a raw
//! client, the background mutator, the control API switch, and the state file round trip.

use std::io::{Read, Write};
use std::time::Duration;

use pi_sim::{DataSource, Faults, MutatorSpec, RunningSim, SimConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn start(config: SimConfig) -> RunningSim {
    pi_sim::start(config).await.expect("sim starts")
}

fn teams(sim: &RunningSim) -> String {
    format!(
        "{}/api/v1/Teams?take=1&access_token={}",
        sim.base_url(),
        sim.access_token()
    )
}

#[tokio::test]
async fn quota_exhaustion_gives_429_with_retry_after() {
    let faults = Faults {
        rate_limit_per_min: Some(3),
        retry_after_secs: 9,
        ..Faults::default()
    };
    let sim = start(SimConfig {
        faults,
        data: DataSource::Empty,
        ..SimConfig::default()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            reqwest::get(teams(&sim)).await.unwrap().status(),
            StatusCode::OK
        );
    }
    let r = reqwest::get(teams(&sim)).await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "9");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["Status"], "TooManyRequests");
    let log = sim.control().request_log();
    assert_eq!(
        log.iter().map(|l| l.status).collect::<Vec<_>>(),
        vec![Some(200), Some(200), Some(200), Some(429)]
    );
    assert!(log.iter().all(
        |l| l.query.contains("access_token=REDACTED") && !l.query.contains(sim.access_token())
    ));
}

#[tokio::test]
async fn error_rate_one_fails_every_request_until_cleared() {
    let sim = start(SimConfig {
        data: DataSource::Empty,
        ..SimConfig::default()
    })
    .await;
    let control = sim.control();
    control.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    for _ in 0..5 {
        let r = reqwest::get(teams(&sim)).await.unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            r.json::<Value>().await.unwrap()["Status"],
            "InternalServerError"
        );
    }
    control.set_faults(Faults::default());
    assert_eq!(
        reqwest::get(teams(&sim)).await.unwrap().status(),
        StatusCode::OK
    );
}

fn raw_get(base: &str, path: &str) -> std::io::Result<String> {
    let host = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    Ok(answer)
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_is_dropped_after_k_requests() {
    let faults = Faults {
        drop_after_requests: Some(2),
        ..Faults::default()
    };
    let sim = start(SimConfig {
        faults,
        data: DataSource::Empty,
        ..SimConfig::default()
    })
    .await;
    let base = sim.base_url();
    let path = format!("/api/v1/Teams?access_token={}", sim.access_token());
    let answers = tokio::task::spawn_blocking(move || {
        (0..3).map(|_| raw_get(&base, &path)).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert!(answers[0].as_ref().unwrap().starts_with("HTTP/1.1 200"));
    assert!(answers[1].as_ref().unwrap().starts_with("HTTP/1.1 200"));
    match &answers[2] {
        Ok(text) => assert!(
            text.is_empty(),
            "a dropped request gets no bytes, got {text:?}"
        ),
        Err(e) => assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::UnexpectedEof
            ),
            "{e}"
        ),
    }
    let r = reqwest::get(teams(&sim)).await;
    assert!(
        r.is_ok_and(|r| r.status() == StatusCode::OK),
        "the count restarts after a drop"
    );
    assert_eq!(sim.control().request_log()[2].status, None);
}

#[tokio::test]
async fn mutator_edits_entities_over_time() {
    let sim = start(SimConfig::default()).await;
    let control = sim.control();
    let versions = |c: &pi_sim::SimControl| -> i64 {
        let mut sum = 0;
        for rt in ["TeamPIObjectives", "Features"] {
            for id in c.ids(rt) {
                sum += c
                    .get_entity(rt, id)
                    .and_then(|e| e["EntityVersion"].as_i64())
                    .unwrap_or(0);
            }
        }
        sum
    };
    let before = versions(&control);
    let spec = MutatorSpec {
        interval: Duration::from_millis(5),
        ..MutatorSpec::default()
    };
    control.set_faults(Faults {
        mutator: Some(spec),
        ..Faults::default()
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    control.set_faults(Faults::default());
    let after = versions(&control);
    assert!(after >= before + 5, "mutator made {} edits", after - before);
}

#[tokio::test]
async fn control_api_is_off_by_default_and_on_when_enabled() {
    let off = start(SimConfig {
        data: DataSource::Empty,
        ..SimConfig::default()
    })
    .await;
    let r = reqwest::get(format!("{}/_sim/faults", off.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let on = start(SimConfig {
        control_api: true,
        ..SimConfig::default()
    })
    .await;
    let c = reqwest::Client::new();
    let url = |p: &str| format!("{}/_sim/{p}", on.base_url());
    let f: Value = c
        .get(url("faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(f["error_rate"], 0.0);
    let r = c
        .put(url("faults"))
        .json(&json!({"latency": 1, "error_rate": 1.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        reqwest::get(teams(&on)).await.unwrap().status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    c.put(url("faults")).json(&json!({})).send().await.unwrap();
    let id = on.control().ids("Features")[0];
    let edited: Value = c
        .post(url(&format!("entities/Features/{id}")))
        .json(&json!({"Effort": 40}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(edited["Effort"], 40.0);
    assert_eq!(edited["EntityVersion"], 2);
    let log: Value = c
        .get(url("requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(log.as_array().unwrap().iter().any(|l| l["status"] == 500));
    assert_eq!(
        c.delete(url("requests")).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        c.post(url("reset")).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        on.control().get_entity("Features", id).unwrap()["EntityVersion"],
        1
    );
    assert_eq!(
        c.post(url("save")).send().await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn state_file_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sim-state.json");
    let config = || SimConfig {
        state_file: Some(state.clone()),
        ..SimConfig::default()
    };
    let first = start(config()).await;
    let id = first.control().ids("TeamPIObjectives")[0];
    let url = format!(
        "{}/api/v1/TeamPIObjectives/{id}?access_token={}",
        first.base_url(),
        first.access_token()
    );
    let r = reqwest::Client::new()
        .post(&url)
        .json(&json!({"Name": "Kept between runs"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    first.shutdown().await;
    assert!(state.exists());

    let second = start(config()).await;
    let e = second.control().get_entity("TeamPIObjectives", id).unwrap();
    assert_eq!(e["Name"], "Kept between runs");
    assert_eq!(e["EntityVersion"], 2);
    let copy = dir.path().join("copy.json");
    second.control().save(&copy).unwrap();
    let third = start(SimConfig {
        data: DataSource::File(copy),
        ..SimConfig::default()
    })
    .await;
    assert_eq!(
        third.control().get_entity("TeamPIObjectives", id).unwrap()["Name"],
        "Kept between runs"
    );
}
