//! Reading a server's back-off signal: `Retry-After` as seconds or as an HTTP date, with checked
//! arithmetic: whatever the header says, the result is a [`Duration`] of at most
//! [`MAX_SERVER_WAIT`] (the retry loop then compares it with its own wait budget).

use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};

/// The longest wait a server can ask for; larger values (`1e30`, a date in the year 9999) mean
/// "not within any wait budget" and are read as this.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// The wait a `Retry-After` value asks for. An HTTP date is measured from `now` (the response's
/// `Date` header when there is one, so client clock skew does not matter); a past date means 0.
/// Negative, NaN or infinite seconds and anything else unreadable give `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return seconds(value);
    }
    let at = parse_http_date(value)?;
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_SERVER_WAIT),
    )
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

/// The `Date` header value as a time, if present and valid.
pub fn parse_http_date(value: &str) -> Option<SystemTime> {
    DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|d| SystemTime::from(d.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap()
    }

    #[test]
    fn seconds_and_dates() {
        let now = now();
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn absurd_values_are_capped_not_a_panic() {
        let now = now();
        assert_eq!(parse_retry_after("1e30", now), Some(MAX_SERVER_WAIT));
        assert_eq!(
            parse_retry_after("99999999999999999999999999999999", now),
            Some(MAX_SERVER_WAIT)
        );
        assert_eq!(
            parse_retry_after("18446744073709551616", now),
            Some(MAX_SERVER_WAIT)
        );
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now),
            Some(MAX_SERVER_WAIT)
        );
    }

    #[test]
    fn negative_nan_and_infinite_values_are_ignored() {
        let now = now();
        for bad in [
            "-1", "-0.5", "NaN", "nan", "inf", "+inf", "-inf", "infinity", "1e999",
        ] {
            let got = parse_retry_after(bad, now);
            // `1e999` parses as infinity: not finite, so ignored like `inf`.
            assert_eq!(got, None, "{bad}");
        }
    }
}
