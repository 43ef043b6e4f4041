//! Admin changes to indicators: who may report one, and corrections of its metadata.

use chrono::Utc;
use entity::{indicator, indicator_assignment};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use crate::domain::Direction;
use crate::error::AppError;
use crate::service::Done;

async fn find(db: &impl ConnectionTrait, id: i32) -> Result<indicator::Model, AppError> {
    indicator::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such indicator".into()))
}

/// Lets a department report an indicator its goal does not name. Assigning twice is one
/// assignment.
pub async fn assign_reporter(
    db: &impl ConnectionTrait,
    indicator_id: i32,
    department: &str,
) -> Result<Done<indicator::Model>, AppError> {
    let indicator = find(db, indicator_id).await?;
    let department = crate::repo::department_by_name(db, department).await?;
    let exists = indicator_assignment::Entity::find()
        .filter(indicator_assignment::Column::IndicatorId.eq(indicator_id))
        .filter(indicator_assignment::Column::DepartmentId.eq(department.id))
        .one(db)
        .await?;
    if exists.is_none() {
        indicator_assignment::ActiveModel {
            indicator_id: Set(indicator_id),
            department_id: Set(department.id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let after = serde_json::json!({ "department": department.name });
    Ok(Done::new(indicator).after(after))
}

/// Corrections to an indicator's metadata; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Correction {
    pub name: Option<String>,
    pub unit: Option<String>,
    pub direction: Option<Direction>,
}

/// What the audit log keeps of an indicator's metadata.
fn snapshot(i: &indicator::Model) -> serde_json::Value {
    serde_json::json!({ "name": i.name, "unit": i.unit, "direction": i.direction })
}

/// Applies a correction; returns the indicator after, with what the audit log keeps of it
/// before and after.
pub async fn correct(
    db: &impl ConnectionTrait,
    id: i32,
    changes: Correction,
) -> Result<Done<indicator::Model>, AppError> {
    let current = find(db, id).await?;
    let mut am = current.clone().into_active_model();
    if let Some(name) = changes.name.map(|n| n.trim().to_string()) {
        if name.is_empty() || name.chars().count() > 200 {
            return Err(AppError::Invalid {
                message: "name: 1 to 200 characters".into(),
                details: serde_json::json!([{ "field": "name", "message": "1 to 200 characters" }]),
            });
        }
        am.name = Set(name);
    }
    if let Some(unit) = changes.unit {
        let unit = unit.trim().to_string();
        am.unit = Set((!unit.is_empty()).then_some(unit));
    }
    if let Some(direction) = changes.direction {
        am.direction = Set(direction);
    }
    let updated = am.update(db).await?;
    Ok(Done::new(updated.clone())
        .before(snapshot(&current))
        .after(snapshot(&updated)))
}
