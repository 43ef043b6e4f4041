//! Departments' self-assessments (自我评估): for a target whose goal it leads, per evaluation
//! round (kind and year), a department's own class, what was done and what held it back,
//! reviewed like a value. One row per target, department and round; a resubmission replaces
//! what was not yet approved.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SelfAssessment {
    Table,
    Id,
    TargetId,
    DepartmentId,
    Kind,
    ThroughYear,
    Class,
    Done,
    HeldBack,
    Status,
    Version,
    SubmittedBy,
    SubmittedAt,
    ReviewedBy,
    ReviewedAt,
    ReviewComment,
}

#[derive(DeriveIden)]
enum Target {
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
                    .table(SelfAssessment::Table)
                    .col(pk_auto(SelfAssessment::Id))
                    .col(integer(SelfAssessment::TargetId))
                    .col(integer(SelfAssessment::DepartmentId))
                    .col(text(SelfAssessment::Kind))
                    .col(integer(SelfAssessment::ThroughYear))
                    .col(text(SelfAssessment::Class))
                    .col(text(SelfAssessment::Done))
                    .col(text(SelfAssessment::HeldBack))
                    .col(text(SelfAssessment::Status))
                    .col(integer(SelfAssessment::Version))
                    .col(integer_null(SelfAssessment::SubmittedBy))
                    .col(timestamp_with_time_zone(SelfAssessment::SubmittedAt))
                    .col(integer_null(SelfAssessment::ReviewedBy))
                    .col(timestamp_with_time_zone_null(SelfAssessment::ReviewedAt))
                    .col(text_null(SelfAssessment::ReviewComment))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_self_assessment_target")
                            .from(SelfAssessment::Table, SelfAssessment::TargetId)
                            .to(Target::Table, Target::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_self_assessment_department")
                            .from(SelfAssessment::Table, SelfAssessment::DepartmentId)
                            .to(Department::Table, Department::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("self_assessment_one_per_round")
                    .table(SelfAssessment::Table)
                    .col(SelfAssessment::Kind)
                    .col(SelfAssessment::ThroughYear)
                    .col(SelfAssessment::TargetId)
                    .col(SelfAssessment::DepartmentId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SelfAssessment::Table).to_owned())
            .await
    }
}
