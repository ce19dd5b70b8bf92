//! Reading a server's back-off signal with checked arithmetic: `Retry-After` as seconds or as an
//! HTTP date, and rate-limit reset headers (an ISO timestamp, epoch seconds or seconds from
//! now). Whatever the header says, the result is a [`Duration`] of at most [`MAX_SERVER_WAIT`]
//! (the retry loop then compares it with its own wait budget).

use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

/// The longest wait a server can ask for; larger values (`1e30`, a date in the year 9999) mean
/// "not within any wait budget" and are read as this.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// Reset values at or above this many seconds are epoch timestamps, below it seconds from now.
const EPOCH_FROM: u64 = 1_000_000_000;

/// The wait a `Retry-After` value asks for. An HTTP date is measured from `now` (the response's
/// `Date` header when there is one, so client clock skew does not matter); a past date means 0.
/// Negative, NaN or infinite seconds and anything else unreadable give `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return seconds(value);
    }
    Some(until(parse_http_date(value)?, now))
}

/// The wait until a rate-limit window resets: an ISO-8601 timestamp (Jira's
/// `2026-11-24T10:05Z`), epoch seconds (GitHub) or seconds from now (`RateLimit-Reset`).
pub fn parse_reset(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(n) = value.parse::<u64>() {
        return Some(if n >= EPOCH_FROM {
            until(SystemTime::UNIX_EPOCH + Duration::from_secs(n), now)
        } else {
            Duration::from_secs(n).min(MAX_SERVER_WAIT)
        });
    }
    let at = DateTime::parse_from_rfc3339(value)
        .or_else(|_| DateTime::parse_from_str(&format!("{value}:00+0000"), "%Y-%m-%dT%H:%MZ:%S%z"))
        .ok()?;
    Some(until(SystemTime::from(at.with_timezone(&Utc)), now))
}

/// The `Date` header value as a time, if present and valid.
pub fn parse_http_date(value: &str) -> Option<SystemTime> {
    DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|d| SystemTime::from(d.with_timezone(&Utc)))
}

/// The server's back-off for one answer: `Retry-After` first; for a 429 without it, or a 403
/// with `X-RateLimit-Remaining: 0` (GitHub's primary limit), the reset of the rate-limit window
/// (`X-RateLimit-Reset`, `RateLimit-Reset`). Measured from the answer's `Date` header when it
/// has one.
pub fn server_wait(headers: &HeaderMap, status: u16) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let now = text("date")
        .and_then(parse_http_date)
        .unwrap_or_else(SystemTime::now);
    if let Some(wait) = text("retry-after").and_then(|v| parse_retry_after(v, now)) {
        return Some(wait);
    }
    let spent = text("x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
    if status != 429 && !(status == 403 && spent) {
        return None;
    }
    text("x-ratelimit-reset")
        .or_else(|| text("ratelimit-reset"))
        .and_then(|v| parse_reset(v, now))
}

fn until(at: SystemTime, now: SystemTime) -> Duration {
    at.duration_since(now)
        .unwrap_or(Duration::ZERO)
        .min(MAX_SERVER_WAIT)
}

/// Non-negative seconds (integer, fraction or exponent form), capped at [`MAX_SERVER_WAIT`].
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

#[cfg(test)]
#[path = "retry_after_tests.rs"]
mod tests;
