//! One Jira answer read into JSON or a classified failure: the body is read chunk by chunk
//! against the size limit, a redirect the client did not follow becomes
//! [`JiraError::Redirected`], and the server's back-off (`Retry-After` as seconds or a date,
//! else `X-RateLimit-Reset`) is read with checked arithmetic and capped at [`MAX_SERVER_WAIT`].

use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::error::JiraError;
use crate::http::{Failure, describe};

/// The longest wait a server can ask for; larger values mean "not within any wait budget".
pub(crate) const MAX_SERVER_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// The answer as JSON, or the failure; `scrub` removes the API token from any message.
pub(crate) async fn read_response(
    method: &Method,
    path: &str,
    response: reqwest::Response,
    limit: u64,
    scrub: &dyn Fn(&str) -> String,
) -> Result<Value, Failure> {
    let status = response.status().as_u16();
    let retry_after = server_wait(response.headers());
    let fail = |error| Failure {
        error,
        retry_after: None,
    };
    if response.status().is_redirection() {
        return Err(fail(redirected(method, path, &response)));
    }
    let bytes = read_body(method, path, response, limit)
        .await
        .map_err(|e| match e {
            JiraError::Network {
                method,
                path,
                message,
            } => fail(JiraError::Network {
                method,
                path,
                message: scrub(&message),
            }),
            other => fail(other),
        })?;
    if (200..300).contains(&status) {
        return serde_json::from_slice(&bytes).map_err(|e| {
            fail(JiraError::Decode {
                method: method.to_string(),
                path: path.to_owned(),
                message: e.to_string(),
            })
        });
    }
    let message = scrub(&error_message(&bytes));
    Err(Failure {
        error: classify(method, path, status, message, retry_after),
        retry_after,
    })
}

/// The body, read incrementally; past `limit` bytes (or announced as longer) the read stops
/// with [`JiraError::LimitExceeded`] and the connection is dropped.
async fn read_body(
    method: &Method,
    path: &str,
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Vec<u8>, JiraError> {
    let too_large = || JiraError::LimitExceeded {
        method: method.to_string(),
        path: path.to_owned(),
        what: "the answer's size in bytes",
        limit,
        setting: "Limits::max_response_bytes",
    };
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| JiraError::Network {
        method: method.to_string(),
        path: path.to_owned(),
        message: describe(&e),
    })? {
        if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A 3xx answer: the redirect policy stopped it because it leads to another origin.
fn redirected(method: &Method, path: &str, response: &reqwest::Response) -> JiraError {
    let to = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| response.url().join(v).ok())
        .map_or_else(
            || "an address it did not give".to_owned(),
            |u| u.origin().ascii_serialization(),
        );
    JiraError::Redirected {
        method: method.to_string(),
        path: path.to_owned(),
        status: response.status().as_u16(),
        to,
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

/// `Retry-After` (seconds or HTTP date) beats `X-RateLimit-Reset` (ISO timestamp); negative,
/// NaN or infinite seconds are ignored, and every wait is at most [`MAX_SERVER_WAIT`].
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
    let until = |at: DateTime<Utc>| {
        (at - now)
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(MAX_SERVER_WAIT)
    };
    if let Some(v) = text("retry-after") {
        if v.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            if let Some(wait) = seconds(v) {
                return Some(wait);
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

/// Non-negative, finite seconds, capped at [`MAX_SERVER_WAIT`].
fn seconds(value: &str) -> Option<Duration> {
    let secs = value.parse::<f64>().ok()?;
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Some(
        Duration::try_from_secs_f64(secs)
            .unwrap_or(MAX_SERVER_WAIT)
            .min(MAX_SERVER_WAIT),
    )
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
    fn absurd_waits_are_capped_or_ignored_never_a_panic() {
        let date = "Tue, 24 Nov 2026 10:04:00 GMT";
        for huge in [
            "1e30",
            "99999999999999999999999",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            let h = headers(&[("date", date), ("retry-after", huge)]);
            assert_eq!(server_wait(&h), Some(MAX_SERVER_WAIT), "{huge}");
        }
        for bad in ["-1", "NaN", "inf", "1e999"] {
            let h = headers(&[("date", date), ("retry-after", bad)]);
            assert_eq!(server_wait(&h), None, "{bad}");
        }
        let h = headers(&[("date", date), ("x-ratelimit-reset", "9999-12-31T23:59Z")]);
        assert_eq!(server_wait(&h), Some(MAX_SERVER_WAIT));
    }

    #[test]
    fn joins_jira_error_bodies() {
        let body = br#"{"errorMessages":["Bad JQL"],"errors":{"jql":"unbounded"}}"#;
        assert_eq!(error_message(body), "Bad JQL; jql: unbounded");
        assert_eq!(error_message(b"oops"), "oops");
    }
}
