//! Requests per client address: the generic cell rate algorithm (a token bucket kept as one
//! timestamp per address). A bucket holds `burst` tokens and refills at `per_second`; a
//! request takes one token, a mutation more. Memory is bounded: a full bucket is the same as
//! no entry, so those go first when the table is full.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::RateLimits;

/// Addresses tracked at most.
pub const MAX_ADDRESSES: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    Allow,
    /// Refused; the bucket holds enough again after this long.
    Deny(Duration),
}

pub struct RateLimiter {
    config: RateLimits,
    origin: Instant,
    /// Per address, the "theoretical arrival time" in seconds since `origin`: when the bucket
    /// will be full again.
    full_at: Mutex<HashMap<IpAddr, f64>>,
}

impl RateLimiter {
    pub fn new(config: RateLimits) -> RateLimiter {
        RateLimiter {
            config,
            origin: Instant::now(),
            full_at: Mutex::new(HashMap::new()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.config.enabled
    }

    /// A mutation's price beyond the one token every request pays.
    pub fn mutation_surcharge(&self) -> f64 {
        (self.config.mutation_cost - 1.0).max(0.0)
    }

    /// Takes `tokens` from the address's bucket, or refuses without taking any.
    pub fn take(&self, address: IpAddr, tokens: f64, now: Instant) -> Decision {
        if !self.config.enabled || tokens <= 0.0 {
            return Decision::Allow;
        }
        let now = now.saturating_duration_since(self.origin).as_secs_f64();
        let interval = 1.0 / self.config.per_second;
        let tolerance = self.config.burst * interval;
        let Ok(mut table) = self.full_at.lock() else {
            return Decision::Allow;
        };
        let full_at = table.get(&address).copied().unwrap_or(now).max(now);
        let next = full_at + tokens * interval;
        if next - now > tolerance {
            let wait = next - now - tolerance;
            return Decision::Deny(Duration::from_secs_f64(wait.max(0.001)));
        }
        if table.len() >= MAX_ADDRESSES && !table.contains_key(&address) {
            table.retain(|_, t| *t > now);
            if table.len() >= MAX_ADDRESSES {
                // Still full of busy addresses: forget the half closest to full.
                let mut times: Vec<f64> = table.values().copied().collect();
                times.sort_by(f64::total_cmp);
                let cut = times[times.len() / 2];
                table.retain(|_, t| *t > cut);
            }
        }
        table.insert(address, next);
        Decision::Allow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_second: f64, burst: f64) -> RateLimiter {
        RateLimiter::new(RateLimits {
            enabled: true,
            per_second,
            burst,
            mutation_cost: 5.0,
        })
    }

    #[test]
    fn allows_a_burst_then_the_rate() {
        let l = limiter(10.0, 5.0);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let t = l.origin;
        for _ in 0..5 {
            assert_eq!(l.take(a, 1.0, t), Decision::Allow);
        }
        let Decision::Deny(wait) = l.take(a, 1.0, t) else {
            panic!("the sixth request of a burst of five passed");
        };
        assert!((wait.as_secs_f64() - 0.1).abs() < 0.01, "{wait:?}");
        // another address has its own bucket
        assert_eq!(l.take("10.0.0.2".parse().unwrap(), 1.0, t), Decision::Allow);
        // one interval later, one more
        let later = t + Duration::from_millis(100);
        assert_eq!(l.take(a, 1.0, later), Decision::Allow);
        assert!(matches!(l.take(a, 1.0, later), Decision::Deny(_)));
    }

    #[test]
    fn mutations_cost_more_and_refusals_take_nothing() {
        let l = limiter(1.0, 10.0);
        let a: IpAddr = "::1".parse().unwrap();
        let t = l.origin;
        assert_eq!(l.take(a, 5.0, t), Decision::Allow);
        assert_eq!(l.take(a, 5.0, t), Decision::Allow);
        assert!(matches!(l.take(a, 5.0, t), Decision::Deny(_)));
        assert!(matches!(l.take(a, 1.0, t), Decision::Deny(_)));
        assert_eq!(l.take(a, 1.0, t + Duration::from_secs(1)), Decision::Allow);
        assert_eq!(l.mutation_surcharge(), 4.0);
    }

    #[test]
    fn off_allows_everything() {
        let l = RateLimiter::new(RateLimits {
            enabled: false,
            ..RateLimits::default()
        });
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..10_000 {
            assert_eq!(l.take(a, 1.0, l.origin), Decision::Allow);
        }
    }

    #[test]
    fn memory_stays_bounded() {
        let l = limiter(1.0, 1.0);
        let t = l.origin;
        for n in 0..(MAX_ADDRESSES as u32 + 1_000) {
            l.take(IpAddr::from(n.to_be_bytes()), 1.0, t);
        }
        let len = l.full_at.lock().map(|m| m.len()).unwrap_or(0);
        assert!(len <= MAX_ADDRESSES, "{len}");
    }
}
