//! The ends of indicators' series: what an assessment reads of a series. SQLite answers a
//! statement that returns only the ends, PostgreSQL the whole series cut to its ends here: on
//! SQLite each row the driver hands over costs more than the statement's two aggregates, on
//! PostgreSQL the other way round (health's dashboard at 100× the data, docs/BENCHMARKS.md).

use std::collections::HashMap;

use entity::indicator_value;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr, UnionType};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr};

use super::targets;
use crate::rules::progress::Point;

/// The ends of indicators' series — each one's first and latest year (up to `as_of`), with
/// the newest published value of each — keyed like `repo::targets::series_of_many`. What a target's
/// assessment and an indicator's latest value read: a page of targets at 100× the data asks
/// for two points of each ten-year series, not every point.
pub async fn of_many(
    db: &impl ConnectionTrait,
    indicator_ids: &[i32],
    as_of: Option<i32>,
) -> Result<HashMap<i32, Vec<Point>>, DbErr> {
    use indicator_value::Column as V;
    if db.get_database_backend() == DbBackend::Postgres {
        let series = targets::series_of_many(db, indicator_ids).await?;
        return Ok(series
            .into_iter()
            .map(|(id, points)| (id, ends(&points, as_of)))
            .collect());
    }
    let mut public = targets::public_totals(indicator_ids);
    if let Some(year) = as_of {
        public = public.add(V::Year.lte(year));
    }
    let end = |year: SimpleExpr| {
        Query::select()
            .column(V::IndicatorId)
            .expr(year)
            .from(indicator_value::Entity)
            .cond_where(public.clone())
            .group_by_col(V::IndicatorId)
            .to_owned()
    };
    let ends = end(Expr::col(V::Year).min())
        .union(UnionType::All, end(Expr::col(V::Year).max()))
        .to_owned();
    let at_ends = Expr::tuple([Expr::col(V::IndicatorId), Expr::col(V::Year)]).in_subquery(ends);
    targets::points(db, indicator_ids, public.add(at_ends)).await
}

/// The first and latest of a series' points (in year order) up to `as_of`: one point when
/// they are the same year, none when there is none.
fn ends(points: &[Point], as_of: Option<i32>) -> Vec<Point> {
    let mut known = points
        .iter()
        .copied()
        .filter(|(year, _)| as_of.is_none_or(|a| *year <= a));
    match (known.next(), known.next_back()) {
        (Some(first), Some(last)) => vec![first, last],
        (Some(only), None) => vec![only],
        _ => Vec::new(),
    }
}
