//! A domain's and a goal's targets in document order, so that a nested connection's page
//! (`domain.targets(first: 20)`) reads its twenty rows from the index instead of every target
//! of the parent, sorted. They replace the single-column indexes on the same parents, and end
//! with the status, so that a domain's or a department's status counts are read from the index
//! alone.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [
            "DROP INDEX idx_target_domain",
            "DROP INDEX idx_target_goal",
            "CREATE INDEX idx_target_domain ON target (domain_id, line_start, ordinal, status)",
            "CREATE INDEX idx_target_goal ON target (goal_id, line_start, ordinal, status)",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [
            "DROP INDEX idx_target_domain",
            "DROP INDEX idx_target_goal",
            "CREATE INDEX idx_target_domain ON target (domain_id)",
            "CREATE INDEX idx_target_goal ON target (goal_id)",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
