//! A numbered goal, measure, task, project, project box (专栏) or implementation item.
use sea_orm::entity::prelude::*;

use crate::vocab::GoalKind;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "goal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub plan_id: i32,
    /// None for plan-level items (the health plan's 具体目标, 组织实施).
    pub domain_id: Option<i32>,
    /// Position within the plan in document order, from 1.
    pub ordinal: i32,
    /// goal, measure, task, project, project_box, implementation.
    pub kind: GoalKind,
    /// Number as published without brackets (e.g. 4 for （4）, 专栏1); None when unnumbered.
    pub number: Option<String>,
    /// Text without its number and without its department tag.
    pub text: String,
    /// The department tag as published, e.g. （牵头单位：县卫健局，责任单位：县医保局）.
    pub department_tag: Option<String>,
    pub line_start: i32,
    pub line_end: i32,
    pub source_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
