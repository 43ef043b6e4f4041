//! The connection pools: their sizes, timeouts and, on SQLite, the settings each new
//! connection gets (busy wait, planner stability).

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

use super::errors::is_locked;

/// How long a SQLite statement waits for a write lock another process holds (the CLI
/// importing, a second server, a backup) before it gives up with SQLITE_BUSY, answered 503:
/// inside the default 5 s request limit, since the store's one connection is held while it
/// waits and this process's other requests wait behind it. Not much shorter: a second server
/// process on the store writes while the first one's post-import ANALYZE holds the lock, which
/// took more than 1.5 s on a loaded machine.
pub(super) const SQLITE_BUSY_WAIT: Duration = Duration::from_secs(4);

/// How long a pooled connection may sit idle before it is tested on checkout.
pub(super) const PING_IF_IDLE_FOR: Duration = Duration::from_secs(10);

/// A pool on `url`; on PostgreSQL it keeps `min_connections` open (SQLite has one).
pub(super) async fn open_pool(
    url: &str,
    store_timeout: Duration,
    min_connections: u32,
) -> Result<DatabaseConnection, DbErr> {
    open_pool_in(url, store_timeout, min_connections, None).await
}

/// [`open_pool`] whose PostgreSQL connections have `search_path` (a snapshot's schema, then
/// the live one for the extensions' functions): the read side's unqualified names then mean
/// the snapshot's tables.
pub(super) async fn open_pool_in(
    url: &str,
    store_timeout: Duration,
    min_connections: u32,
    search_path: Option<&str>,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_string());
    let search_path = search_path.map(str::to_string);
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // sqlx pings a connection on every checkout by default: a round trip to the store
        // before each statement, answering nothing. A
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
            // values looks about as cheap; where a plan's targets are many it never does, and
            // every request spends its time planning. The
            // statements are written for index seeks whatever the values (tested at 100× by
            // bench/scale.sh). Sent with the connection's start-up: no round trip.
            .map_sqlx_postgres_opts(move |opts| {
                let opts = opts.options([("plan_cache_mode", "force_generic_plan")]);
                match &search_path {
                    Some(path) => opts.options([("search_path", path.as_str())]),
                    None => opts,
                }
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
/// binding, and prepares it again on every run. The plans are the ones our
/// statements are written for (their `EXPLAIN QUERY PLAN`s do not read bound values).
pub(super) async fn stable_plans(
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
pub(super) async fn planner_stability(
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
