//! The response cache and ETags: answers keyed by request and data version.
//!
//! Every write bumps `data_version` in the same transaction (triggers, so writes by other
//! processes count too). Each public request takes the current version from
//! [`DataVersion`](crate::version::DataVersion) first — kept current by notification on
//! PostgreSQL, read from the store otherwise — so a cached answer or an ETag does not outlive
//! a change of the data it came from. The
//! cache is bounded by bytes (answers weigh what they hold), not only by entries.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use actix_web::web::Bytes;

#[derive(Clone)]
pub struct Cached {
    pub version: i64,
    pub request: String,
    pub body: Bytes,
    pub content_type: &'static str,
}

/// What an entry costs beyond its bytes (key, bookkeeping).
const ENTRY_OVERHEAD: usize = 256;

pub struct ResponseCache {
    entries: moka::sync::Cache<u64, Arc<Cached>>,
}

/// What identifies an answer: the request as sent and the response type asked for.
pub fn request_key(
    query: &str,
    variables: &str,
    operation: Option<&str>,
    content_type: &str,
) -> (u64, String) {
    let text = format!(
        "{content_type}\u{0}{}\u{0}{variables}\u{0}{query}",
        operation.unwrap_or("")
    );
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    (hasher.finish(), text)
}

pub fn etag(version: i64, key: u64) -> String {
    format!("\"v{version}-{key:016x}\"")
}

/// Whether an `If-None-Match` header value matches the ETag, by the weak comparison RFC 9110
/// prescribes for it: `W/"x"` matches `"x"` (a proxy that gzips an answer, as nginx does, sends
/// back the weak form of the tag it was given).
pub fn matches(if_none_match: &str, etag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let etag = opaque(etag);
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || opaque(t) == etag)
}

impl ResponseCache {
    /// A cache holding at most `bytes` of answers; None when `bytes` is 0.
    pub fn new(bytes: u64) -> Option<Self> {
        (bytes > 0).then(|| ResponseCache {
            entries: moka::sync::Cache::builder()
                .max_capacity(bytes)
                .weigher(|_, v: &Arc<Cached>| {
                    u32::try_from(v.body.len() + v.request.len() + ENTRY_OVERHEAD)
                        .unwrap_or(u32::MAX)
                })
                .build(),
        })
    }

    pub fn get(&self, key: u64, request: &str, version: i64) -> Option<Arc<Cached>> {
        self.entries
            .get(&key)
            .filter(|c| c.version == version && c.request == request)
    }

    /// Whether this exact request was answered and cached before (under any version): it is a
    /// public query that passed every check then.
    pub fn knows(&self, key: u64, request: &str) -> bool {
        self.entries.get(&key).is_some_and(|c| c.request == request)
    }

    pub fn put(&self, key: u64, entry: Arc<Cached>) {
        self.entries.insert(key, entry);
    }

    /// Bytes held now (after pending evictions are applied).
    pub fn weighted_size(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.weighted_size()
    }
}

/// One computation of an answer that identical requests arriving meanwhile share (request
/// coalescing): when a write empties the cache, the readers of a popular query wait for the
/// one that computes it instead of all computing it at once.
pub type Shared = Arc<tokio::sync::OnceCell<Option<Arc<Cached>>>>;

/// The answers being computed now, by request and data version.
#[derive(Default)]
pub struct Inflight {
    running: std::sync::Mutex<std::collections::HashMap<(u64, i64), (String, Shared)>>,
}

impl Inflight {
    /// The computation of this request at this version: the one under way, or a new one (then
    /// `true`: the caller computes it and must call [`Inflight::done`]). None for another
    /// request with the same hash: it computes its own.
    pub fn join(&self, key: u64, request: &str, version: i64) -> Option<(Shared, bool)> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        match running.get(&(key, version)) {
            Some((text, shared)) if text == request => Some((Arc::clone(shared), false)),
            Some(_) => None,
            None => {
                let shared: Shared = Arc::default();
                running.insert((key, version), (request.to_string(), Arc::clone(&shared)));
                Some((shared, true))
            }
        }
    }

    /// The computation is over (answered, failed or cancelled): later requests start afresh.
    pub fn done(&self, key: u64, version: i64) {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(key, version));
    }

    pub fn len(&self) -> usize {
        self.running.lock().map_or(0, |r| r.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize, version: i64) -> Cached {
        Cached {
            version,
            request: format!("q{n}"),
            body: Bytes::from(vec![b'x'; 10_000]),
            content_type: "application/json",
        }
    }

    #[test]
    fn stays_within_its_bytes() {
        let cache = ResponseCache::new(100_000).unwrap();
        for n in 0..1_000 {
            cache.put(n as u64, Arc::new(entry(n, 1)));
        }
        let held = cache.weighted_size();
        assert!(held <= 100_000, "{held}");
        assert!(held > 0);
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let tag = "\"d7-00ff\"";
        assert!(matches("\"d7-00ff\"", tag));
        assert!(matches("W/\"d7-00ff\"", tag));
        assert!(matches("\"x\", W/\"d7-00ff\"", tag));
        assert!(matches("*", tag));
        assert!(!matches("W/\"d8-00ff\"", tag));
        assert!(!matches("d7-00ff", tag), "an unquoted tag is another tag");
    }

    #[test]
    fn an_older_version_or_another_request_misses() {
        let cache = ResponseCache::new(1_000_000).unwrap();
        cache.put(7, Arc::new(entry(7, 1)));
        assert!(cache.get(7, "q7", 1).is_some());
        assert!(cache.get(7, "q7", 2).is_none());
        assert!(cache.get(7, "q8", 1).is_none(), "same hash, other request");
        assert!(ResponseCache::new(0).is_none());
    }

    #[test]
    fn if_none_match_lists() {
        assert!(matches("\"a\", \"b\"", "\"b\""));
        assert!(matches("*", "\"b\""));
        assert!(!matches("\"a\"", "\"b\""));
    }
}
