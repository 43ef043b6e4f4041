//! Automatic persisted queries (Apollo's protocol): the texts of queries clients sent with
//! their SHA-256 in `extensions.persistedQuery`, so that later the hash alone stands for the
//! text — Apollo Client's and urql's persisted-query links send the hash first, and a GET
//! that names a query by hash keeps its URL short enough for a CDN.
//!
//! The texts are the clients', so what is kept is bounded by bytes: a flood of distinct
//! queries only pushes others out, and a client whose hash is no longer known sends the
//! text again (the protocol's `PersistedQueryNotFound`).

use std::sync::Arc;

/// What an entry costs beyond its text (key, bookkeeping).
const ENTRY_OVERHEAD: u32 = 96;

/// Query texts by their SHA-256.
pub struct PersistedQueries {
    texts: moka::sync::Cache<[u8; 32], Arc<str>>,
}

impl PersistedQueries {
    /// At most about `bytes` of query text kept.
    pub fn new(bytes: u64) -> Self {
        let texts = moka::sync::Cache::builder()
            .weigher(|_, text: &Arc<str>| {
                u32::try_from(text.len())
                    .unwrap_or(u32::MAX)
                    .saturating_add(ENTRY_OVERHEAD)
            })
            .max_capacity(bytes)
            // The protocol's client sends a text right before it uses its hash: a new text is
            // always kept, the least recently used go (TinyLFU would refuse a new one).
            .eviction_policy(moka::policy::EvictionPolicy::lru())
            .build();
        PersistedQueries { texts }
    }

    /// The text kept under `hash`, if any.
    pub fn get(&self, hash: &[u8; 32]) -> Option<Arc<str>> {
        self.texts.get(hash)
    }

    /// Keeps `text` under `hash` (the caller has checked that it is the text's SHA-256).
    pub fn put(&self, hash: [u8; 32], text: &str) {
        if !self.texts.contains_key(&hash) {
            self.texts.insert(hash, Arc::from(text));
        }
    }

    /// The bytes kept now, as the bound counts them (after pending evictions).
    pub fn weight(&self) -> u64 {
        self.texts.run_pending_tasks();
        self.texts.weighted_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_kept_stays_within_its_bytes() {
        let kept = PersistedQueries::new(64 * 1024);
        for n in 0..200u8 {
            let text = format!(
                "{{ plans {{ code }} }} # {}",
                "x".repeat(2000 + usize::from(n))
            );
            kept.put([n; 32], &text);
        }
        assert!(kept.weight() <= 64 * 1024, "{}", kept.weight());
        let found = (0..200u8).filter(|n| kept.get(&[*n; 32]).is_some()).count();
        assert!(found < 40, "{found} of 200 texts of 2 KB kept in 64 KB");
        assert!(kept.get(&[199; 32]).is_some(), "the newest text is kept");
    }
}
