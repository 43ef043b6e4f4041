//! Targets, the series they are measured against, and their statuses.

use std::collections::HashMap;

use entity::{goal_department, indicator_value, target};
use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, Func, FunctionCall, Query, SimpleExpr};

use super::page::{Keyset, Page, PageArgs, SortKey};
use super::rows;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::domain::ValueStatus;
use crate::error::AppError;
use crate::rules::progress::{self, Assessment, Point, Status};

pub use super::filter::TargetFilter;

/// The targets a filter selects, in document order. Statuses are the stored ones (as of every
/// value); a filter for statuses as of an earlier year is [`matching`]'s.
pub fn select(filter: &TargetFilter) -> Select<target::Entity> {
    filtered(filter)
        .order_by_asc(target::Column::LineStart)
        .order_by_asc(target::Column::Ordinal)
}

/// [`select`] in no order (for counting and grouping).
fn filtered(filter: &TargetFilter) -> Select<target::Entity> {
    let mut q = stored(filter);
    if !filter.statuses.is_empty() {
        let status = target::Column::Status.is_in(filter.statuses.iter().copied());
        q = q.filter(if filter.or_indicators.is_empty() {
            Condition::all().add(status)
        } else {
            let also = target::Column::IndicatorId.is_in(filter.or_indicators.iter().copied());
            Condition::any().add(status).add(also)
        });
        if let Some(code) = &filter.plan_code {
            q = q.filter(within_lines_of_plan(code));
        }
    }
    q
}

/// `line_start` between the first and last line of the plan's targets: true of every target
/// of the plan, so it selects nothing more or less. It lets the index on (status, position)
/// start at the plan's lines: without it PostgreSQL may walk that index in document order
/// from the first plan's targets and skip the others', because it cannot know that a plan's
/// targets lie together.
fn within_lines_of_plan(code: &str) -> SimpleExpr {
    let bound = |f: fn(Expr) -> FunctionCall| {
        SimpleExpr::SubQuery(
            None,
            Box::new(
                Query::select()
                    .expr(f(Expr::col(target::Column::LineStart)))
                    .from(target::Entity)
                    .and_where(super::in_plan(target::Column::PlanId, code))
                    .to_owned()
                    .into(),
            ),
        )
    };
    Expr::col((target::Entity, target::Column::LineStart))
        .between(bound(Func::min::<Expr>), bound(Func::max::<Expr>))
}

/// The conditions of a filter but its statuses.
fn stored(filter: &TargetFilter) -> Select<target::Entity> {
    let mut q = target::Entity::find();
    if let Some(code) = &filter.plan_code {
        q = q.filter(super::in_plan(target::Column::PlanId, code));
    }
    if let Some(id) = filter.domain_id {
        q = q.filter(target::Column::DomainId.eq(id));
    }
    if let Some(id) = filter.goal_id {
        q = q.filter(target::Column::GoalId.eq(id));
    }
    if let Some(id) = filter.indicator_id {
        q = q.filter(target::Column::IndicatorId.eq(id));
    }
    if filter.department_id.is_some() || filter.department.is_some() {
        let mut goals = Query::select();
        goals
            .column(goal_department::Column::GoalId)
            .from(goal_department::Entity);
        if let Some(id) = filter.department_id {
            goals.and_where(goal_department::Column::DepartmentId.eq(id));
        }
        if let Some(name) = &filter.department {
            goals.cond_where(super::in_department(
                goal_department::Column::DepartmentId,
                name,
            ));
        }
        if let Some(role) = filter.role {
            goals.and_where(goal_department::Column::Role.eq(role));
        }
        q = q.filter(target::Column::GoalId.in_subquery(goals.to_owned()));
    }
    if let Some(nature) = filter.nature {
        q = q.filter(target::Column::Nature.eq(nature));
    }
    match filter.quantified {
        Some(true) => q = q.filter(target::Column::Value.is_not_null()),
        Some(false) => q = q.filter(target::Column::Value.is_null()),
        None => {}
    }
    if let Some(year) = filter.year {
        q = q.filter(target::Column::Year.eq(year));
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        q = q.filter(
            Condition::any()
                .add(super::page::contains(target::Column::Name, text))
                .add(super::page::contains(target::Column::SourceText, text)),
        );
    }
    q
}

/// After a query by `filter` found nothing: NOT_FOUND if a plan code or department name in
/// it names nothing, rather than an empty answer.
pub async fn check_names(db: &impl ConnectionTrait, filter: &TargetFilter) -> Result<(), AppError> {
    super::check_names(
        db,
        filter.plan_code.as_deref(),
        filter.department.as_deref(),
    )
    .await
}

/// The columns a page of targets may leave unread when no selected field shows them: the
/// nullable ones (read as NULL) and the text that is never null (read as ''). The ids, the
/// sort key, the year and the vocabularies are always read.
pub const SPARE: &[target::Column] = &[
    target::Column::Key,
    target::Column::DomainId,
    target::Column::GoalId,
    target::Column::Name,
    target::Column::Unit,
    target::Column::NatureRaw,
    target::Column::TableCategory,
    target::Column::TableNumber,
    target::Column::BaselineYear,
    target::Column::BaselineValue,
    target::Column::BaselineRaw,
    target::Column::Comparator,
    target::Column::Value,
    target::Column::Raw,
    target::Column::Inferred,
    target::Column::SourceText,
];

/// `select` reading of the [`SPARE`] columns only those in `read`; the others stand in at their
/// place (NULL for a nullable column, '' for text), so a row still decodes by position.
fn reading(mut select: Select<target::Entity>, read: &[target::Column]) -> Select<target::Entity> {
    use sea_orm::{IdenStatic, Iterable, QueryTrait};
    // Columns have no equality of their own; their names are theirs.
    let has =
        |set: &[target::Column], c: target::Column| set.iter().any(|s| s.as_str() == c.as_str());
    let query = QueryTrait::query(&mut select);
    query.clear_selects();
    for column in target::Column::iter() {
        let expr: SimpleExpr = if !has(SPARE, column) || has(read, column) {
            Expr::col((target::Entity, column))
        } else if column.def().is_null() {
            Expr::cust("NULL")
        } else {
            Expr::cust("''")
        };
        query.expr_as(expr, column);
    }
    select
}

/// One page of the targets a filter selects, in document order. A plan code or department
/// that names nothing is NOT_FOUND rather than an empty page. `read`: the [`SPARE`] columns the
/// caller will look at (None: all); a page of statuses as of an earlier year reads whole rows,
/// to assess them.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &TargetFilter,
    as_of: Option<i32>,
    args: &PageArgs,
    read: Option<&[target::Column]>,
) -> Result<Page<target::Model>, AppError> {
    let found = if filter.statuses.is_empty() || as_of.is_none() {
        // Where the tally counts the filter's targets, the page need not count them.
        let tallied = if args.skip_count {
            None
        } else {
            super::tally::of_filter(db, filter).await?
        };
        let args = &PageArgs {
            skip_count: args.skip_count || tallied.is_some(),
            ..args.clone()
        };
        let keyset = Keyset {
            first: Expr::col(target::Column::LineStart),
            second: Expr::col(target::Column::Ordinal),
            descending: false,
            text: false,
        };
        let select = match read {
            Some(read) => reading(filtered(filter), read),
            None => filtered(filter),
        };
        let page = super::page::page(
            db,
            select,
            &keyset,
            args,
            |m| SortKey::Ints(m.line_start, m.ordinal),
            |m| m,
        )
        .await?;
        match tallied {
            Some(by) => Page {
                total_count: by.values().sum::<usize>() as u64,
                ..page
            },
            None => page,
        }
    } else {
        // Statuses as of an earlier year are assessed here: the matching targets are all
        // read and paged in memory.
        let rows = matching(db, filter, as_of).await?;
        super::page::nested(rows, args, |t| (t.line_start, t.ordinal), |t| t)?
    };
    if found.edges.is_empty() {
        check_names(db, filter).await?;
    }
    Ok(found)
}

/// The series of many indicators in one statement: per year, the newest published total.
pub async fn series_of_many(
    db: &impl ConnectionTrait,
    indicator_ids: &[i32],
) -> Result<HashMap<i32, Vec<Point>>, DbErr> {
    points(db, indicator_ids, public_totals(indicator_ids)).await
}

/// The published totals (no breakdown cell) of these indicators: the values a series is made of.
pub(crate) fn public_totals(indicator_ids: &[i32]) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(indicator_value::Column::IndicatorId.is_in(indicator_ids.iter().copied()))
        .add(indicator_value::Column::Status.eq(ValueStatus::Published))
        .add(indicator_value::Column::Breakdown.eq(""))
}

/// The values `which` picks, as each indicator's points by year (the newest version of a
/// year), keyed by every id asked for.
pub(crate) async fn points(
    db: &impl ConnectionTrait,
    indicator_ids: &[i32],
    which: sea_orm::Condition,
) -> Result<HashMap<i32, Vec<Point>>, DbErr> {
    if indicator_ids.is_empty() {
        return Ok(series_from(indicator_ids, []));
    }
    // The three columns a series is made of, not whole rows: a page of targets at 100× the
    // data reads a thousand values.
    let rows: Vec<(i32, i32, f64)> = indicator_value::Entity::find()
        .select_only()
        .column(indicator_value::Column::IndicatorId)
        .column(indicator_value::Column::Year)
        .column(indicator_value::Column::Value)
        .filter(which)
        .order_by_asc(indicator_value::Column::IndicatorId)
        .order_by_asc(indicator_value::Column::Year)
        .order_by_asc(indicator_value::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    Ok(series_from(indicator_ids, rows))
}

/// Each indicator's points from `(indicator, year, value)` rows in indicator, year and
/// version order: a year's last row is its newest version. Keyed by every id asked for.
pub(crate) fn series_from(
    indicator_ids: &[i32],
    rows: impl IntoIterator<Item = (i32, i32, f64)>,
) -> HashMap<i32, Vec<Point>> {
    let mut out: HashMap<i32, Vec<Point>> =
        indicator_ids.iter().map(|id| (*id, Vec::new())).collect();
    for (indicator, year, value) in rows {
        let series = out.entry(indicator).or_default();
        match series.last_mut() {
            Some(last) if last.0 == year => last.1 = value,
            _ => series.push((year, value)),
        }
    }
    out
}

/// The rules' view of a stored target.
pub fn rules(t: &target::Model) -> progress::Target {
    progress::Target {
        direction: t.direction,
        nature: t.nature,
        baseline: t.baseline_year.zip(t.baseline_value),
        target_year: t.year,
        target_value: t.value,
        comparator: t.comparator,
        basis: t.basis,
    }
}

/// Assesses targets with one statement for all their indicators' series.
pub async fn assess(
    db: &impl ConnectionTrait,
    targets: Vec<target::Model>,
    as_of: Option<i32>,
) -> Result<Vec<(target::Model, Assessment)>, DbErr> {
    let mut ids: Vec<i32> = targets.iter().map(|t| t.indicator_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let series = series_of_many(db, &ids).await?;
    Ok(targets
        .into_iter()
        .map(|t| {
            let points = series.get(&t.indicator_id).map_or(&[][..], Vec::as_slice);
            let a = progress::assess(&rules(&t), points, as_of);
            (t, a)
        })
        .collect())
}

/// The targets a filter selects, statuses included, in document order (two statements).
pub async fn matching(
    db: &impl ConnectionTrait,
    filter: &TargetFilter,
    as_of: Option<i32>,
) -> Result<Vec<target::Model>, AppError> {
    if filter.statuses.is_empty() || as_of.is_none() {
        return Ok(rows::all(db, select(filter)).await?);
    }
    let rows = rows::all(
        db,
        stored(filter)
            .order_by_asc(target::Column::LineStart)
            .order_by_asc(target::Column::Ordinal),
    )
    .await?;
    Ok(assess(db, rows, as_of)
        .await?
        .into_iter()
        .filter(|(t, a)| {
            filter.statuses.contains(&a.status) || filter.or_indicators.contains(&t.indicator_id)
        })
        .map(|(t, _)| t)
        .collect())
}

/// How many of the selected targets have each status, every status listed (zeros too): the
/// tally where the filter is one scope, one grouped count of the stored statuses otherwise, or
/// an assessment as of a year.
pub async fn counts(
    db: &impl ConnectionTrait,
    filter: &TargetFilter,
    as_of: Option<i32>,
) -> Result<Vec<(Status, usize)>, AppError> {
    let tallied = match as_of {
        None => super::tally::of_filter(db, filter).await?,
        Some(_) => None,
    };
    let by: HashMap<Status, usize> = if let Some(by) = tallied {
        by
    } else if as_of.is_none() {
        let query = filtered(filter)
            .select_only()
            .column(target::Column::Status)
            .column_as(Expr::from(Func::count(Expr::col(Asterisk))), "n")
            .group_by(target::Column::Status);
        query
            .into_tuple::<(Status, i64)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(s, n)| (s, usize::try_from(n).unwrap_or(0)))
            .collect()
    } else {
        let mut by = HashMap::new();
        for (_, a) in assess(db, rows::all(db, stored(filter)).await?, as_of).await? {
            if filter.statuses.is_empty() || filter.statuses.contains(&a.status) {
                *by.entry(a.status).or_default() += 1;
            }
        }
        by
    };
    if by.is_empty() {
        check_names(db, filter).await?;
    }
    Ok(all_statuses(&by))
}

/// Every status with its count (zeros too), in the order counts list them.
pub fn all_statuses(by: &HashMap<Status, usize>) -> Vec<(Status, usize)> {
    Status::ALL
        .iter()
        .map(|s| (*s, by.get(s).copied().unwrap_or(0)))
        .collect()
}

/// Counts for many plans (or domains, or departments) at once, as of a year: targets grouped
/// by `key` and assessed.
pub async fn counts_by<K: std::hash::Hash + Eq + Copy>(
    db: &impl ConnectionTrait,
    rows: Vec<target::Model>,
    key: impl Fn(&target::Model) -> Vec<K>,
    as_of: Option<i32>,
) -> Result<HashMap<K, Vec<(Status, usize)>>, AppError> {
    let assessed = assess(db, rows, as_of).await?;
    let mut out: HashMap<K, HashMap<Status, usize>> = HashMap::new();
    for (t, a) in &assessed {
        for k in key(t) {
            *out.entry(k).or_default().entry(a.status).or_default() += 1;
        }
    }
    Ok(out
        .into_iter()
        .map(|(k, by)| (k, all_statuses(&by)))
        .collect())
}

/// The indicators whose latest published change (as of `as_of`) is a fluctuation, by
/// `rules::quality`'s rule: one statement for every series.
pub async fn fluctuating(
    db: &impl ConnectionTrait,
    as_of: Option<i32>,
) -> Result<Vec<i32>, AppError> {
    let ids: Vec<i32> = rows::all(db, entity::indicator::Entity::find())
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    let series = series_of_many(db, &ids).await?;
    let mut out: Vec<i32> = series
        .into_iter()
        .filter(|(_, points)| crate::rules::quality::latest_fluctuation(points, as_of).is_some())
        .map(|(id, _)| id)
        .collect();
    out.sort_unstable();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::ColumnType;
    use sea_orm::{ColumnTrait, IdenStatic};

    /// A spare column left unread stands in as NULL when nullable and as '' otherwise, so every
    /// one that is never null must be text (an integer or a vocabulary would not decode '').
    #[test]
    fn every_spare_column_has_a_stand_in_that_decodes() {
        let mut text = Vec::new();
        for column in super::SPARE {
            let def = column.def();
            if !def.is_null() {
                assert!(
                    matches!(
                        def.get_column_type(),
                        ColumnType::String(_) | ColumnType::Text
                    ),
                    "{} is never null and not text",
                    column.as_str()
                );
                text.push(column.as_str());
            }
        }
        assert_eq!(text, ["key", "name", "raw", "inferred", "source_text"]);
    }
}
