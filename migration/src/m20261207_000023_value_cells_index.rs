//! The published-values index with the breakdown cell after the indicator: a series is read
//! as `status = 'published' AND indicator_id IN (…) AND breakdown = ''`, and with figures by
//! breakdown beside the totals the old index (status, indicator_id, year) had every cell's
//! row looked up in the table only to be dropped there.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndicatorValue {
    Table,
}

const NAME: &str = "idx_value_status_indicator";

async fn make(manager: &SchemaManager<'_>, columns: &[&str]) -> Result<(), DbErr> {
    manager
        .drop_index(
            Index::drop()
                .name(NAME)
                .table(IndicatorValue::Table)
                .to_owned(),
        )
        .await?;
    let mut index = Index::create();
    index.name(NAME).table(IndicatorValue::Table);
    for column in columns {
        index.col(Alias::new(*column));
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        make(manager, &["status", "indicator_id", "breakdown", "year"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        make(manager, &["status", "indicator_id", "year"]).await
    }
}
