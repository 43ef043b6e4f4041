//! Opening the store and bringing its schema up to date.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    TransactionTrait,
};

/// Connects to SQLite or PostgreSQL and runs pending migrations.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    Ok(connect_counted(url).await?.0)
}

/// Like [`connect`], with a count of the SQL statements the connection runs (for the statement
/// budget per request: the tests and the benchmark read it).
pub async fn connect_counted(url: &str) -> Result<(DatabaseConnection, Arc<AtomicU64>), DbErr> {
    if let Some(path) = sqlite_file(url) {
        if let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
    }
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    if url.starts_with("sqlite:") {
        // One writer at a time is SQLite's model: a single connection serialises writes
        // instead of failing them with "database is locked"; WAL lets readers proceed.
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .map_sqlx_sqlite_opts(|opts| {
                opts.busy_timeout(Duration::from_secs(5))
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
            });
    } else {
        options.max_connections(16).min_connections(1);
    }
    // A fresh SQLite file opened by several processes at once: switching it to WAL needs a
    // lock the busy timeout does not wait for, so the loser retries briefly.
    let mut attempt = 0;
    let mut db = loop {
        match Database::connect(options.clone()).await {
            Ok(db) => break db,
            Err(err) if attempt < 50 && is_locked(&err) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(20 + 10 * attempt)).await;
            }
            Err(err) => return Err(err),
        }
    };
    migrate(&db).await?;
    let statements = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&statements);
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    Ok((db, statements))
}

/// Arbitrary key of the PostgreSQL advisory lock that serialises migrations.
const MIGRATION_LOCK: i64 = 0x706c_616e_6772;

/// Brings the schema up to date, and gives every versioned table its data-version triggers
/// (`migration::versioning`). Two processes starting together on one store would both try
/// to create the tables; each backend's lock makes the second wait and then find nothing left
/// to do: an advisory lock on PostgreSQL, a write transaction taken up front on SQLite.
async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
                .await?;
            Migrator::up(&txn, None).await?;
            migration::versioning::ensure(&txn).await?;
            txn.commit().await
        }
        DbBackend::Sqlite => {
            // The SQLite pool has exactly one connection, so these statements share it.
            db.execute_unprepared("BEGIN IMMEDIATE").await?;
            let migrated = match Migrator::up(db, None).await {
                Ok(()) => migration::versioning::ensure(db).await,
                Err(err) => Err(err),
            };
            match migrated {
                Ok(()) => db.execute_unprepared("COMMIT").await.map(|_| ()),
                Err(err) => {
                    let _ = db.execute_unprepared("ROLLBACK").await;
                    Err(err)
                }
            }
        }
        _ => Migrator::up(db, None).await,
    }
}

/// SQLite's "database is locked" (SQLITE_BUSY), which only means: try again shortly.
fn is_locked(err: &DbErr) -> bool {
    err.to_string().contains("database is locked")
}

/// The file path of a `sqlite://path?…` URL, None for in-memory or other stores.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_sqlite_file() {
        assert_eq!(
            sqlite_file("sqlite://var/plangraph.db?mode=rwc"),
            Some("var/plangraph.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/x"), None);
    }
}
