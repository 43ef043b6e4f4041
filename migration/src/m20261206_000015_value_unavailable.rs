//! A department's statement that a figure it owes does not exist for a year (不适用, 无, —
//! in its template): kept as such, never as a zero or a missing row, so the monitoring office
//! can tell "said there is none" from "has not answered".
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ValueUnavailable {
    Table,
    Id,
    IndicatorId,
    Year,
    DepartmentId,
    Note,
    DeclaredBy,
    DeclaredAt,
}

#[derive(DeriveIden)]
enum Indicator {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Department {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ValueUnavailable::Table)
                    .col(pk_auto(ValueUnavailable::Id))
                    .col(integer(ValueUnavailable::IndicatorId))
                    .col(integer(ValueUnavailable::Year))
                    .col(integer(ValueUnavailable::DepartmentId))
                    .col(text_null(ValueUnavailable::Note))
                    .col(integer_null(ValueUnavailable::DeclaredBy))
                    .col(timestamp_with_time_zone(ValueUnavailable::DeclaredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_unavailable_indicator")
                            .from(ValueUnavailable::Table, ValueUnavailable::IndicatorId)
                            .to(Indicator::Table, Indicator::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_unavailable_department")
                            .from(ValueUnavailable::Table, ValueUnavailable::DepartmentId)
                            .to(Department::Table, Department::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // One statement per department, indicator and year.
        manager
            .create_index(
                Index::create()
                    .name("ux_unavailable_cell")
                    .table(ValueUnavailable::Table)
                    .col(ValueUnavailable::IndicatorId)
                    .col(ValueUnavailable::Year)
                    .col(ValueUnavailable::DepartmentId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ValueUnavailable::Table).to_owned())
            .await
    }
}
