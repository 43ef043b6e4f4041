//! What `search` finds: plans, departments, indicators and goals whose text contains a string.

use entity::{department, department_alias, goal, indicator, plan};
use sea_orm::sea_query::{IntoColumnRef, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppError;

/// Rows whose text contains the search text, each kind in document (or name) order.
#[derive(Debug, Default)]
pub struct Found {
    pub plans: Vec<plan::Model>,
    pub departments: Vec<department::Model>,
    pub indicators: Vec<indicator::Model>,
    pub goals: Vec<goal::Model>,
}

/// Plans by title, departments by name or any spelling, indicators by name, goals by text.
pub async fn containing(db: &impl ConnectionTrait, text: &str) -> Result<Found, AppError> {
    let like = |col: sea_orm::sea_query::ColumnRef| super::page::contains(col, text);
    let plans = plan::Entity::find()
        .filter(like(plan::Column::Title.into_column_ref()))
        .order_by_asc(plan::Column::Ordinal)
        .all(db)
        .await?;
    let departments = department::Entity::find()
        .filter(
            Condition::any()
                .add(like(department::Column::Name.into_column_ref()))
                .add(
                    department::Column::Id.in_subquery(
                        Query::select()
                            .column(department_alias::Column::DepartmentId)
                            .from(department_alias::Entity)
                            .and_where(like(department_alias::Column::Alias.into_column_ref()))
                            .to_owned(),
                    ),
                ),
        )
        .order_by_asc(department::Column::Name)
        .all(db)
        .await?;
    let indicators = indicator::Entity::find()
        .filter(like(indicator::Column::Name.into_column_ref()))
        .order_by_asc(indicator::Column::LineStart)
        .order_by_asc(indicator::Column::Ordinal)
        .all(db)
        .await?;
    let goals = goal::Entity::find()
        .filter(like(goal::Column::Text.into_column_ref()))
        .order_by_asc(goal::Column::LineStart)
        .all(db)
        .await?;
    Ok(Found {
        plans,
        departments,
        indicators,
        goals,
    })
}
