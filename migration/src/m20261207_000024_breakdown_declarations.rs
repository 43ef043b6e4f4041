//! Breakdown declarations kept in the store (issue 33), so an admin can change them and an
//! `asOf` read sees the declaration in force then: the code lists of each dimension, every
//! version kept (a version adds codes and keeps the old ones with their labels, so a stored
//! value's code never changes meaning), and per indicator the dimensions it is reported by,
//! with the codes and labels of the list version it was declared against.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Codelist {
    Table,
    Id,
    Dimension,
    Version,
    Codes,
    DefinedAt,
}

#[derive(DeriveIden)]
enum BreakdownDeclaration {
    Table,
    Id,
    IndicatorId,
    Version,
    Aggregation,
    Dimensions,
    DeclaredAt,
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
                    .table(Codelist::Table)
                    .col(pk_auto(Codelist::Id))
                    .col(string(Codelist::Dimension))
                    .col(integer(Codelist::Version))
                    .col(text(Codelist::Codes))
                    .col(timestamp_with_time_zone(Codelist::DefinedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_codelist_version")
                    .table(Codelist::Table)
                    .col(Codelist::Dimension)
                    .col(Codelist::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BreakdownDeclaration::Table)
                    .col(pk_auto(BreakdownDeclaration::Id))
                    .col(integer_uniq(BreakdownDeclaration::IndicatorId))
                    .col(integer(BreakdownDeclaration::Version))
                    .col(string(BreakdownDeclaration::Aggregation))
                    .col(text(BreakdownDeclaration::Dimensions))
                    .col(timestamp_with_time_zone(BreakdownDeclaration::DeclaredAt))
                    .foreign_key(
                        // An indicator an import removes takes its declaration with it.
                        ForeignKey::create()
                            .name("fk_breakdown_declaration_indicator")
                            .from(
                                BreakdownDeclaration::Table,
                                BreakdownDeclaration::IndicatorId,
                            )
                            .to(Indicator::Table, Indicator::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BreakdownDeclaration::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Codelist::Table).to_owned())
            .await
    }
}
