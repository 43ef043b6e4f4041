//! A second counter beside the data version: `structure_version` moves with every change
//! except those to reported values (`indicator_value`, `value_event`) and to the statuses
//! derived from them (`target.status`). An answer that reads no value (the plans' outline,
//! departments, goals, targets' wording) is cached under it, so the reporting season's
//! submissions and approvals no longer empty those answers; `version` still moves with every
//! change and keeps everything else exact. Which trigger bumps what is decided in
//! `versioning`, at every start; this migration adds the column, teaches the PostgreSQL
//! function its argument and drops SQLite's triggers so they are made again with new bodies.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn drop_sqlite_triggers(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%bumps_data_version'",
        ))
        .await?;
    for row in rows {
        let name: String = row.try_get_by_index(0)?;
        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS \"{name}\""))
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE data_version ADD COLUMN structure_version BIGINT NOT NULL DEFAULT 1",
        )
        .await?;
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                // Without an argument (the triggers of before): a change of structure.
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN UPDATE data_version SET version = version + 1, \
                     structure_version = structure_version + CASE WHEN TG_NARGS > 0 AND TG_ARGV[0] = 'values' THEN 0 ELSE 1 END \
                     WHERE id = 1; \
                     PERFORM pg_notify('plangraph_data_version', ''); RETURN NULL; END $$",
                )
                .await?;
            }
            _ => drop_sqlite_triggers(db).await?,
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER IF EXISTS target_values_bumps_data_version ON target",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; \
                     PERFORM pg_notify('plangraph_data_version', ''); RETURN NULL; END $$",
                )
                .await?;
            }
            _ => drop_sqlite_triggers(db).await?,
        }
        db.execute_unprepared("ALTER TABLE data_version DROP COLUMN structure_version")
            .await?;
        Ok(())
    }
}
