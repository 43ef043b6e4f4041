//! Login throttling: failures per username and per address slow logins down, then refuse them
//! for a while.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures in the window after which logins are refused.
pub const MAX_FAILURES: u32 = 5;
/// How long failures count, and how long a refusal lasts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Added delay per failure before the limit (slows down guessing).
pub const DELAY_PER_FAILURE: Duration = Duration::from_millis(200);
/// Entries kept at most: guessing with many names or addresses cannot grow memory without end.
pub const MAX_ENTRIES: usize = 100_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

pub enum Verdict {
    /// Go ahead after this delay.
    Proceed(Duration),
    /// Refused until the window passes.
    Refused(Duration),
}

impl LoginThrottle {
    fn keys(username: &str, address: &str) -> [String; 2] {
        [
            format!("user:{}", username.trim().to_lowercase()),
            format!("addr:{address}"),
        ]
    }

    pub fn check(&self, username: &str, address: &str, now: Instant) -> Verdict {
        let Ok(mut map) = self.failures.lock() else {
            return Verdict::Proceed(Duration::ZERO);
        };
        let mut worst = 0;
        let mut since = now;
        for key in Self::keys(username, address) {
            if let Some((count, first)) = map.get(&key).copied() {
                if now.duration_since(first) > WINDOW {
                    map.remove(&key);
                } else if count > worst {
                    worst = count;
                    since = first;
                }
            }
        }
        if worst >= MAX_FAILURES {
            Verdict::Refused(WINDOW.saturating_sub(now.duration_since(since)))
        } else {
            Verdict::Proceed(DELAY_PER_FAILURE * worst)
        }
    }

    pub fn failed(&self, username: &str, address: &str, now: Instant) {
        let Ok(mut map) = self.failures.lock() else {
            return;
        };
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, (_, first)| now.duration_since(*first) <= WINDOW);
            if map.len() >= MAX_ENTRIES {
                // Still full: single failures go first, they are the least likely attackers.
                map.retain(|_, (count, _)| *count > 1);
            }
            if map.len() >= MAX_ENTRIES {
                // Still full of live entries: keep the newest half.
                let mut firsts: Vec<Instant> = map.values().map(|(_, first)| *first).collect();
                firsts.sort_unstable();
                let cut = firsts[firsts.len() / 2];
                map.retain(|_, (_, first)| *first >= cut);
            }
        }
        for key in Self::keys(username, address) {
            let entry = map.entry(key).or_insert((0, now));
            entry.0 += 1;
        }
    }

    pub fn succeeded(&self, username: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("user:{}", username.trim().to_lowercase()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slows_then_refuses_then_forgets() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        assert!(matches!(t.check("ann", "1.2.3.4", start), Verdict::Proceed(d) if d.is_zero()));
        for _ in 0..MAX_FAILURES - 1 {
            t.failed("ann", "1.2.3.4", start);
        }
        assert!(
            matches!(t.check("ann", "9.9.9.9", start), Verdict::Proceed(d) if d == DELAY_PER_FAILURE * 4)
        );
        t.failed("ann", "1.2.3.4", start);
        assert!(
            matches!(t.check("ann", "9.9.9.9", start), Verdict::Refused(_)),
            "per user"
        );
        assert!(
            matches!(t.check("bob", "1.2.3.4", start), Verdict::Refused(_)),
            "per address"
        );
        assert!(matches!(
            t.check("bob", "5.5.5.5", start),
            Verdict::Proceed(_)
        ));
        assert!(matches!(
            t.check("ann", "9.9.9.9", start + WINDOW + Duration::from_secs(1)),
            Verdict::Proceed(_)
        ));
    }

    #[test]
    fn memory_stays_bounded() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for n in 0..(MAX_ENTRIES + 10) {
            let later = start + Duration::from_micros(u64::try_from(n).unwrap());
            t.failed(&format!("user{n}"), "1.1.1.1", later);
        }
        let len = t.failures.lock().map(|m| m.len()).unwrap_or(0);
        assert!(len <= MAX_ENTRIES, "{len}");
        // the address is still remembered as the worst offender
        assert!(matches!(
            t.check("someone", "1.1.1.1", start + Duration::from_secs(1)),
            Verdict::Refused(_)
        ));
    }
}
