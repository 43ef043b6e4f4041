//! Accounts, as the API and the command line read them.

use entity::{app_user, department};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppError;

/// An account by username; NOT_FOUND otherwise.
pub async fn find(db: &impl ConnectionTrait, username: &str) -> Result<app_user::Model, AppError> {
    app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username.trim()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user {}", username.trim())))
}

/// Every account, by username.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<app_user::Model>, AppError> {
    Ok(app_user::Entity::find()
        .order_by_asc(app_user::Column::Username)
        .all(db)
        .await?)
}

/// An account by id, or none.
pub async fn by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<app_user::Model>, AppError> {
    Ok(app_user::Entity::find_by_id(id).one(db).await?)
}

/// The canonical name of a department by id.
pub async fn department_name(db: &impl ConnectionTrait, id: i32) -> Result<String, AppError> {
    Ok(department::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|d| d.name)
        .unwrap_or_default())
}
