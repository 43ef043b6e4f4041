//! Which tables bump the data version, decided in one place: every table of the store except
//! those named in [`UNVERSIONED`], with the reason. [`ensure`] runs after the migrations each
//! time the store is opened and gives any table without them the triggers, so a table a
//! future migration adds is versioned unless it is deliberately listed here.
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// Tables whose changes do not change any public answer, and why.
pub const UNVERSIONED: &[(&str, &str)] = &[
    ("seaql_migrations", "the migrations' own bookkeeping"),
    ("sqlite_sequence", "SQLite's own bookkeeping"),
    ("data_version", "the version itself"),
    (
        "audit_log",
        "never public; every login attempt writes it, so versioning it would let anyone empty the cache",
    ),
    ("app_user", "never public (accounts, password hashes, token versions)"),
];

/// The store's tables, by name.
pub async fn tables(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        }
        // SQLite's own tables (sqlite_stat1 after ANALYZE, sqlite_sequence) are not the store's.
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY 1",
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect()
}

/// The tables that bump the data version: all but [`UNVERSIONED`].
pub async fn versioned(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    Ok(tables(db)
        .await?
        .into_iter()
        .filter(|t| !UNVERSIONED.iter().any(|(u, _)| u == t))
        .collect())
}

/// Gives every versioned table its triggers (idempotent; the function and the names are those
/// the data-version migration created).
pub async fn ensure(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    for table in versioned(db).await? {
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE OR REPLACE TRIGGER {table}_bumps_data_version AFTER INSERT OR UPDATE OR DELETE ON \"{table}\" \
                     FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
                ))
                .await?;
            }
            _ => {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER IF NOT EXISTS {table}_{}_bumps_data_version AFTER {event} ON \"{table}\" \
                         BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END",
                        event.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
    }
    Ok(())
}

/// The versioned tables that lack a trigger, for tests and for the start-up check.
pub async fn missing(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
        _ => "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    };
    let triggers: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?;
    Ok(versioned(db)
        .await?
        .into_iter()
        .filter(|t| {
            let expected: Vec<String> = match backend {
                DbBackend::Postgres => vec![format!("{t}_bumps_data_version")],
                _ => ["insert", "update", "delete"]
                    .iter()
                    .map(|e| format!("{t}_{e}_bumps_data_version"))
                    .collect(),
            };
            !expected.iter().all(|e| triggers.contains(e))
        })
        .collect())
}
