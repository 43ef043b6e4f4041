//! Values by breakdown (分性别、分年龄): a value is the total of its indicator and year, or one
//! cell of a declared breakdown (`SEX=F`, `AGE=Y_LT1;SEX=M`). The total keeps the empty key, so
//! every row a store held before is a total, as it was; versions are numbered per cell.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndicatorValue {
    Table,
    Breakdown,
}

/// The unique version slot of a value, before and after this migration.
const SLOT: &str = "idx_value_slot_version";

async fn slot(manager: &SchemaManager<'_>, columns: &[&str]) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(SLOT).table(IndicatorValue::Table).unique();
    for column in columns {
        index.col(Alias::new(*column));
    }
    manager.create_index(index.to_owned()).await
}

async fn drop_slot(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .drop_index(
            Index::drop()
                .name(SLOT)
                .table(IndicatorValue::Table)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IndicatorValue::Table)
                    .add_column(
                        ColumnDef::new(IndicatorValue::Breakdown)
                            .string()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        drop_slot(manager).await?;
        slot(manager, &["indicator_id", "year", "breakdown", "version"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite's history triggers name the column; they are made again after migrating.
        crate::history::drop_triggers(manager.get_connection()).await?;
        drop_slot(manager).await?;
        slot(manager, &["indicator_id", "year", "version"]).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(IndicatorValue::Table)
                    .drop_column(IndicatorValue::Breakdown)
                    .to_owned(),
            )
            .await
    }
}
