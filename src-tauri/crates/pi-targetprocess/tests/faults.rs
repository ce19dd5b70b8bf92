//! Resilience against pi-sim's fault injection: throttling, 5xx, dropped connections, bad auth.

use crate::common;

use std::time::{Duration, Instant};

use pi_sim::Faults;
use pi_targetprocess::{
    Credentials, FieldChange, IdempotencyMarker, Kind, Placement, TpClient, TpError,
};

#[tokio::test]
async fn a_429_storm_waits_for_retry_after_and_succeeds() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let ctl = sim.control();
    ctl.set_faults(Faults {
        rate_limit_per_min: Some(60),
        retry_after_secs: 1,
        ..Faults::default()
    });
    // Spend the bucket (60 tokens, one more per second).
    for _ in 0..60 {
        client.list_arts().await.expect("within quota");
    }
    ctl.clear_request_log();
    let start = Instant::now();
    for _ in 0..3 {
        client.list_arts().await.expect("succeeds after waiting");
    }
    let elapsed = start.elapsed();
    let log = ctl.request_log();
    let throttled = log.iter().filter(|r| r.status == Some(429)).count();
    assert!(throttled >= 2, "{log:?}");
    assert_eq!(log.iter().filter(|r| r.status == Some(200)).count(), 3);
    // Calls are sequential and every 429 said "1 s": the local back-off (10 ms) was overridden,
    // so no retry went out before a full second had passed.
    assert!(
        elapsed >= Duration::from_secs(throttled as u64),
        "{elapsed:?} for {throttled} throttles"
    );
    // The same from the simulator's side: the request after each 429 arrived at least
    // Retry-After later.
    for pair in log.windows(2) {
        if pair[0].status == Some(429) {
            let gap = pair[1].at_ms - pair[0].at_ms;
            assert!(gap >= 1000, "retry {gap} ms after a 429: {log:?}");
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn server_errors_on_reads_are_retried() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let ctl = sim.control();
    ctl.set_faults(Faults {
        error_rate: 0.5,
        error_status: 503,
        ..Faults::default()
    });
    ctl.clear_request_log();
    for _ in 0..6 {
        client.list_arts().await.expect("retried until served");
    }
    let log = ctl.request_log();
    assert!(log.iter().any(|r| r.status == Some(503)), "{log:?}");
    assert_eq!(log.iter().filter(|r| r.status == Some(200)).count(), 6);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_failed_create_is_checked_by_marker_before_it_is_sent_again() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let ctl = sim.control();
    let before = ctl.count("Features");
    ctl.set_faults(Faults {
        error_rate: 1.0,
        error_status: 500,
        ..Faults::default()
    });
    ctl.clear_request_log();
    let marker = IdempotencyMarker::for_operation("op-create-1");
    let changes = [FieldChange::Name("Offline export".into())];
    let create = client.create(
        Kind::Feature,
        Placement { team, release },
        &changes,
        &marker,
    );
    let heal = async {
        // Heal as soon as the first POST has failed; the marker query is then retried and served.
        while !ctl.request_log().iter().any(|r| r.method == "POST") {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        ctl.set_faults(Faults::default());
    };
    let (created, ()) = tokio::join!(create, heal);
    let created = created.expect("created after the check");
    assert!(!created.recovered);
    assert_eq!(ctl.count("Features"), before + 1);

    let log = ctl.request_log();
    let posts: Vec<usize> = (0..log.len())
        .filter(|i| log[*i].method == "POST")
        .collect();
    assert_eq!(posts.len(), 2, "{log:?}");
    assert_eq!(log[posts[0]].status, Some(500));
    let between = &log[posts[0] + 1..posts[1]];
    assert!(
        between
            .iter()
            .any(|r| r.method == "GET" && r.query.contains("op-create-1") && r.status == Some(200)),
        "no marker query between the POSTs: {log:?}"
    );
    let wire = ctl.get_entity("Features", created.id).expect("created");
    assert!(
        wire["Tags"]
            .as_str()
            .unwrap_or_default()
            .contains(marker.tag())
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_create_that_was_applied_is_recovered_not_duplicated() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let ctl = sim.control();
    // As if an earlier attempt had been applied before its answer was lost.
    let existing = ctl.ids("Features")[0];
    let marker = IdempotencyMarker::for_operation("op-applied");
    ctl.update_entity(
        "Features",
        existing,
        serde_json::json!({"Tags": marker.tag()}),
    )
    .expect("tag");
    let before = ctl.count("Features");
    ctl.set_faults(Faults {
        error_rate: 1.0,
        error_status: 502,
        ..Faults::default()
    });
    ctl.clear_request_log();
    let changes = [FieldChange::Name("X".into())];
    let create = client.create(
        Kind::Feature,
        Placement { team, release },
        &changes,
        &marker,
    );
    let heal = async {
        while !ctl.request_log().iter().any(|r| r.method == "POST") {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        ctl.set_faults(Faults::default());
    };
    let (created, ()) = tokio::join!(create, heal);
    let created = created.expect("recovered");
    assert!(created.recovered);
    assert_eq!(created.id, existing);
    assert_eq!(ctl.count("Features"), before);
    assert_eq!(
        ctl.request_log()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn dropped_connections_are_retried_for_reads_and_reported_for_creates() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let ctl = sim.control();
    let expected = client
        .fetch_team_plan(release, team)
        .await
        .expect("baseline");
    // Every second request loses its connection.
    ctl.set_faults(Faults {
        drop_after_requests: Some(1),
        ..Faults::default()
    });
    let remote = client
        .fetch_team_plan(release, team)
        .await
        .expect("reads are retried");
    assert_eq!(remote.plan, expected.plan);
    assert!(
        remote.requests > 5,
        "drops forced retries: {}",
        remote.requests
    );

    // Every request dropped: a create fails as a network error after one POST.
    ctl.set_faults(Faults {
        drop_after_requests: Some(0),
        ..Faults::default()
    });
    ctl.clear_request_log();
    let err = client
        .create(
            Kind::Feature,
            Placement { team, release },
            &[FieldChange::Name("Y".into())],
            &IdempotencyMarker::for_operation("op-drop"),
        )
        .await
        .expect_err("nothing gets through");
    assert!(matches!(err, TpError::Network { .. }), "{err:?}");
    assert_eq!(
        ctl.request_log()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1
    );
    let text = format!("{err} {err:?}");
    assert!(!text.contains(sim.access_token()), "{text}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_wrong_token_is_an_auth_error_without_retries_and_never_shown() {
    let sim = common::sim().await;
    let mut config = common::config(&sim);
    let secret = "wr0ng-s3cret-t0ken";
    config.credentials = Credentials::AccessToken(secret.into());
    let client = TpClient::new(config.clone()).expect("client");
    let ctl = sim.control();
    ctl.clear_request_log();
    let err = client.list_arts().await.expect_err("401");
    assert!(matches!(err, TpError::Auth { status: 401, .. }), "{err:?}");
    assert_eq!(ctl.request_log().len(), 1);
    for text in [
        err.to_string(),
        format!("{err:?}"),
        format!("{config:?}"),
        format!("{client:?}"),
    ] {
        assert!(!text.contains(secret), "{text}");
    }
    assert!(
        err.to_string()
            .starts_with("GET /api/v1/AgileReleaseTrains?format=json"),
        "{err}"
    );
    sim.shutdown().await;
}
