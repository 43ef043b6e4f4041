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
        }
    }
}

pub fn default_database_url() -> String {
    let path: PathBuf = [DEFAULT_DATA_DIR, "plangraph.db"].iter().collect();
    format!("sqlite://{}?mode=rwc", path.display())
}
