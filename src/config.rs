//! Configuration, read in one place: command-line flags over environment over defaults.

use std::path::PathBuf;

/// The default store: a SQLite file under `./var/`, created on first use.
pub const DEFAULT_DATA_DIR: &str = "var";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Clone)]
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
    /// Token signing secret (`PLANGRAPH_JWT_SECRET`, at least 32 bytes); when unset the key
    /// file is used, created with a random key on first start.
    pub jwt_secret: Option<String>,
    /// `PLANGRAPH_JWT_KEY_FILE`, default `var/jwt.key`.
    pub jwt_key_file: PathBuf,
    /// Token lifetime in seconds (`PLANGRAPH_TOKEN_TTL_SECS`, default 3600).
    pub token_lifetime_secs: i64,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A value that never prints.
pub struct Secret;

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
            jwt_secret: std::env::var("PLANGRAPH_JWT_SECRET")
                .ok()
                .filter(|s| !s.is_empty()),
            jwt_key_file: std::env::var("PLANGRAPH_JWT_KEY_FILE")
                .map(PathBuf::from)
                .unwrap_or_else(|_| [DEFAULT_DATA_DIR, "jwt.key"].iter().collect()),
            token_lifetime_secs: std::env::var("PLANGRAPH_TOKEN_TTL_SECS")
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|v| *v > 0)
                .unwrap_or(3600),
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
            // A fresh random secret: nothing is written to disk for a throwaway server.
            jwt_secret: Some(random_secret()),
            jwt_key_file: PathBuf::new(),
            token_lifetime_secs: 3600,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The database URL may hold a password and the secret is a secret: neither is printed.
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("limits", &self.limits)
            .field("cors_origins", &self.cors_origins)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| Secret))
            .field("jwt_key_file", &self.jwt_key_file)
            .finish_non_exhaustive()
    }
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    // Without randomness a fixed secret would be worse than failing: fall back to the clock
    // only to keep tests running on a broken machine, never in `from_env`.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes[..16].copy_from_slice(&nanos.to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn default_database_url() -> String {
    let path: PathBuf = [DEFAULT_DATA_DIR, "plangraph.db"].iter().collect();
    format!("sqlite://{}?mode=rwc", path.display())
}
