//! A measure's values: its series, what was published and approved, and who reports it.

use std::collections::HashMap;
use std::sync::Arc;

use super::Loader;
use entity::{department, indicator_value};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::repo::rows::{self};

use super::{db_err, LoadError, Store};

/// An indicator's series: per year, the newest published value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Series(pub i32);

impl Loader<Series> for Store {
    type Value = Vec<crate::rules::progress::Point>;
    type Error = LoadError;

    async fn load(&self, keys: &[Series]) -> Result<HashMap<Series, Self::Value>, Self::Error> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let found = crate::repo::targets::series_of_many(&self.db, &ids)
            .await
            .map_err(db_err)?;
        Ok(found.into_iter().map(|(id, s)| (Series(id), s)).collect())
    }
}

/// The ends of an indicator's series up to a year (all years when none): its first and latest
/// point, all a target's assessment and the latest value need (`repo::series_ends`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeriesEnds(pub i32, pub Option<i32>);

impl Loader<SeriesEnds> for Store {
    type Value = Vec<crate::rules::progress::Point>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[SeriesEnds],
    ) -> Result<HashMap<SeriesEnds, Self::Value>, Self::Error> {
        // One statement per year asked for (one, in practice: a query asks with one year).
        let mut years: Vec<Option<i32>> = keys.iter().map(|k| k.1).collect();
        years.sort_unstable();
        years.dedup();
        let mut out = HashMap::new();
        for year in years {
            let ids: Vec<i32> = keys.iter().filter(|k| k.1 == year).map(|k| k.0).collect();
            let found = crate::repo::series_ends::of_many(&self.db, &ids, year)
                .await
                .map_err(db_err)?;
            out.extend(found.into_iter().map(|(id, s)| (SeriesEnds(id, year), s)));
        }
        Ok(out)
    }
}

/// Published values of an indicator, by year: the only values the public sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublishedValues(pub i32);

impl Loader<PublishedValues> for Store {
    type Value = Vec<indicator_value::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PublishedValues],
    ) -> Result<HashMap<PublishedValues, Self::Value>, Self::Error> {
        let rows = rows::all(
            &self.db,
            indicator_value::Entity::find()
                .filter(indicator_value::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
                .filter(indicator_value::Column::Status.eq(crate::domain::ValueStatus::Published))
                .order_by_asc(indicator_value::Column::Year)
                .order_by_asc(indicator_value::Column::Version),
        )
        .await
        .map_err(db_err)?;
        let mut out: HashMap<PublishedValues, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(PublishedValues(row.indicator_id))
                .or_default()
                .push(row);
        }
        Ok(out)
    }
}

/// The values of an indicator and year not superseded or rejected (submitted or published),
/// in the order they came: what a reviewer weighs a submission against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LiveValues(pub i32, pub i32);

impl Loader<LiveValues> for Store {
    type Value = Vec<indicator_value::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[LiveValues],
    ) -> Result<HashMap<LiveValues, Self::Value>, Self::Error> {
        let mut out: HashMap<LiveValues, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        let rows = rows::all(
            &self.db,
            crate::repo::cells::live_values()
                .filter(indicator_value::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
                .filter(indicator_value::Column::Year.is_in(keys.iter().map(|k| k.1))),
        )
        .await
        .map_err(db_err)?;
        // Ids and years are asked apart: a row of an id with another key's year is not wanted.
        for row in rows {
            if let Some(slot) = out.get_mut(&LiveValues(row.indicator_id, row.year)) {
                slot.push(row);
            }
        }
        Ok(out)
    }
}

/// Departments that may report an indicator (the one rule, in `repo::values`), fetched
/// with their rows in the same batch: two statements however many indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportersOf(pub i32);

impl Loader<ReportersOf> for Store {
    type Value = Vec<department::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ReportersOf],
    ) -> Result<HashMap<ReportersOf, Self::Value>, Self::Error> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let found = crate::repo::values::reporters_of_many(&self.db, &ids)
            .await
            .map_err(Arc::new)?;
        let wanted: Vec<i32> = found.values().flatten().copied().collect();
        let rows: HashMap<i32, department::Model> = if wanted.is_empty() {
            HashMap::new()
        } else {
            department::Entity::find()
                .filter(department::Column::Id.is_in(wanted))
                .all(&self.db)
                .await
                .map_err(db_err)?
                .into_iter()
                .map(|d| (d.id, d))
                .collect()
        };
        Ok(found
            .into_iter()
            .map(|(id, departments)| {
                (
                    ReportersOf(id),
                    departments
                        .iter()
                        .filter_map(|d| rows.get(d).cloned())
                        .collect(),
                )
            })
            .collect())
    }
}

/// Approvals of an indicator's reported values: its public publication history. The history
/// records the indicator of its time; the value says which it belongs to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApprovalsOf(pub i32);

impl Loader<ApprovalsOf> for Store {
    type Value = Vec<entity::value_event::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ApprovalsOf],
    ) -> Result<HashMap<ApprovalsOf, Self::Value>, Self::Error> {
        use sea_orm::sea_query::Query;
        let values = Query::select()
            .column(indicator_value::Column::Id)
            .from(indicator_value::Entity)
            .and_where(indicator_value::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .to_owned();
        let rows = entity::value_event::Entity::find()
            .filter(entity::value_event::Column::ValueId.in_subquery(values))
            .filter(entity::value_event::Column::Action.eq(crate::domain::ValueAction::Approve))
            .order_by_asc(entity::value_event::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let owner: HashMap<i32, i32> = indicator_value::Entity::find()
            .filter(indicator_value::Column::Id.is_in(rows.iter().map(|r| r.value_id)))
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|v| (v.id, v.indicator_id))
            .collect();
        let mut out: HashMap<ApprovalsOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            if let Some(indicator) = owner.get(&row.value_id) {
                out.entry(ApprovalsOf(*indicator)).or_default().push(row);
            }
        }
        Ok(out)
    }
}
