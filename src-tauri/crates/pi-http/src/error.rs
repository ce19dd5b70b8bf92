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
    /// An error of `kind` for a request; `path` must already be free of credentials (a client
    /// uses this for the bounds of its paged reads, see [`crate::PageBudget`]).
    pub fn new(method: &reqwest::Method, path: &str, kind: ErrorKind) -> Self {
        Self {
            method: method.to_string(),
            path: path.to_owned(),
            kind,
        }
    }
}

/// Implements `From<HttpError>` for a client's error enum that follows the clients' shape:
/// variants `Auth { method, path, status }`, `Validation { method, path, status, message }`,
/// `RateLimited { method, path, retry_after }`, `Server { method, path, status, message }`,
/// `Network`/`Decode { method, path, message }`, `Redirected { method, path, status, to }` and
/// `LimitExceeded { method, path, what, limit, setting }`. The client gives what is its own: how
/// its server's error body reads (`message: fn(&str) -> String`, the body already redacted) and
/// its not-found variant (`not_found: fn(method, path, message) -> Error`).
#[macro_export]
macro_rules! client_error_from_http {
    ($error:ident, message: $message:expr, not_found: $not_found:expr $(,)?) => {
        impl ::core::convert::From<$crate::HttpError> for $error {
            fn from(e: $crate::HttpError) -> Self {
                use $crate::ErrorKind as K;
                let message: fn(&str) -> String = $message;
                let not_found: fn(String, String, String) -> $error = $not_found;
                let $crate::HttpError { method, path, kind } = e;
                match kind {
                    K::Auth { status } => Self::Auth {
                        method,
                        path,
                        status,
                    },
                    K::NotFound { body } => not_found(method, path, message(&body)),
                    K::Rejected { status, body } => {
                        let message = message(&body);
                        Self::Validation {
                            method,
                            path,
                            status,
                            message,
                        }
                    }
                    K::RateLimited { retry_after } => Self::RateLimited {
                        method,
                        path,
                        retry_after,
                    },
                    K::Server { status, body } => {
                        let message = message(&body);
                        Self::Server {
                            method,
                            path,
                            status,
                            message,
                        }
                    }
                    K::Network { message } => Self::Network {
                        method,
                        path,
                        message,
                    },
                    K::Decode { message } => Self::Decode {
                        method,
                        path,
                        message,
                    },
                    K::Redirected { status, to } => Self::Redirected {
                        method,
                        path,
                        status,
                        to,
                    },
                    K::LimitExceeded(x) => {
                        let (what, limit, setting) = (x.what, x.limit, x.setting);
                        Self::LimitExceeded {
                            method,
                            path,
                            what,
                            limit,
                            setting,
                        }
                    }
                }
            }
        }
    };
}
