//! The ends of indicators' series: what an assessment reads of a series. SQLite answers one
//! statement that returns the ends of every series asked as one row, PostgreSQL the whole
//! series cut to its ends here. sqlx hands SQLite's rows over from the connection's thread one
//! at a time, each a wake of the request's thread (about one context switch a row), so there
//! the fewest rows win; PostgreSQL's rows come off the socket in bulk, and its planner seeks
//! the ends slower than it reads a series (health's dashboard at 100× the data,
//! docs/BENCHMARKS.md).

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

use super::targets;
use crate::domain::ValueStatus;
use crate::rules::progress::Point;

/// Each asked indicator's first and latest year of published totals up to ?3, found by
/// index seeks (a correlated MIN and MAX per indicator), then the values of those years in
/// indicator, year and version order — aggregated into one JSON array of `[indicator, year,
/// value]`, the value as text with 17 significant digits so it reads back to the same double.
const SQLITE_ENDS: &str = "\
WITH asked(id) AS (SELECT value FROM json_each(?1)), \
ends(id, year) AS ( \
 SELECT id, (SELECT MIN(year) FROM indicator_value w WHERE w.status = ?2 \
  AND w.indicator_id = asked.id AND w.breakdown = '' AND w.year <= ?3) FROM asked \
 UNION \
 SELECT id, (SELECT MAX(year) FROM indicator_value w WHERE w.status = ?2 \
  AND w.indicator_id = asked.id AND w.breakdown = '' AND w.year <= ?3) FROM asked) \
SELECT json_group_array(json_array(indicator_id, year, printf('%!.17g', value))) FROM ( \
 SELECT v.indicator_id, v.year, v.value FROM ends CROSS JOIN indicator_value v \
  ON v.status = ?2 AND v.indicator_id = ends.id AND v.breakdown = '' AND v.year = ends.year \
 ORDER BY v.indicator_id, v.year, v.version)";

/// The ends of indicators' series — each one's first and latest year (up to `as_of`), with
/// the newest published value of each — keyed like `repo::targets::series_of_many`. What a target's
/// assessment and an indicator's latest value read: a page of targets at 100× the data asks
/// for two points of each ten-year series, not every point.
pub async fn of_many(
    db: &impl ConnectionTrait,
    indicator_ids: &[i32],
    as_of: Option<i32>,
) -> Result<HashMap<i32, Vec<Point>>, DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        let series = targets::series_of_many(db, indicator_ids).await?;
        return Ok(series
            .into_iter()
            .map(|(id, points)| (id, ends(&points, as_of)))
            .collect());
    }
    if indicator_ids.is_empty() {
        return Ok(targets::series_from(indicator_ids, []));
    }
    let asked = serde_json::to_string(indicator_ids).map_err(|e| DbErr::Custom(e.to_string()))?;
    let statement = Statement::from_sql_and_values(
        DbBackend::Sqlite,
        SQLITE_ENDS,
        [
            asked.into(),
            ValueStatus::Published.as_str().into(),
            as_of.unwrap_or(i32::MAX).into(),
        ],
    );
    let found: String = match db.query_one_raw(statement).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => String::from("[]"),
    };
    Ok(targets::series_from(indicator_ids, parse(&found)?))
}

/// The statement's rows back from its JSON array.
fn parse(found: &str) -> Result<Vec<(i32, i32, f64)>, DbErr> {
    let bad = |e: &dyn std::fmt::Display| DbErr::Custom(format!("series ends: {e}"));
    let rows: Vec<(i32, i32, String)> = serde_json::from_str(found).map_err(|e| bad(&e))?;
    rows.into_iter()
        .map(|(id, year, value)| Ok((id, year, value.parse().map_err(|e| bad(&e))?)))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn values_read_back_to_the_same_double() {
        let third = 1.0_f64 / 3.0;
        let sum = 0.1_f64 + 0.2;
        let text = format!(r#"[[7,2020,"{third:.16e}"],[7,2025,"0.30000000000000004"]]"#);
        assert_eq!(
            parse(&text).unwrap(),
            vec![(7, 2020, third), (7, 2025, sum)]
        );
        assert_eq!(parse("[]").unwrap(), vec![]);
        assert!(parse(r#"[[7,2020,"x"]]"#).is_err());
    }
}
