//! Fault decisions for one API request: dropped connection, latency, a misbehaving server
//! (redirect to another origin, oversized body), 429/503 from per-minute token buckets (one
//! global, one per credential), random 5xx from the seeded RNG, and whether an applied write
//! loses its answer. The connection handling that acts on a decision lives in `server`.
//!
//! The control API is never subject to faults.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::Faults;

/// What to do with one API request.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Close the socket without an answer.
    Drop,
    /// Answer `status` (429 or 503) with `Retry-After` after the latency; `limit` is the quota
    /// per minute that ran out. `retry_after_text`, when set, is sent instead of the seconds.
    Throttle {
        latency: Duration,
        status: u16,
        retry_after: u64,
        retry_after_text: Option<String>,
        limit: u32,
    },
    /// Answer `302 Found` to `to` + the request's path and query, after the latency.
    Redirect { latency: Duration, to: String },
    /// Answer 200 with a streamed body of `bytes` bytes, after the latency.
    Oversized { latency: Duration, bytes: u64 },
    /// Answer this 5xx after the latency.
    Fail { latency: Duration, status: u16 },
    /// Serve normally after the latency; `near_limit` when less than 20 % of a quota is left.
    Serve { latency: Duration, near_limit: bool },
}

/// A token bucket of `per_min` requests a minute, refilled continuously.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

impl Bucket {
    fn full(per_min: u32, now: Instant) -> Self {
        Self {
            tokens: f64::from(per_min),
            refilled: now,
        }
    }

    /// Tokens available now (refills first).
    fn level(&mut self, per_min: u32, now: Instant) -> f64 {
        let cap = f64::from(per_min);
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * cap / 60.0).min(cap);
        self.refilled = now;
        self.tokens
    }
}

#[derive(Debug)]
pub struct FaultState {
    pub faults: Faults,
    rng: ChaCha8Rng,
    global: Bucket,
    /// Per credential (token value or Basic login); keys never leave this struct.
    per_token: HashMap<String, Bucket>,
    served_since_drop: u64,
    applied_since_drop: u64,
}

impl FaultState {
    pub fn new(faults: Faults, seed: u64, now: Instant) -> Self {
        Self {
            global: Bucket::full(faults.rate_limit_per_min.unwrap_or(0), now),
            faults,
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0xFA01_7000),
            per_token: HashMap::new(),
            served_since_drop: 0,
            applied_since_drop: 0,
        }
    }

    /// Replaces the settings; the token buckets start full and the drop counts restart.
    pub fn set(&mut self, faults: Faults, now: Instant) {
        self.global = Bucket::full(faults.rate_limit_per_min.unwrap_or(0), now);
        self.per_token.clear();
        self.served_since_drop = 0;
        self.applied_since_drop = 0;
        self.faults = faults;
    }

    /// The decision for a request made with the credential `client` (empty when none).
    pub fn decide(&mut self, now: Instant, client: &str) -> Decision {
        let latency = self.faults.latency;
        if let Some(k) = self.faults.drop_after_requests {
            if self.served_since_drop >= k {
                self.served_since_drop = 0;
                return Decision::Drop;
            }
            self.served_since_drop += 1;
        }
        if let Some(to) = &self.faults.redirect_to {
            let to = to.clone();
            return Decision::Redirect { latency, to };
        }
        if let Some(bytes) = self.faults.oversized_body_bytes {
            return Decision::Oversized { latency, bytes };
        }
        let near_limit = match self.take_tokens(now, client) {
            Ok(near) => near,
            Err(limit) => {
                return Decision::Throttle {
                    latency,
                    status: self.faults.throttle_status,
                    retry_after: self.faults.retry_after_secs,
                    retry_after_text: self.faults.retry_after_text.clone(),
                    limit,
                };
            }
        };
        let rate = self.faults.error_rate.clamp(0.0, 1.0);
        if rate > 0.0 && self.rng.random_bool(rate) {
            let status = self.faults.error_status;
            return Decision::Fail { latency, status };
        }
        Decision::Serve {
            latency,
            near_limit,
        }
    }

    /// Takes one token from the global and the client's bucket, or none when either is empty
    /// (`Err(quota that ran out)`). `Ok(true)` when a bucket is now below 20 %.
    fn take_tokens(&mut self, now: Instant, client: &str) -> Result<bool, u32> {
        let global = self.faults.rate_limit_per_min;
        let token = self.faults.rate_limit_per_token_per_min;
        let mut buckets: Vec<(&mut Bucket, u32)> = Vec::with_capacity(2);
        if let Some(per_min) = global {
            buckets.push((&mut self.global, per_min));
        }
        if let Some(per_min) = token {
            let b = self
                .per_token
                .entry(client.to_owned())
                .or_insert_with(|| Bucket::full(per_min, now));
            buckets.push((b, per_min));
        }
        for (b, per_min) in &mut buckets {
            if b.level(*per_min, now) < 1.0 {
                return Err(*per_min);
            }
        }
        let mut near = false;
        for (b, per_min) in buckets {
            b.tokens -= 1.0;
            near |= b.tokens < f64::from(per_min) * 0.2;
        }
        Ok(near)
    }

    /// Called after a write was applied: true when its answer is to be dropped.
    pub fn drop_applied_write(&mut self) -> bool {
        let Some(k) = self.faults.drop_after_apply else {
            return false;
        };
        if self.applied_since_drop >= k {
            self.applied_since_drop = 0;
            return true;
        }
        self.applied_since_drop += 1;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_throttles_beyond_quota_and_refills() {
        let t0 = Instant::now();
        let faults = Faults {
            rate_limit_per_min: Some(2),
            retry_after_secs: 7,
            ..Faults::default()
        };
        let mut s = FaultState::new(faults, 1, t0);
        assert!(matches!(s.decide(t0, "a"), Decision::Serve { .. }));
        assert!(matches!(s.decide(t0, "b"), Decision::Serve { .. }));
        assert_eq!(
            s.decide(t0, "c"),
            Decision::Throttle {
                latency: Duration::ZERO,
                status: 429,
                retry_after: 7,
                retry_after_text: None,
                limit: 2,
            }
        );
        assert!(matches!(
            s.decide(t0 + Duration::from_secs(30), "a"),
            Decision::Serve { .. }
        ));
    }

    #[test]
    fn drops_every_k_plus_first_request() {
        let t0 = Instant::now();
        let mut s = FaultState::new(
            Faults {
                drop_after_requests: Some(2),
                ..Faults::default()
            },
            1,
            t0,
        );
        let d: Vec<bool> = (0..6).map(|_| s.decide(t0, "") == Decision::Drop).collect();
        assert_eq!(d, vec![false, false, true, false, false, true]);
    }

    #[test]
    fn error_rate_extremes() {
        let t0 = Instant::now();
        let mut all = FaultState::new(
            Faults {
                error_rate: 1.0,
                error_status: 503,
                ..Faults::default()
            },
            1,
            t0,
        );
        assert_eq!(
            all.decide(t0, ""),
            Decision::Fail {
                latency: Duration::ZERO,
                status: 503
            }
        );
        let mut none = FaultState::new(Faults::default(), 1, t0);
        assert!((0..100).all(|_| matches!(none.decide(t0, ""), Decision::Serve { .. })));
    }

    #[test]
    fn per_token_quota_is_separate_from_the_global_one() {
        let t0 = Instant::now();
        let faults = Faults {
            rate_limit_per_min: Some(5),
            rate_limit_per_token_per_min: Some(2),
            throttle_status: 503,
            ..Faults::default()
        };
        let mut s = FaultState::new(faults, 1, t0);
        let limits: Vec<Option<u32>> = ["a", "a", "a", "b", "b", "c", "c"]
            .iter()
            .map(|c| match s.decide(t0, c) {
                Decision::Throttle { limit, status, .. } => {
                    assert_eq!(status, 503);
                    Some(limit)
                }
                _ => None,
            })
            .collect();
        // a: 2 served, then its own quota; b: 2 served; c: 1 served, then the global quota
        // (5 tokens) is spent.
        assert_eq!(limits, vec![None, None, Some(2), None, None, None, Some(5)]);
    }

    #[test]
    fn near_limit_below_a_fifth_of_the_quota() {
        let t0 = Instant::now();
        let faults = Faults {
            rate_limit_per_min: Some(10),
            ..Faults::default()
        };
        let mut s = FaultState::new(faults, 1, t0);
        // Near after the 9th request: 1 of 10 left; 2 left (the 8th) is not below 20 %.
        let near: Vec<bool> = (0..10)
            .map(|_| {
                matches!(
                    s.decide(t0, ""),
                    Decision::Serve {
                        near_limit: true,
                        ..
                    }
                )
            })
            .collect();
        assert_eq!(near.iter().filter(|n| **n).count(), 2, "{near:?}");
        assert!(near[8] && near[9]);
    }

    #[test]
    fn misbehaving_server_faults_come_before_throttling() {
        let t0 = Instant::now();
        let mut s = FaultState::new(
            Faults {
                rate_limit_per_min: Some(0),
                retry_after_text: Some("1e30".into()),
                ..Faults::default()
            },
            1,
            t0,
        );
        assert!(matches!(
            s.decide(t0, ""),
            Decision::Throttle { retry_after_text: Some(t), .. } if t == "1e30"
        ));
        s.set(
            Faults {
                rate_limit_per_min: Some(0),
                oversized_body_bytes: Some(10),
                ..Faults::default()
            },
            t0,
        );
        assert!(matches!(
            s.decide(t0, ""),
            Decision::Oversized { bytes: 10, .. }
        ));
        s.set(
            Faults {
                redirect_to: Some("http://127.0.0.1:9".into()),
                oversized_body_bytes: Some(10),
                ..Faults::default()
            },
            t0,
        );
        assert!(
            matches!(s.decide(t0, ""), Decision::Redirect { to, .. } if to == "http://127.0.0.1:9")
        );
    }

    #[test]
    fn every_k_plus_first_applied_write_is_dropped() {
        let t0 = Instant::now();
        let mut s = FaultState::new(
            Faults {
                drop_after_apply: Some(1),
                ..Faults::default()
            },
            1,
            t0,
        );
        let d: Vec<bool> = (0..4).map(|_| s.drop_applied_write()).collect();
        assert_eq!(d, vec![false, true, false, true]);
        s.set(Faults::default(), t0);
        assert!(!s.drop_applied_write());
    }
}
