//! Accounts: creation, changes, disabling, revoking tokens, and authenticating a token.

use chrono::{DateTime, Utc};
use entity::{app_user, department};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};

use crate::auth::token::Claims;
use crate::auth::{Actor, UserRole};
use crate::error::AppError;
use crate::service::Done;

fn check_username(username: &str) -> Result<(), AppError> {
    let ok = (3..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(AppError::BadUserInput(
            "a username has 3–64 characters: a–z, 0–9, '.', '_' or '-'".into(),
        ))
    }
}

/// A submitter reports for exactly one department; the other roles for none.
async fn department_for(
    db: &impl ConnectionTrait,
    role: UserRole,
    department: Option<&str>,
) -> Result<Option<i32>, AppError> {
    match (role, department.map(str::trim).filter(|d| !d.is_empty())) {
        (UserRole::Submitter, Some(name)) => {
            Ok(Some(crate::repo::department_by_name(db, name).await?.id))
        }
        (UserRole::Submitter, None) => Err(AppError::BadUserInput(
            "a submitter needs a department".into(),
        )),
        (_, Some(_)) => Err(AppError::BadUserInput(
            "only a submitter has a department".into(),
        )),
        (_, None) => Ok(None),
    }
}

pub async fn create(
    db: &impl ConnectionTrait,
    username: &str,
    password: &str,
    role: UserRole,
    department: Option<&str>,
) -> Result<app_user::Model, AppError> {
    create_until(db, username, password, role, department, None).await
}

/// The end an account's access may have: an evaluator's is required (a third party is let in
/// for a stated period) and must lie ahead.
fn check_access_until(role: UserRole, until: Option<DateTime<Utc>>) -> Result<(), AppError> {
    match until {
        None if role == UserRole::Evaluator => Err(AppError::BadUserInput(
            "an evaluator's access needs an end (accessUntil)".into(),
        )),
        Some(t) if t <= Utc::now() => Err(AppError::BadUserInput(format!(
            "accessUntil {} is not in the future",
            t.to_rfc3339()
        ))),
        _ => Ok(()),
    }
}

/// [`create`], with the instant the account's access ends.
pub async fn create_until(
    db: &impl ConnectionTrait,
    username: &str,
    password: &str,
    role: UserRole,
    department: Option<&str>,
    access_until: Option<DateTime<Utc>>,
) -> Result<app_user::Model, AppError> {
    let username = username.trim().to_string();
    check_username(&username)?;
    check_access_until(role, access_until)?;
    let department_id = department_for(db, role, department).await?;
    if crate::repo::users::find(db, &username).await.is_ok() {
        return Err(AppError::Conflict(format!(
            "the username {username} is taken"
        )));
    }
    let hash = crate::auth::password::hash(password)?;
    let now = Utc::now();
    let user = app_user::ActiveModel {
        username: Set(username),
        password_hash: Set(hash),
        role: Set(role),
        department_id: Set(department_id),
        disabled: Set(false),
        token_version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        access_until: Set(access_until),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(user)
}

/// What the audit log keeps of an account (never its password hash).
pub fn snapshot(u: &app_user::Model) -> serde_json::Value {
    serde_json::json!({ "username": u.username, "role": u.role, "department_id": u.department_id, "disabled": u.disabled })
}

/// [`create`] as an operation: the account, and what the audit log keeps of it.
pub async fn create_account(
    db: &impl ConnectionTrait,
    username: &str,
    password: &str,
    role: UserRole,
    department: Option<&str>,
    access_until: Option<DateTime<Utc>>,
) -> Result<Done<app_user::Model>, AppError> {
    let user = create_until(db, username, password, role, department, access_until).await?;
    Ok(Done::new(user.clone()).after(snapshot(&user)))
}

/// [`update`] as an operation: the account, and what the audit log keeps of it before and
/// after.
pub async fn change_account(
    db: &impl ConnectionTrait,
    username: &str,
    role: Option<UserRole>,
    department: Option<&str>,
    disabled: Option<bool>,
    access_until: Option<DateTime<Utc>>,
) -> Result<Done<app_user::Model>, AppError> {
    let before = snapshot(&crate::repo::users::find(db, username).await?);
    let user = update_until(db, username, role, department, disabled, access_until).await?;
    Ok(Done::new(user.clone())
        .before(before)
        .after(snapshot(&user)))
}

/// [`revoke_tokens`] of the account named `username`, as an operation.
pub async fn revoke_account_tokens(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Done<app_user::Model>, AppError> {
    let user = crate::repo::users::find(db, username).await?;
    revoke_tokens(db, user.id).await?;
    Ok(Done::new(user).after(serde_json::json!({ "revoked": true })))
}

/// Changes role, department and/or the disabled flag; any change revokes the user's tokens.
pub async fn update(
    db: &impl ConnectionTrait,
    username: &str,
    role: Option<UserRole>,
    department: Option<&str>,
    disabled: Option<bool>,
) -> Result<app_user::Model, AppError> {
    update_until(db, username, role, department, disabled, None).await
}

/// [`update`], and a new end of the account's access (in the future). An account made an
/// evaluator must have an end, its own or the one given.
pub async fn update_until(
    db: &impl ConnectionTrait,
    username: &str,
    role: Option<UserRole>,
    department: Option<&str>,
    disabled: Option<bool>,
    access_until: Option<DateTime<Utc>>,
) -> Result<app_user::Model, AppError> {
    let user = crate::repo::users::find(db, username).await?;
    let current = user.role;
    let new_role = role.unwrap_or(current);
    // A new end must lie ahead; an evaluator must have one, its own or the new one.
    if access_until.is_some() {
        check_access_until(new_role, access_until)?;
    } else if new_role == UserRole::Evaluator && user.access_until.is_none() {
        check_access_until(new_role, None)?;
    }
    let department_id = match (role, department) {
        (None, None) => user.department_id,
        _ => {
            let name = match department {
                Some(d) => Some(d.to_string()),
                None if new_role == UserRole::Submitter => match user.department_id {
                    Some(id) => department::Entity::find_by_id(id)
                        .one(db)
                        .await?
                        .map(|d| d.name),
                    None => None,
                },
                None => None,
            };
            department_for(db, new_role, name.as_deref()).await?
        }
    };
    let stays_admin = new_role == UserRole::Admin && !disabled.unwrap_or(user.disabled);
    if current == UserRole::Admin && !user.disabled && !stays_admin {
        keep_an_admin(db, user.id).await?;
    }
    let mut am = user.clone().into_active_model();
    am.role = Set(new_role);
    am.department_id = Set(department_id);
    if let Some(disabled) = disabled {
        am.disabled = Set(disabled);
    }
    if access_until.is_some() {
        am.access_until = Set(access_until);
    }
    am.token_version = Set(user.token_version + 1);
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Refuses a change that would leave no active admin: nobody could then manage accounts
/// through the API.
async fn keep_an_admin(db: &impl ConnectionTrait, leaving: i32) -> Result<(), AppError> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let others = app_user::Entity::find()
        .filter(app_user::Column::Role.eq(UserRole::Admin))
        .filter(app_user::Column::Disabled.eq(false))
        .filter(app_user::Column::Id.ne(leaving))
        .count(db)
        .await?;
    if others == 0 {
        return Err(AppError::Conflict(
            "this is the last active admin: make another account an admin first".into(),
        ));
    }
    Ok(())
}

/// Revokes every token issued to the user so far.
pub async fn revoke_tokens(db: &impl ConnectionTrait, user_id: i32) -> Result<(), AppError> {
    let user = app_user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such user".into()))?;
    let version = user.token_version + 1;
    let mut am = user.into_active_model();
    am.token_version = Set(version);
    am.updated_at = Set(Utc::now());
    am.update(db).await?;
    Ok(())
}

/// The actor a verified token stands for, as the store says now: a disabled user, a revoked
/// token or a token of a deleted account is UNAUTHENTICATED.
pub async fn authenticate(db: &impl ConnectionTrait, claims: &Claims) -> Result<Actor, AppError> {
    let refused = || AppError::Unauthenticated("the token is no longer valid; log in again".into());
    let id: i32 = claims.sub.parse().map_err(|_| refused())?;
    let user = app_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(refused)?;
    if user.disabled || user.token_version != claims.ver {
        return Err(refused());
    }
    if let Some(ended) = ended(&user) {
        return Err(AppError::Unauthenticated(ended));
    }
    Actor::from_user(&user)
}

/// Why the account may no longer come in, if its access has ended.
pub fn ended(user: &app_user::Model) -> Option<String> {
    user.access_until
        .filter(|t| *t <= Utc::now())
        .map(|t| format!("the account's access ended at {}", t.to_rfc3339()))
}
