//! One Targetprocess answer read into JSON or a classified failure: the body is read chunk by
//! chunk against the size limit (never held whole when it is over it), a redirect the client
//! did not follow becomes [`TpError::Redirected`], and error bodies give TP's `Message`.

use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::error::TpError;
use crate::http::{Failure, decode, describe, network};
use crate::redact::redact;
use crate::retry_after::{parse_http_date, parse_retry_after};

pub(crate) async fn read_response(
    method: &Method,
    shown: &str,
    response: reqwest::Response,
    limit: u64,
) -> Result<Value, Failure> {
    let status = response.status();
    let retry_after = retry_after_of(&response);
    if status.is_redirection() {
        return Err(fail(redirected(method, shown, &response), None));
    }
    let bytes = read_body(method, shown, response, limit).await?;
    if status.is_success() {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        return serde_json::from_slice(&bytes)
            .map_err(|e| fail(decode(method, shown, format!("invalid JSON: {e}")), None));
    }
    let message = error_message(&bytes);
    tracing::debug!(method = %method, path = %shown, status = status.as_u16(), "Targetprocess error response");
    Err(Failure {
        error: classify(method, shown, status, message, retry_after),
        not_applied: status == StatusCode::TOO_MANY_REQUESTS,
        retry_after,
    })
}

fn fail(error: TpError, retry_after: Option<Duration>) -> Failure {
    Failure {
        error,
        retry_after,
        not_applied: false,
    }
}

/// The body, read incrementally; past `limit` bytes (or announced as longer) the read stops
/// with [`TpError::LimitExceeded`] and the connection is dropped.
async fn read_body(
    method: &Method,
    shown: &str,
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Vec<u8>, Failure> {
    let too_large = || {
        fail(
            TpError::LimitExceeded {
                method: method.to_string(),
                path: shown.to_owned(),
                what: "the answer's size in bytes",
                limit,
                setting: "Limits::max_response_bytes",
            },
            None,
        )
    };
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    loop {
        let chunk = response
            .chunk()
            .await
            .map_err(|e| fail(network(method, shown, describe(&e)), None))?;
        let Some(chunk) = chunk else {
            return Ok(body);
        };
        if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
}

/// A 3xx answer: the redirect policy stopped it because it leads to another origin.
fn redirected(method: &Method, shown: &str, response: &reqwest::Response) -> TpError {
    let to = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| response.url().join(v).ok())
        .map_or_else(
            || "an address it did not give".to_owned(),
            |u| u.origin().ascii_serialization(),
        );
    TpError::Redirected {
        method: method.to_string(),
        path: shown.to_owned(),
        status: response.status().as_u16(),
        to,
    }
}

fn classify(
    method: &Method,
    shown: &str,
    status: StatusCode,
    message: String,
    retry_after: Option<Duration>,
) -> TpError {
    let (method, path) = (method.to_string(), shown.to_owned());
    let code = status.as_u16();
    match code {
        401 | 403 => TpError::Auth {
            method,
            path,
            status: code,
        },
        404 => TpError::NotFound { method, path },
        429 => TpError::RateLimited {
            method,
            path,
            retry_after,
        },
        503 if retry_after.is_some() => TpError::RateLimited {
            method,
            path,
            retry_after,
        },
        500..=599 => TpError::Server {
            method,
            path,
            status: code,
            message,
        },
        _ => TpError::Validation {
            method,
            path,
            status: code,
            message,
        },
    }
}

fn retry_after_of(response: &reqwest::Response) -> Option<Duration> {
    let headers = response.headers();
    let now = headers
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_http_date)
        .unwrap_or_else(SystemTime::now);
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now))
}

/// TP's `Message` from an error body, else the body text (shortened), else nothing.
fn error_message(body: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<Value>(body)
        && let Some(msg) = json.get("Message").and_then(Value::as_str)
    {
        return redact(msg);
    }
    let text = String::from_utf8_lossy(body);
    redact(&text.chars().take(300).collect::<String>())
}
