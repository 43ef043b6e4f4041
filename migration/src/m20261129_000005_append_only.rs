//! History that nobody rewrites: the value history is append-only like the audit log, and on
//! PostgreSQL neither can be emptied with TRUNCATE (which row triggers do not see).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION value_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN RAISE EXCEPTION 'value_event is append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER value_event_append_only BEFORE UPDATE OR DELETE ON value_event \
                     FOR EACH ROW EXECUTE FUNCTION value_event_is_append_only()",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER value_event_no_truncate BEFORE TRUNCATE ON value_event \
                     FOR EACH STATEMENT EXECUTE FUNCTION value_event_is_append_only()",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log \
                     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()",
                )
                .await?;
            }
            _ => {
                for event in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER value_event_no_{} BEFORE {event} ON value_event \
                         BEGIN SELECT RAISE(ABORT, 'value_event is append-only'); END",
                        event.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                for sql in [
                    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
                    "DROP TRIGGER IF EXISTS value_event_no_truncate ON value_event",
                    "DROP TRIGGER IF EXISTS value_event_append_only ON value_event",
                    "DROP FUNCTION IF EXISTS value_event_is_append_only()",
                ] {
                    db.execute_unprepared(sql).await?;
                }
            }
            _ => {
                for event in ["update", "delete"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS value_event_no_{event}"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }
}
