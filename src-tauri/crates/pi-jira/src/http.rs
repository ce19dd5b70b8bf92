//! Resilient HTTP for Jira: bounded concurrency, client-side rate limit, retries with
//! exponential back-off and jitter on 429/502/503/504 and network errors (every call this crate
//! makes is a read, so all are safe to repeat), `Retry-After` (seconds or date) first, then
//! `X-RateLimit-Reset`, then the computed back-off, with a cap on the total wait. Redirects are
//! followed only within the configured origin and no `Referer` is sent, so the credentials stay
//! with the configured site.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use base64::Engine as _;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::Method;
use serde_json::Value;
use tokio::sync::Semaphore;
use url::Url;

use crate::config::{JiraConfig, Limits, RetryPolicy};
use crate::error::{ConfigError, JiraError};
use crate::response::read_response;

#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: JiraError,
    pub(crate) retry_after: Option<Duration>,
}

pub(crate) struct Http {
    client: reqwest::Client,
    root: Url,
    auth: String,
    secret: String,
    permits: Semaphore,
    limiter: DefaultDirectRateLimiter,
    retry: RetryPolicy,
    limits: Limits,
    sent: AtomicU64,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("root", &self.root.as_str())
            .finish_non_exhaustive()
    }
}

impl Http {
    pub(crate) fn new(config: &JiraConfig) -> Result<Self, ConfigError> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::custom(same_origin_only))
            .referer(false)
            .build()
            .map_err(|e| ConfigError::Http(e.to_string()))?;
        let c = &config.credentials;
        let encoded = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", c.email, c.api_token));
        let rate = NonZeroU32::new(config.requests_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(u32::try_from(config.concurrency.max(1)).unwrap_or(u32::MAX))
            .unwrap_or(NonZeroU32::MIN);
        Ok(Self {
            client,
            root: config.api_root(),
            auth: format!("Basic {encoded}"),
            secret: c.api_token.clone(),
            permits: Semaphore::new(config.concurrency.max(1)),
            limiter: RateLimiter::direct(Quota::per_second(rate).allow_burst(burst)),
            retry: config.retry.clone(),
            limits: config.limits.clone(),
            sent: AtomicU64::new(0),
        })
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Sends a read (`GET`, or `POST` for search) and returns the JSON answer.
    pub(crate) async fn send(
        &self,
        method: Method,
        rel: &str,
        body: Option<&Value>,
    ) -> Result<Value, JiraError> {
        let url = self.root.join(rel).map_err(|e| JiraError::Decode {
            method: method.to_string(),
            path: rel.to_owned(),
            message: e.to_string(),
        })?;
        let waited = Mutex::new(Duration::ZERO);
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.retry.initial_backoff)
            .with_max_delay(self.retry.max_backoff)
            .with_max_times(self.retry.max_retries)
            .with_jitter();
        (|| self.attempt(&method, &url, body))
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(|f: &Failure| retryable(&f.error))
            .adjust(|f: &Failure, dur| {
                let wait = f.retry_after.or(dur)?;
                let mut total = waited.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let after = total.checked_add(wait)?;
                (after <= self.retry.max_total_wait).then(|| {
                    *total = after;
                    wait
                })
            })
            .notify(|f: &Failure, dur| {
                tracing::warn!(error = %f.error, wait_ms = dur.as_millis() as u64, "retrying Jira request");
            })
            .await
            .map_err(|f| f.error)
    }

    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&Value>,
    ) -> Result<Value, Failure> {
        let path = url.path().to_owned();
        let _permit = self.permits.acquire().await.map_err(|_| Failure {
            error: JiraError::Network {
                method: method.to_string(),
                path: path.clone(),
                message: "client closed".into(),
            },
            retry_after: None,
        })?;
        self.limiter.until_ready().await;
        let mut request = self
            .client
            .request(method.clone(), url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::AUTHORIZATION, &self.auth);
        if let Some(json) = body {
            request = request.json(json);
        }
        self.sent.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(method = %method, path = %path, "Jira request");
        let network = |e: reqwest::Error| Failure {
            error: JiraError::Network {
                method: method.to_string(),
                path: path.clone(),
                message: self.scrub(&describe(&e)),
            },
            retry_after: None,
        };
        let response = request.send().await.map_err(network)?;
        let scrub = |text: &str| self.scrub(text);
        read_response(
            method,
            &path,
            response,
            self.limits.max_response_bytes,
            &scrub,
        )
        .await
    }

    /// Removes the API token from any text, whatever its position.
    fn scrub(&self, text: &str) -> String {
        if self.secret.is_empty() {
            text.to_owned()
        } else {
            text.replace(&self.secret, "***")
        }
    }
}

/// Follows a redirect only within the origin of the request it answers, at most ten times; a
/// redirect elsewhere comes back as the 3xx answer, which becomes [`JiraError::Redirected`].
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

fn retryable(e: &JiraError) -> bool {
    match e {
        JiraError::RateLimited { .. } | JiraError::Network { .. } => true,
        JiraError::Server { status, .. } => matches!(status, 500 | 502 | 503 | 504),
        _ => false,
    }
}

pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    }
    .to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
