//! The login throttle's numbers (`auth::throttle` applies them): configuration, so that the
//! settings need not depend on the throttle.

use std::time::Duration;

/// The login throttle's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginPolicy {
    /// Failures per pair before the back-off starts.
    pub free_failures: u32,
    /// The first lock; each further failure doubles it.
    pub first_lock: Duration,
    /// The longest lock.
    pub max_lock: Duration,
    /// How long failures are remembered (and how long a cap lasts).
    pub window: Duration,
    /// Failures from one address, over all accounts, per window.
    pub address_cap: u32,
    /// Failures on one account, over all addresses, per window.
    pub account_cap: u32,
    /// How long a pair that logged in successfully stays trusted.
    pub trust: Duration,
    /// Entries kept per table at most.
    pub max_entries: usize,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            free_failures: 5,
            first_lock: Duration::from_secs(1),
            max_lock: Duration::from_secs(15 * 60),
            window: Duration::from_secs(15 * 60),
            address_cap: 100,
            account_cap: 50,
            trust: Duration::from_secs(30 * 24 * 3600),
            max_entries: 100_000,
        }
    }
}
