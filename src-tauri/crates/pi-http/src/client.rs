//! [`Client`]: the one way a PI Planner client sends HTTP. Each attempt waits for a permit
//! (bounded concurrency) and the client-side rate limit, then runs with the timeouts; requests
//! safe to repeat are retried with exponential back-off and jitter, a server's back-off signal
//! replaces the computed delay, and all waiting of one request is capped by a total budget.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultDirectRateLimiter, Quota as Rate, RateLimiter};
use serde_json::Value;
use tokio::sync::Semaphore;
use url::Url;

use crate::auth::{Attach, Auth};
use crate::clock::ServerDate;
use crate::counters::{Counters, Tally};
use crate::error::{ErrorKind, HttpError};
use crate::quota::Quota;
use crate::redact::Redactor;
use crate::request::{Answer, Request};
use crate::response::Failure;
use crate::settings::{Limits, Settings};

/// The client could not be built. The texts are short, for a client's own configuration error
/// to wrap ("could not build the HTTP client: ...").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The TLS or HTTP stack refused the settings.
    #[error("{0}")]
    Http(String),
    /// The credential cannot be sent (e.g. a line break in a token).
    #[error("unusable credential: {0}")]
    Credential(String),
}

/// One server's HTTP client: one connection pool, one rate limiter, one semaphore, one set of
/// counters and the server's latest quota. Cheap to share by reference; all methods take
/// `&self`.
pub struct Client {
    /// The server's name in log lines ("Targetprocess", "Jira").
    service: &'static str,
    http: reqwest::Client,
    root: Url,
    attach: Attach,
    redactor: Redactor,
    permits: Semaphore,
    limiter: DefaultDirectRateLimiter,
    pub(crate) settings: Settings,
    pub(crate) tally: Tally,
    pub(crate) quota: Mutex<Quota>,
    pub(crate) server_date: Mutex<Option<ServerDate>>,
    /// Headers every request carries besides `Accept` and the credential (see
    /// [`Client::with_headers`]); they replace a header of the same name.
    headers: reqwest::header::HeaderMap,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("service", &self.service)
            .field("root", &self.redact(self.root.as_str()))
            .field("counters", &self.counters())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the server at `root` (paths of requests are joined to it). `secrets` are
    /// further values never to be shown (e.g. a webhook URL that is itself the secret).
    pub fn new(
        service: &'static str,
        root: Url,
        auth: &Auth,
        secrets: &[&str],
        settings: &Settings,
    ) -> Result<Self, BuildError> {
        let mut redactor = Redactor::default();
        secrets.iter().for_each(|s| redactor.add(s));
        let attach = Attach::new(auth, &mut redactor).map_err(BuildError::Credential)?;
        // TLS is always verified: the builder's certificate checks are never turned off.
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .redirect(reqwest::redirect::Policy::custom(same_origin_only))
            .referer(false)
            .build()
            .map_err(|e| BuildError::Http(redactor.apply(&e.to_string())))?;
        let concurrency = settings.concurrency.max(1);
        let rate = NonZeroU32::new(settings.requests_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(u32::try_from(concurrency).unwrap_or(u32::MAX))
            .unwrap_or(NonZeroU32::MIN);
        Ok(Self {
            service,
            http,
            root,
            attach,
            redactor,
            permits: Semaphore::new(concurrency),
            limiter: RateLimiter::direct(Rate::per_second(rate).allow_burst(burst)),
            settings: settings.clone(),
            tally: Tally::default(),
            quota: Mutex::new(Quota::default()),
            server_date: Mutex::new(None),
            headers: reqwest::header::HeaderMap::new(),
        })
    }

    /// The client, every request of which also carries `headers` (a server's required
    /// `User-Agent`, its API version, its own `Accept`); each replaces a header of that name.
    pub fn with_headers(mut self, headers: &[(&str, &str)]) -> Result<Self, BuildError> {
        for (name, value) in headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| BuildError::Http(format!("header name {name:?}: {e}")))?;
            let value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|e| BuildError::Http(format!("header {name}: {e}")))?;
            self.headers.insert(name, value);
        }
        Ok(self)
    }

    pub fn root(&self) -> &Url {
        &self.root
    }

    pub fn limits(&self) -> &Limits {
        &self.settings.limits
    }

    /// Requests, retries and waits since the client was created.
    pub fn counters(&self) -> Counters {
        self.tally.snapshot()
    }

    /// The latest rate-limit information the server sent.
    pub fn quota(&self) -> Quota {
        self.quota
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The server's clock from the newest answer with a `Date` header (any status), and when it
    /// came; `None` before any such answer.
    pub fn server_date(&self) -> Option<ServerDate> {
        *self
            .server_date
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `text` without this client's secrets and without credential parameters or user
    /// information of URLs.
    pub fn redact(&self, text: &str) -> String {
        self.redactor.apply(text)
    }

    /// Sends `request` (with retries as its replay rule allows) and returns the 2xx answer.
    pub async fn send(&self, request: &Request<'_>) -> Result<Answer, HttpError> {
        let url = self.url(request)?;
        let shown = self.shown_path(&url);
        let span = tracing::debug_span!(
            "http",
            service = self.service,
            method = %request.method,
            path = %shown,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            retries = tracing::field::Empty,
            waited_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let waits = Mutex::new(Waits::default());
        let result = tracing::Instrument::instrument(
            self.with_retries(request, &url, &shown, &waits),
            span.clone(),
        )
        .await;
        let waits = *waits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.finish(&span, &result, started.elapsed(), waits);
        result.map_err(|f| f.error)
    }

    /// [`Client::send`], the answer read as JSON (an empty body is `null`).
    pub async fn json(&self, request: &Request<'_>) -> Result<Value, HttpError> {
        self.send(request).await?.json()
    }

    async fn with_retries(
        &self,
        request: &Request<'_>,
        url: &Url,
        shown: &str,
        waits: &Mutex<Waits>,
    ) -> Result<Answer, Failure> {
        let retry = &self.settings.retry;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(retry.initial_backoff)
            .with_max_delay(retry.max_backoff)
            .with_max_times(retry.max_retries)
            .with_jitter();
        (|| self.attempt(request, url, shown))
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(|f: &Failure| retryable(f, request.safe))
            .adjust(|f: &Failure, computed| self.next_wait(f, computed, waits))
            .notify(|f: &Failure, wait| {
                self.tally.retry(wait, f.throttled());
                let wait_ms = millis(wait);
                tracing::warn!(error = %f.error, wait_ms, "retrying {} request", self.service);
            })
            .await
    }

    /// Server signal first, then the computed back-off; `None` once the wait would go past the
    /// total budget (a server asking for longer than the whole budget ends the retries at once).
    fn next_wait(
        &self,
        failure: &Failure,
        computed: Option<Duration>,
        waits: &Mutex<Waits>,
    ) -> Option<Duration> {
        let wait = failure.retry_after.or(computed)?;
        let mut waits = waits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let after = waits.waited.checked_add(wait)?;
        if after > self.settings.retry.max_total_wait {
            return None;
        }
        waits.waited = after;
        waits.retries += 1;
        Some(wait)
    }

    async fn attempt(
        &self,
        request: &Request<'_>,
        url: &Url,
        shown: &str,
    ) -> Result<Answer, Failure> {
        let method = &request.method;
        let _permit = self.permits.acquire().await.map_err(|_| Failure {
            not_applied: true,
            ..Failure::new(HttpError::new(
                method,
                shown,
                ErrorKind::Network {
                    message: "the client is shutting down".into(),
                },
            ))
        })?;
        self.limiter.until_ready().await;
        let builder = self.http.request(method.clone(), url.clone());
        let builder = builder
            .header(reqwest::header::ACCEPT, "application/json")
            .headers(self.headers.clone());
        let mut builder = self.attach.to(builder);
        if let Some(json) = request.body {
            builder = builder.json(json);
        }
        self.tally.sent();
        let response = builder.send().await.map_err(|e| Failure {
            not_applied: e.is_connect(),
            ..Failure::new(self.network(method, shown, &e))
        })?;
        self.read_response(method, shown, response).await
    }

    fn url(&self, request: &Request<'_>) -> Result<Url, HttpError> {
        let mut url = self.root.join(request.path).map_err(|e| {
            let message = format!("bad request path: {e}");
            HttpError::new(
                &request.method,
                &self.redact(request.path),
                ErrorKind::Decode { message },
            )
        })?;
        if !request.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in request.query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// The request's path and query for messages and log lines, redacted (the URL carries no
    /// credential at this point; redacted anyway).
    fn shown_path(&self, url: &Url) -> String {
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        self.redact(&path)
    }

    /// Records the outcome on the request's span and logs it at debug.
    fn finish(
        &self,
        span: &tracing::Span,
        result: &Result<Answer, Failure>,
        elapsed: Duration,
        waits: Waits,
    ) {
        let status = match result {
            Ok(answer) => Some(answer.status),
            Err(failure) => failure.status,
        };
        let (duration_ms, waited_ms) = (millis(elapsed), millis(waits.waited));
        let retries = waits.retries;
        if let Some(status) = status {
            span.record("status", status);
        }
        span.record("duration_ms", duration_ms);
        span.record("retries", retries);
        span.record("waited_ms", waited_ms);
        span.in_scope(|| match result {
            Ok(_) => tracing::debug!(status, duration_ms, retries, waited_ms, "{} request", self.service),
            Err(f) => tracing::debug!(status, duration_ms, retries, waited_ms, error = %f.error, "{} request failed", self.service),
        });
    }
}

/// How often and how long one request waited between attempts.
#[derive(Clone, Copy, Debug, Default)]
struct Waits {
    retries: u32,
    waited: Duration,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Follows a redirect only within the origin (scheme, host, port) of the request it answers, at
/// most ten times: a credential never goes anywhere else. A redirect elsewhere is handed back as
/// the 3xx answer, which becomes [`ErrorKind::Redirected`].
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

/// Whether a failed attempt may be sent again: a request not safe to replay only when the
/// server surely did not process it; others after throttling, network trouble and the 5xx that
/// mean "try again" (or any 5xx with a back-off signal).
fn retryable(failure: &Failure, safe: bool) -> bool {
    if !safe {
        return failure.not_applied;
    }
    match &failure.error.kind {
        ErrorKind::RateLimited { .. } | ErrorKind::Network { .. } => true,
        ErrorKind::Server { status, .. } => {
            matches!(status, 500 | 502 | 503 | 504) || failure.retry_after.is_some()
        }
        _ => false,
    }
}
