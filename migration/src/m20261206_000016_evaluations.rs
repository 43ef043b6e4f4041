//! Frozen evaluations (年度监测、中期评估、终期评估): one row per evaluation and one per target
//! it classed, with everything the class was computed from copied in, so that a value corrected
//! or a target re-imported later never changes what an evaluation said. Both tables are
//! append-only, as the value history is: an evaluation is revised by a new one, never edited.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Evaluation {
    Table,
    Id,
    Kind,
    PlanCode,
    ThroughYear,
    RulesVersion,
    DataVersion,
    FrozenAt,
    Sha256,
    RevisesId,
    ItemCount,
}

#[derive(DeriveIden)]
enum EvaluationItem {
    Table,
    Id,
    EvaluationId,
    Ordinal,
    TargetId,
    TargetKey,
    PlanCode,
    Domain,
    Nature,
    Departments,
    Indicator,
    Unit,
    Class,
    Value,
    ValueYear,
    TargetValue,
    Comparator,
    TargetYear,
    Binding,
    Progress,
    Expected,
    ReasonZh,
    ReasonEn,
}

const APPEND_ONLY: [&str; 2] = ["evaluation", "evaluation_item"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Evaluation::Table)
                    .col(pk_auto(Evaluation::Id))
                    .col(string(Evaluation::Kind))
                    .col(string_null(Evaluation::PlanCode))
                    .col(integer(Evaluation::ThroughYear))
                    .col(string(Evaluation::RulesVersion))
                    .col(big_integer(Evaluation::DataVersion))
                    .col(timestamp_with_time_zone(Evaluation::FrozenAt))
                    .col(string_uniq(Evaluation::Sha256))
                    .col(integer_null(Evaluation::RevisesId))
                    .col(integer(Evaluation::ItemCount))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_evaluation_revises")
                            .from(Evaluation::Table, Evaluation::RevisesId)
                            .to(Evaluation::Table, Evaluation::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EvaluationItem::Table)
                    .col(pk_auto(EvaluationItem::Id))
                    .col(integer(EvaluationItem::EvaluationId))
                    .col(integer(EvaluationItem::Ordinal))
                    // No key to `target`: a target a later import removes stays in the
                    // evaluations that classed it.
                    .col(integer(EvaluationItem::TargetId))
                    .col(string(EvaluationItem::TargetKey))
                    .col(string(EvaluationItem::PlanCode))
                    .col(string(EvaluationItem::Domain))
                    .col(string(EvaluationItem::Nature))
                    .col(text(EvaluationItem::Departments))
                    .col(string(EvaluationItem::Indicator))
                    .col(string_null(EvaluationItem::Unit))
                    .col(string(EvaluationItem::Class))
                    .col(double_null(EvaluationItem::Value))
                    .col(integer_null(EvaluationItem::ValueYear))
                    .col(double_null(EvaluationItem::TargetValue))
                    .col(string_null(EvaluationItem::Comparator))
                    .col(integer(EvaluationItem::TargetYear))
                    .col(boolean(EvaluationItem::Binding))
                    .col(double_null(EvaluationItem::Progress))
                    .col(double_null(EvaluationItem::Expected))
                    .col(text(EvaluationItem::ReasonZh))
                    .col(text(EvaluationItem::ReasonEn))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_item_evaluation")
                            .from(EvaluationItem::Table, EvaluationItem::EvaluationId)
                            .to(Evaluation::Table, Evaluation::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_item_position")
                    .table(EvaluationItem::Table)
                    .col(EvaluationItem::EvaluationId)
                    .col(EvaluationItem::Ordinal)
                    .unique()
                    .to_owned(),
            )
            .await?;
        append_only(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP TABLE evaluation_item, evaluation CASCADE")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS evaluation_is_append_only()")
                .await?;
        } else {
            db.execute_unprepared("DROP TABLE evaluation_item").await?;
            db.execute_unprepared("DROP TABLE evaluation").await?;
        }
        Ok(())
    }
}

/// Triggers that refuse an update or a delete (and, on PostgreSQL, a TRUNCATE).
async fn append_only(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if manager.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(
            "CREATE FUNCTION evaluation_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION 'evaluations are append-only: freeze a revising evaluation'; END $$",
        )
        .await?;
        for table in APPEND_ONLY {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION evaluation_is_append_only()"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} \
                 FOR EACH STATEMENT EXECUTE FUNCTION evaluation_is_append_only()"
            ))
            .await?;
        }
        return Ok(());
    }
    for table in APPEND_ONLY {
        for event in ["UPDATE", "DELETE"] {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_no_{} BEFORE {event} ON {table} \
                 BEGIN SELECT RAISE(ABORT, 'evaluations are append-only: freeze a revising evaluation'); END",
                event.to_lowercase()
            ))
            .await?;
        }
    }
    Ok(())
}
