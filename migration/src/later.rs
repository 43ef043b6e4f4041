//! The indexes a store may lack at its first answer: every history table's and, on a
//! PostgreSQL store seeded from the baseline, the baseline's plain read indexes. None is a
//! constraint; a new store's rows are few, so the server makes them after its first answer
//! (`plangraph::startup`), and every other open makes the missing ones at once. One read of
//! the store's index names serves both.
//!
//! Only the missing ones are made, each in a statement of its own: making an index locks its
//! table against writes, and one transaction making several while writers of the same tables
//! run (a server answering, another process) would deadlock with them.
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// Makes the indexes the store lacks (idempotent).
pub async fn ensure_indexes(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let have = index_names(db).await?;
    crate::history::ensure_indexes(db, &have).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        crate::baseline::ensure_deferred_indexes(db, &have).await?;
    }
    Ok(())
}

/// The names of the store's indexes (names are unique in a schema, and in a SQLite file).
async fn index_names(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'index'",
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await?
        .iter()
        .map(|row| row.try_get_by_index(0))
        .collect()
}
