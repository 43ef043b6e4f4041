//! The fluctuation warnings (预警: 波动较大) of some targets' indicators, as a store — or a
//! publication's copy of it — holds their series: what an evaluation's report lists as of the
//! publication it classed.

use entity::{indicator, target};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppError;
use crate::rules::quality::{self, Fluctuation};

/// An indicator whose latest published change (up to a year) is a fluctuation.
#[derive(Debug, Clone)]
pub struct Fluctuating {
    pub indicator: String,
    pub unit: Option<String>,
    pub year: i32,
    pub value: f64,
    pub detail: Fluctuation,
}

impl Fluctuating {
    /// The warning in words, with its numbers.
    pub fn describe(&self) -> String {
        quality::describe(&self.detail, self.year, self.value, self.unit.as_deref())
    }
}

/// The indicators of `target_ids` whose series, up to `through_year`, ends in a fluctuation,
/// in indicator order.
pub async fn fluctuating(
    db: &impl ConnectionTrait,
    target_ids: &[i32],
    through_year: i32,
) -> Result<Vec<Fluctuating>, AppError> {
    let mut indicator_ids: Vec<i32> = target::Entity::find()
        .filter(target::Column::Id.is_in(target_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.indicator_id)
        .collect();
    indicator_ids.sort_unstable();
    indicator_ids.dedup();
    let series = super::targets::series_of_many(db, &indicator_ids).await?;
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::Id.is_in(indicator_ids.iter().copied()))
        .order_by_asc(indicator::Column::Id)
        .all(db)
        .await?;
    Ok(indicators
        .into_iter()
        .filter_map(|i| {
            let points = series.get(&i.id)?;
            let ((year, value), detail) = quality::latest_fluctuation(points, Some(through_year))?;
            Some(Fluctuating {
                indicator: i.name,
                unit: i.unit,
                year,
                value,
                detail,
            })
        })
        .collect())
}
