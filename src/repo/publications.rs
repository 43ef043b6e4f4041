//! The publication sequence as `asOf` reads it: which publication was the last at an instant.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, DbErr};

/// One publication: its number and when it was committed (µs since 1970, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    pub seq: i64,
    pub at_us: i64,
}

async fn one(
    db: &impl ConnectionTrait,
    query: &mut sea_orm::sea_query::SelectStatement,
) -> Result<Option<Publication>, DbErr> {
    let query = query
        .columns([Alias::new("seq"), Alias::new("at_us")])
        .from(Alias::new("publication"))
        .limit(1)
        .to_owned();
    db.query_one(&query)
        .await?
        .map(|row| {
            Ok(Publication {
                seq: row.try_get_by_index(0)?,
                at_us: row.try_get_by_index(1)?,
            })
        })
        .transpose()
}

/// The last publication at or before `at_us`; None before the first.
pub async fn at(db: &impl ConnectionTrait, at_us: i64) -> Result<Option<Publication>, DbErr> {
    one(
        db,
        Query::select()
            .and_where(Expr::col(Alias::new("at_us")).lte(at_us))
            .order_by(Alias::new("seq"), Order::Desc),
    )
    .await
}

/// The first publication, if any.
pub async fn first(db: &impl ConnectionTrait) -> Result<Option<Publication>, DbErr> {
    one(db, Query::select().order_by(Alias::new("seq"), Order::Asc)).await
}

/// The publication after `seq`, if any (an answer at a publication that has a successor can
/// never change).
pub async fn after(db: &impl ConnectionTrait, seq: i64) -> Result<Option<Publication>, DbErr> {
    one(
        db,
        Query::select()
            .and_where(Expr::col(Alias::new("seq")).gt(seq))
            .order_by(Alias::new("seq"), Order::Asc),
    )
    .await
}

/// The last publication, if any.
pub async fn latest(db: &impl ConnectionTrait) -> Result<Option<Publication>, DbErr> {
    one(db, Query::select().order_by(Alias::new("seq"), Order::Desc)).await
}
