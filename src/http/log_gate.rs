//! Refusals in the text log, once per address, kind and window: a client that is refused a
//! thousand times a second writes one line per ten seconds, and that line says how many
//! refusals the window before it left out (as the audit log's gate does for its rows).

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use crate::service::audit::{Admit, AuditGate};

/// One line per address and kind every ten seconds; at most 10,000 addresses remembered.
static GATE: LazyLock<AuditGate> =
    LazyLock::new(|| AuditGate::new(1, Duration::from_secs(10), 10_000));

/// Whether to log this refusal now, and how many of its kind from this address were left out
/// before it.
pub fn admit(kind: &str, address: impl std::fmt::Display) -> Option<u32> {
    match GATE.admit(&format!("{kind}:{address}"), Instant::now()) {
        Admit::Write { suppressed } => Some(suppressed),
        Admit::Suppress => None,
    }
}

/// Logs a refused request at `warn`, gated by [`admit`].
#[macro_export]
macro_rules! refusal_log {
    ($kind:expr, $address:expr, $($rest:tt)+) => {
        if let Some(suppressed) = $crate::http::log_gate::admit($kind, &$address) {
            tracing::warn!(event = $kind, address = %$address, suppressed, $($rest)+);
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_address_and_kind_in_a_window() {
        let address = "192.0.2.77";
        assert_eq!(admit("test_kind", address), Some(0));
        for _ in 0..1_000 {
            assert_eq!(admit("test_kind", address), None);
        }
        // Another kind, or another address, has its own line.
        assert_eq!(admit("test_other", address), Some(0));
        assert_eq!(admit("test_kind", "192.0.2.78"), Some(0));
    }
}
