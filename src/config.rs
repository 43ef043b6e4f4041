//! Configuration, read in one place: command-line flags over environment over defaults.

use std::path::PathBuf;

/// The default store: a SQLite file under `./var/`, created on first use.
pub const DEFAULT_DATA_DIR: &str = "var";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Address to listen on; port 0 picks a free port (the tests use it).
    pub bind: String,
    /// Import the bundled document when the store is empty.
    pub import_bundled: bool,
    pub limits: Limits,
    /// Origins allowed to call the API from a browser; `*` (the default) allows any.
    pub cors_origins: Vec<String>,
}

/// Limits on what one request may ask for, with defaults in the spirit of GitHub's public API.
/// Each is `PLANGRAPH_MAX_<NAME>` in the environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Nesting depth of a query (the IDE's introspection query needs 13).
    pub depth: usize,
    /// Query complexity: one per field, list connections multiply their children by the page size.
    pub complexity: usize,
    /// Aliased fields in one request.
    pub aliases: usize,
    /// Request body size in bytes.
    pub body_bytes: usize,
    /// Operations in one batched request.
    pub batch: usize,
    /// Answers kept in the in-memory response cache.
    pub cached_responses: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 15,
            complexity: 20_000,
            aliases: 50,
            body_bytes: 64 * 1024,
            batch: 10,
            cached_responses: 1_000,
        }
    }
}

impl Limits {
    fn from_env() -> Limits {
        let d = Limits::default();
        let read = |name: &str, default: usize| {
            std::env::var(format!("PLANGRAPH_MAX_{name}"))
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(default)
        };
        Limits {
            depth: read("DEPTH", d.depth),
            complexity: read("COMPLEXITY", d.complexity),
            aliases: read("ALIASES", d.aliases),
            body_bytes: read("BODY_BYTES", d.body_bytes),
            batch: read("BATCH", d.batch),
            cached_responses: read("CACHED_RESPONSES", d.cached_responses),
        }
    }
}

impl Settings {
    /// Settings from the environment (`DATABASE_URL`, `PLANGRAPH_BIND`) and defaults.
    pub fn from_env() -> Settings {
        Settings {
            database_url: std::env::var("DATABASE_URL")
                .ok()
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(default_database_url),
            bind: std::env::var("PLANGRAPH_BIND")
                .ok()
                .filter(|b| !b.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_BIND.to_string()),
            import_bundled: true,
            limits: Limits::from_env(),
            cors_origins: std::env::var("PLANGRAPH_CORS_ORIGINS")
                .ok()
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_string())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .filter(|v: &Vec<String>| !v.is_empty())
                .unwrap_or_else(|| vec!["*".to_string()]),
        }
    }

    /// Defaults for a store and an address, as the tests use them.
    pub fn new(database_url: impl Into<String>, bind: impl Into<String>) -> Settings {
        Settings {
            database_url: database_url.into(),
            bind: bind.into(),
            import_bundled: true,
            limits: Limits::default(),
            cors_origins: vec!["*".to_string()],
        }
    }
}

pub fn default_database_url() -> String {
    let path: PathBuf = [DEFAULT_DATA_DIR, "plangraph.db"].iter().collect();
    format!("sqlite://{}?mode=rwc", path.display())
}
