//! What the change feed reads: value events after a known one, and the imported document.

use entity::{indicator_value, value_event};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::error::AppError;

/// The id of the newest value event (0 when there is none).
pub async fn latest_event(db: &impl ConnectionTrait) -> Result<i32, AppError> {
    Ok(value_event::Entity::find()
        .order_by_desc(value_event::Column::Id)
        .limit(1)
        .one(db)
        .await?
        .map_or(0, |e| e.id))
}

/// Value events after `after`, oldest first (at most `limit`), each with its value as it is now.
pub async fn events_after(
    db: &impl ConnectionTrait,
    after: i32,
    limit: u64,
) -> Result<Vec<(value_event::Model, indicator_value::Model)>, AppError> {
    let events = value_event::Entity::find()
        .filter(value_event::Column::Id.gt(after))
        .order_by_asc(value_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let values: std::collections::HashMap<i32, indicator_value::Model> =
        indicator_value::Entity::find()
            .filter(indicator_value::Column::Id.is_in(events.iter().map(|e| e.value_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
    Ok(events
        .into_iter()
        .filter_map(|e| values.get(&e.value_id).cloned().map(|v| (e, v)))
        .collect())
}
