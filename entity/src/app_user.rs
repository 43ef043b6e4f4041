//! An account: admin, reviewer, submitter (bound to one department) or evaluator.
use sea_orm::entity::prelude::*;

use crate::vocab::UserRole;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub username: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// admin, reviewer, submitter, evaluator.
    pub role: UserRole,
    /// The department a submitter reports for.
    pub department_id: Option<i32>,
    pub disabled: bool,
    /// Bumped to revoke every token issued before.
    pub token_version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the account's access ends (an evaluator's period); none: no end.
    pub access_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
