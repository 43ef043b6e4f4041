//! Accounts, reporting assignments, the submission workflow's columns and history, and the
//! append-only audit log.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    Username,
    PasswordHash,
    Role,
    DepartmentId,
    Disabled,
    TokenVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IndicatorAssignment {
    Table,
    Id,
    IndicatorId,
    DepartmentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IndicatorValue {
    Table,
    DepartmentId,
    Note,
    SubmittedBy,
    ReviewedBy,
    ReviewedAt,
    ReviewComment,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ValueEvent {
    Table,
    Id,
    ValueId,
    IndicatorId,
    Year,
    Action,
    ActorId,
    ActorName,
    At,
    OldValue,
    NewValue,
    OldStatus,
    NewStatus,
    Comment,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    Actor,
    ActorRole,
    Action,
    Target,
    Outcome,
    Before,
    After,
    Address,
}

#[derive(DeriveIden)]
enum Department {
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
                    .table(AppUser::Table)
                    .col(pk_auto(AppUser::Id))
                    .col(string_uniq(AppUser::Username))
                    .col(string(AppUser::PasswordHash))
                    .col(string(AppUser::Role))
                    .col(integer_null(AppUser::DepartmentId))
                    .col(boolean(AppUser::Disabled).default(false))
                    .col(integer(AppUser::TokenVersion).default(1))
                    .col(timestamp_with_time_zone(AppUser::CreatedAt))
                    .col(timestamp_with_time_zone(AppUser::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_department")
                            .from(AppUser::Table, AppUser::DepartmentId)
                            .to(Department::Table, Department::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IndicatorAssignment::Table)
                    .col(pk_auto(IndicatorAssignment::Id))
                    .col(integer(IndicatorAssignment::IndicatorId))
                    .col(integer(IndicatorAssignment::DepartmentId))
                    .col(timestamp_with_time_zone(IndicatorAssignment::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assignment_indicator")
                            .from(IndicatorAssignment::Table, IndicatorAssignment::IndicatorId)
                            .to(Indicator::Table, Indicator::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assignment_department")
                            .from(
                                IndicatorAssignment::Table,
                                IndicatorAssignment::DepartmentId,
                            )
                            .to(Department::Table, Department::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_assignment_unique")
                    .table(IndicatorAssignment::Table)
                    .col(IndicatorAssignment::IndicatorId)
                    .col(IndicatorAssignment::DepartmentId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per statement.
        for column in [
            integer_null(IndicatorValue::DepartmentId),
            text_null(IndicatorValue::Note),
            integer_null(IndicatorValue::SubmittedBy),
            integer_null(IndicatorValue::ReviewedBy),
            timestamp_with_time_zone_null(IndicatorValue::ReviewedAt),
            text_null(IndicatorValue::ReviewComment),
            timestamp_with_time_zone_null(IndicatorValue::UpdatedAt),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(IndicatorValue::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // One row per (indicator, year, version): two concurrent submissions cannot both win.
        manager
            .create_index(
                Index::create()
                    .name("idx_value_slot_version")
                    .table(IndicatorValue::Table)
                    .col(Alias::new("indicator_id"))
                    .col(Alias::new("year"))
                    .col(Alias::new("version"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ValueEvent::Table)
                    .col(pk_auto(ValueEvent::Id))
                    .col(integer(ValueEvent::ValueId))
                    .col(integer(ValueEvent::IndicatorId))
                    .col(integer(ValueEvent::Year))
                    .col(string(ValueEvent::Action))
                    .col(integer_null(ValueEvent::ActorId))
                    .col(string(ValueEvent::ActorName))
                    .col(timestamp_with_time_zone(ValueEvent::At))
                    .col(double_null(ValueEvent::OldValue))
                    .col(double_null(ValueEvent::NewValue))
                    .col(string_null(ValueEvent::OldStatus))
                    .col(string(ValueEvent::NewStatus))
                    .col(text_null(ValueEvent::Comment))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_value_event_value")
                    .table(ValueEvent::Table)
                    .col(ValueEvent::ValueId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_value_event_indicator")
                    .table(ValueEvent::Table)
                    .col(ValueEvent::IndicatorId)
                    .col(ValueEvent::Year)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(string_null(AuditLog::Actor))
                    .col(string_null(AuditLog::ActorRole))
                    .col(string(AuditLog::Action))
                    .col(text_null(AuditLog::Target))
                    .col(string(AuditLog::Outcome))
                    .col(text_null(AuditLog::Before))
                    .col(text_null(AuditLog::After))
                    .col(string_null(AuditLog::Address))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_actor")
                    .table(AuditLog::Table)
                    .col(AuditLog::Actor)
                    .to_owned(),
            )
            .await?;
        // The audit log is append-only for everyone, the application included.
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
                     FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()",
                )
                .await?;
            }
            _ => {
                for event in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER audit_log_no_{} BEFORE {event} ON audit_log \
                         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
                        event.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS audit_log_is_append_only()")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ValueEvent::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_value_slot_version")
                    .table(IndicatorValue::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            IndicatorValue::UpdatedAt,
            IndicatorValue::ReviewComment,
            IndicatorValue::ReviewedAt,
            IndicatorValue::ReviewedBy,
            IndicatorValue::SubmittedBy,
            IndicatorValue::Note,
            IndicatorValue::DepartmentId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(IndicatorValue::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(IndicatorAssignment::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AppUser::Table).to_owned())
            .await?;
        Ok(())
    }
}
