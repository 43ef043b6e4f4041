//! An evaluation may be frozen as of an instant: the public data of that instant, not of the
//! moment it is frozen. It keeps the instant and the publication it resolved to (null on
//! evaluations frozen before: their instant is `frozen_at`, their publication unknown).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Evaluation {
    Table,
    AsOf,
    PublicationSeq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            timestamp_with_time_zone_null(Evaluation::AsOf),
            big_integer_null(Evaluation::PublicationSeq),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Evaluation::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite's history triggers name the columns (made again by `history::ensure`).
        crate::history::drop_triggers(manager.get_connection()).await?;
        for column in [Evaluation::PublicationSeq, Evaluation::AsOf] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Evaluation::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
