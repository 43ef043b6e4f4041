//! Writing the append-only audit log: every string capped, and refusals that come in bursts
//! kept to a few rows per source and window (the rest counted, and the count written with the
//! next row), so nobody can fill the log by asking to be refused.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::auth::Actor;

/// The longest name, action or address kept (in characters).
pub const MAX_NAME_CHARS: usize = 64;
/// The longest target kept.
pub const MAX_TARGET_CHARS: usize = 256;
/// The largest before/after JSON kept (in bytes); a larger one keeps its size and a prefix.
pub const MAX_JSON_BYTES: usize = 16 * 1024;

/// One audit entry.
pub struct Entry<'a> {
    pub actor: Option<&'a Actor>,
    /// For a login or an attempt without a valid token, the username given (if any).
    pub username: Option<&'a str>,
    pub action: &'a str,
    pub target: Option<String>,
    pub outcome: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub address: Option<&'a str>,
}

/// Cuts a string to `max` characters, marking the cut.
pub fn cap(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn cap_json(value: serde_json::Value) -> String {
    let text = value.to_string();
    if text.len() <= MAX_JSON_BYTES {
        return text;
    }
    serde_json::json!({
        "truncated": true,
        "bytes": text.len(),
        "start": cap(&text, 1_000),
    })
    .to_string()
}

/// Appends an entry, on any connection: inside a mutation's transaction for what it
/// committed, on the pool for a refusal. A failure to audit is returned, never hidden.
pub async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) -> Result<(), sea_orm::DbErr> {
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor: Set(entry
            .actor
            .map(|a| a.username.as_str())
            .or(entry.username)
            .map(|n| cap(n, MAX_NAME_CHARS))),
        actor_role: Set(entry.actor.map(|a| a.role)),
        action: Set(cap(entry.action, MAX_NAME_CHARS)),
        target: Set(entry.target.map(|t| cap(&t, MAX_TARGET_CHARS))),
        outcome: Set(cap(entry.outcome, MAX_NAME_CHARS)),
        before: Set(entry.before.map(cap_json)),
        after: Set(entry.after.map(cap_json)),
        address: Set(entry.address.map(|a| cap(a, MAX_NAME_CHARS))),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Whether to write a refusal's row now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Write it; `suppressed` rows of the same kind were left out before it.
    Write { suppressed: u32 },
    /// Leave it out (it is counted).
    Suppress,
}

/// Rows per source and window for refusals that can come in bursts.
pub struct AuditGate {
    per_window: u32,
    window: Duration,
    max_sources: usize,
    sources: Mutex<HashMap<String, (Instant, u32, u32)>>,
}

impl Default for AuditGate {
    fn default() -> Self {
        AuditGate::new(3, Duration::from_secs(15 * 60), 100_000)
    }
}

impl AuditGate {
    pub fn new(per_window: u32, window: Duration, max_sources: usize) -> AuditGate {
        AuditGate {
            per_window,
            window,
            max_sources,
            sources: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a refusal from `source` (an address, an account and address …).
    pub fn admit(&self, source: &str, now: Instant) -> Admit {
        let Ok(mut sources) = self.sources.lock() else {
            return Admit::Write { suppressed: 0 };
        };
        let window = self.window;
        if sources.len() >= self.max_sources && !sources.contains_key(source) {
            sources.retain(|_, (since, _, _)| now.saturating_duration_since(*since) <= window);
            if sources.len() >= self.max_sources {
                sources.clear();
            }
        }
        let key = cap(source, 2 * MAX_NAME_CHARS + 1);
        let entry = sources.entry(key).or_insert((now, 0, 0));
        if now.saturating_duration_since(entry.0) > window {
            let suppressed = entry.2;
            *entry = (now, 1, 0);
            return Admit::Write { suppressed };
        }
        if entry.1 < self.per_window {
            entry.1 += 1;
            return Admit::Write { suppressed: 0 };
        }
        entry.2 += 1;
        Admit::Suppress
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_strings() {
        assert_eq!(cap("abc", 5), "abc");
        assert_eq!(cap(&"名".repeat(100), 5), "名名名名…");
        assert_eq!(cap(&"x".repeat(60_000), MAX_NAME_CHARS).chars().count(), 64);
        let big = cap_json(serde_json::json!({ "x": "y".repeat(100_000) }));
        assert!(big.len() < 2_000, "{}", big.len());
        let v: serde_json::Value = serde_json::from_str(&big).unwrap();
        assert_eq!(v["truncated"], true);
    }

    #[test]
    fn a_burst_writes_a_few_rows_then_one_with_the_count() {
        let gate = AuditGate::new(3, Duration::from_secs(60), 1_000);
        let t = Instant::now();
        let admitted: Vec<Admit> = (0..200).map(|_| gate.admit("1.2.3.4", t)).collect();
        assert_eq!(
            admitted
                .iter()
                .filter(|a| matches!(a, Admit::Write { .. }))
                .count(),
            3
        );
        assert_eq!(
            gate.admit("5.6.7.8", t),
            Admit::Write { suppressed: 0 },
            "another source"
        );
        assert_eq!(
            gate.admit("1.2.3.4", t + Duration::from_secs(61)),
            Admit::Write { suppressed: 197 }
        );
    }
}
