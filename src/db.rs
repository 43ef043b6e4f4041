//! Opening the store and bringing its schema up to date.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    TransactionTrait,
};

/// How long the command line waits for a connection (an import may wait for a server).
const PATIENT: Duration = Duration::from_secs(5);

/// Connects to SQLite or PostgreSQL and runs pending migrations.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    Ok(connect_counted(url, PATIENT).await?.0)
}

/// Like [`connect`], with a count of the SQL statements the connection runs (for the statement
/// budget per request: the tests and the benchmark read it). A PostgreSQL connection that
/// takes longer than `store_timeout` to get counts as the store being down, so a request
/// during an outage is answered quickly instead of waiting out a long connect timeout.
pub async fn connect_counted(
    url: &str,
    store_timeout: Duration,
) -> Result<(DatabaseConnection, Arc<AtomicU64>), DbErr> {
    if let Some(path) = sqlite_file(url) {
        create_private(std::path::Path::new(path))?;
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
        options
            .max_connections(16)
            .min_connections(1)
            .connect_timeout(store_timeout)
            .acquire_timeout(store_timeout);
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

/// Whether the store answers, as the requests and a probe find it. While it is down, requests
/// are answered 503 at once instead of each waiting for a connection; a probe pings it every
/// quarter second and lets requests through again as soon as it answers.
pub struct StoreHealth {
    db: DatabaseConnection,
    down: AtomicBool,
}

/// How often the probe pings a store that is down.
const PROBE_EVERY: Duration = Duration::from_millis(250);

impl StoreHealth {
    pub fn new(db: DatabaseConnection) -> Arc<StoreHealth> {
        Arc::new(StoreHealth {
            db,
            down: AtomicBool::new(false),
        })
    }

    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// Records that the store failed to answer; the first report starts the probe.
    pub fn report_down(self: &Arc<Self>) {
        if self.down.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::error!("the store is down; answering 503 until it is back");
        let health = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                let ping = tokio::time::timeout(Duration::from_secs(1), health.db.ping()).await;
                if matches!(ping, Ok(Ok(()))) {
                    health.down.store(false, Ordering::Release);
                    tracing::info!("the store is back");
                    return;
                }
            }
        });
    }
}

/// Whether a store error means the store cannot be reached (as opposed to a bad statement):
/// no connection to be had, or one that broke under a statement.
pub fn is_unreachable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::RuntimeErr;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(
                e.as_ref(),
                Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed
            )
        }
        _ => false,
    }
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
            // Foreign keys are off while the schema changes (SQLite rebuilds a table to drop a
            // column, which its RESTRICT keys would refuse) and checked before the commit.
            db.execute_unprepared("PRAGMA foreign_keys = OFF").await?;
            db.execute_unprepared("BEGIN IMMEDIATE").await?;
            let migrated = match Migrator::up(db, None).await {
                Ok(()) => migration::versioning::ensure(db).await,
                Err(err) => Err(err),
            };
            let checked = match migrated {
                Ok(()) => foreign_keys_hold(db).await,
                Err(err) => Err(err),
            };
            let result = match checked {
                Ok(()) => db.execute_unprepared("COMMIT").await.map(|_| ()),
                Err(err) => {
                    let _ = db.execute_unprepared("ROLLBACK").await;
                    Err(err)
                }
            };
            db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
            result
        }
        _ => Migrator::up(db, None).await,
    }
}

/// Creates a new SQLite file, and its directory, readable by the owner only: the store holds
/// password hashes. SQLite gives its `-wal` and `-shm` files the same mode as the database.
/// An existing file is left as it is, with a warning when others may read it.
fn create_private(path: &std::path::Path) -> Result<(), DbErr> {
    let fail = |what: &std::path::Path, e: std::io::Error| {
        DbErr::Custom(format!("cannot create {}: {e}", what.display()))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir).map_err(|e| fail(dir, e))?;
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(path)
                    .map(|m| m.permissions().mode())
                    .unwrap_or(0);
                if mode & 0o077 != 0 {
                    tracing::warn!(
                        path = %path.display(),
                        mode = format!("{:o}", mode & 0o777),
                        "the store is open to other users and holds password hashes: chmod 600 it"
                    );
                }
            }
            Ok(())
        }
        Err(e) => Err(fail(path, e)),
    }
}

/// Refuses a SQLite schema change that left a row pointing at nothing.
async fn foreign_keys_hold(db: &DatabaseConnection) -> Result<(), DbErr> {
    let broken = db
        .query_all_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA foreign_key_check",
        ))
        .await?;
    if let Some(row) = broken.first() {
        let table: String = row.try_get_by_index(0).unwrap_or_default();
        return Err(DbErr::Migration(format!(
            "the migration left {} rows pointing at nothing (first in {table})",
            broken.len()
        )));
    }
    Ok(())
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
