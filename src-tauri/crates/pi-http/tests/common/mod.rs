//! A scripted loopback server for the layer's tests: every request is recorded, and a closure
//! chooses each answer from the request and its number (0-based).

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Response, StatusCode};
use pi_http::{Auth, Client, RetryPolicy, Settings};
use url::Url;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// Path and query.
    pub uri: String,
    pub headers: HeaderMap,
}

/// An answer: status, headers, body.
pub type Reply = (u16, Vec<(&'static str, String)>, String);

type Script = dyn Fn(usize, &Seen) -> Reply + Send + Sync;

pub struct Server {
    pub origin: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// Requests being answered right now, and the most there ever were at once.
    pub in_flight: Arc<(AtomicUsize, AtomicUsize)>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Starts on 127.0.0.1:0; each answer is delayed by `delay` (to observe concurrency).
    pub async fn start(
        delay: Duration,
        script: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let script: Arc<Script> = Arc::new(script);
        let (log, flight) = (seen.clone(), in_flight.clone());
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let (log, flight, script) = (log.clone(), flight.clone(), script.clone());
            async move { answer(req, &log, &flight, &*script, delay).await }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            origin,
            seen,
            in_flight,
            task,
        }
    }

    pub fn url(&self, path: &str) -> Url {
        Url::parse(&format!("{}{path}", self.origin)).unwrap()
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn max_in_flight(&self) -> usize {
        self.in_flight.1.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    req: axum::extract::Request,
    log: &Mutex<Vec<Seen>>,
    flight: &(AtomicUsize, AtomicUsize),
    script: &Script,
    delay: Duration,
) -> Response<Body> {
    let seen = Seen {
        method: req.method().to_string(),
        uri: req.uri().to_string(),
        headers: req.headers().clone(),
    };
    let n = {
        let mut log = log.lock().unwrap();
        log.push(seen.clone());
        log.len() - 1
    };
    let now = flight.0.fetch_add(1, Ordering::SeqCst) + 1;
    flight.1.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(delay).await;
    flight.0.fetch_sub(1, Ordering::SeqCst);
    let (status, headers, body) = script(n, &seen);
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    for (name, value) in headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

/// Settings with fast retries, so the tests stay quick.
pub fn settings() -> Settings {
    Settings {
        requests_per_second: 1000,
        retry: RetryPolicy {
            max_retries: 4,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(50),
            max_total_wait: Duration::from_secs(10),
        },
        ..Settings::default()
    }
}

pub fn client(server: &Server, auth: &Auth, settings: &Settings) -> Client {
    Client::new("Test", server.url("/api/"), auth, &[], settings).unwrap()
}

pub fn ok(body: &str) -> Reply {
    (200, Vec::new(), body.to_owned())
}
