//! The link goal ↔ department with a role (lead, responsible, cooperating).
use sea_orm::entity::prelude::*;

use crate::vocab::Role;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "goal_department")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub goal_id: i32,
    pub department_id: i32,
    /// lead, responsible, cooperating.
    pub role: Role,
    /// Position in the tag, from 1 (all roles counted together).
    pub ordinal: i32,
    /// The spelling used in this tag.
    pub raw: String,
    pub line_start: i32,
    pub line_end: i32,
    pub source_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
