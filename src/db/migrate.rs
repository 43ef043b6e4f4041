//! Bringing a store's schema up to date: only an empty store or plangraph's own, one
//! migrating process at a time, a new SQLite file private to its owner.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, TransactionTrait};

use super::errors::explain;
use super::{Access, OpenError, Seed};

/// The store's tables: plangraph's (with its migration table), none, or someone else's.
pub(super) async fn check_tables(
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

/// Arbitrary key of the PostgreSQL advisory lock that serialises migrations.
pub(super) const MIGRATION_LOCK: i64 = 0x706c_616e_6772;

/// Checks that the store is empty or plangraph's ([`check_tables`]), brings its schema up to
/// date, and gives every versioned table its data-version triggers (`migration::versioning`).
/// Two processes starting together on one store would both try to create the tables; each
/// backend's lock makes the second wait and then find nothing left to do: an advisory lock on
/// PostgreSQL, a write transaction taken up front on SQLite. True when the store was new and
/// `seed` was written into it.
pub(super) async fn migrate(
    db: &DatabaseConnection,
    shown: &str,
    access: Access,
    seed: Option<Seed>,
) -> Result<bool, OpenError> {
    let explained = |err: DbErr| explain(shown, &err);
    match db.get_database_backend() {
        DbBackend::Postgres => {
            // The check runs in the migrations' transaction: on the pool's one connection, not
            // on a second one opened while the first is being returned.
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

pub(super) async fn migrate_postgres(
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
    // A seeded store was loaded from a current script (`baseline::is_current`), which the
    // `baseline` test holds equal to what the migrations, triggers and history make: checking
    // it again would be a dozen round trips of the cold start that find nothing to do.
    if seeded {
        return Ok(true);
    }
    Migrator::up(txn, None).await?;
    migration::versioning::ensure(txn).await?;
    migration::history::ensure(txn).await?;
    // A seeded store (above) gets the history's indexes and the plain read indexes the
    // baseline leaves out after the server's first answer (`startup`), out of the cold start;
    // any other start makes those still missing (a server stopped before).
    migration::later::ensure_indexes(txn).await?;
    Ok(false)
}

pub(super) async fn migrate_sqlite(db: &DatabaseConnection) -> Result<(), DbErr> {
    // The SQLite pool has exactly one connection, so these statements share it. Foreign keys
    // are off while the schema changes (SQLite rebuilds a table to drop a column, which its
    // RESTRICT keys would refuse) and checked before the commit.
    db.execute_unprepared("PRAGMA foreign_keys = OFF").await?;
    db.execute_unprepared("BEGIN IMMEDIATE").await?;
    // History triggers name columns, which a migration may drop: made again afterwards.
    let migrated = async {
        migration::history::drop_triggers(db).await?;
        Migrator::up(db, None).await?;
        migration::versioning::ensure(db).await?;
        migration::history::ensure(db).await?;
        migration::later::ensure_indexes(db).await
    }
    .await;
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
pub(super) fn create_private(path: &std::path::Path) -> Result<(), DbErr> {
    let fail = |what: &std::path::Path, e: std::io::Error| {
        DbErr::Custom(format!("cannot create {}: {e}", what.display()))
    };
    if let Some(dir) = path.parent() {
        crate::private::create_dir(dir).map_err(|e| fail(dir, e))?;
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
pub(super) async fn foreign_keys_hold(db: &DatabaseConnection) -> Result<(), DbErr> {
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

/// The file path of a `sqlite://path?…` URL, None for in-memory or other stores.
pub(super) fn sqlite_file(url: &str) -> Option<&str> {
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
