//! The append-only audit log: every mutation and every login, success and failure.
use sea_orm::entity::prelude::*;

use crate::vocab::UserRole;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: DateTimeUtc,
    /// Username, None for the anonymous public.
    pub actor: Option<String>,
    pub actor_role: Option<UserRole>,
    pub action: String,
    pub target: Option<String>,
    /// ok, or the error code that refused the request.
    pub outcome: String,
    /// JSON of the state before and after, where there is one.
    pub before: Option<String>,
    pub after: Option<String>,
    pub address: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
