//! The breakdown declarations a store keeps (`crate::breakdowns`): per indicator what it is
//! reported by, and the versions of each dimension's code list. Read from the store on each use,
//! not held in the process: an admin's change is then seen by every process sharing the store
//! at once, and an `asOf` read (a copy of the store as it was) sees the declarations of then.

use std::collections::HashMap;

use entity::{breakdown_declaration, codelist, indicator_value};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::breakdowns::{Codelist, Declared, Dimension};

/// The declaration a stored row holds.
pub fn declared(row: &breakdown_declaration::Model) -> Result<Declared, DbErr> {
    Declared::from_stored(&row.aggregation, &row.dimensions, row.version).map_err(DbErr::Custom)
}

/// What an indicator is declared to be reported by, if anything.
pub async fn of(db: &impl ConnectionTrait, indicator_id: i32) -> Result<Option<Declared>, DbErr> {
    row(db, indicator_id)
        .await?
        .as_ref()
        .map(declared)
        .transpose()
}

/// The declarations of some indicators (all when `ids` is None), by indicator id.
pub async fn of_many(
    db: &impl ConnectionTrait,
    ids: Option<&[i32]>,
) -> Result<HashMap<i32, Declared>, DbErr> {
    let mut find = breakdown_declaration::Entity::find();
    if let Some(ids) = ids {
        find = find.filter(breakdown_declaration::Column::IndicatorId.is_in(ids.iter().copied()));
    }
    find.all(db)
        .await?
        .iter()
        .map(|row| Ok((row.indicator_id, declared(row)?)))
        .collect()
}

/// The stored row of an indicator's declaration.
pub async fn row(
    db: &impl ConnectionTrait,
    indicator_id: i32,
) -> Result<Option<breakdown_declaration::Model>, DbErr> {
    breakdown_declaration::Entity::find()
        .filter(breakdown_declaration::Column::IndicatorId.eq(indicator_id))
        .one(db)
        .await
}

/// One version of a dimension's code list; the one in force (the newest) when `version` is None.
pub async fn codelist(
    db: &impl ConnectionTrait,
    dimension: Dimension,
    version: Option<i32>,
) -> Result<Option<Codelist>, DbErr> {
    let mut find = codelist::Entity::find()
        .filter(codelist::Column::Dimension.eq(dimension.as_str()))
        .order_by_desc(codelist::Column::Version);
    if let Some(version) = version {
        find = find.filter(codelist::Column::Version.eq(version));
    }
    find.one(db)
        .await?
        .map(|row| Codelist::from_stored(&row.codes, row.version).map_err(DbErr::Custom))
        .transpose()
}

/// The code list in force of each dimension that has one, in dimension order.
pub async fn codelists(db: &impl ConnectionTrait) -> Result<Vec<(Dimension, Codelist)>, DbErr> {
    let mut out: Vec<(Dimension, Codelist)> = Vec::new();
    for row in codelist::Entity::find()
        .order_by_asc(codelist::Column::Version)
        .all(db)
        .await?
    {
        let Some(dimension) = Dimension::parse(&row.dimension) else {
            continue;
        };
        let list = Codelist::from_stored(&row.codes, row.version).map_err(DbErr::Custom)?;
        out.retain(|(d, _)| *d != dimension);
        out.push((dimension, list));
    }
    out.sort_by_key(|(d, _)| *d);
    Ok(out)
}

/// The cell keys an indicator's stored values use (any status), with how many values each.
pub async fn stored_cells(
    db: &impl ConnectionTrait,
    indicator_id: i32,
) -> Result<Vec<(String, i64)>, DbErr> {
    indicator_value::Entity::find()
        .select_only()
        .column(indicator_value::Column::Breakdown)
        .column_as(indicator_value::Column::Id.count(), "n")
        .filter(indicator_value::Column::IndicatorId.eq(indicator_id))
        .filter(indicator_value::Column::Breakdown.ne(""))
        .group_by(indicator_value::Column::Breakdown)
        .order_by_asc(indicator_value::Column::Breakdown)
        .into_tuple()
        .all(db)
        .await
}
