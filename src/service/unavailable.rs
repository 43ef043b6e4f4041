//! A department's statement that a figure it owes does not exist for a year (不适用, 无, — in
//! its template): stored as such, never as a zero, and withdrawn when the department submits
//! a figure after all. Scope is checked by the caller as for a value (`rules::workflow`).

use chrono::Utc;
use entity::value_unavailable;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::auth::Actor;
use crate::error::AppError;

/// One statement: the cell it answers and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub indicator_id: i32,
    pub year: i32,
    pub department_id: i32,
    pub note: Option<String>,
}

/// Stores the statement (one per department, indicator and year).
pub async fn declare(
    db: &impl ConnectionTrait,
    actor: &Actor,
    s: &Statement,
) -> Result<value_unavailable::Model, AppError> {
    Ok(value_unavailable::ActiveModel {
        indicator_id: Set(s.indicator_id),
        year: Set(s.year),
        department_id: Set(s.department_id),
        note: Set(s.note.clone()),
        declared_by: Set(Some(actor.user_id)),
        declared_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Withdraws the department's statement for the cell, if any: it submitted a figure.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    department_id: i32,
    indicator_id: i32,
    year: i32,
) -> Result<(), AppError> {
    value_unavailable::Entity::delete_many()
        .filter(value_unavailable::Column::DepartmentId.eq(department_id))
        .filter(value_unavailable::Column::IndicatorId.eq(indicator_id))
        .filter(value_unavailable::Column::Year.eq(year))
        .exec(db)
        .await?;
    Ok(())
}
