//! pi-jira against pi-sim over loopback: chunked JQL, cursor paging, story points discovery,
//! throttling and auth.

use std::time::{Duration, Instant};

use pi_jira::{JiraClient, JiraConfig, JiraCredentials, JiraError, RetryPolicy};
use pi_sim::{Faults, RunningSim, SimConfig};

async fn sim(page_size_jira: usize) -> RunningSim {
    pi_sim::start(SimConfig {
        control_api: true,
        page_size_jira,
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts on 127.0.0.1")
}

fn config(sim: &RunningSim) -> JiraConfig {
    let (email, api_token) = sim.jira_credentials();
    let creds = JiraCredentials::Cloud { email, api_token };
    let mut c = JiraConfig::new(&sim.base_url(), creds).expect("valid URL");
    c.requests_per_second = 1000;
    c.retry = RetryPolicy {
        max_retries: 8,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(200),
        max_total_wait: Duration::from_secs(20),
    };
    c
}

/// Jira keys of the first `n` features that have one.
fn epic_keys(sim: &RunningSim, n: usize) -> Vec<String> {
    let ctl = sim.control();
    ctl.ids("Features")
        .into_iter()
        .filter_map(|id| ctl.get_entity("Features", id))
        .filter_map(|f| {
            f["CustomFields"]
                .as_array()?
                .iter()
                .find(|c| c["Name"] == "Jira Key")?["Value"]
                .as_str()
                .map(str::to_owned)
        })
        .take(n)
        .collect()
}

#[tokio::test]
async fn stories_come_from_every_chunk_and_page() {
    let sim = sim(2).await;
    let keys = epic_keys(&sim, 7);
    assert_eq!(keys.len(), 7);
    let whole = JiraClient::new(config(&sim)).expect("client");
    let all = whole.stories_under_epics(&keys).await.expect("search");

    let mut small = config(&sim);
    small.keys_per_query = 3;
    let chunked = JiraClient::new(small).expect("client");
    let ctl = sim.control();
    ctl.clear_request_log();
    let got = chunked.stories_under_epics(&keys).await.expect("search");

    let searches = ctl
        .request_log()
        .into_iter()
        .filter(|r| r.path == "/rest/api/3/search/jql")
        .count();
    // Three chunks, and with two issues per page at least one chunk spans several pages.
    assert!(searches > 3, "{searches}");
    let key_set = |v: &[pi_jira::JiraStory]| {
        let mut k: Vec<String> = v.iter().map(|s| s.story.key.clone()).collect();
        k.sort();
        k
    };
    assert_eq!(key_set(&got), key_set(&all));
    assert!(got.len() > 7);
    for s in &got {
        assert!(keys.contains(&s.epic), "{} under {}", s.story.key, s.epic);
        assert!(s.story.status.is_some());
        assert!(matches!(
            s.status_category(),
            Some("new" | "indeterminate" | "done")
        ));
        assert_eq!(
            s.story.url.as_deref(),
            Some(format!("{}/browse/{}", sim.base_url(), s.story.key).as_str())
        );
        assert!(!s.story.summary.is_empty());
    }
    assert!(got.iter().any(|s| s.story.points.is_some()));
    sim.shutdown().await;
}

#[tokio::test]
async fn story_points_field_is_discovered_once() {
    let sim = sim(50).await;
    let client = JiraClient::new(config(&sim)).expect("client");
    let ctl = sim.control();
    ctl.clear_request_log();
    assert_eq!(
        client.story_points_field().await.expect("found"),
        "customfield_10016"
    );
    let keys = epic_keys(&sim, 2);
    client.stories_under_epics(&keys).await.expect("search");
    let field_reads = ctl
        .request_log()
        .into_iter()
        .filter(|r| r.path == "/rest/api/3/field")
        .count();
    assert_eq!(field_reads, 1);

    let mut named = config(&sim);
    named.story_points_names = vec!["Velocity Units".into()];
    let err = JiraClient::new(named)
        .expect("client")
        .story_points_field()
        .await
        .expect_err("absent");
    assert!(matches!(err, JiraError::NoField { .. }), "{err:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn throttling_and_server_errors_are_waited_out() {
    let sim = sim(50).await;
    let keys = epic_keys(&sim, 2);
    let client = JiraClient::new(config(&sim)).expect("client");
    let ctl = sim.control();
    client.story_points_field().await.expect("field");

    ctl.set_faults(Faults {
        error_rate: 0.5,
        error_status: 503,
        ..Faults::default()
    });
    for _ in 0..4 {
        client.stories_under_epics(&keys).await.expect("retried");
    }
    assert!(ctl.request_log().iter().any(|r| r.status == Some(503)));

    ctl.set_faults(Faults {
        rate_limit_per_min: Some(30),
        retry_after_secs: 1,
        ..Faults::default()
    });
    for _ in 0..30 {
        client
            .stories_under_epics(&keys)
            .await
            .expect("within quota");
    }
    ctl.clear_request_log();
    let start = Instant::now();
    client
        .stories_under_epics(&keys)
        .await
        .expect("after waiting");
    let throttled = ctl
        .request_log()
        .iter()
        .filter(|r| r.status == Some(429))
        .count();
    assert!(throttled >= 1);
    assert!(start.elapsed() >= Duration::from_secs(throttled as u64));
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_credentials_are_an_auth_error_and_the_token_stays_hidden() {
    let sim = sim(50).await;
    let mut c = config(&sim);
    let secret = "n0t-the-t0ken";
    if let JiraCredentials::Cloud { api_token, .. } = &mut c.credentials {
        *api_token = secret.into();
    }
    let client = JiraClient::new(c.clone()).expect("client");
    let ctl = sim.control();
    ctl.clear_request_log();
    let err = client
        .stories_under_epics(&["ORB-1".to_owned()])
        .await
        .expect_err("401");
    assert!(
        matches!(err, JiraError::Auth { status: 401, .. }),
        "{err:?}"
    );
    assert_eq!(ctl.request_log().len(), 1);
    for text in [
        err.to_string(),
        format!("{err:?}"),
        format!("{c:?}"),
        format!("{client:?}"),
    ] {
        assert!(!text.contains(secret), "{text}");
    }
    sim.shutdown().await;
}

/// A loopback listener that counts the connections made to it and answers nothing.
async fn other_origin() -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    tokio::task::JoinHandle<()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let origin = format!("http://{}", listener.local_addr().expect("address"));
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = hits.clone();
    let task = tokio::spawn(async move {
        while let Ok((_socket, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    (origin, hits, task)
}

#[tokio::test]
async fn a_misbehaving_jira_costs_an_error_not_a_token_or_the_memory() {
    let sim = sim(2).await;
    let keys = epic_keys(&sim, 3);
    let ctl = sim.control();
    let (origin, hits, listener) = other_origin().await;
    ctl.set_faults(Faults {
        redirect_to: Some(origin.clone()),
        ..Faults::default()
    });
    let client = JiraClient::new(config(&sim)).expect("client");
    let err = client.story_points_field().await.expect_err("redirected");
    assert!(
        matches!(&err, JiraError::Redirected { to, .. } if *to == origin),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
    listener.abort();

    ctl.set_faults(Faults {
        oversized_body_bytes: Some(1 << 31),
        ..Faults::default()
    });
    let mut small = config(&sim);
    small.limits.max_response_bytes = 1 << 20;
    let err = JiraClient::new(small)
        .expect("client")
        .story_points_field()
        .await
        .expect_err("too large");
    assert!(
        err.to_string().contains("Limits::max_response_bytes"),
        "{err}"
    );

    ctl.set_faults(Faults {
        endless_paging: true,
        ..Faults::default()
    });
    let mut few = config(&sim);
    few.limits.max_pages = 30;
    let client = JiraClient::new(few).expect("client");
    client.story_points_field().await.expect("field");
    let err = client
        .stories_under_epics(&keys)
        .await
        .expect_err("endless");
    assert!(err.to_string().contains("Limits::max_pages"), "{err}");
    // serverInfo and the field list, then the pages up to the limit.
    assert_eq!(client.requests_sent(), 2 + 30);

    ctl.set_faults(Faults {
        rate_limit_per_min: Some(0),
        retry_after_text: Some("1e30".into()),
        ..Faults::default()
    });
    let started = Instant::now();
    let err = JiraClient::new(config(&sim))
        .expect("client")
        .story_points_field()
        .await
        .expect_err("throttled");
    assert!(matches!(err, JiraError::RateLimited { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    sim.shutdown().await;
}
