//! What `search` finds: plans by title, departments by name or any spelling, indicators by
//! name and goals by text, where the text holds the search text as a substring (Chinese has no
//! spaces to split words on). Counted in one statement and read a page at a time, each kind in
//! document (or name) order; indicator names by trigram index (migration m20261129_000012)
//! where the store has one.

use entity::{department, department_alias, goal, indicator, plan};
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, IntoColumnRef, IntoTableRef, Query, SimpleExpr, TableRef,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::error::AppError;
use crate::repo::page::{self, Page, Slice};
use crate::repo::rows;

/// The kinds of result, in the order they are listed.
const KINDS: usize = 4;

/// One thing search found.
#[derive(Debug)]
pub enum Hit {
    Plan(plan::Model),
    Department(department::Model),
    Indicator(indicator::Model),
    Goal(goal::Model),
}

/// The page `slice` asks of everything that holds `text`, with the count of it all: the counts
/// in one statement, then only the rows of the page (one statement per kind it spans, at once).
/// A result's cursor is (kind, index among the matches of that kind).
pub async fn page(
    db: &impl ConnectionTrait,
    text: &str,
    slice: &Slice,
) -> Result<Page<Hit>, AppError> {
    let counts = count(db, text).await?;
    let reads = page::ranges(&counts, slice)
        .into_iter()
        .map(|(kind, offset, limit)| async move {
            let found = hits(db, text, kind, offset, limit).await?;
            let position = move |n: usize| {
                let index = offset.saturating_add(n as u64);
                (kind as i32, i32::try_from(index).unwrap_or(i32::MAX))
            };
            Ok::<_, AppError>(
                found
                    .into_iter()
                    .enumerate()
                    .map(move |(n, hit)| (position(n), hit))
                    .collect::<Vec<_>>(),
            )
        });
    let rows: Vec<((i32, i32), Hit)> = futures_util::future::try_join_all(reads)
        .await?
        .into_iter()
        .flatten()
        .collect();
    Ok(page::sliced(
        rows,
        slice,
        counts.iter().sum(),
        |(position, _)| *position,
        |(_, hit)| hit,
    ))
}

/// The shortest text a trigram index can narrow by.
const TRIGRAM: usize = 3;

fn plans(text: &str) -> Condition {
    Condition::all().add(super::page::contains(
        (plan::Entity, plan::Column::Title),
        text,
    ))
}

fn departments(text: &str) -> Condition {
    Condition::any()
        .add(super::page::contains(
            (department::Entity, department::Column::Name),
            text,
        ))
        .add(
            department::Column::Id.in_subquery(
                Query::select()
                    .column(department_alias::Column::DepartmentId)
                    .from(department_alias::Entity)
                    .and_where(super::page::contains(
                        department_alias::Column::Alias.into_column_ref(),
                        text,
                    ))
                    .to_owned(),
            ),
        )
}

/// Indicators by name; on SQLite narrowed first by the FTS5 trigram table `indicator_search`
/// (PostgreSQL's planner uses the pg_trgm index for the LIKE by itself).
fn indicators(backend: DbBackend, text: &str) -> Condition {
    let like = Condition::all().add(super::page::contains(
        (indicator::Entity, indicator::Column::Name),
        text,
    ));
    if backend != DbBackend::Sqlite || text.chars().count() < TRIGRAM {
        return like;
    }
    // A quoted phrase of the trigram tokenizer matches it as a substring, case-folded: a
    // superset of LIKE's matches, which the LIKE then decides.
    let phrase = format!("\"{}\"", text.replace('"', "\"\""));
    like.add(
        Expr::col((indicator::Entity, indicator::Column::Id)).in_subquery(
            Query::select()
                .expr(Expr::cust("rowid"))
                .from(Alias::new("indicator_search"))
                .and_where(Expr::cust_with_values("indicator_search MATCH ?", [phrase]))
                .to_owned(),
        ),
    )
}

/// Goals by text, scanned (no index: they grow with documents, not with reporting). On
/// PostgreSQL by `strpos`, the same case-sensitive substring test as its LIKE without the
/// pattern matching, which the document's long texts make the larger cost.
fn goals(backend: DbBackend, text: &str) -> Condition {
    let column = (goal::Entity, goal::Column::Text);
    Condition::all().add(match backend {
        DbBackend::Postgres => {
            Expr::cust_with_exprs("strpos($1, $2) > 0", [Expr::col(column), Expr::val(text)])
        }
        _ => super::page::contains(column, text),
    })
}

/// How many of each kind match, in [`KINDS`] order: one statement.
async fn count(db: &impl ConnectionTrait, text: &str) -> Result<[u64; KINDS], AppError> {
    let backend = db.get_database_backend();
    let of = |table: TableRef, condition: Condition| {
        let count = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from(table)
            .cond_where(condition)
            .to_owned();
        SimpleExpr::SubQuery(None, Box::new(count.into()))
    };
    let query = Query::select()
        .expr_as(
            of(plan::Entity.into_table_ref(), plans(text)),
            Alias::new("k0"),
        )
        .expr_as(
            of(department::Entity.into_table_ref(), departments(text)),
            Alias::new("k1"),
        )
        .expr_as(
            of(
                indicator::Entity.into_table_ref(),
                indicators(backend, text),
            ),
            Alias::new("k2"),
        )
        .expr_as(
            of(goal::Entity.into_table_ref(), goals(backend, text)),
            Alias::new("k3"),
        )
        .to_owned();
    let row = db
        .query_one_raw(backend.build(&query))
        .await?
        .ok_or_else(|| AppError::internal("a count returned no row"))?;
    let mut counts = [0; KINDS];
    for (k, count) in counts.iter_mut().enumerate() {
        let n: i64 = row.try_get("", &format!("k{k}"))?;
        *count = u64::try_from(n).unwrap_or(0);
    }
    Ok(counts)
}

fn many<M>(hit: fn(M) -> Hit, rows: Vec<M>) -> Vec<Hit> {
    rows.into_iter().map(hit).collect()
}

/// `limit` matches of one kind (an index into [`KINDS`]) from `offset`, in their order.
async fn hits(
    db: &impl ConnectionTrait,
    text: &str,
    kind: usize,
    offset: u64,
    limit: u64,
) -> Result<Vec<Hit>, AppError> {
    let backend = db.get_database_backend();
    Ok(match kind {
        0 => many(
            Hit::Plan,
            rows::all(
                db,
                plan::Entity::find()
                    .filter(plans(text))
                    .order_by_asc(plan::Column::Ordinal)
                    .offset(offset)
                    .limit(limit),
            )
            .await?,
        ),
        1 => many(
            Hit::Department,
            rows::all(
                db,
                department::Entity::find()
                    .filter(departments(text))
                    .order_by_asc(department::Column::Name)
                    .order_by_asc(department::Column::Id)
                    .offset(offset)
                    .limit(limit),
            )
            .await?,
        ),
        2 => many(
            Hit::Indicator,
            rows::all(
                db,
                indicator::Entity::find()
                    .filter(indicators(backend, text))
                    .order_by_asc(indicator::Column::LineStart)
                    .order_by_asc(indicator::Column::Ordinal)
                    .order_by_asc(indicator::Column::Id)
                    .offset(offset)
                    .limit(limit),
            )
            .await?,
        ),
        _ => many(
            Hit::Goal,
            rows::all(
                db,
                goal::Entity::find()
                    .filter(goals(backend, text))
                    .order_by_asc(goal::Column::LineStart)
                    .order_by_asc(goal::Column::Id)
                    .offset(offset)
                    .limit(limit),
            )
            .await?,
        ),
    })
}
