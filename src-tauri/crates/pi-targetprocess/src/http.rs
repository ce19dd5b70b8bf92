//! The resilient HTTP layer every TP call goes through: bounded concurrency (semaphore), a
//! client-side rate limit (governor), timeouts, retries with exponential back-off and jitter
//! (backon) for idempotent requests only, `Retry-After` honoured over the local estimate, a cap
//! on the total wait, and classification of failures into [`TpError`].
//!
//! It deliberately knows nothing about TP entities; it moves JSON.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use base64::Engine as _;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::Method;
use serde_json::Value;
use tokio::sync::Semaphore;
use url::Url;

use crate::config::{Credentials, Limits, RetryPolicy, TpConfig};
use crate::error::{ConfigError, TpError};
use crate::redact::redact;
use crate::response::read_response;

/// Whether a request may be sent again after an ambiguous failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads, updates to an explicit id, deletes: repeating them is harmless.
    Safe,
    /// Creates: retried only when the server surely did not process the request (429, refused
    /// connection).
    Never,
}

/// One failed attempt: the classified error plus the server's back-off request, if any.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: TpError,
    pub(crate) retry_after: Option<Duration>,
    /// The request certainly did not reach the application (429, connect error).
    pub(crate) not_applied: bool,
}

pub(crate) struct Http {
    client: reqwest::Client,
    root: Url,
    credentials: Credentials,
    permits: Arc<Semaphore>,
    limiter: DefaultDirectRateLimiter,
    retry: RetryPolicy,
    limits: Limits,
    sent: AtomicU64,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("root", &self.root.as_str())
            .field("credentials", &self.credentials)
            .field("sent", &self.sent.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Http {
    pub(crate) fn new(config: &TpConfig) -> Result<Self, ConfigError> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::custom(same_origin_only))
            .referer(false)
            .build()
            .map_err(|e| ConfigError::Http(redact(&e.to_string())))?;
        let rate = NonZeroU32::new(config.requests_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(u32::try_from(config.concurrency.max(1)).unwrap_or(u32::MAX))
            .unwrap_or(NonZeroU32::MIN);
        Ok(Self {
            client,
            root: config.api_root(),
            credentials: config.credentials.clone(),
            permits: Arc::new(Semaphore::new(config.concurrency.max(1))),
            limiter: RateLimiter::direct(Quota::per_second(rate).allow_burst(burst)),
            retry: config.retry.clone(),
            limits: config.limits.clone(),
            sent: AtomicU64::new(0),
        })
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Requests put on the wire so far (every attempt counts).
    pub(crate) fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Sends `method rel?query` with an optional JSON body; retries per `replay`.
    pub(crate) async fn send(
        &self,
        method: Method,
        rel: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        replay: Replay,
    ) -> Result<Value, TpError> {
        let url = self.url(rel, query)?;
        let shown = shown_path(&url);
        let waited = std::sync::Mutex::new(Duration::ZERO);
        let attempt = || self.attempt(&method, &url, &shown, body);
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.retry.initial_backoff)
            .with_max_delay(self.retry.max_backoff)
            .with_max_times(self.retry.max_retries)
            .with_jitter();
        attempt
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(|f: &Failure| retryable(f, replay))
            .adjust(|f: &Failure, dur| self.next_wait(f, dur, &waited))
            .notify(|f: &Failure, dur| {
                tracing::warn!(method = %method, path = %shown, error = %f.error, wait_ms = dur.as_millis() as u64, "retrying Targetprocess request");
            })
            .await
            .map_err(|f| f.error)
    }

    /// Server signal first, then the computed back-off; `None` once the wait would go past the
    /// total cap (a server asking for longer than the whole budget ends the retries at once).
    fn next_wait(
        &self,
        failure: &Failure,
        computed: Option<Duration>,
        waited: &std::sync::Mutex<Duration>,
    ) -> Option<Duration> {
        let wait = failure.retry_after.or(computed)?;
        let mut total = waited
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let after = total.checked_add(wait)?;
        if after > self.retry.max_total_wait {
            return None;
        }
        *total = after;
        Some(wait)
    }

    fn url(&self, rel: &str, query: &[(String, String)]) -> Result<Url, TpError> {
        let mut url = self.root.join(rel).map_err(|e| TpError::Decode {
            method: "-".into(),
            path: redact(rel),
            message: format!("bad resource path: {e}"),
        })?;
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("format", "json");
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        shown: &str,
        body: Option<&Value>,
    ) -> Result<Value, Failure> {
        let _permit = self.permits.acquire().await.map_err(|_| Failure {
            error: network(method, shown, "client is shutting down".into()),
            retry_after: None,
            not_applied: true,
        })?;
        self.limiter.until_ready().await;
        let request = self.authorised(self.client.request(method.clone(), url.clone()));
        let request = match body {
            Some(json) => request.json(json),
            None => request,
        };
        self.sent.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(method = %method, path = %shown, "Targetprocess request");
        let response = request.send().await.map_err(|e| Failure {
            not_applied: e.is_connect(),
            error: network(method, shown, describe(&e)),
            retry_after: None,
        })?;
        read_response(method, shown, response, self.limits.max_response_bytes).await
    }

    fn authorised(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let request = request.header(reqwest::header::ACCEPT, "application/json");
        match &self.credentials {
            Credentials::AccessToken(token) => request.query(&[("access_token", token)]),
            Credentials::ServiceToken(token) => request.query(&[("token", token)]),
            Credentials::Basic { login, password } => {
                let raw = format!("{login}:{password}");
                let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
                request.header(reqwest::header::AUTHORIZATION, format!("Basic {encoded}"))
            }
        }
    }
}

/// Follows a redirect only within the origin (scheme, host, port) of the request it answers,
/// at most ten times: the token, which TP takes in the query, never goes anywhere else. A
/// redirect elsewhere is handed back as the 3xx answer, which becomes [`TpError::Redirected`].
fn same_origin_only(attempt: reqwest::redirect::Attempt<'_>) -> reqwest::redirect::Action {
    let previous = attempt.previous();
    let same = previous
        .first()
        .is_some_and(|first| first.origin() == attempt.url().origin());
    if !same {
        attempt.stop()
    } else if previous.len() > 10 {
        attempt.error("more than 10 redirects")
    } else {
        attempt.follow()
    }
}

fn retryable(failure: &Failure, replay: Replay) -> bool {
    match replay {
        Replay::Never => failure.not_applied,
        Replay::Safe => match &failure.error {
            TpError::RateLimited { .. } | TpError::Network { .. } => true,
            TpError::Server { status, .. } => {
                matches!(status, 500 | 502 | 503 | 504) || failure.retry_after.is_some()
            }
            _ => false,
        },
    }
}

/// The request path and query for messages; the URL never carries credentials at this point,
/// and is redacted anyway.
fn shown_path(url: &Url) -> String {
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    redact(&path)
}

pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    redact(&text)
}

pub(crate) fn network(method: &Method, shown: &str, message: String) -> TpError {
    TpError::Network {
        method: method.to_string(),
        path: shown.to_owned(),
        message,
    }
}

pub(crate) fn decode(method: &Method, shown: &str, message: String) -> TpError {
    TpError::Decode {
        method: method.to_string(),
        path: shown.to_owned(),
        message,
    }
}
