//! Departments' statements that a figure does not exist (不适用), as the reporting cycle reads
//! them: the template pre-fills them, completion counts them as answered.

use std::collections::HashMap;

use entity::value_unavailable;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::AppError;

/// Every statement for a year up to `year`, by (department, indicator, year), with its note.
pub async fn up_to(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<HashMap<(i32, i32, i32), Option<String>>, AppError> {
    Ok(value_unavailable::Entity::find()
        .filter(value_unavailable::Column::Year.lte(year))
        .all(db)
        .await?
        .into_iter()
        .map(|u| ((u.department_id, u.indicator_id, u.year), u.note))
        .collect())
}

/// The department's statement for an indicator and year, if it made one.
pub async fn one(
    db: &impl ConnectionTrait,
    department_id: i32,
    indicator_id: i32,
    year: i32,
) -> Result<Option<value_unavailable::Model>, AppError> {
    Ok(value_unavailable::Entity::find()
        .filter(value_unavailable::Column::DepartmentId.eq(department_id))
        .filter(value_unavailable::Column::IndicatorId.eq(indicator_id))
        .filter(value_unavailable::Column::Year.eq(year))
        .one(db)
        .await?)
}
