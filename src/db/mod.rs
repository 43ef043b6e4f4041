//! Opening the store: a pool on SQLite or PostgreSQL, its schema brought up to date, and
//! what went wrong said in words.

mod errors;
mod health;
mod migrate;
mod pool;
pub mod snapshot;

pub use errors::{is_busy, is_unreachable, redacted};
pub use health::StoreHealth;
pub use pool::keeps_plans;

use errors::{explain, explain_sqlx};
use migrate::{create_private, sqlite_file};
use pool::open_pool;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr};

/// How long a PostgreSQL pool may take to connect before a plain connection beside it asks
/// what is wrong.
const PROBE_AFTER: Duration = Duration::from_millis(100);

/// How long the command line waits for a connection (an import may wait for a server).
const PATIENT: Duration = Duration::from_secs(5);

/// What a command may do to the store it opens. Only `serve` and `import` create a store;
/// no command creates its tables in a database that holds other tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Create the store in an empty database, or bring an existing one up to date.
    Create,
    /// The store must exist already (the account commands).
    Existing,
}

/// Why the store could not be opened, said for the person who set `DATABASE_URL`: what is
/// wrong and how to fix it, once.
#[derive(Debug)]
pub struct OpenError(String);

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OpenError {}

/// Connects to SQLite or PostgreSQL, creating the store if need be, and runs pending
/// migrations.
pub async fn connect(url: &str) -> Result<DatabaseConnection, OpenError> {
    Ok(connect_counted(url, PATIENT, Access::Create).await?.0)
}

/// Connects to a store that must exist already, and brings its schema up to date.
pub async fn connect_existing(url: &str) -> Result<DatabaseConnection, OpenError> {
    Ok(connect_counted(url, PATIENT, Access::Existing).await?.0)
}

/// A second, uncounted pool on the store the server opens, for the change feed: its polling
/// never waits behind requests for a connection, and never shows in a request's statement
/// count. On PostgreSQL it is opened while the store is being made: its two connections, one
/// held by LISTEN and one for the feed's reads, are then ready when the server starts (the
/// pool opens both before it returns).
pub async fn connect_follower(url: &str) -> Result<DatabaseConnection, OpenError> {
    open_pool(url, PATIENT, 2)
        .await
        .map_err(|e| explain(&redacted(url), &e))
}

/// Like [`connect`], with a count of the SQL statements the connection runs (for the statement
/// budget per request: the tests and the benchmark read it). A PostgreSQL connection that
/// takes longer than `store_timeout` to get counts as the store being down, so a request
/// during an outage is answered quickly instead of waiting out a long connect timeout.
pub async fn connect_counted(
    url: &str,
    store_timeout: Duration,
    access: Access,
) -> Result<(DatabaseConnection, Arc<AtomicU64>), OpenError> {
    let opened = open(url, store_timeout, access, None).await?;
    Ok((opened.db, opened.statements))
}

/// The first rows of a new store, written in the transaction that makes its schema, before
/// its keys (see [`migration::baseline::load_seeded`]).
pub type Seed = Box<
    dyn for<'t> FnOnce(
            &'t sea_orm::DatabaseTransaction,
        ) -> futures_util::future::BoxFuture<'t, Result<(), DbErr>>
        + Send,
>;

/// A store [`open`]ed.
pub struct Opened {
    pub db: DatabaseConnection,
    /// SQL statements run on `db` (see [`connect_counted`]).
    pub statements: Arc<AtomicU64>,
    /// Whether the seed was written: a new PostgreSQL store made from the current baseline
    /// gets it; any other store is opened as by [`connect_counted`], and the caller writes
    /// its rows itself if it wants them.
    pub seeded: bool,
}

/// [`connect_counted`], with the rows a new store is to start with.
pub async fn open(
    url: &str,
    store_timeout: Duration,
    access: Access,
    seed: Option<Seed>,
) -> Result<Opened, OpenError> {
    let shown = redacted(url);
    if let Some(path) = sqlite_file(url) {
        let path = std::path::Path::new(path);
        if access == Access::Existing && !path.exists() {
            return Err(OpenError(format!(
                "there is no store at {shown} (no file {}): create one with `plangraph serve` or \
                 `plangraph import FILE`, or set DATABASE_URL to the store you mean",
                path.display()
            )));
        }
        create_private(path).map_err(|e| {
            OpenError(format!(
                "{e}; DATABASE_URL={shown} (sqlite:///path is an absolute path, sqlite://path one \
                 relative to the working directory)"
            ))
        })?;
    }
    // One kept open: sqlx opens a pool's minimum one connection after another before it
    // returns (two would put a second TLS handshake before the migrations).
    let pool = open_pool(url, store_timeout, 1);
    tokio::pin!(pool);
    let mut db = if url.starts_with("postgres") {
        // The pool retries a failed connection until its timeout and then says only "timed
        // out": one plain connection tells at once what is wrong. It is made only when the
        // pool has not connected in PROBE_AFTER (a start that works makes one connection,
        // not two: a TLS handshake less), or has failed.
        let probe = probe_postgres(url, store_timeout.max(PATIENT));
        tokio::pin!(probe);
        let early = tokio::select! {
            opened = &mut pool => Some(opened),
            () = tokio::time::sleep(PROBE_AFTER) => None,
        };
        let (opened, probed) = match early {
            Some(opened) => (opened, false),
            None => tokio::select! {
                opened = &mut pool => (opened, false),
                probed = &mut probe => {
                    probed?;
                    (pool.await, true)
                }
            },
        };
        match opened {
            Ok(db) => db,
            Err(err) => {
                if !probed {
                    probe.await?;
                }
                return Err(explain(&shown, &err));
            }
        }
    } else {
        pool.await.map_err(|e| explain(&shown, &e))?
    };
    let migrating = std::time::Instant::now();
    let seeded = migrate::migrate(&db, &shown, access, seed).await?;
    tracing::debug!(
        ms = migrating.elapsed().as_millis() as u64,
        "migrations and versioning triggers checked"
    );
    let statements = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&statements);
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    Ok(Opened {
        db,
        statements,
        seeded,
    })
}

/// One PostgreSQL connection, closed at once: an unknown database, a refused login or nothing
/// listening is reported as such.
async fn probe_postgres(url: &str, wait: Duration) -> Result<(), OpenError> {
    use sea_orm::sqlx::{Connection, PgConnection};
    let shown = redacted(url);
    match tokio::time::timeout(wait, PgConnection::connect(url)).await {
        Ok(Ok(connection)) => {
            let _ = connection.close().await;
            Ok(())
        }
        Ok(Err(err)) => Err(explain_sqlx(&shown, &err)),
        Err(_) => Err(OpenError(format!(
            "no answer from PostgreSQL at {shown} within {} s: is the host right and the port \
             open? (DATABASE_URL)",
            wait.as_secs()
        ))),
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at BEGIN
/// (IMMEDIATE), inside the busy wait: a deferred transaction that has read cannot always wait
/// for another process's write when it comes to write, and fails with "database is locked".
/// PostgreSQL ignores the mode.
pub async fn begin_write(
    db: &sea_orm::DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
