//! Who is calling: passwords, signed tokens, login throttling, and the `Actor` every
//! authorised operation receives.

pub mod password;
pub mod throttle;
pub mod token;

use std::fmt;

use entity::app_user;

use crate::error::AppError;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserRole {
    Admin,
    Reviewer,
    Submitter,
}

impl UserRole {
    pub fn as_str(self) -> &'static str {
        match self {
            UserRole::Admin => "admin",
            UserRole::Reviewer => "reviewer",
            UserRole::Submitter => "submitter",
        }
    }

    pub fn parse(text: &str) -> Option<UserRole> {
        match text.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(UserRole::Admin),
            "reviewer" => Some(UserRole::Reviewer),
            "submitter" => Some(UserRole::Submitter),
            _ => None,
        }
    }
}

impl fmt::Display for UserRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An authenticated caller, as the store says it is now (not as an old token claimed).
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub user_id: i32,
    pub username: String,
    pub role: UserRole,
    /// The department a submitter reports for.
    pub department_id: Option<i32>,
}

impl Actor {
    pub fn from_user(user: &app_user::Model) -> Result<Actor, AppError> {
        let role = UserRole::parse(&user.role).ok_or_else(|| {
            AppError::Internal(format!("user {} has unknown role {:?}", user.id, user.role))
        })?;
        Ok(Actor {
            user_id: user.id,
            username: user.username.clone(),
            role,
            department_id: user.department_id,
        })
    }

    /// Refuses unless the actor has one of `roles`.
    pub fn require(&self, roles: &[UserRole]) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "this needs the role {}",
                roles
                    .iter()
                    .map(|r| r.as_str().to_uppercase())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )))
        }
    }
}
