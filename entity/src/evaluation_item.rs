//! One target as an evaluation classed it, with what the class was computed from copied in.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub evaluation_id: i32,
    /// Position in the evaluation (document order).
    pub ordinal: i32,
    /// The target's id and stable key when frozen (no foreign key: it outlives the target).
    pub target_id: i32,
    pub target_key: String,
    pub plan_code: String,
    /// The domain's title.
    pub domain: String,
    /// expected (预期性) or binding (约束性).
    pub nature: String,
    /// The lead departments' names, as a JSON array.
    pub departments: String,
    pub indicator: String,
    pub unit: Option<String>,
    /// The class (`rules::evaluation::Class`).
    pub class: String,
    /// The value used and its year.
    pub value: Option<f64>,
    pub value_year: Option<i32>,
    /// The target in force, as a level of the indicator.
    pub target_value: Option<f64>,
    pub comparator: Option<String>,
    pub target_year: i32,
    pub binding: bool,
    pub progress: Option<f64>,
    pub expected: Option<f64>,
    pub reason_zh: String,
    pub reason_en: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
