//! The status of each target, stored on its row so that filtering, sorting and counting by
//! status are indexed queries rather than an assessment of every candidate in the server.
//! The column is derived data: the importer and every approval restate it in their own
//! transaction, and the importer restates every target when the store is opened, which also
//! fills it on an upgraded store (rows start as `no_data`).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE target ADD COLUMN status VARCHAR NOT NULL DEFAULT 'no_data'",
        )
        .await?;
        // Status within a plan (the portal's filter and counts), and status across plans in
        // document order (the API's filter without a plan).
        db.execute_unprepared(
            "CREATE INDEX idx_target_plan_status ON target (plan_id, status, line_start, ordinal)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_target_status ON target (status, line_start, ordinal)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_target_status")
            .await?;
        db.execute_unprepared("DROP INDEX idx_target_plan_status")
            .await?;
        db.execute_unprepared("ALTER TABLE target DROP COLUMN status")
            .await?;
        Ok(())
    }
}
