//! Indicators a plan lists for monitoring without setting a target on them: a 表1 row whose
//! 2025 column is `-`. Such a row names a measure the plan follows, so the indicator and its
//! series exist and reach the plan through this row; it is not a target and counts as none.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Monitored {
    Table,
    Id,
    Key,
    PlanId,
    IndicatorId,
    Name,
    TableCategory,
    TableNumber,
    LineStart,
    LineEnd,
    SourceText,
}

#[derive(DeriveIden)]
enum Plan {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Indicator {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Monitored::Table)
                    .col(pk_auto(Monitored::Id))
                    .col(string_uniq(Monitored::Key))
                    .col(integer(Monitored::PlanId))
                    .col(integer(Monitored::IndicatorId))
                    .col(text(Monitored::Name))
                    .col(string_null(Monitored::TableCategory))
                    .col(integer_null(Monitored::TableNumber))
                    .col(integer(Monitored::LineStart))
                    .col(integer(Monitored::LineEnd))
                    .col(text(Monitored::SourceText))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_monitored_plan")
                            .from(Monitored::Table, Monitored::PlanId)
                            .to(Plan::Table, Plan::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_monitored_indicator")
                            .from(Monitored::Table, Monitored::IndicatorId)
                            .to(Indicator::Table, Indicator::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_monitored_indicator")
                    .table(Monitored::Table)
                    .col(Monitored::IndicatorId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Monitored::Table).to_owned())
            .await
    }
}
