//! Rows decoded by position. SeaORM's derived decoding looks every column up by name and, for
//! a NULL in an `Option` field, first builds an error message naming the column and then
//! discards it, for every cell of every row. Measured against it in one run (`bench/pair.sh`):
//! 1.27–1.31× the requests per second on two of goal 1's queries on PostgreSQL, 1.15× on the
//! deep query on SQLite (docs/BENCHMARKS.md, issue 28), so it is kept. Here a model's columns are
//! read in the order
//! its entity selects them, NULLs are tested before decoding, text and integers skip the
//! driver's type check, and text from PostgreSQL is checked to be UTF-8 by simdutf8; every
//! other value decodes through the driver.

use entity::vocab::{
    Comparator, DepartmentKind, Direction, GoalKind, Nature, Role, TargetBasis, TargetStatus,
    UserRole, ValueAction, ValueOrigin, ValueStatus,
};
use entity::{
    audit_log, department, department_alias, document, domain, evaluation, evaluation_item, goal,
    goal_department, goal_group, indicator, indicator_value, monitored, plan, self_assessment,
    target, value_event,
};
use sea_orm::prelude::{Date, DateTimeUtc};
use sea_orm::{
    ActiveEnum, ConnectionTrait, DbErr, EntityTrait, QueryResult, QueryTrait, Select, Statement,
};

/// A model read from a row whose first columns are the entity's, in `Column::iter()` order
/// (what `Entity::find()` selects); anything a query selects after them follows at
/// `Positional::FIELDS.len()`.
pub trait Positional: Sized {
    /// The model's fields in column order; a test holds them to the entity's columns.
    const FIELDS: &'static [&'static str];

    fn decode(row: &QueryResult) -> Result<Self, DbErr>;
}

/// One column's value, by position.
pub trait Cell: Sized {
    fn cell(row: &QueryResult, at: usize) -> Result<Self, DbErr>;
}

fn is_null(row: &QueryResult, at: usize) -> Result<bool, DbErr> {
    use sea_orm::sqlx::{Row, ValueRef};
    if let Some(r) = row.try_as_pg_row() {
        return Ok(r.try_get_raw(at).map_err(|e| unreadable(at, e))?.is_null());
    }
    if let Some(r) = row.try_as_sqlite_row() {
        return Ok(r.try_get_raw(at).map_err(|e| unreadable(at, e))?.is_null());
    }
    // Only the two sqlx stores are ever connected; another row decodes and reports its NULL.
    Ok(false)
}

/// A column that may be NULL: tested first, so a NULL costs no error.
impl<T: Cell + NotNull> Cell for Option<T> {
    fn cell(row: &QueryResult, at: usize) -> Result<Self, DbErr> {
        if is_null(row, at)? {
            Ok(None)
        } else {
            T::cell(row, at).map(Some)
        }
    }
}

/// The types a column decodes to (`Option` of these is a nullable column).
pub trait NotNull {}

macro_rules! cells {
    ($($t:ty),+ $(,)?) => {$(
        impl NotNull for $t {}

        impl Cell for $t {
            fn cell(row: &QueryResult, at: usize) -> Result<Self, DbErr> {
                row.try_get_by_index::<$t>(at)
            }
        }
    )+};
}

cells!(i64, f64, bool, Date, DateTimeUtc);

impl NotNull for i32 {}

/// Integers without the driver's type check on PostgreSQL, like text: a binary four-byte value
/// is read as it is sent (big-endian), any other width through the driver's decoding, which
/// reads any width and fails on one out of range; the positions are tested below.
impl Cell for i32 {
    fn cell(row: &QueryResult, at: usize) -> Result<Self, DbErr> {
        use sea_orm::sqlx::postgres::{PgValueFormat, Postgres};
        use sea_orm::sqlx::{Decode, Row};
        if let Some(r) = row.try_as_pg_row() {
            let value = r.try_get_raw(at).map_err(|e| unreadable(at, e))?;
            if value.format() == PgValueFormat::Binary {
                if let Ok(Ok(bytes)) = value.as_bytes().map(<[u8; 4]>::try_from) {
                    return Ok(i32::from_be_bytes(bytes));
                }
            }
            return <i32 as Decode<Postgres>>::decode(value).map_err(|e| unreadable(at, e));
        }
        row.try_get_by_index(at)
    }
}

impl NotNull for String {}

/// A column the driver could not read or decode, by its position.
fn unreadable(at: usize, e: impl std::fmt::Display) -> DbErr {
    DbErr::Type(format!("column {at}: {e}"))
}

/// A text column borrowed from the row, without the driver's type check: the check compares
/// the column's type with the six text types PostgreSQL has, and cost more than decoding the
/// text itself. Safe for any column: the bytes are still checked to be UTF-8, and the
/// positions are tested below. On PostgreSQL the check is simdutf8's, as the driver's decoding
/// (`from_utf8` of the value's bytes) with the same answer, faster on long Chinese texts. A NULL
/// fails, as in the driver's decoding. None: a row of neither store, which the caller decodes
/// through the driver.
fn text(row: &QueryResult, at: usize) -> Option<Result<&str, DbErr>> {
    use sea_orm::sqlx::Row;
    if let Some(r) = row.try_as_pg_row() {
        let bytes = r
            .try_get_raw(at)
            .map_err(|e| unreadable(at, e))
            .and_then(|v| v.as_bytes().map_err(|e| unreadable(at, e)));
        return Some(bytes.and_then(|b| {
            simdutf8::basic::from_utf8(b).map_err(|_| unreadable(at, "text that is not UTF-8"))
        }));
    }
    if let Some(r) = row.try_as_sqlite_row() {
        return Some(
            r.try_get_unchecked::<&str, _>(at)
                .map_err(|e| unreadable(at, e)),
        );
    }
    None
}

impl Cell for String {
    fn cell(row: &QueryResult, at: usize) -> Result<Self, DbErr> {
        match text(row, at) {
            Some(text) => text.map(str::to_owned),
            None => row.try_get_by_index(at),
        }
    }
}

/// The stored vocabularies: their text, then the variant it names (an unknown word fails, as
/// the entity's own decoding does). The text is looked up borrowed from the row, not copied
/// into a String to be looked up and dropped.
macro_rules! words {
    ($($t:ty),+ $(,)?) => {$(
        impl NotNull for $t {}

        impl Cell for $t {
            fn cell(row: &QueryResult, at: usize) -> Result<Self, DbErr> {
                use sea_orm::Iterable;
                static WORDS: std::sync::OnceLock<Vec<(String, $t)>> = std::sync::OnceLock::new();
                let words = WORDS.get_or_init(|| {
                    <$t>::iter().map(|w| (ActiveEnum::to_value(&w), w)).collect()
                });
                let word = match text(row, at) {
                    Some(word) => word?,
                    None => return <$t as ActiveEnum>::try_from_value(&row.try_get_by_index(at)?),
                };
                match words.iter().find(|(text, _)| text == word) {
                    Some((_, w)) => Ok(*w),
                    None => <$t as ActiveEnum>::try_from_value(&word.to_owned()),
                }
            }
        }
    )+};
}

words!(
    Comparator,
    DepartmentKind,
    Direction,
    GoalKind,
    Nature,
    Role,
    TargetBasis,
    TargetStatus,
    UserRole,
    ValueAction,
    ValueOrigin,
    ValueStatus,
);

macro_rules! positional {
    ($($model:path { $($field:ident),+ $(,)? })+) => {$(
        impl $crate::repo::rows::Positional for $model {
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];

            fn decode(row: &sea_orm::QueryResult) -> Result<Self, sea_orm::DbErr> {
                let mut at = 0usize;
                let mut next = || {
                    at += 1;
                    at - 1
                };
                // Struct fields are evaluated in the order written: the columns' order.
                Ok(Self { $($field: $crate::repo::rows::Cell::cell(row, next())?),+ })
            }
        }
    )+};
}
pub(crate) use positional;

positional! {
    audit_log::Model { id, at, actor, actor_role, action, target, outcome, before, after, address }
    document::Model { id, number, issuer, issue_date, title, sha256, line_count, imported_at, model_version }
    plan::Model {
        id, document_id, code, ordinal, title, notice_title, period_start, period_end,
        overall_goal, line_start, line_end, source_text, indicator_count,
    }
    domain::Model { id, key, plan_id, ordinal, number, title, chapter, line_start, line_end, source_text }
    department::Model { id, name, kind, line_start, line_end, source_text }
    department_alias::Model { id, alias, department_id, line_start, line_end, source_text }
    goal::Model {
        id, key, plan_id, domain_id, ordinal, kind, number, text, department_tag, line_start,
        line_end, source_text,
    }
    goal_department::Model { id, goal_id, department_id, role, ordinal, raw, line_start, line_end, source_text }
    goal_group::Model { id, goal_id, role, ordinal, phrase, line_start, line_end, source_text }
    indicator::Model { id, key, name, unit, direction, direction_inferred, ordinal, line_start }
    monitored::Model {
        id, key, plan_id, indicator_id, name, table_category, table_number, line_start,
        line_end, source_text,
    }
    indicator_value::Model {
        id, key, indicator_id, year, value, status, origin, version, line_start, line_end,
        source_text, created_at, department_id, note, submitted_by, reviewed_by, reviewed_at,
        review_comment, updated_at, year_inferred, raw, breakdown,
    }
    target::Model {
        id, key, indicator_id, plan_id, domain_id, goal_id, ordinal, name, unit, direction,
        nature, nature_raw, table_category, table_number, baseline_year, baseline_value,
        baseline_raw, year, comparator, value, basis, raw, inferred, line_start, line_end,
        source_text, status,
    }
    value_event::Model {
        id, value_id, indicator_id, year, action, actor_id, actor_name, at, old_value,
        new_value, old_status, new_status, comment,
    }
    evaluation::Model {
        id, kind, plan_code, through_year, rules_version, data_version, frozen_at, sha256,
        revises_id, item_count, as_of, publication_seq,
    }
    evaluation_item::Model {
        id, evaluation_id, ordinal, target_id, target_key, plan_code, domain, nature,
        departments, indicator, unit, class, value, value_year, target_value, comparator,
        target_year, binding, progress, expected, reason_zh, reason_en,
    }
    self_assessment::Model {
        id, target_id, department_id, kind, through_year, class, done, held_back, status,
        version, submitted_by, submitted_at, reviewed_by, reviewed_at, review_comment,
    }
}

/// Every row of a select of whole models, decoded by position.
pub async fn all<E>(db: &impl ConnectionTrait, select: Select<E>) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: Positional,
{
    of_statement(db, select.build(db.get_database_backend())).await
}

/// Every row of a statement that selects whole models (and perhaps more after them).
pub async fn of_statement<M: Positional>(
    db: &impl ConnectionTrait,
    statement: Statement,
) -> Result<Vec<M>, DbErr> {
    db.query_all_raw(statement)
        .await?
        .iter()
        .map(M::decode)
        .collect()
}

#[cfg(test)]
mod tests {
    use sea_orm::{IdenStatic, Iterable};

    use super::*;

    fn columns<E: EntityTrait>() -> Vec<String> {
        E::Column::iter().map(|c| c.as_str().to_string()).collect()
    }

    /// Decoding by position is only right while the fields listed here are the columns the
    /// entity selects, in its order: a column added or moved fails this, not a request.
    #[test]
    fn fields_are_the_entities_columns_in_order() {
        macro_rules! same {
            ($($entity:ident),+) => {$(
                assert_eq!(
                    <$entity::Model as Positional>::FIELDS,
                    columns::<$entity::Entity>(),
                    stringify!($entity)
                );
            )+};
        }
        same!(
            audit_log,
            document,
            plan,
            domain,
            department,
            department_alias,
            goal,
            goal_department,
            goal_group,
            indicator,
            indicator_value,
            target,
            value_event,
            evaluation,
            evaluation_item,
            self_assessment
        );
        let mut lean = columns::<goal::Entity>();
        lean.retain(|c| c != "source_text");
        assert_eq!(<crate::repo::goals::GoalRow as Positional>::FIELDS, lean);
        assert_eq!(
            crate::repo::goals::GoalRow::columns()
                .map(|c| c.as_str().to_string())
                .collect::<Vec<_>>(),
            lean
        );
    }
}
