//! What the server says about its rate limit, recorded from every answer: `X-RateLimit-*` (Jira,
//! GitHub), the IETF `RateLimit-*` fields and `Retry-After`. A snapshot is exposed through
//! [`crate::Client::quota`] so a caller can slow down or tell the user before the server refuses.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// The latest rate-limit information a server sent (the answer that last carried any of it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed in the window (`X-RateLimit-Limit`, `RateLimit-Limit`).
    pub limit: Option<u64>,
    /// Requests left in the window (`X-RateLimit-Remaining`, `RateLimit-Remaining`).
    pub remaining: Option<u64>,
    /// When the window resets, as the server wrote it (an ISO timestamp, epoch seconds or
    /// seconds from now, depending on the server).
    pub reset: Option<String>,
    /// The server's last `Retry-After`, read as a wait (see [`crate::parse_retry_after`]).
    pub retry_after: Option<Duration>,
    /// Jira's `X-RateLimit-NearLimit: true`: less than a fifth of the budget is left.
    pub near_limit: bool,
}

impl Quota {
    /// The quota an answer's headers carry, or `None` when they carry none of it.
    pub(crate) fn from_headers(headers: &HeaderMap, retry_after: Option<Duration>) -> Option<Self> {
        let text = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| headers.get(*n).and_then(|v| v.to_str().ok()))
                .map(str::trim)
        };
        let number = |names| text(names).and_then(leading_number);
        let quota = Self {
            limit: number(&["x-ratelimit-limit", "ratelimit-limit"]),
            remaining: number(&["x-ratelimit-remaining", "ratelimit-remaining"]),
            reset: text(&["x-ratelimit-reset", "ratelimit-reset"]).map(str::to_owned),
            retry_after,
            near_limit: text(&["x-ratelimit-nearlimit"])
                .is_some_and(|v| v.eq_ignore_ascii_case("true")),
        };
        (quota != Self::default()).then_some(quota)
    }
}

/// `100` of `100`, `100, 100;w=60` or `100;w=60`.
fn leading_number(value: &str) -> Option<u64> {
    let end = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    value[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn reads_every_header_family() {
        let mut h = HeaderMap::new();
        assert_eq!(Quota::from_headers(&h, None), None);
        h.insert("x-ratelimit-limit", HeaderValue::from_static("5000"));
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("4999"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1767225600"));
        h.insert("x-ratelimit-nearlimit", HeaderValue::from_static("true"));
        let q = Quota::from_headers(&h, Some(Duration::from_secs(2))).unwrap();
        assert_eq!((q.limit, q.remaining), (Some(5000), Some(4999)));
        assert_eq!(q.reset.as_deref(), Some("1767225600"));
        assert_eq!(q.retry_after, Some(Duration::from_secs(2)));
        assert!(q.near_limit);
        let mut h = HeaderMap::new();
        h.insert("ratelimit-limit", HeaderValue::from_static("100, 100;w=60"));
        h.insert("ratelimit-remaining", HeaderValue::from_static("7"));
        let q = Quota::from_headers(&h, None).unwrap();
        assert_eq!(
            (q.limit, q.remaining, q.near_limit),
            (Some(100), Some(7), false)
        );
    }
}
