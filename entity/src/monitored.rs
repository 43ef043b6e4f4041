//! An indicator a plan lists for monitoring without a target on it (a 表1 row whose 2025
//! column is `-`): how such an indicator reaches its plan. It is not a target.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "monitored")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `<plan>/table<n>/<row>`, as a target of the same row would be keyed.
    #[sea_orm(unique)]
    pub key: String,
    pub plan_id: i32,
    pub indicator_id: i32,
    /// The measure's name as the row writes it.
    pub name: String,
    pub table_category: Option<String>,
    pub table_number: Option<i32>,
    pub line_start: i32,
    pub line_end: i32,
    pub source_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
