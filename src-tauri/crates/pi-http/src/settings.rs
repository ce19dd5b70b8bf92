//! How gently a client talks to its server: concurrency, rate, timeouts, retries and the bounds
//! on what one read may bring in. Plain values; every client keeps its own defaults.

use std::time::Duration;

/// When and how often requests that are safe to repeat are retried.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: usize,
    /// First back-off delay; doubles each retry, with jitter.
    pub initial_backoff: Duration,
    /// Upper bound of one computed back-off delay (a server `Retry-After` may exceed it).
    pub max_backoff: Duration,
    /// Cap on the total time spent waiting between attempts of one request.
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_total_wait: Duration::from_secs(60),
        }
    }
}

/// Bounds on what one read may bring in, so that a misbehaving server (a next-page link that
/// never ends, an endless body) costs an error instead of the machine's memory or an endless
/// loop. Generous by default: a release with thousands of objectives is far below them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest response body read, in bytes (default 64 MiB); the body is counted while it
    /// arrives, so a larger one is refused without being held.
    pub max_response_bytes: u64,
    /// Pages one collection read or search follows (default 10,000).
    pub max_pages: u32,
    /// Items one collection read or search collects (default 1,000,000).
    pub max_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_response_bytes: 64 * 1024 * 1024,
            max_pages: 10_000,
            max_items: 1_000_000,
        }
    }
}

/// Everything [`crate::Client`] needs besides its address and credentials.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Requests in flight at once (a semaphore; at least 1).
    pub concurrency: usize,
    /// Client-side steady request rate (governor; bursts up to `concurrency`).
    pub requests_per_second: u32,
    pub connect_timeout: Duration,
    /// Whole-attempt timeout (connect, send, read the body).
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    pub limits: Limits,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            concurrency: 4,
            requests_per_second: 20,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            limits: Limits::default(),
        }
    }
}

/// A bound of [`Limits`] that a read went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exceeded {
    /// What was counted, e.g. "the number of pages".
    pub what: &'static str,
    pub limit: u64,
    /// The setting that holds the bound, e.g. "Limits::max_pages".
    pub setting: &'static str,
}

/// The pages of one paged read: their number and the items they bring stay within [`Limits`].
#[derive(Debug)]
pub struct PageBudget<'a> {
    limits: &'a Limits,
    /// How the items are named in the error, e.g. "the number of issues".
    items_what: &'static str,
    pages: u32,
    items: usize,
}

impl<'a> PageBudget<'a> {
    pub fn new(limits: &'a Limits, items_what: &'static str) -> Self {
        Self {
            limits,
            items_what,
            pages: 0,
            items: 0,
        }
    }

    /// Records a page of `items` items that points to another page; the error says which bound
    /// reading that next page would go past.
    pub fn another(&mut self, items: usize) -> Result<(), Exceeded> {
        self.pages = self.pages.saturating_add(1);
        self.items = self.items.saturating_add(items);
        if self.pages >= self.limits.max_pages {
            return Err(Exceeded {
                what: "the number of pages",
                limit: self.limits.max_pages.into(),
                setting: "Limits::max_pages",
            });
        }
        if self.items >= self.limits.max_items {
            return Err(Exceeded {
                what: self.items_what,
                limit: self.limits.max_items as u64,
                setting: "Limits::max_items",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_items_are_bounded() {
        let limits = Limits {
            max_pages: 3,
            max_items: 100,
            ..Limits::default()
        };
        let mut budget = PageBudget::new(&limits, "the number of items");
        assert_eq!(budget.another(50), Ok(()));
        assert_eq!(budget.another(10), Ok(()));
        let pages = budget.another(10).unwrap_err();
        assert_eq!((pages.limit, pages.setting), (3, "Limits::max_pages"));
        let mut budget = PageBudget::new(&limits, "the number of issues");
        let items = budget.another(100).unwrap_err();
        assert_eq!(
            (items.what, items.setting),
            ("the number of issues", "Limits::max_items")
        );
    }
}
