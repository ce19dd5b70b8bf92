//! A misbehaving Targetprocess (pi-sim's misbehaving-server faults, and a small hand-written
//! server where the simulator cannot play the part): the token never leaves the configured
//! origin, and every loop and buffer over its answers is bounded.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pi_sim::Faults;
use pi_targetprocess::{Limits, TpClient, TpError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::common;

/// A loopback listener that records every byte any connection sends it and answers nothing.
struct Recorder {
    origin: String,
    seen: Arc<Mutex<Vec<u8>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                sink.lock().unwrap().extend_from_slice(b"<connection>");
                let mut buf = vec![0; 4096];
                while let Ok(n) = socket.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    sink.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            }
        });
        Self { origin, seen, task }
    }

    fn received(&self) -> Vec<u8> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn client_with(sim: &pi_sim::RunningSim, limits: Limits) -> TpClient {
    let mut config = common::config(sim);
    config.limits = limits;
    TpClient::new(config).unwrap()
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_and_the_token_stays() {
    let sim = common::sim().await;
    let other = Recorder::start().await;
    sim.control().set_faults(Faults {
        redirect_to: Some(other.origin.clone()),
        ..Faults::default()
    });
    let client = common::client(&sim);
    let err = client.list_arts().await.unwrap_err();
    match &err {
        TpError::Redirected { status, to, .. } => {
            assert_eq!((*status, to.as_str()), (302, other.origin.as_str()));
        }
        other => panic!("expected a refused redirect, got {other:?}"),
    }
    let text = err.to_string();
    assert!(!text.contains(sim.access_token()), "{text}");
    assert!(text.contains("not followed"), "{text}");
    // Give a stray request time to arrive: none may.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(other.received(), b"", "the other origin received something");
    assert_eq!(
        client.requests_sent(),
        1,
        "a refused redirect is not retried"
    );
    sim.shutdown().await;
}

/// A server that answers its first request with a redirect to itself and records the headers of
/// the second.
async fn self_redirecting() -> (String, Arc<Mutex<String>>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let second = Arc::new(Mutex::new(String::new()));
    let record = second.clone();
    let task = tokio::spawn(async move {
        for answer in [
            "HTTP/1.1 302 Found\r\nLocation: /api/v1/AgileReleaseTrains?format=json&moved=1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"Items\":[]}",
        ] {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0; 8192];
            let n = socket.read(&mut buf).await.unwrap();
            *record.lock().unwrap() = String::from_utf8_lossy(&buf[..n]).into_owned();
            socket.write_all(answer.as_bytes()).await.unwrap();
            socket.shutdown().await.unwrap();
        }
    });
    (origin, second, task)
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_without_a_referer() {
    let (origin, second, task) = self_redirecting().await;
    let config = pi_targetprocess::TpConfig::new(
        &origin,
        pi_targetprocess::Credentials::AccessToken("made-up-token-4711".into()),
    )
    .unwrap();
    let arts = TpClient::new(config).unwrap().list_arts().await.unwrap();
    assert!(arts.is_empty());
    let request = second.lock().unwrap().to_lowercase();
    assert!(request.contains("moved=1"), "{request}");
    assert!(!request.contains("referer"), "{request}");
    task.await.unwrap();
}

#[tokio::test]
async fn endless_next_links_stop_at_the_page_limit() {
    let sim = common::sim().await;
    sim.control().set_faults(Faults {
        endless_paging: true,
        ..Faults::default()
    });
    let client = client_with(
        &sim,
        Limits {
            max_pages: 40,
            ..Limits::default()
        },
    );
    let err = client.list_arts().await.unwrap_err();
    assert!(
        matches!(
            err,
            TpError::LimitExceeded {
                setting: "Limits::max_pages",
                limit: 40,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(client.requests_sent(), 40);
    assert!(err.to_string().contains("number of pages"), "{err}");
    sim.shutdown().await;
}

#[tokio::test]
async fn an_oversized_body_is_refused_while_it_streams() {
    let sim = common::sim().await;
    // 2 GiB announced by nothing but its length: the client stops after 1 MiB.
    sim.control().set_faults(Faults {
        oversized_body_bytes: Some(2 * 1024 * 1024 * 1024),
        ..Faults::default()
    });
    let client = client_with(
        &sim,
        Limits {
            max_response_bytes: 1024 * 1024,
            ..Limits::default()
        },
    );
    let started = Instant::now();
    let err = client.list_arts().await.unwrap_err();
    assert!(
        matches!(
            err,
            TpError::LimitExceeded {
                setting: "Limits::max_response_bytes",
                limit: 1_048_576,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(client.requests_sent(), 1, "not retried");
    assert!(started.elapsed() < Duration::from_secs(10));
    sim.shutdown().await;
}

#[tokio::test]
async fn an_absurd_retry_after_ends_the_retries_without_a_panic() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    for text in [
        "1e30",
        "99999999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        sim.control().set_faults(Faults {
            rate_limit_per_min: Some(0),
            retry_after_text: Some(text.into()),
            ..Faults::default()
        });
        let started = Instant::now();
        let err = client.list_arts().await.unwrap_err();
        let TpError::RateLimited { retry_after, .. } = &err else {
            panic!("{text}: expected rate limited, got {err:?}");
        };
        assert_eq!(
            *retry_after,
            Some(Duration::from_secs(24 * 60 * 60)),
            "{text}"
        );
        assert!(started.elapsed() < Duration::from_secs(2), "{text}: waited");
    }
    for text in ["-1", "NaN", "inf"] {
        sim.control().set_faults(Faults {
            rate_limit_per_min: Some(0),
            retry_after_text: Some(text.into()),
            ..Faults::default()
        });
        let err = client.list_arts().await.unwrap_err();
        assert!(
            matches!(
                err,
                TpError::RateLimited {
                    retry_after: None,
                    ..
                }
            ),
            "{text}: {err:?}"
        );
    }
    sim.shutdown().await;
}
