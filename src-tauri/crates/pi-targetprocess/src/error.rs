//! Errors the sync engine can act on. Every request error names the method and the path (with
//! credentials redacted); none ever carries a token.

use std::time::Duration;

/// A configuration value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid Targetprocess base URL: {0}")]
    BaseUrl(String),
    #[error("could not build the HTTP client: {0}")]
    Http(String),
}

/// A failed Targetprocess call, classified by what the caller can do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TpError {
    /// 401/403: wrong or revoked credentials, or no permission. Never retried.
    #[error("{method} {path}: not authorised (HTTP {status}); check the access token")]
    Auth {
        method: String,
        path: String,
        status: u16,
    },
    /// 404: the entity or resource does not exist (or was deleted).
    #[error("{method} {path}: not found")]
    NotFound { method: String, path: String },
    /// 400 (and other 4xx): TP refused the request; `message` is TP's `Message`.
    #[error("{method} {path}: rejected by Targetprocess (HTTP {status}): {message}")]
    Validation {
        method: String,
        path: String,
        status: u16,
        message: String,
    },
    /// 429 (or 503 with `Retry-After`) and the retry budget is spent.
    #[error("{method} {path}: rate limited by Targetprocess{}", retry_hint(*.retry_after))]
    RateLimited {
        method: String,
        path: String,
        retry_after: Option<Duration>,
    },
    /// 5xx after the retries the request was allowed.
    #[error("{method} {path}: Targetprocess server error (HTTP {status}): {message}")]
    Server {
        method: String,
        path: String,
        status: u16,
        message: String,
    },
    /// Connection refused or dropped, timeout: the request may or may not have been applied.
    #[error("{method} {path}: network error: {message}")]
    Network {
        method: String,
        path: String,
        message: String,
    },
    /// The response was not the JSON expected.
    #[error("{method} {path}: unexpected response: {message}")]
    Decode {
        method: String,
        path: String,
        message: String,
    },
    /// A redirect to another origin (scheme, host or port) than the configured URL's: not
    /// followed, so that the credentials never leave the configured address. `to` is the
    /// target's origin only.
    #[error(
        "{method} {path}: Targetprocess redirected (HTTP {status}) to {to}, another address than the configured one; not followed, so the access token stays with the configured address. Check the Targetprocess URL (https or http, host name); if {to} is the right address, configure that one"
    )]
    Redirected {
        method: String,
        path: String,
        status: u16,
        to: String,
    },
    /// An answer or a collection read went past one of the configured [`crate::Limits`].
    #[error(
        "{method} {path}: {what} is over the limit of {limit} ({setting}); Targetprocess may be misbehaving, or the limit is too low for this account"
    )]
    LimitExceeded {
        method: String,
        path: String,
        what: &'static str,
        limit: u64,
        setting: &'static str,
    },
    /// A state name that the entity type's workflow does not have.
    #[error("no {entity_type} state named {name:?} in Targetprocess")]
    UnknownState { entity_type: String, name: String },
}

fn retry_hint(retry_after: Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |d| {
        format!("; retry after {} s", d.as_secs_f64().ceil())
    })
}

impl TpError {
    /// True when the same request may succeed later without any change (throttling, server or
    /// network trouble).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            TpError::RateLimited { .. } | TpError::Server { .. } | TpError::Network { .. }
        )
    }

    /// True when a write may have been applied although it reported failure (an answer over
    /// the size limit may belong to an applied write).
    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            TpError::Server { .. } | TpError::Network { .. } | TpError::LimitExceeded { .. }
        )
    }
}

// The shared layer's classification in Targetprocess's terms; error bodies give TP's `Message`.
pi_http::client_error_from_http!(
    TpError,
    message: tp_message,
    not_found: |method, path, _| TpError::NotFound { method, path },
);

/// TP's `Message` from an error body, else the body text (shortened). The layer has already
/// removed credentials from the body.
fn tp_message(body: &str) -> String {
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(body)
        && let Some(msg) = json.get("Message").and_then(serde_json::Value::as_str)
    {
        return msg.to_owned();
    }
    body.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_give_tp_s_message() {
        assert_eq!(
            tp_message(r#"{"Status":"BadRequest","Message":"Bad where"}"#),
            "Bad where"
        );
        assert_eq!(tp_message(&"x".repeat(400)).len(), 300);
        let e = pi_http::HttpError {
            method: "POST".into(),
            path: "Features?format=json".into(),
            kind: pi_http::ErrorKind::Rejected {
                status: 400,
                body: r#"{"Message":"Name is required"}"#.into(),
            },
        };
        assert_eq!(
            TpError::from(e).to_string(),
            "POST Features?format=json: rejected by Targetprocess (HTTP 400): Name is required"
        );
    }
}
