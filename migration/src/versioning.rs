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
    (
        "value_unavailable",
        "never public: a department's statement that a figure does not exist, read by the reporting cycle (templates, completion) behind a token",
    ),
    (
        "publication",
        "the publication sequence: written in the transaction whose changes it numbers",
    ),
    (
        "status_tally",
        "counts of target.status, written in the transaction that changes target.status, which moves the version",
    ),
];

/// The store's tables, by name.
pub async fn tables(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        }
        // SQLite's own tables (sqlite_stat1 after ANALYZE, sqlite_sequence) are not the store's,
        // nor are search indexes (FTS5 virtual tables, type 'virtual', and their 'shadow' tables).
        _ => {
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
              AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY 1"
        }
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
        .filter(|t| !t.ends_with(crate::history::SUFFIX))
        .collect())
}

/// Tables of reported values and of what is computed from them (frozen evaluations): a change
/// to them moves `version` but not `structure_version` (migration m20261129_000011). Every
/// other versioned table is structure.
pub const VALUE_TABLES: &[&str] = &[
    "indicator_value",
    "value_event",
    "evaluation",
    "evaluation_item",
];

/// Columns derived from reported values on tables that are otherwise structure: an update of
/// only these moves `version` alone. Any other column of the table, including one a later
/// migration adds, moves both (the trigger's column list is read from the store at every
/// start).
pub const VALUE_COLUMNS: &[(&str, &str)] = &[("target", "status")];

/// What a change to a table (or to some of its columns) moves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Moves {
    /// `version` and `structure_version`.
    Both,
    /// `version` only.
    Version,
}

impl Moves {
    fn argument(self) -> &'static str {
        match self {
            Moves::Both => "structure",
            Moves::Version => "values",
        }
    }

    fn sqlite_body(self) -> &'static str {
        match self {
            Moves::Both => "UPDATE data_version SET version = version + 1, structure_version = structure_version + 1 WHERE id = 1;",
            Moves::Version => "UPDATE data_version SET version = version + 1 WHERE id = 1;",
        }
    }
}

/// A table's columns, in order.
async fn columns(db: &impl ConnectionTrait, table: &str) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let statement = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            // pg_catalog, not information_schema (4 ms at every start, measured).
            "SELECT a.attname::text FROM pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid \
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = $1 \
             AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT name FROM pragma_table_info(?) ORDER BY cid",
            [table.into()],
        ),
    };
    db.query_all_raw(statement)
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect()
}

/// Gives every versioned table its triggers (idempotent; the function and the names are those
/// the data-version migrations created): a change to a value table moves the version only, a
/// change to any other table both counters, and on a table with [`VALUE_COLUMNS`] an update
/// of those columns the version only.
pub async fn ensure(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    // PostgreSQL's statements go in one round trip, and only when they changed (`applied`).
    let mut postgres = Vec::new();
    for table in versioned(db).await? {
        let moves = if VALUE_TABLES.contains(&table.as_str()) {
            Moves::Version
        } else {
            Moves::Both
        };
        let derived: Vec<&str> = VALUE_COLUMNS
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, c)| *c)
            .collect();
        // The columns whose update moves `moves`: all of them, unless some are derived.
        let own = if derived.is_empty() {
            None
        } else {
            let all = columns(db, &table).await?;
            Some(
                all.iter()
                    .filter(|c| !derived.contains(&c.as_str()))
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        let derived = derived
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        match backend {
            DbBackend::Postgres => {
                let update = own
                    .as_ref()
                    .map_or("UPDATE".to_string(), |cols| format!("UPDATE OF {cols}"));
                postgres.push(format!(
                    "CREATE OR REPLACE TRIGGER {table}_bumps_data_version AFTER INSERT OR {update} OR DELETE ON \"{table}\" \
                     FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('{}')",
                    moves.argument()
                ));
                if own.is_some() {
                    postgres.push(format!(
                        "CREATE OR REPLACE TRIGGER {table}_values_bumps_data_version AFTER UPDATE OF {derived} ON \"{table}\" \
                         FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('values')"
                    ));
                }
            }
            _ => {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    let name = format!("{table}_{}_bumps_data_version", event.to_lowercase());
                    let on = match (&own, event) {
                        (Some(cols), "UPDATE") => {
                            // The column list may have grown since: made again every time.
                            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}"))
                                .await?;
                            format!("UPDATE OF {cols}")
                        }
                        _ => event.to_string(),
                    };
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER IF NOT EXISTS {name} AFTER {on} ON \"{table}\" BEGIN {} END",
                        moves.sqlite_body()
                    ))
                    .await?;
                }
                if own.is_some() {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER IF NOT EXISTS {table}_values_bumps_data_version AFTER UPDATE OF {derived} ON \"{table}\" BEGIN {} END",
                        Moves::Version.sqlite_body()
                    ))
                    .await?;
                }
            }
        }
    }
    crate::applied::run_changed(db, "data_version", "versioning", "", &postgres.join(";\n"))
        .await?;
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
            let mut expected: Vec<String> = match backend {
                DbBackend::Postgres => vec![format!("{t}_bumps_data_version")],
                _ => ["insert", "update", "delete"]
                    .iter()
                    .map(|e| format!("{t}_{e}_bumps_data_version"))
                    .collect(),
            };
            if VALUE_COLUMNS.iter().any(|(table, _)| table == t) {
                expected.push(format!("{t}_values_bumps_data_version"));
            }
            !expected.iter().all(|e| triggers.contains(e))
        })
        .collect())
}
