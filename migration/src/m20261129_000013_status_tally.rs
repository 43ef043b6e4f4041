//! How many targets of each plan, domain, goal and department have each status, kept as rows
//! so that a count is a read of a few rows rather than of every target it counts (at 100× the
//! data a plan's counts read 9,300 index entries). Derived data like `target.status`: written
//! in the transaction that restates statuses (by the difference it made), brought back in line
//! with the targets whenever every status is restated (import, start-up). Likewise the number
//! of indicators a plan sets targets for (`plan.indicator_count`, a count of distinct
//! indicators that read every target of the plan), which only a change of targets moves.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // `role` is '' for a department's targets in any role (a target counts once even
        // where its goal names the department twice): a key column cannot be NULL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE status_tally (\
                 scope VARCHAR NOT NULL, \
                 scope_id INTEGER NOT NULL, \
                 role VARCHAR NOT NULL, \
                 status VARCHAR NOT NULL, \
                 n BIGINT NOT NULL, \
                 PRIMARY KEY (scope, scope_id, role, status))",
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE plan ADD COLUMN indicator_count INTEGER NOT NULL DEFAULT 0",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE plan SET indicator_count = \
             (SELECT COUNT(DISTINCT indicator_id) FROM target WHERE target.plan_id = plan.id)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE status_tally")
            .await?;
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE plan DROP COLUMN indicator_count")
            .await?;
        Ok(())
    }
}
