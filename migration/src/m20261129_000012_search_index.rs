//! A trigram index for `search` (substring match, which suits Chinese: no spaces to split words
//! on) over the text that grows with the data: indicator names. Goal texts grow only with
//! documents (386 in this one) and are scanned: an index over them cost a new store ~20 ms of
//! its import and ~40 ms of the ANALYZE after it (cold start, issue 11), for texts a scan
//! reads in well under a millisecond.
//!
//! PostgreSQL: a pg_trgm GIN index, which `LIKE '%…%'` uses by itself for texts of three
//! characters or more. pg_trgm ships with PostgreSQL but is an extension: where it is missing
//! or this role may not create it, the store goes without the index (search scans, as before)
//! and says so in the server's log.
//!
//! SQLite: an FTS5 table with the trigram tokenizer over the same column (external content:
//! only the index is stored), kept by triggers; `repo::search` narrows by them before `LIKE`.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column, index name, SQLite's search table).
pub const INDEXED: &[(&str, &str, &str, &str)] = &[(
    "indicator",
    "name",
    "idx_indicator_name_trgm",
    "indicator_search",
)];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                let indexes: String = INDEXED
                    .iter()
                    .map(|(table, column, index, _)| {
                        format!(
                            "EXECUTE 'CREATE INDEX {index} ON {table} USING gin ({column} gin_trgm_ops)';"
                        )
                    })
                    .collect();
                db.execute_unprepared(&format!(
                    "DO $$ BEGIN
                       BEGIN
                         CREATE EXTENSION IF NOT EXISTS pg_trgm;
                       EXCEPTION WHEN OTHERS THEN
                         RAISE WARNING 'plangraph: no trigram indexes for search (pg_trgm: %)', SQLERRM;
                       END;
                       IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                         {indexes}
                       END IF;
                     END $$"
                ))
                .await?;
            }
            _ => {
                for (table, column, _, search) in INDEXED {
                    for statement in [
                        format!(
                            "CREATE VIRTUAL TABLE {search} USING fts5({column}, content='{table}', \
                             content_rowid='id', tokenize='trigram')"
                        ),
                        format!(
                            "CREATE TRIGGER {search}_insert AFTER INSERT ON {table} BEGIN \
                             INSERT INTO {search}(rowid, {column}) VALUES (new.id, new.{column}); END"
                        ),
                        format!(
                            "CREATE TRIGGER {search}_delete AFTER DELETE ON {table} BEGIN \
                             INSERT INTO {search}({search}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END"
                        ),
                        format!(
                            "CREATE TRIGGER {search}_update AFTER UPDATE OF id, {column} ON {table} BEGIN \
                             INSERT INTO {search}({search}, rowid, {column}) VALUES ('delete', old.id, old.{column}); \
                             INSERT INTO {search}(rowid, {column}) VALUES (new.id, new.{column}); END"
                        ),
                        format!("INSERT INTO {search}({search}) VALUES ('rebuild')"),
                    ] {
                        db.execute_unprepared(&statement).await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (_, _, index, search) in INDEXED {
            let statements = match db.get_database_backend() {
                DbBackend::Postgres => vec![format!("DROP INDEX IF EXISTS {index}")],
                _ => vec![
                    format!("DROP TRIGGER {search}_insert"),
                    format!("DROP TRIGGER {search}_delete"),
                    format!("DROP TRIGGER {search}_update"),
                    format!("DROP TABLE {search}"),
                ],
            };
            for statement in statements {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }
}
