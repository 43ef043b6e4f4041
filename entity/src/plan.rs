//! A plan of the document (women, children, health, earthquake).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "plan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub document_id: i32,
    /// Stable code: women, children, health, earthquake.
    #[sea_orm(unique)]
    pub code: String,
    pub ordinal: i32,
    /// Title as the heading in the body of the document gives it.
    pub title: String,
    /// Title as the covering notice cites it (can differ from the heading).
    pub notice_title: Option<String>,
    pub period_start: i32,
    pub period_end: i32,
    /// The 总体目标 paragraph, where the plan has one.
    pub overall_goal: Option<String>,
    pub line_start: i32,
    pub line_end: i32,
    pub source_text: String,
    /// How many indicators the plan sets targets for (derived from its targets, written with
    /// them: the count would otherwise read every target of the plan).
    pub indicator_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
