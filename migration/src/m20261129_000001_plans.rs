//! The plan dataset: document, plans, domains, goals, departments, links, indicators, values.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Document {
    Table,
    Id,
    Number,
    Issuer,
    IssueDate,
    Title,
    Sha256,
    LineCount,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Plan {
    Table,
    Id,
    DocumentId,
    Code,
    Ordinal,
    Title,
    NoticeTitle,
    PeriodStart,
    PeriodEnd,
    OverallGoal,
}

#[derive(DeriveIden)]
enum Domain {
    Table,
    Id,
    Key,
    PlanId,
    Ordinal,
    Number,
    Title,
    Chapter,
}

#[derive(DeriveIden)]
enum Goal {
    Table,
    Id,
    Key,
    PlanId,
    DomainId,
    Ordinal,
    Kind,
    Number,
    Text,
    DepartmentTag,
}

#[derive(DeriveIden)]
enum Department {
    Table,
    Id,
    Name,
    Kind,
}

#[derive(DeriveIden)]
enum DepartmentAlias {
    Table,
    Id,
    Alias,
    DepartmentId,
}

#[derive(DeriveIden)]
enum GoalDepartment {
    Table,
    Id,
    GoalId,
    DepartmentId,
    Role,
    Ordinal,
    Raw,
}

#[derive(DeriveIden)]
enum GoalGroup {
    Table,
    Id,
    GoalId,
    Role,
    Ordinal,
    Phrase,
}

#[derive(DeriveIden)]
enum Indicator {
    Table,
    Id,
    Key,
    PlanId,
    DomainId,
    GoalId,
    Ordinal,
    Name,
    Unit,
    Direction,
    Nature,
    NatureRaw,
    TableCategory,
    TableNumber,
    BaselineYear,
    BaselineValue,
    BaselineRaw,
    TargetYear,
    TargetComparator,
    TargetValue,
    TargetBasis,
    TargetRaw,
}

#[derive(DeriveIden)]
enum IndicatorValue {
    Table,
    Id,
    Key,
    IndicatorId,
    Year,
    Value,
    Status,
    Origin,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Provenance {
    LineStart,
    LineEnd,
    SourceText,
}

/// Provenance columns every imported row carries.
fn with_provenance(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(integer(Provenance::LineStart))
        .col(integer(Provenance::LineEnd))
        .col(text(Provenance::SourceText))
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Document::Table)
                    .col(pk_auto(Document::Id))
                    .col(string_uniq(Document::Number))
                    .col(string(Document::Issuer))
                    .col(date(Document::IssueDate))
                    .col(text(Document::Title))
                    .col(string(Document::Sha256))
                    .col(integer(Document::LineCount))
                    .col(timestamp_with_time_zone(Document::ImportedAt))
                    .to_owned(),
            )
            .await?;

        let mut plan = Table::create();
        plan.table(Plan::Table)
            .col(pk_auto(Plan::Id))
            .col(integer(Plan::DocumentId))
            .col(string_uniq(Plan::Code))
            .col(integer(Plan::Ordinal))
            .col(text(Plan::Title))
            .col(text_null(Plan::NoticeTitle))
            .col(integer(Plan::PeriodStart))
            .col(integer(Plan::PeriodEnd))
            .col(text_null(Plan::OverallGoal))
            .foreign_key(&mut fk(
                "fk_plan_document",
                (Plan::Table, Plan::DocumentId),
                (Document::Table, Document::Id),
                ForeignKeyAction::Restrict,
            ));
        manager
            .create_table(with_provenance(&mut plan).to_owned())
            .await?;

        let mut domain = Table::create();
        domain
            .table(Domain::Table)
            .col(pk_auto(Domain::Id))
            .col(string_uniq(Domain::Key))
            .col(integer(Domain::PlanId))
            .col(integer(Domain::Ordinal))
            .col(string(Domain::Number))
            .col(text(Domain::Title))
            .col(text(Domain::Chapter))
            .foreign_key(&mut fk(
                "fk_domain_plan",
                (Domain::Table, Domain::PlanId),
                (Plan::Table, Plan::Id),
                ForeignKeyAction::Restrict,
            ));
        manager
            .create_table(with_provenance(&mut domain).to_owned())
            .await?;

        let mut goal = Table::create();
        goal.table(Goal::Table)
            .col(pk_auto(Goal::Id))
            .col(string_uniq(Goal::Key))
            .col(integer(Goal::PlanId))
            .col(integer_null(Goal::DomainId))
            .col(integer(Goal::Ordinal))
            .col(string(Goal::Kind))
            .col(string_null(Goal::Number))
            .col(text(Goal::Text))
            .col(text_null(Goal::DepartmentTag))
            .foreign_key(&mut fk(
                "fk_goal_plan",
                (Goal::Table, Goal::PlanId),
                (Plan::Table, Plan::Id),
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut fk(
                "fk_goal_domain",
                (Goal::Table, Goal::DomainId),
                (Domain::Table, Domain::Id),
                ForeignKeyAction::Restrict,
            ));
        manager
            .create_table(with_provenance(&mut goal).to_owned())
            .await?;

        let mut department = Table::create();
        department
            .table(Department::Table)
            .col(pk_auto(Department::Id))
            .col(string_uniq(Department::Name))
            .col(string(Department::Kind));
        manager
            .create_table(with_provenance(&mut department).to_owned())
            .await?;

        let mut alias = Table::create();
        alias
            .table(DepartmentAlias::Table)
            .col(pk_auto(DepartmentAlias::Id))
            .col(string_uniq(DepartmentAlias::Alias))
            .col(integer(DepartmentAlias::DepartmentId))
            .foreign_key(&mut fk(
                "fk_alias_department",
                (DepartmentAlias::Table, DepartmentAlias::DepartmentId),
                (Department::Table, Department::Id),
                ForeignKeyAction::Cascade,
            ));
        manager
            .create_table(with_provenance(&mut alias).to_owned())
            .await?;

        let mut link = Table::create();
        link.table(GoalDepartment::Table)
            .col(pk_auto(GoalDepartment::Id))
            .col(integer(GoalDepartment::GoalId))
            .col(integer(GoalDepartment::DepartmentId))
            .col(string(GoalDepartment::Role))
            .col(integer(GoalDepartment::Ordinal))
            .col(string(GoalDepartment::Raw))
            .foreign_key(&mut fk(
                "fk_goal_department_goal",
                (GoalDepartment::Table, GoalDepartment::GoalId),
                (Goal::Table, Goal::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_goal_department_department",
                (GoalDepartment::Table, GoalDepartment::DepartmentId),
                (Department::Table, Department::Id),
                ForeignKeyAction::Restrict,
            ));
        manager
            .create_table(with_provenance(&mut link).to_owned())
            .await?;

        let mut group = Table::create();
        group
            .table(GoalGroup::Table)
            .col(pk_auto(GoalGroup::Id))
            .col(integer(GoalGroup::GoalId))
            .col(string(GoalGroup::Role))
            .col(integer(GoalGroup::Ordinal))
            .col(text(GoalGroup::Phrase))
            .foreign_key(&mut fk(
                "fk_goal_group_goal",
                (GoalGroup::Table, GoalGroup::GoalId),
                (Goal::Table, Goal::Id),
                ForeignKeyAction::Cascade,
            ));
        manager
            .create_table(with_provenance(&mut group).to_owned())
            .await?;

        let mut indicator = Table::create();
        indicator
            .table(Indicator::Table)
            .col(pk_auto(Indicator::Id))
            .col(string_uniq(Indicator::Key))
            .col(integer(Indicator::PlanId))
            .col(integer_null(Indicator::DomainId))
            .col(integer_null(Indicator::GoalId))
            .col(integer(Indicator::Ordinal))
            .col(text(Indicator::Name))
            .col(string_null(Indicator::Unit))
            .col(string(Indicator::Direction))
            .col(string(Indicator::Nature))
            .col(string_null(Indicator::NatureRaw))
            .col(string_null(Indicator::TableCategory))
            .col(integer_null(Indicator::TableNumber))
            .col(integer_null(Indicator::BaselineYear))
            .col(double_null(Indicator::BaselineValue))
            .col(string_null(Indicator::BaselineRaw))
            .col(integer(Indicator::TargetYear))
            .col(string_null(Indicator::TargetComparator))
            .col(double_null(Indicator::TargetValue))
            .col(string(Indicator::TargetBasis))
            .col(text(Indicator::TargetRaw))
            .foreign_key(&mut fk(
                "fk_indicator_plan",
                (Indicator::Table, Indicator::PlanId),
                (Plan::Table, Plan::Id),
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut fk(
                "fk_indicator_domain",
                (Indicator::Table, Indicator::DomainId),
                (Domain::Table, Domain::Id),
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut fk(
                "fk_indicator_goal",
                (Indicator::Table, Indicator::GoalId),
                (Goal::Table, Goal::Id),
                ForeignKeyAction::Restrict,
            ));
        manager
            .create_table(with_provenance(&mut indicator).to_owned())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IndicatorValue::Table)
                    .col(pk_auto(IndicatorValue::Id))
                    .col(string_null(IndicatorValue::Key).unique_key())
                    .col(integer(IndicatorValue::IndicatorId))
                    .col(integer(IndicatorValue::Year))
                    .col(double(IndicatorValue::Value))
                    .col(string(IndicatorValue::Status))
                    .col(string(IndicatorValue::Origin))
                    .col(integer(IndicatorValue::Version))
                    .col(integer_null(Provenance::LineStart))
                    .col(integer_null(Provenance::LineEnd))
                    .col(text_null(Provenance::SourceText))
                    .col(timestamp_with_time_zone(IndicatorValue::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_value_indicator",
                        (IndicatorValue::Table, IndicatorValue::IndicatorId),
                        (Indicator::Table, Indicator::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        // One index per foreign key and per filter the read API offers.
        for stmt in [
            index("idx_plan_document", Plan::Table, &["document_id"], false),
            index(
                "idx_domain_plan",
                Domain::Table,
                &["plan_id", "ordinal"],
                true,
            ),
            index("idx_goal_plan", Goal::Table, &["plan_id", "ordinal"], true),
            index(
                "idx_goal_domain",
                Goal::Table,
                &["domain_id", "ordinal"],
                false,
            ),
            index("idx_goal_kind", Goal::Table, &["kind"], false),
            index(
                "idx_alias_department",
                DepartmentAlias::Table,
                &["department_id"],
                false,
            ),
            index(
                "idx_goal_department_unique",
                GoalDepartment::Table,
                &["goal_id", "department_id", "role"],
                true,
            ),
            index(
                "idx_goal_department_department",
                GoalDepartment::Table,
                &["department_id", "role"],
                false,
            ),
            index(
                "idx_goal_group_goal",
                GoalGroup::Table,
                &["goal_id", "ordinal"],
                false,
            ),
            index(
                "idx_indicator_plan",
                Indicator::Table,
                &["plan_id", "ordinal"],
                true,
            ),
            index(
                "idx_indicator_domain",
                Indicator::Table,
                &["domain_id"],
                false,
            ),
            index("idx_indicator_goal", Indicator::Table, &["goal_id"], false),
            index("idx_indicator_nature", Indicator::Table, &["nature"], false),
            index(
                "idx_value_indicator_year",
                IndicatorValue::Table,
                &["indicator_id", "year", "status"],
                false,
            ),
        ] {
            manager.create_index(stmt).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Children first, so foreign keys never block a drop.
        for table in [
            IndicatorValue::Table.into_iden(),
            Indicator::Table.into_iden(),
            GoalGroup::Table.into_iden(),
            GoalDepartment::Table.into_iden(),
            DepartmentAlias::Table.into_iden(),
            Department::Table.into_iden(),
            Goal::Table.into_iden(),
            Domain::Table.into_iden(),
            Plan::Table.into_iden(),
            Document::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
