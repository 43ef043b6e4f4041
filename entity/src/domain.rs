//! A domain of a plan: a 发展领域 or a task / project section, in document order.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "domain")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub plan_id: i32,
    /// Position within the plan, from 1.
    pub ordinal: i32,
    /// Number as published, e.g. （一）.
    pub number: String,
    pub title: String,
    /// The chapter the domain belongs to, as published (e.g. 发展领域、主要目标和策略措施).
    pub chapter: String,
    pub line_start: i32,
    pub line_end: i32,
    pub source_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
