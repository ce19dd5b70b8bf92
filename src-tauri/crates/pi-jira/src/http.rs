//! Resilient HTTP for Jira: bounded concurrency, client-side rate limit, retries with
//! exponential back-off and jitter on 429/502/503/504 and network errors (every call this crate
//! makes is a read, so all are safe to repeat), `Retry-After` (seconds or date) first, then
//! `X-RateLimit-Reset`, then the computed back-off, with a cap on the total wait.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use backon::{ExponentialBuilder, Retryable};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;
use tokio::sync::Semaphore;
use url::Url;

use crate::config::{JiraConfig, RetryPolicy};
use crate::error::{ConfigError, JiraError};

#[derive(Debug)]
struct Failure {
    error: JiraError,
    retry_after: Option<Duration>,
}

pub(crate) struct Http {
    client: reqwest::Client,
    root: Url,
    auth: String,
    secret: String,
    permits: Semaphore,
    limiter: DefaultDirectRateLimiter,
    retry: RetryPolicy,
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
            sent: AtomicU64::new(0),
        })
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
                (*total + wait <= self.retry.max_total_wait).then(|| {
                    *total += wait;
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
        let status = response.status().as_u16();
        let retry_after = server_wait(response.headers());
        let bytes = response.bytes().await.map_err(network)?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&bytes).map_err(|e| Failure {
                error: JiraError::Decode {
                    method: method.to_string(),
                    path: path.clone(),
                    message: e.to_string(),
                },
                retry_after: None,
            });
        }
        let message = self.scrub(&error_message(&bytes));
        Err(Failure {
            error: classify(method, &path, status, message, retry_after),
            retry_after,
        })
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

fn retryable(e: &JiraError) -> bool {
    match e {
        JiraError::RateLimited { .. } | JiraError::Network { .. } => true,
        JiraError::Server { status, .. } => matches!(status, 500 | 502 | 503 | 504),
        _ => false,
    }
}

fn classify(
    method: &Method,
    path: &str,
    status: u16,
    message: String,
    retry_after: Option<Duration>,
) -> JiraError {
    let (method, path) = (method.to_string(), path.to_owned());
    match status {
        401 | 403 => JiraError::Auth {
            method,
            path,
            status,
        },
        404 => JiraError::NotFound {
            method,
            path,
            message,
        },
        429 => JiraError::RateLimited {
            method,
            path,
            retry_after,
        },
        503 if retry_after.is_some() => JiraError::RateLimited {
            method,
            path,
            retry_after,
        },
        500..=599 => JiraError::Server {
            method,
            path,
            status,
            message,
        },
        _ => JiraError::Validation {
            method,
            path,
            status,
            message,
        },
    }
}

/// `Retry-After` (seconds or HTTP date) beats `X-RateLimit-Reset` (ISO timestamp).
pub(crate) fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let now: DateTime<Utc> = text("date")
        .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
        .map_or_else(|| SystemTime::now().into(), |d| d.with_timezone(&Utc));
    let until = |at: DateTime<Utc>| (at - now).to_std().unwrap_or(Duration::ZERO);
    if let Some(v) = text("retry-after") {
        if let Ok(secs) = v.parse::<f64>() {
            if secs.is_finite() && secs >= 0.0 {
                return Some(Duration::from_secs_f64(secs));
            }
        } else if let Ok(at) = DateTime::parse_from_rfc2822(v) {
            return Some(until(at.with_timezone(&Utc)));
        }
    }
    let reset = text("x-ratelimit-reset")?;
    DateTime::parse_from_rfc3339(reset)
        .or_else(|_| DateTime::parse_from_str(&format!("{reset}:00+0000"), "%Y-%m-%dT%H:%MZ:%S%z"))
        .ok()
        .map(|at| until(at.with_timezone(&Utc)))
}

/// Jira's `errorMessages` and `errors` joined, else the start of the body.
fn error_message(body: &[u8]) -> String {
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return String::from_utf8_lossy(body).chars().take(300).collect();
    };
    let mut parts: Vec<String> = json
        .get("errorMessages")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if let Some(errors) = json.get("errors").and_then(Value::as_object) {
        parts.extend(
            errors
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default())),
        );
    }
    parts.join("; ")
}

fn describe(e: &reqwest::Error) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retry_after_beats_reset_header() {
        let date = "Tue, 24 Nov 2026 10:04:00 GMT";
        let h = headers(&[
            ("date", date),
            ("retry-after", "3"),
            ("x-ratelimit-reset", "2026-11-24T10:05Z"),
        ]);
        assert_eq!(server_wait(&h), Some(Duration::from_secs(3)));
        let h = headers(&[("date", date), ("x-ratelimit-reset", "2026-11-24T10:05Z")]);
        assert_eq!(server_wait(&h), Some(Duration::from_secs(60)));
        let h = headers(&[
            ("date", date),
            ("retry-after", "Tue, 24 Nov 2026 10:04:05 GMT"),
        ]);
        assert_eq!(server_wait(&h), Some(Duration::from_secs(5)));
        assert_eq!(server_wait(&headers(&[("retry-after", "later")])), None);
    }

    #[test]
    fn joins_jira_error_bodies() {
        let body = br#"{"errorMessages":["Bad JQL"],"errors":{"jql":"unbounded"}}"#;
        assert_eq!(error_message(body), "Bad JQL; jql: unbounded");
        assert_eq!(error_message(b"oops"), "oops");
    }
}
