//! A group phrase in a department tag (县妇儿工委各成员单位、特邀单位, …), kept as published.
use sea_orm::entity::prelude::*;

use crate::vocab::Role;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "goal_group")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub goal_id: i32,
    pub role: Role,
    pub ordinal: i32,
    pub phrase: String,
    pub line_start: i32,
    pub line_end: i32,
    pub source_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
