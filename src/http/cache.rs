//! The response cache: answers keyed by request and data version.
//!
//! Every write bumps `data_version` in the same transaction (triggers, so writes by other
//! processes count too). Each request reads the version first — one cheap statement — so a
//! cached answer or an ETag can never outlive a change of the data it came from.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use actix_web::web::Bytes;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};

#[derive(Clone)]
pub struct Cached {
    pub version: i64,
    pub request: String,
    pub body: Bytes,
    pub content_type: &'static str,
}

pub struct ResponseCache {
    db: DatabaseConnection,
    capacity: usize,
    entries: Mutex<HashMap<u64, Cached>>,
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

impl ResponseCache {
    pub fn new(db: DatabaseConnection, capacity: usize) -> Self {
        ResponseCache {
            db,
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The current data version.
    pub async fn version(&self) -> Result<i64, DbErr> {
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                self.db.get_database_backend(),
                "SELECT version FROM data_version WHERE id = 1",
            ))
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("data_version".into()))?;
        row.try_get_by_index(0)
    }

    pub fn get(&self, key: u64, request: &str, version: i64) -> Option<Cached> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&key)
            .filter(|c| c.version == version && c.request == request)
            .cloned()
    }

    pub fn put(&self, key: u64, entry: Cached) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.capacity {
            let current = entry.version;
            entries.retain(|_, c| c.version == current);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, entry);
    }
}
