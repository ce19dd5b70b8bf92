//! The server's clock as its last answer's `Date` header gave it, beside this machine's clock when
//! the answer arrived: how far the two differ ([`ServerDate::skew_secs`]) tells a health check
//! whether timestamps written here (op log, leases, approvals) agree with the server's.

use std::time::SystemTime;

use reqwest::header::HeaderMap;

/// The `Date` of the newest answer that carried one, and when it was received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerDate {
    /// The server's time (`Date`, whole seconds).
    pub date: SystemTime,
    /// This machine's time when the answer's headers arrived.
    pub received: SystemTime,
}

impl ServerDate {
    /// The answer's `Date`, received now; `None` without a readable one.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let text = headers.get(reqwest::header::DATE)?.to_str().ok()?;
        Some(Self {
            date: crate::retry_after::parse_http_date(text.trim())?,
            received: SystemTime::now(),
        })
    }

    /// Seconds this machine's clock is ahead of the server's (negative: behind). `Date` has
    /// whole seconds, so a difference under a second means nothing.
    pub fn skew_secs(&self) -> f64 {
        match self.received.duration_since(self.date) {
            Ok(ahead) => ahead.as_secs_f64(),
            Err(behind) => -behind.duration().as_secs_f64(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::time::Duration;

    #[test]
    fn reads_the_date_header_and_the_difference_either_way() {
        let mut h = HeaderMap::new();
        assert_eq!(ServerDate::from_headers(&h), None);
        h.insert("date", HeaderValue::from_static("not a date"));
        assert_eq!(ServerDate::from_headers(&h), None);
        h.insert(
            "date",
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        let d = ServerDate::from_headers(&h).unwrap();
        let epoch = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(d.date, epoch);
        let ahead = ServerDate {
            date: epoch,
            received: epoch + Duration::from_secs(90),
        };
        assert!((ahead.skew_secs() - 90.0).abs() < 1e-9);
        let behind = ServerDate {
            date: epoch + Duration::from_secs(30),
            received: epoch,
        };
        assert!((behind.skew_secs() + 30.0).abs() < 1e-9);
    }
}
