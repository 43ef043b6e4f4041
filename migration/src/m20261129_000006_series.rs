//! Indicators as statistical series: an indicator is a measure with one unit, one direction
//! and one series of yearly values; what each clause of each plan commits to for it is a
//! target. The clause-level columns move from `indicator` to the new `target` table, every
//! existing indicator becoming one target of an indicator of its own (same ids, so reported
//! values, assignments and history stay where they are). The importer then merges the
//! indicators `data/measures.json` says are one measure (see `import::store`).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Target {
    Table,
    Id,
    Key,
    IndicatorId,
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
    Year,
    Comparator,
    Value,
    Basis,
    Raw,
    Inferred,
    LineStart,
    LineEnd,
    SourceText,
}

/// The target columns, in the order they are copied from the old `indicator` rows.
const COPIED: &str = "id, key, id, plan_id, domain_id, goal_id, ordinal, name, unit, direction, \
    nature, nature_raw, table_category, table_number, baseline_year, baseline_value, baseline_raw, \
    target_year, target_comparator, target_value, target_basis, target_raw, '', line_start, \
    line_end, source_text";
const TARGET_COLUMNS: &str = "id, key, indicator_id, plan_id, domain_id, goal_id, ordinal, name, \
    unit, direction, nature, nature_raw, table_category, table_number, baseline_year, \
    baseline_value, baseline_raw, year, comparator, value, basis, raw, inferred, line_start, \
    line_end, source_text";

/// The columns that stay on `indicator` (the measure).
const MEASURE_COLUMNS: &str =
    "id, key, name, unit, direction, direction_inferred, ordinal, line_start";

/// What moves to `target` and leaves `indicator`.
const MOVED: &[&str] = &[
    "plan_id",
    "domain_id",
    "goal_id",
    "nature",
    "nature_raw",
    "table_category",
    "table_number",
    "baseline_year",
    "baseline_value",
    "baseline_raw",
    "target_year",
    "target_comparator",
    "target_value",
    "target_basis",
    "target_raw",
    "line_end",
    "source_text",
];

fn fk(name: &str, from: (Target, Target), to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        manager
            .create_table(
                Table::create()
                    .table(Target::Table)
                    .col(pk_auto(Target::Id))
                    .col(string_uniq(Target::Key))
                    .col(integer(Target::IndicatorId))
                    .col(integer(Target::PlanId))
                    .col(integer_null(Target::DomainId))
                    .col(integer_null(Target::GoalId))
                    .col(integer(Target::Ordinal))
                    .col(text(Target::Name))
                    .col(string_null(Target::Unit))
                    .col(string(Target::Direction))
                    .col(string(Target::Nature))
                    .col(string_null(Target::NatureRaw))
                    .col(string_null(Target::TableCategory))
                    .col(integer_null(Target::TableNumber))
                    .col(integer_null(Target::BaselineYear))
                    .col(double_null(Target::BaselineValue))
                    .col(string_null(Target::BaselineRaw))
                    .col(integer(Target::Year))
                    .col(string_null(Target::Comparator))
                    .col(double_null(Target::Value))
                    .col(string(Target::Basis))
                    .col(text(Target::Raw))
                    .col(string(Target::Inferred).default(""))
                    .col(integer(Target::LineStart))
                    .col(integer(Target::LineEnd))
                    .col(text(Target::SourceText))
                    .foreign_key(&mut fk(
                        "fk_target_indicator",
                        (Target::Table, Target::IndicatorId),
                        "indicator",
                    ))
                    .foreign_key(&mut fk(
                        "fk_target_plan",
                        (Target::Table, Target::PlanId),
                        "plan",
                    ))
                    .foreign_key(&mut fk(
                        "fk_target_domain",
                        (Target::Table, Target::DomainId),
                        "domain",
                    ))
                    .foreign_key(&mut fk(
                        "fk_target_goal",
                        (Target::Table, Target::GoalId),
                        "goal",
                    ))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO target ({TARGET_COLUMNS}) SELECT {COPIED} FROM indicator"
        ))
        .await?;
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "SELECT setval(pg_get_serial_sequence('target', 'id'), \
                     COALESCE((SELECT MAX(id) FROM target), 0) + 1, false)",
                )
                .await?;
                for column in MOVED {
                    db.execute_unprepared(&format!("ALTER TABLE indicator DROP COLUMN {column}"))
                        .await?;
                }
                db.execute_unprepared(
                    "ALTER TABLE indicator ADD COLUMN direction_inferred BOOLEAN NOT NULL DEFAULT FALSE",
                )
                .await?;
            }
            _ => {
                // SQLite cannot drop columns that carry foreign keys: the table is rebuilt
                // (db::migrate runs this with foreign keys off and checks them before commit).
                db.execute_unprepared(
                    "CREATE TABLE indicator_new (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, \
                     key varchar NOT NULL UNIQUE, name text NOT NULL, unit varchar NULL, \
                     direction varchar NOT NULL, direction_inferred boolean NOT NULL DEFAULT FALSE, \
                     ordinal integer NOT NULL, line_start integer NOT NULL)",
                )
                .await?;
                db.execute_unprepared(&format!(
                    "INSERT INTO indicator_new ({MEASURE_COLUMNS}) \
                     SELECT id, key, name, unit, direction, FALSE, ordinal, line_start FROM indicator"
                ))
                .await?;
                db.execute_unprepared("DROP TABLE indicator").await?;
                db.execute_unprepared("ALTER TABLE indicator_new RENAME TO indicator")
                    .await?;
                db.execute_unprepared(
                    "CREATE INDEX idx_indicator_position ON indicator (line_start, ordinal)",
                )
                .await?;
                db.execute_unprepared("CREATE INDEX idx_indicator_name ON indicator (name, id)")
                    .await?;
            }
        }
        for (name, columns) in [
            ("idx_target_indicator", "indicator_id, year"),
            ("idx_target_plan", "plan_id, line_start, ordinal"),
            ("idx_target_domain", "domain_id"),
            ("idx_target_goal", "goal_id"),
        ] {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON target ({columns})"))
                .await?;
        }
        for sql in [
            "ALTER TABLE indicator_value ADD COLUMN year_inferred BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE indicator_value ADD COLUMN raw TEXT NULL",
            "ALTER TABLE document ADD COLUMN model_version INTEGER NOT NULL DEFAULT 1",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Back to one indicator per clause: each indicator takes the columns of its first
        // target. Indicators merged by the importer stay merged (their values with them).
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for sql in [
            "ALTER TABLE document DROP COLUMN model_version",
            "ALTER TABLE indicator_value DROP COLUMN raw",
            "ALTER TABLE indicator_value DROP COLUMN year_inferred",
        ] {
            db.execute_unprepared(sql).await?;
        }
        let first = "(SELECT MIN(t2.id) FROM target t2 WHERE t2.indicator_id = i.id)";
        let old = "id integer NOT NULL PRIMARY KEY AUTOINCREMENT, key varchar NOT NULL UNIQUE, \
             plan_id integer NOT NULL REFERENCES plan (id), domain_id integer NULL REFERENCES domain (id), \
             goal_id integer NULL REFERENCES goal (id), ordinal integer NOT NULL, name text NOT NULL, \
             unit varchar NULL, direction varchar NOT NULL, nature varchar NOT NULL, \
             nature_raw varchar NULL, table_category varchar NULL, table_number integer NULL, \
             baseline_year integer NULL, baseline_value double NULL, baseline_raw varchar NULL, \
             target_year integer NOT NULL, target_comparator varchar NULL, target_value double NULL, \
             target_basis varchar NOT NULL, target_raw text NOT NULL, line_start integer NOT NULL, \
             line_end integer NOT NULL, source_text text NOT NULL";
        let fill = format!(
            "SELECT i.id, i.key, t.plan_id, t.domain_id, t.goal_id, i.ordinal, i.name, i.unit, \
             i.direction, t.nature, t.nature_raw, t.table_category, t.table_number, t.baseline_year, \
             t.baseline_value, t.baseline_raw, t.year, t.comparator, t.value, t.basis, t.raw, \
             i.line_start, t.line_end, t.source_text FROM indicator i JOIN target t ON t.id = {first}"
        );
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared("ALTER TABLE indicator DROP COLUMN direction_inferred")
                    .await?;
                for column in [
                    "plan_id integer NULL REFERENCES plan (id)",
                    "domain_id integer NULL REFERENCES domain (id)",
                    "goal_id integer NULL REFERENCES goal (id)",
                    "nature varchar NULL",
                    "nature_raw varchar NULL",
                    "table_category varchar NULL",
                    "table_number integer NULL",
                    "baseline_year integer NULL",
                    "baseline_value double precision NULL",
                    "baseline_raw varchar NULL",
                    "target_year integer NULL",
                    "target_comparator varchar NULL",
                    "target_value double precision NULL",
                    "target_basis varchar NULL",
                    "target_raw text NULL",
                    "line_end integer NULL",
                    "source_text text NULL",
                ] {
                    db.execute_unprepared(&format!("ALTER TABLE indicator ADD COLUMN {column}"))
                        .await?;
                }
                db.execute_unprepared(
                    "UPDATE indicator SET plan_id = t.plan_id, domain_id = t.domain_id,                      goal_id = t.goal_id, nature = t.nature, nature_raw = t.nature_raw,                      table_category = t.table_category, table_number = t.table_number,                      baseline_year = t.baseline_year, baseline_value = t.baseline_value,                      baseline_raw = t.baseline_raw, target_year = t.year,                      target_comparator = t.comparator, target_value = t.value,                      target_basis = t.basis, target_raw = t.raw, line_end = t.line_end,                      source_text = t.source_text FROM target t WHERE t.id =                      (SELECT MIN(t2.id) FROM target t2 WHERE t2.indicator_id = indicator.id)",
                )
                .await?;
                db.execute_unprepared("DROP TABLE target").await?;
                for (name, columns) in [
                    ("idx_indicator_plan", "plan_id, ordinal"),
                    ("idx_indicator_domain", "domain_id"),
                    ("idx_indicator_goal", "goal_id"),
                    ("idx_indicator_nature", "nature"),
                ] {
                    db.execute_unprepared(&format!("CREATE INDEX {name} ON indicator ({columns})"))
                        .await?;
                }
            }
            _ => {
                db.execute_unprepared(&format!("CREATE TABLE indicator_old ({old})"))
                    .await?;
                db.execute_unprepared(&format!("INSERT INTO indicator_old {fill}"))
                    .await?;
                db.execute_unprepared("DROP TABLE target").await?;
                db.execute_unprepared("DROP TABLE indicator").await?;
                db.execute_unprepared("ALTER TABLE indicator_old RENAME TO indicator")
                    .await?;
                for (name, columns) in [
                    ("idx_indicator_position", "line_start, ordinal"),
                    ("idx_indicator_name", "name, id"),
                    ("idx_indicator_plan", "plan_id, ordinal"),
                    ("idx_indicator_domain", "domain_id"),
                    ("idx_indicator_goal", "goal_id"),
                    ("idx_indicator_nature", "nature"),
                ] {
                    db.execute_unprepared(&format!("CREATE INDEX {name} ON indicator ({columns})"))
                        .await?;
                }
            }
        }
        Ok(())
    }
}
