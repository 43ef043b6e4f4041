//! How many targets of a scope (a plan, domain, goal or department) have a status: counts of
//! `target.status` kept as rows, written with the statuses they count.
use sea_orm::entity::prelude::*;

use crate::vocab::TargetStatus;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "status_tally")]
pub struct Model {
    /// plan, domain, goal, department.
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    /// The id of the plan, domain, goal or department.
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope_id: i32,
    /// A department's role (lead, responsible, cooperating), or '' for any role and for
    /// scopes that have none.
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: TargetStatus,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
