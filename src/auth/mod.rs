//! Who is calling: passwords, signed tokens, login throttling, and the `Actor` every
//! authorised operation receives.

pub mod password;
pub mod throttle;
pub mod token;

use entity::app_user;

use crate::error::AppError;

pub use crate::domain::UserRole;

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
        let role = user.role;
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
