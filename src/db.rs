//! Opening the store and bringing its schema up to date.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    TransactionTrait,
};

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
    // returns (two put a second TLS handshake, ~35 ms, before the migrations).
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
    let seeded = migrate(&db, &shown, access, seed).await?;
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

/// The store's tables: plangraph's (with its migration table), none, or someone else's.
async fn check_tables(
    db: &impl ConnectionTrait,
    shown: &str,
    access: Access,
) -> Result<(), OpenError> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        _ => {
            // pg_catalog, not information_schema: a few milliseconds less at every start.
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        }
    };
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await
        .map_err(|e| explain(shown, &e))?;
    let tables: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect();
    if tables.iter().any(|t| t == "seaql_migrations") {
        return Ok(());
    }
    if !tables.is_empty() {
        let named: Vec<&str> = tables.iter().take(5).map(String::as_str).collect();
        return Err(OpenError(format!(
            "{shown} holds other tables ({}{}) and no plangraph store: plangraph creates its \
             tables only in an empty database; set DATABASE_URL to an empty one or to a \
             plangraph store",
            named.join(", "),
            if tables.len() > 5 { ", …" } else { "" }
        )));
    }
    if access == Access::Existing {
        return Err(OpenError(format!(
            "{shown} holds no plangraph store yet: create it with `plangraph serve` or \
             `plangraph import FILE`, or set DATABASE_URL to the store you mean"
        )));
    }
    Ok(())
}

/// How long a SQLite statement waits for a write lock another process holds (the CLI
/// importing, a second server, a backup) before it gives up with SQLITE_BUSY, answered 503:
/// inside the default 5 s request limit, since the store's one connection is held while it
/// waits and this process's other requests wait behind it. Not much shorter: a second server
/// process on the store writes while the first one's post-import ANALYZE holds the lock, which
/// took more than 1.5 s on a loaded machine.
const SQLITE_BUSY_WAIT: Duration = Duration::from_secs(4);

/// How long a pooled connection may sit idle before it is tested on checkout.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(10);

/// A pool on `url`; on PostgreSQL it keeps `min_connections` open (SQLite has one).
async fn open_pool(
    url: &str,
    store_timeout: Duration,
    min_connections: u32,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // sqlx pings a connection on every checkout by default: a round trip to the store
        // before each statement, a third of an uncached request's messages (issue 11). A
        // connection in use moments ago is known to work; one idle for a while may have been
        // dropped by the server or a firewall, and is still tested.
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR);
    if url.starts_with("sqlite:") {
        // One writer at a time is SQLite's model: a single connection serialises writes
        // instead of failing them with "database is locked"; WAL lets readers proceed.
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .map_sqlx_sqlite_opts(|opts| {
                opts.busy_timeout(SQLITE_BUSY_WAIT)
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
            })
            .map_sqlx_sqlite_pool_opts(|pool| {
                pool.after_connect(|conn, _| Box::pin(async move { stable_plans(conn).await }))
            });
    } else {
        options
            .max_connections(16)
            .min_connections(min_connections)
            .connect_timeout(store_timeout)
            .acquire_timeout(store_timeout)
            // A prepared statement is planned once per connection, not at every run. By
            // default PostgreSQL plans a statement anew for its values until the plan for any
            // values looks about as cheap; where a plan's targets are many (9,300 of 16,400 at
            // 100× the data) it never does, and a plan's indicators spent 0.3 ms of every
            // request planning (0.53 → 0.85 ms p50 at 100×; 0.53 with generic plans). The
            // statements are written for index seeks whatever the values (tested at 100× by
            // bench/scale.sh). Sent with the connection's start-up: no round trip.
            .map_sqlx_postgres_opts(|opts| {
                opts.options([("plan_cache_mode", "force_generic_plan")])
            });
    }
    // A fresh SQLite file opened by several processes at once: switching it to WAL needs a
    // lock the busy timeout does not wait for, so the loser retries briefly.
    let mut attempt = 0;
    loop {
        match Database::connect(options.clone()).await {
            Ok(db) => return Ok(db),
            Err(err) if attempt < 50 && is_locked(&err) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(20 + 10 * attempt)).await;
            }
            Err(err) => return Err(err),
        }
    }
}

/// Turns on SQLite's query planner stability guarantee (QPSG) for a new connection: a
/// statement keeps the plan it was prepared with whatever values are bound to it. Without it
/// SQLite marks a statement whose plan might depend on a bound value — any `LIKE ?`, and on an
/// analysed store (sqlite_stat4) any condition on an indexed column — as expired on every new
/// binding, and prepares it again on every run: 4.0 M of a search's 11.0 M instructions at
/// 100× the data (FTS5's own statements), 0.5 M of every `LIKE`. The plans are the ones our
/// statements are written for (their `EXPLAIN QUERY PLAN`s do not read bound values).
async fn stable_plans(
    conn: &mut sea_orm::sqlx::sqlite::SqliteConnection,
) -> Result<(), sea_orm::sqlx::Error> {
    match planner_stability(conn, 1).await? {
        1 => Ok(()),
        _ => Err(sea_orm::sqlx::Error::Configuration(
            "SQLite did not take its query planner stability setting".into(),
        )),
    }
}

/// Whether the store's connections keep their statements' plans whatever values are bound:
/// SQLite's planner stability guarantee ([`stable_plans`]), PostgreSQL's generic plans
/// (`plan_cache_mode`, set in [`open_pool`]).
pub async fn keeps_plans(db: &DatabaseConnection) -> Result<bool, DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        let mode: Option<String> = db
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Postgres,
                "SHOW plan_cache_mode",
            ))
            .await?
            .map(|row| row.try_get_by_index(0))
            .transpose()?;
        return Ok(mode.as_deref() == Some("force_generic_plan"));
    }
    let mut conn = db
        .get_sqlite_connection_pool()
        .acquire()
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
    let on = planner_stability(&mut conn, -1)
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
    Ok(on == 1)
}

/// SQLITE_DBCONFIG_ENABLE_QPSG of a connection: set to `value` (1 on, 0 off, −1 leaves it),
/// returns what it then is.
async fn planner_stability(
    conn: &mut sea_orm::sqlx::sqlite::SqliteConnection,
    value: std::ffi::c_int,
) -> Result<std::ffi::c_int, sea_orm::sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let raw = handle.as_raw_handle();
    let mut now: std::ffi::c_int = -1;
    // SAFETY: `raw` is this connection's open handle, locked for the call; this option takes
    // an int and a pointer to an int that receives the setting's value.
    let code = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            raw.as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            value,
            &mut now as *mut std::ffi::c_int,
        )
    };
    if code == libsqlite3_sys::SQLITE_OK {
        Ok(now)
    } else {
        Err(sea_orm::sqlx::Error::Configuration(
            format!("SQLite refused its query planner stability setting (code {code})").into(),
        ))
    }
}

/// A store error while opening, in words: by the error's kind and code, not its text.
fn explain(shown: &str, err: &DbErr) -> OpenError {
    match sqlx_error(err) {
        Some(e) => explain_sqlx(shown, e),
        None => match err {
            DbErr::ConnectionAcquire(_) => OpenError(format!(
                "no connection to the store at {shown} in time: is it running and reachable? \
                 (DATABASE_URL)"
            )),
            DbErr::Custom(message) | DbErr::Migration(message) => {
                OpenError(format!("{shown}: {message}"))
            }
            other => OpenError(format!("{shown}: {other}")),
        },
    }
}

fn explain_sqlx(shown: &str, err: &sea_orm::sqlx::Error) -> OpenError {
    use sea_orm::sqlx::Error as Sqlx;
    OpenError(match err {
        Sqlx::Database(e)
            if e.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                .is_some() =>
        {
            match sqlite_primary(e.code().as_deref()) {
                // SQLITE_CANTOPEN
                Some(14) => format!(
                    "cannot open the SQLite file of DATABASE_URL ({shown}): does its directory \
                     exist and may this user write there? (sqlite:///path is absolute, \
                     sqlite://path relative to the working directory)"
                ),
                _ => format!("the SQLite store at {shown} refused: {}", e.message()),
            }
        }
        Sqlx::Database(e) => match e.code().as_deref() {
            // PostgreSQL: invalid_catalog_name
            Some("3D000") => format!(
                "the database named in DATABASE_URL ({shown}) does not exist: create it \
                 (`createdb NAME`) or correct the name"
            ),
            // invalid_password, invalid_authorization_specification
            Some("28P01") | Some("28000") => format!(
                "PostgreSQL refused the login in DATABASE_URL ({shown}): {}",
                e.message()
            ),
            _ => format!("the store at {shown} refused: {}", e.message()),
        },
        Sqlx::Io(io) => format!(
            "cannot reach the store at {shown}: {io}; is PostgreSQL running there, on that port? \
             (DATABASE_URL)"
        ),
        Sqlx::Tls(tls) => format!("TLS with the store at {shown} failed: {tls}"),
        Sqlx::PoolTimedOut => format!(
            "no connection to the store at {shown} in time: is it running and reachable? \
             (DATABASE_URL)"
        ),
        Sqlx::Configuration(e) => format!("DATABASE_URL ({shown}) is not a usable store URL: {e}"),
        other => format!("the store at {shown}: {other}"),
    })
}

/// The sqlx error beneath a store error, if there is one.
fn sqlx_error(err: &DbErr) -> Option<&sea_orm::sqlx::Error> {
    use sea_orm::RuntimeErr;
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => Some(e.as_ref()),
        _ => None,
    }
}

/// A store URL fit to print: the password, if any, replaced.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
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
        // A file store that fails to answer in time is busy — another process (the CLI, a
        // backup) holds its write lock — not down: its requests wait out their own time
        // limit instead of every request being refused.
        if self.db.get_database_backend() == DbBackend::Sqlite {
            return;
        }
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

/// Whether a store error is SQLite's "database is locked" (SQLITE_BUSY, SQLITE_LOCKED):
/// another process holds the write lock longer than [`SQLITE_BUSY_WAIT`]. Worth a retry.
pub fn is_busy(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::RuntimeErr;
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                Sqlx::Database(d) => matches!(d.code().as_deref(), Some("5" | "6" | "517")),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Arbitrary key of the PostgreSQL advisory lock that serialises migrations.
const MIGRATION_LOCK: i64 = 0x706c_616e_6772;

/// Checks that the store is empty or plangraph's ([`check_tables`]), brings its schema up to
/// date, and gives every versioned table its data-version triggers (`migration::versioning`).
/// Two processes starting together on one store would both try to create the tables; each
/// backend's lock makes the second wait and then find nothing left to do: an advisory lock on
/// PostgreSQL, a write transaction taken up front on SQLite. True when the store was new and
/// `seed` was written into it.
async fn migrate(
    db: &DatabaseConnection,
    shown: &str,
    access: Access,
    seed: Option<Seed>,
) -> Result<bool, OpenError> {
    let explained = |err: DbErr| explain(shown, &err);
    match db.get_database_backend() {
        DbBackend::Postgres => {
            // The check runs in the migrations' transaction: on the pool's one connection, not
            // on a second one opened while the first is being returned (~7 ms of a start).
            let txn = db.begin().await.map_err(explained)?;
            // The pool's second connection is made while this one makes the store, not
            // during the first request (whose loaders run side by side).
            let pool = db.get_postgres_connection_pool().clone();
            tokio::spawn(async move { drop(pool.acquire().await) });
            check_tables(&txn, shown, access).await?;
            let seeded = migrate_postgres(&txn, seed).await.map_err(explained)?;
            txn.commit().await.map_err(explained)?;
            Ok(seeded)
        }
        DbBackend::Sqlite => {
            check_tables(db, shown, access).await?;
            migrate_sqlite(db).await.map_err(explained)?;
            Ok(false)
        }
        _ => {
            check_tables(db, shown, access).await?;
            Migrator::up(db, None).await.map_err(explained)?;
            Ok(false)
        }
    }
}

async fn migrate_postgres(
    txn: &sea_orm::DatabaseTransaction,
    seed: Option<Seed>,
) -> Result<bool, DbErr> {
    txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        .await?;
    // check_tables let only an empty database or a plangraph store through; under the lock,
    // a database without the migrations' table is still empty.
    let new = txn
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT to_regclass('seaql_migrations') IS NULL",
        ))
        .await?
        .map(|row| row.try_get_by_index::<bool>(0))
        .transpose()?
        .unwrap_or(false);
    let seeded = if new {
        // Rows are written in the current model: into the baseline only when no migration
        // is newer than it (one being written, before the baseline is blessed again).
        let seed = seed.filter(|_| migration::baseline::is_current());
        let seeding = seed.is_some();
        let attempt = txn.begin().await?;
        let loaded = match seed {
            Some(seed) => {
                migration::baseline::load_seeded(&attempt, async move |t| seed(t).await).await
            }
            None => migration::baseline::load(&attempt)
                .await
                .map_err(migration::baseline::SeedError::Schema),
        };
        match loaded {
            Ok(()) => {
                attempt.commit().await?;
                seeding
            }
            Err(migration::baseline::SeedError::Schema(err)) => {
                attempt.rollback().await?;
                tracing::warn!(error = %err, "the schema baseline did not load; running the migrations one by one");
                false
            }
            Err(migration::baseline::SeedError::Seed(err)) => return Err(err),
        }
    } else {
        false
    };
    Migrator::up(txn, None).await?;
    migration::versioning::ensure(txn).await?;
    Ok(seeded)
}

async fn migrate_sqlite(db: &DatabaseConnection) -> Result<(), DbErr> {
    // The SQLite pool has exactly one connection, so these statements share it. Foreign keys
    // are off while the schema changes (SQLite rebuilds a table to drop a column, which its
    // RESTRICT keys would refuse) and checked before the commit.
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

/// SQLite's "database is locked" (SQLITE_BUSY, code 5), which only means: try again shortly.
fn is_locked(err: &DbErr) -> bool {
    match sqlx_error(err) {
        Some(sea_orm::sqlx::Error::Database(e)) => sqlite_primary(e.code().as_deref()) == Some(5),
        _ => false,
    }
}

/// SQLite's primary result code from the extended one sqlx reports (SQLITE_BUSY_SNAPSHOT,
/// 517, is SQLITE_BUSY, 5).
fn sqlite_primary(code: Option<&str>) -> Option<u32> {
    code?.parse::<u32>().ok().map(|c| c & 0xff)
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
    fn passwords_are_not_printed() {
        assert_eq!(
            redacted("postgres://app:s3cret@db.example:5432/plangraph"),
            "postgres://app:***@db.example:5432/plangraph"
        );
        assert_eq!(
            redacted("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
    }

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
