//! A quantified indicator: a row of a table or a target stated in a goal sentence.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub plan_id: i32,
    pub domain_id: Option<i32>,
    pub goal_id: Option<i32>,
    /// Position within the plan, from 1.
    pub ordinal: i32,
    pub name: String,
    pub unit: Option<String>,
    /// higher_is_better, lower_is_better, keep.
    pub direction: String,
    /// expected (预期性), binding (约束性), unspecified.
    pub nature: String,
    pub nature_raw: Option<String>,
    /// For table rows: the table's 领域 column (健康素质 …) and 序号.
    pub table_category: Option<String>,
    pub table_number: Option<i32>,
    pub baseline_year: Option<i32>,
    pub baseline_value: Option<f64>,
    pub baseline_raw: Option<String>,
    pub target_year: i32,
    /// at_least, at_most, about, exactly; None when the target is not numeric.
    pub target_comparator: Option<String>,
    pub target_value: Option<f64>,
    /// level, annual_change, change_from_baseline.
    pub target_basis: String,
    pub target_raw: String,
    pub line_start: i32,
    pub line_end: i32,
    pub source_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
