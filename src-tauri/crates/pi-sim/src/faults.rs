//! Fault decisions for one API request: dropped connection, latency, 429 from a per-minute token
//! bucket, random 5xx from the seeded RNG. The connection handling that acts on a decision lives
//! in `server`.
//!
//! The control API is never subject to faults.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::Faults;

/// What to do with one API request.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Close the socket without an answer.
    Drop,
    /// Answer 429 with `Retry-After` after the latency.
    Throttle { latency: Duration, retry_after: u64 },
    /// Answer this 5xx after the latency.
    Fail { latency: Duration, status: u16 },
    /// Serve normally after the latency.
    Serve { latency: Duration },
}

#[derive(Debug)]
pub struct FaultState {
    pub faults: Faults,
    rng: ChaCha8Rng,
    tokens: f64,
    refilled: Instant,
    served_since_drop: u64,
}

impl FaultState {
    pub fn new(faults: Faults, seed: u64, now: Instant) -> Self {
        let tokens = faults.rate_limit_per_min.map_or(0.0, f64::from);
        Self {
            faults,
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0xFA01_7000),
            tokens,
            refilled: now,
            served_since_drop: 0,
        }
    }

    /// Replaces the settings; the token bucket starts full and the drop count restarts.
    pub fn set(&mut self, faults: Faults, now: Instant) {
        self.tokens = faults.rate_limit_per_min.map_or(0.0, f64::from);
        self.refilled = now;
        self.served_since_drop = 0;
        self.faults = faults;
    }

    pub fn decide(&mut self, now: Instant) -> Decision {
        let latency = self.faults.latency;
        if let Some(k) = self.faults.drop_after_requests {
            if self.served_since_drop >= k {
                self.served_since_drop = 0;
                return Decision::Drop;
            }
            self.served_since_drop += 1;
        }
        if let Some(per_min) = self.faults.rate_limit_per_min {
            let cap = f64::from(per_min);
            let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
            self.tokens = (self.tokens + elapsed * cap / 60.0).min(cap);
            self.refilled = now;
            if self.tokens < 1.0 {
                let retry_after = self.faults.retry_after_secs;
                return Decision::Throttle {
                    latency,
                    retry_after,
                };
            }
            self.tokens -= 1.0;
        }
        let rate = self.faults.error_rate.clamp(0.0, 1.0);
        if rate > 0.0 && self.rng.random_bool(rate) {
            let status = self.faults.error_status;
            return Decision::Fail { latency, status };
        }
        Decision::Serve { latency }
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
        assert!(matches!(s.decide(t0), Decision::Serve { .. }));
        assert!(matches!(s.decide(t0), Decision::Serve { .. }));
        assert_eq!(
            s.decide(t0),
            Decision::Throttle {
                latency: Duration::ZERO,
                retry_after: 7
            }
        );
        assert!(matches!(
            s.decide(t0 + Duration::from_secs(30)),
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
        let d: Vec<bool> = (0..6).map(|_| s.decide(t0) == Decision::Drop).collect();
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
            all.decide(t0),
            Decision::Fail {
                latency: Duration::ZERO,
                status: 503
            }
        );
        let mut none = FaultState::new(Faults::default(), 1, t0);
        assert!((0..100).all(|_| matches!(none.decide(t0), Decision::Serve { .. })));
    }
}
