//! Login throttling, designed as identity services do it (OWASP's "slow down online guessing"
//! with trusted pairs, Microsoft's smart lockout):
//!
//! - failures count per **account and address pair**: a few are free, then each further one
//!   locks that pair for twice as long as the last (1 s, 2 s, 4 s … up to 15 minutes). Someone
//!   guessing an account's password from one address does not lock its owner out elsewhere;
//! - an **address** with many failures across accounts (password spraying, or many users
//!   behind one proxy) and an **account** with many failures across addresses (a distributed
//!   guess) are capped: past the cap, logins from that address — or to that account — are
//!   refused for the rest of the window, **except for pairs that logged in successfully
//!   before**. A colleague behind the same proxy with the right password still gets in;
//! - an attempt is reserved before the password is checked and released after, under one
//!   lock, so 200 concurrent guesses get exactly as many checks as the policy allows.
//!
//! State is in memory, per server process, bounded in size.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use crate::config::LoginPolicy as Policy;

#[derive(Debug, Clone, Copy)]
struct Pair {
    failures: u32,
    in_flight: u32,
    locked_until: Option<Instant>,
    last: Instant,
}

#[derive(Debug, Clone, Copy)]
struct Count {
    failures: u32,
    since: Instant,
}

#[derive(Default)]
struct State {
    pairs: HashMap<(String, String), Pair>,
    addresses: HashMap<String, Count>,
    accounts: HashMap<String, Count>,
    trusted: HashMap<(String, String), Instant>,
}

/// Why an attempt was refused, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This account from this address: back off.
    Pair(Duration),
    /// This address failed too often over all accounts.
    Address(Duration),
    /// This account failed too often over all addresses.
    Account(Duration),
}

impl Refusal {
    pub fn wait(&self) -> Duration {
        match self {
            Refusal::Pair(d) | Refusal::Address(d) | Refusal::Account(d) => *d,
        }
    }
}

#[derive(Clone, Default)]
pub struct LoginThrottle {
    policy: Policy,
    state: Arc<Mutex<State>>,
}

/// A reserved attempt. Say how it ended; dropped without a word, it counts as a failure (a
/// request cancelled mid-check must not leave its reservation behind).
pub struct Attempt {
    throttle: LoginThrottle,
    pair: (String, String),
    ended: bool,
}

/// The account as counted: case and surrounding spaces do not make another account, and a
/// name longer than any real one is cut (memory per entry stays bounded).
fn account_key(username: &str) -> String {
    username.trim().to_lowercase().chars().take(64).collect()
}

fn expired(count: &Count, now: Instant, window: Duration) -> bool {
    now.saturating_duration_since(count.since) > window
}

/// Keeps a table within `max`: entries `stale` says are over go first, then the older half.
fn bound<K: Clone + Eq + std::hash::Hash, V>(
    table: &mut HashMap<K, V>,
    max: usize,
    stale: impl Fn(&V) -> bool,
    age: impl Fn(&V) -> Instant,
) {
    if table.len() < max {
        return;
    }
    table.retain(|_, v| !stale(v));
    if table.len() >= max {
        let mut ages: Vec<Instant> = table.values().map(&age).collect();
        ages.sort_unstable();
        let cut = ages[ages.len() / 2];
        table.retain(|_, v| age(v) > cut);
    }
}

impl LoginThrottle {
    pub fn new(policy: Policy) -> LoginThrottle {
        LoginThrottle {
            policy,
            state: Arc::default(),
        }
    }

    /// Reserves an attempt for `username` from `address`, or says why not.
    pub fn begin(&self, username: &str, address: &str, now: Instant) -> Result<Attempt, Refusal> {
        let p = &self.policy;
        let pair = (account_key(username), address.to_string());
        let Ok(mut s) = self.state.lock() else {
            return Err(Refusal::Pair(p.window));
        };
        let trusted = s
            .trusted
            .get(&pair)
            .is_some_and(|at| now.saturating_duration_since(*at) <= p.trust);
        if let Some(state) = s.pairs.get(&pair).copied() {
            let quiet = state.in_flight == 0
                && state.locked_until.is_none_or(|u| u <= now)
                && now.saturating_duration_since(state.last) > p.window;
            if quiet {
                // Failures are remembered for a window after the last one.
                s.pairs.remove(&pair);
            } else {
                if let Some(until) = state.locked_until.filter(|u| *u > now) {
                    return Err(Refusal::Pair(until - now));
                }
                // Past the free failures, one guess at a time: the next lock is decided by
                // the outcome of the one in flight.
                let pending = state.failures + state.in_flight;
                if pending >= p.free_failures && state.in_flight > 0 {
                    return Err(Refusal::Pair(p.first_lock));
                }
            }
        }
        if !trusted {
            for (table, key, cap, refusal) in [
                (
                    &s.addresses,
                    &pair.1,
                    p.address_cap,
                    Refusal::Address as fn(Duration) -> Refusal,
                ),
                (
                    &s.accounts,
                    &pair.0,
                    p.account_cap,
                    Refusal::Account as fn(Duration) -> Refusal,
                ),
            ] {
                if let Some(count) = table.get(key) {
                    if !expired(count, now, p.window) && count.failures >= cap {
                        let left = p
                            .window
                            .saturating_sub(now.saturating_duration_since(count.since));
                        return Err(refusal(left));
                    }
                }
            }
        }
        let max = p.max_entries;
        let window = p.window;
        bound(
            &mut s.pairs,
            max,
            |v| v.in_flight == 0 && now.saturating_duration_since(v.last) > window,
            |v| v.last,
        );
        let entry = s.pairs.entry(pair.clone()).or_insert(Pair {
            failures: 0,
            in_flight: 0,
            locked_until: None,
            last: now,
        });
        entry.in_flight += 1;
        Ok(Attempt {
            throttle: self.clone(),
            pair,
            ended: false,
        })
    }

    fn end(&self, pair: &(String, String), success: bool, now: Instant) {
        let p = &self.policy;
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        if success {
            s.pairs.remove(pair);
            let trust = p.trust;
            bound(
                &mut s.trusted,
                p.max_entries,
                |at| now.saturating_duration_since(*at) > trust,
                |at| *at,
            );
            s.trusted.insert(pair.clone(), now);
            return;
        }
        if let Some(state) = s.pairs.get_mut(pair) {
            state.in_flight = state.in_flight.saturating_sub(1);
            state.failures += 1;
            state.last = now;
            if state.failures >= p.free_failures {
                let doublings = (state.failures - p.free_failures).min(20);
                let lock = p.first_lock.saturating_mul(1 << doublings).min(p.max_lock);
                state.locked_until = Some(now + lock);
            }
        }
        let window = p.window;
        let max = p.max_entries;
        let State {
            addresses,
            accounts,
            ..
        } = &mut *s;
        for (table, key) in [(addresses, &pair.1), (accounts, &pair.0)] {
            bound(table, max, |c| expired(c, now, window), |c| c.since);
            let count = table.entry(key.clone()).or_insert(Count {
                failures: 0,
                since: now,
            });
            if expired(count, now, window) {
                *count = Count {
                    failures: 0,
                    since: now,
                };
            }
            count.failures += 1;
        }
    }

    #[cfg(test)]
    fn sizes(&self) -> (usize, usize, usize, usize) {
        self.state.lock().map_or((0, 0, 0, 0), |s| {
            (
                s.pairs.len(),
                s.addresses.len(),
                s.accounts.len(),
                s.trusted.len(),
            )
        })
    }
}

impl Attempt {
    pub fn succeeded(self) {
        self.finish(true, Instant::now());
    }

    pub fn failed(self) {
        self.finish(false, Instant::now());
    }

    fn finish(mut self, success: bool, now: Instant) {
        self.ended = true;
        self.throttle.end(&self.pair, success, now);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.ended {
            self.throttle.end(&self.pair, false, Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(t: &LoginThrottle, user: &str, addr: &str, now: Instant) {
        t.begin(user, addr, now).unwrap().finish(false, now);
    }

    fn succeed(t: &LoginThrottle, user: &str, addr: &str, now: Instant) {
        t.begin(user, addr, now).unwrap().finish(true, now);
    }

    #[test]
    fn free_failures_then_doubling_locks_per_pair() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..5 {
            fail(&t, "ann", "1.1.1.1", start);
        }
        assert_eq!(
            t.begin("ann", "1.1.1.1", start).err(),
            Some(Refusal::Pair(Duration::from_secs(1)))
        );
        // the owner elsewhere is not locked out; nor is anyone else here
        assert!(t.begin("ANN ", "2.2.2.2", start).is_ok());
        assert!(t.begin("bob", "1.1.1.1", start).is_ok());
        let mut now = start + Duration::from_secs(1);
        for lock in [2, 4, 8, 16] {
            fail(&t, "ann", "1.1.1.1", now);
            assert_eq!(
                t.begin("ann", "1.1.1.1", now).err(),
                Some(Refusal::Pair(Duration::from_secs(lock)))
            );
            now += Duration::from_secs(lock);
        }
        // capped at fifteen minutes
        for _ in 0..20 {
            fail(&t, "ann", "1.1.1.1", now);
            now += Duration::from_secs(15 * 60);
        }
        fail(&t, "ann", "1.1.1.1", now);
        assert_eq!(
            t.begin("ann", "1.1.1.1", now).err(),
            Some(Refusal::Pair(Duration::from_secs(15 * 60)))
        );
    }

    #[test]
    fn concurrent_attempts_are_reserved() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let held: Vec<Attempt> = (0..200)
            .filter_map(|_| t.begin("ann", "1.1.1.1", now).ok())
            .collect();
        assert_eq!(held.len(), 5, "five checks may run at once, no more");
        drop(held); // unfinished: each counts as a failure
        assert!(matches!(
            t.begin("ann", "1.1.1.1", now),
            Err(Refusal::Pair(_))
        ));
    }

    #[test]
    fn caps_spare_pairs_that_logged_in_before() {
        let policy = Policy {
            address_cap: 10,
            account_cap: 10,
            ..Policy::default()
        };
        let t = LoginThrottle::new(policy);
        let now = Instant::now();
        succeed(&t, "colleague", "9.9.9.9", now);
        // spraying from the proxy's address over many accounts
        for n in 0..10 {
            fail(&t, &format!("victim{n}"), "9.9.9.9", now);
        }
        assert!(matches!(
            t.begin("newcomer", "9.9.9.9", now),
            Err(Refusal::Address(_))
        ));
        assert!(t.begin("colleague", "9.9.9.9", now).is_ok(), "trusted pair");
        assert!(
            t.begin("newcomer", "8.8.8.8", now).is_ok(),
            "another address"
        );
        // one account guessed from many addresses
        succeed(&t, "boss", "5.5.5.5", now);
        for n in 0..10 {
            fail(&t, "boss", &format!("6.6.6.{n}"), now);
        }
        assert!(matches!(
            t.begin("boss", "7.7.7.7", now),
            Err(Refusal::Account(_))
        ));
        assert!(
            t.begin("boss", "5.5.5.5", now).is_ok(),
            "the owner's usual address"
        );
        // the window passes
        let later = now + Duration::from_secs(15 * 60 + 1);
        assert!(t.begin("newcomer", "9.9.9.9", later).is_ok());
        assert!(t.begin("boss", "7.7.7.7", later).is_ok());
    }

    #[test]
    fn success_clears_the_pair() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..4 {
            fail(&t, "ann", "1.1.1.1", now);
        }
        succeed(&t, "ann", "1.1.1.1", now);
        for _ in 0..5 {
            fail(&t, "ann", "1.1.1.1", now);
        }
        assert!(t.begin("ann", "1.1.1.1", now).is_err());
    }

    #[test]
    fn memory_stays_bounded() {
        let t = LoginThrottle::new(Policy {
            max_entries: 1_000,
            ..Policy::default()
        });
        let now = Instant::now();
        for n in 0..5_000 {
            let at = now + Duration::from_micros(n);
            fail(
                &t,
                &format!("user{n}"),
                &format!("10.0.{}.{}", n / 256, n % 256),
                at,
            );
            succeed(&t, &format!("x{n}"), "1.1.1.1", at);
        }
        let (pairs, addresses, accounts, trusted) = t.sizes();
        assert!(pairs <= 1_000 && addresses <= 1_000 && accounts <= 1_000 && trusted <= 1_000);
        // a very long name is one bounded key
        assert_eq!(account_key(&"x".repeat(60_000)).len(), 64);
    }
}
