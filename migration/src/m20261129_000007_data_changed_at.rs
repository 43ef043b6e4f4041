//! When the data version last moved, for `Last-Modified` on downloads. A trigger on the version
//! row itself stamps it, so every writer that bumps the version (any table's trigger, any
//! process) stamps the time too, in the same transaction.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE data_version ADD COLUMN changed_at BIGINT NOT NULL DEFAULT 0",
        )
        .await?;
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "UPDATE data_version SET changed_at = EXTRACT(EPOCH FROM now())::bigint",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE FUNCTION stamp_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN NEW.changed_at = EXTRACT(EPOCH FROM now())::bigint; RETURN NEW; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER data_version_stamps BEFORE UPDATE OF version ON data_version \
                     FOR EACH ROW EXECUTE FUNCTION stamp_data_version()",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "UPDATE data_version SET changed_at = CAST(strftime('%s', 'now') AS INTEGER)",
                )
                .await?;
                // SQLite cannot change NEW; the nested update touches only changed_at, which
                // this trigger does not watch (and recursive triggers are off).
                db.execute_unprepared(
                    "CREATE TRIGGER data_version_stamps AFTER UPDATE OF version ON data_version \
                     BEGIN UPDATE data_version SET changed_at = CAST(strftime('%s', 'now') AS INTEGER) \
                     WHERE id = NEW.id; END",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS data_version_stamps ON data_version")
                    .await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS stamp_data_version()")
                    .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS data_version_stamps")
                    .await?;
            }
        }
        db.execute_unprepared("ALTER TABLE data_version DROP COLUMN changed_at")
            .await?;
        Ok(())
    }
}
