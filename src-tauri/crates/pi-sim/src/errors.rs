//! Error answers in the shapes of the simulated services: TP's
//! `{Status, Message, Type, Details, ErrorId}` and Jira's `{errorMessages, errors}`.
//!
//! Only response building; deciding which error applies is the caller's job.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

static ERROR_COUNTER: AtomicU64 = AtomicU64::new(1);

/// A GUID-shaped, unique error id.
fn error_id() -> String {
    let n = ERROR_COUNTER.fetch_add(1, Ordering::Relaxed);
    let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        (n >> 4) & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

fn status_name(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        _ => "InternalServerError",
    }
}

/// The TP error object (see the TP API reference §7).
pub fn tp_body(status: StatusCode, message: &str) -> Value {
    let (kind, details) = if status.is_server_error() {
        ("Internal", "Tp.Core.ServerErrorDetails")
    } else {
        (
            "Presentational",
            "Tp.Integration.Common.Exceptions.Dtos.PresentationExceptionDetails",
        )
    };
    json!({
        "Status": status_name(status),
        "Message": message,
        "Type": kind,
        "Details": details,
        "ErrorId": error_id(),
    })
}

pub fn tp(status: StatusCode, message: impl AsRef<str>) -> Response {
    (status, axum::Json(tp_body(status, message.as_ref()))).into_response()
}

pub fn tp_bad_request(message: impl AsRef<str>) -> Response {
    tp(StatusCode::BAD_REQUEST, message)
}

pub fn tp_not_found(message: impl AsRef<str>) -> Response {
    tp(StatusCode::NOT_FOUND, message)
}

/// Jira's error body.
pub fn jira(status: StatusCode, messages: &[&str], errors: Value) -> Response {
    let body = json!({ "errorMessages": messages, "errors": errors });
    (status, axum::Json(body)).into_response()
}

/// 429/503 with `Retry-After` in the shape of the service that was called.
pub fn throttled(status: StatusCode, retry_after_secs: u64, jira_api: bool) -> Response {
    let msg = "Too many requests, retry later";
    let mut resp = if jira_api {
        jira(status, &[msg], json!({}))
    } else {
        tp(status, msg)
    };
    if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// Jira Cloud's rate-limit headers on a throttled answer: the quota, nothing remaining, the
/// reset instant (`reset_ms`, epoch ms) as an ISO-8601 UTC timestamp, and the reason.
pub fn jira_rate_headers(resp: &mut Response, limit: u32, reset_ms: i64) {
    let reset = chrono::DateTime::from_timestamp_millis(reset_ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default();
    let headers = resp.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", limit.to_string()),
        ("x-ratelimit-remaining", "0".to_owned()),
        ("x-ratelimit-reset", reset),
        ("ratelimit-reason", "jira-quota-based".to_owned()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tp_body_has_every_field() {
        let b = tp_body(StatusCode::BAD_REQUEST, "boom");
        assert_eq!(b["Status"], "BadRequest");
        assert_eq!(b["Message"], "boom");
        assert_eq!(b["Type"], "Presentational");
        let id = b["ErrorId"].as_str().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert_ne!(id, tp_body(StatusCode::BAD_REQUEST, "x")["ErrorId"]);
    }
}
