//! The outcome of a request that did not succeed, classified into what a client can act on.
//! Every client maps these to its own error type (and parses its server's error bodies); none
//! of them ever holds a credential.

use std::time::Duration;

use crate::settings::Exceeded;

/// A request that failed for good (after the retries it was allowed). `path` is the request's
/// path and query with credentials redacted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{method} {path}: {kind}")]
pub struct HttpError {
    pub method: String,
    pub path: String,
    pub kind: ErrorKind,
}

/// What went wrong, by what the caller can do about it. Bodies are the server's answer as text
/// with known secrets and credential parameters redacted; the client extracts its message.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// 401/403: wrong or revoked credentials, or no permission. Never retried.
    #[error("not authorised (HTTP {status})")]
    Auth { status: u16 },
    /// 404.
    #[error("not found")]
    NotFound { body: String },
    /// Another 4xx: the server refused the request as sent.
    #[error("rejected (HTTP {status})")]
    Rejected { status: u16, body: String },
    /// 429, or 503 with a back-off signal, and the retry budget is spent.
    #[error("rate limited")]
    RateLimited { retry_after: Option<Duration> },
    /// 5xx after the retries the request was allowed.
    #[error("server error (HTTP {status})")]
    Server { status: u16, body: String },
    /// Connection refused or dropped, timeout: a write may or may not have been applied.
    #[error("network error: {message}")]
    Network { message: String },
    /// The answer was not what was expected (e.g. not JSON).
    #[error("unexpected response: {message}")]
    Decode { message: String },
    /// A redirect to another origin, not followed; `to` is the target's origin only.
    #[error("redirected (HTTP {status}) to {to}; not followed")]
    Redirected { status: u16, to: String },
    /// The answer went past [`crate::Limits::max_response_bytes`] (or a paged read past
    /// another bound of [`crate::Limits`]).
    #[error("{} is over the limit of {} ({})", .0.what, .0.limit, .0.setting)]
    LimitExceeded(Exceeded),
}

impl HttpError {
    pub(crate) fn new(method: &reqwest::Method, path: &str, kind: ErrorKind) -> Self {
        Self {
            method: method.to_string(),
            path: path.to_owned(),
            kind,
        }
    }
}
