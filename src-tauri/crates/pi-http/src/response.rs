//! One answer read into an [`Answer`] or a classified failure: the server's back-off and quota
//! headers are recorded, the body is read chunk by chunk against the size limit (never held
//! whole when it is over it), and a redirect the client did not follow becomes
//! [`ErrorKind::Redirected`].

use std::time::Duration;

use reqwest::Method;

use crate::client::Client;
use crate::clock::ServerDate;
use crate::error::{ErrorKind, HttpError};
use crate::quota::Quota;
use crate::request::Answer;
use crate::retry_after::server_wait;
use crate::settings::Exceeded;

/// One failed attempt: the classified error plus what the retry loop needs to know.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: HttpError,
    /// The server's back-off request, if any.
    pub(crate) retry_after: Option<Duration>,
    /// The request certainly did not reach the application (429, connect error).
    pub(crate) not_applied: bool,
    /// The HTTP status, when an answer came.
    pub(crate) status: Option<u16>,
}

impl Failure {
    pub(crate) fn new(error: HttpError) -> Self {
        Self {
            error,
            retry_after: None,
            not_applied: false,
            status: None,
        }
    }

    /// A 429 or 503, or a 403 with a back-off signal: the server asked to slow down.
    pub(crate) fn throttled(&self) -> bool {
        matches!(self.status, Some(429 | 503))
            || (self.status == Some(403) && self.retry_after.is_some())
    }
}

impl Client {
    pub(crate) async fn read_response(
        &self,
        method: &Method,
        shown: &str,
        response: reqwest::Response,
    ) -> Result<Answer, Failure> {
        let status = response.status().as_u16();
        let retry_after = server_wait(response.headers(), status);
        self.record(response.headers(), status, retry_after);
        let error = |kind| HttpError::new(method, shown, kind);
        if response.status().is_redirection() {
            let mut failure = Failure::new(error(redirected(&response)));
            failure.status = Some(status);
            return Err(failure);
        }
        let headers = response.headers().clone();
        let body = self.read_body(method, shown, response).await?;
        if (200..300).contains(&status) {
            let (method, path) = (method.to_string(), shown.to_owned());
            return Ok(Answer {
                status,
                body,
                method,
                path,
                headers,
            });
        }
        // A 403 with a back-off signal is a rate limit (GitHub's secondary limits, its primary
        // limit once `X-RateLimit-Remaining` is 0), not a refusal of the credential.
        let limited = status == 429 || (status == 403 && retry_after.is_some());
        let text = self.redact(&String::from_utf8_lossy(&body));
        Err(Failure {
            error: error(classify(status, text, retry_after)),
            not_applied: limited,
            retry_after,
            status: Some(status),
        })
    }

    fn record(&self, headers: &reqwest::header::HeaderMap, status: u16, wait: Option<Duration>) {
        if matches!(status, 429 | 503) || (status == 403 && wait.is_some()) {
            self.tally.throttled();
        }
        if let Some(date) = ServerDate::from_headers(headers) {
            *self
                .server_date
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(date);
        }
        if let Some(quota) = Quota::from_headers(headers, wait) {
            *self
                .quota
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = quota;
        }
    }

    /// The body, read incrementally; past the limit (or announced as longer) the read stops
    /// with [`ErrorKind::LimitExceeded`] and the connection is dropped.
    async fn read_body(
        &self,
        method: &Method,
        shown: &str,
        mut response: reqwest::Response,
    ) -> Result<Vec<u8>, Failure> {
        let limit = self.settings.limits.max_response_bytes;
        let too_large = || {
            Failure::new(HttpError::new(
                method,
                shown,
                ErrorKind::LimitExceeded(Exceeded {
                    what: "the answer's size in bytes",
                    limit,
                    setting: "Limits::max_response_bytes",
                }),
            ))
        };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Failure::new(self.network(method, shown, &e)))?
        {
            if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// A network failure, described with its causes and redacted.
    pub(crate) fn network(&self, method: &Method, shown: &str, e: &reqwest::Error) -> HttpError {
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
        let message = self.redact(&text);
        HttpError::new(method, shown, ErrorKind::Network { message })
    }
}

/// A 3xx answer: the redirect policy stopped it because it leads to another origin.
fn redirected(response: &reqwest::Response) -> ErrorKind {
    let to = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| response.url().join(v).ok())
        .map_or_else(
            || "an address it did not give".to_owned(),
            |u| u.origin().ascii_serialization(),
        );
    ErrorKind::Redirected {
        status: response.status().as_u16(),
        to,
    }
}

fn classify(status: u16, body: String, retry_after: Option<Duration>) -> ErrorKind {
    match status {
        403 if retry_after.is_some() => ErrorKind::RateLimited { retry_after },
        401 | 403 => ErrorKind::Auth { status },
        404 => ErrorKind::NotFound { body },
        429 => ErrorKind::RateLimited { retry_after },
        503 if retry_after.is_some() => ErrorKind::RateLimited { retry_after },
        500..=599 => ErrorKind::Server { status, body },
        _ => ErrorKind::Rejected { status, body },
    }
}
