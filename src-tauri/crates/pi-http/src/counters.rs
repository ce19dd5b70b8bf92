//! What one client has done so far: requests put on the wire, retries, and the time spent
//! waiting, in total and on the server's say-so (429/503).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A snapshot of a client's counters since it was created ([`crate::Client::counters`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Requests put on the wire (every attempt counts).
    pub requests: u64,
    /// Attempts that were a retry of an earlier one.
    pub retries: u64,
    /// Answers that were 429 or 503 (the server asking to slow down).
    pub throttled: u64,
    /// Time waited between attempts, in total.
    pub waited: Duration,
    /// The part of `waited` that followed a 429 or 503.
    pub waited_throttled: Duration,
}

#[derive(Debug, Default)]
pub(crate) struct Tally {
    requests: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
    waited_us: AtomicU64,
    waited_throttled_us: AtomicU64,
}

impl Tally {
    pub(crate) fn sent(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn throttled(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// A retry after waiting `wait`, which followed a 429/503 when `throttled`.
    pub(crate) fn retry(&self, wait: Duration, throttled: bool) {
        let us = u64::try_from(wait.as_micros()).unwrap_or(u64::MAX);
        self.retries.fetch_add(1, Ordering::Relaxed);
        self.waited_us.fetch_add(us, Ordering::Relaxed);
        if throttled {
            self.waited_throttled_us.fetch_add(us, Ordering::Relaxed);
        }
    }

    pub(crate) fn snapshot(&self) -> Counters {
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Counters {
            requests: load(&self.requests),
            retries: load(&self.retries),
            throttled: load(&self.throttled),
            waited: Duration::from_micros(load(&self.waited_us)),
            waited_throttled: Duration::from_micros(load(&self.waited_throttled_us)),
        }
    }
}
