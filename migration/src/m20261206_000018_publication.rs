//! The publication sequence: one row per transaction that changed what the public reads,
//! numbered in the writer's transaction (the data version's row lock serialises them) with the
//! time it committed. `asOf` reads resolve an instant to the last publication at or before it;
//! the history tables (`crate::history`) say which rows each publication left in force.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Publication {
    Table,
    Seq,
    Version,
    AtUs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Publication::Table)
                    .col(big_integer(Publication::Seq).primary_key())
                    .col(big_integer(Publication::Version))
                    // Microseconds since 1970 (UTC): one representation on both stores.
                    .col(big_integer(Publication::AtUs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("publication_at")
                    .table(Publication::Table)
                    .col(Publication::AtUs)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::history::remove(manager.get_connection()).await?;
        manager
            .drop_table(Table::drop().table(Publication::Table).to_owned())
            .await
    }
}
