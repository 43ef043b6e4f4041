//! What one clause of one plan commits to for an indicator: a year, a comparator and a value
//! (or, for a grade or capability, only its words), with the clause as published.
use sea_orm::entity::prelude::*;

use crate::vocab::{Comparator, Direction, Nature, TargetBasis, TargetStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "target")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `women/d1/goal/4/t1`, `health/table1/7` …
    #[sea_orm(unique)]
    pub key: String,
    pub indicator_id: i32,
    pub plan_id: i32,
    pub domain_id: Option<i32>,
    pub goal_id: Option<i32>,
    /// Position within the plan, from 1.
    pub ordinal: i32,
    /// The measure's name as this clause writes it.
    pub name: String,
    /// The unit of `value` as written.
    pub unit: Option<String>,
    /// higher_is_better, lower_is_better, keep, unspecified.
    pub direction: Direction,
    /// expected (预期性), binding (约束性), unspecified.
    pub nature: Nature,
    pub nature_raw: Option<String>,
    /// For table rows: the table's 领域 column (健康素质 …) and 序号.
    pub table_category: Option<String>,
    pub table_number: Option<i32>,
    pub baseline_year: Option<i32>,
    pub baseline_value: Option<f64>,
    pub baseline_raw: Option<String>,
    pub year: i32,
    /// at_least, at_most, about, exactly; None when the target states no number.
    pub comparator: Option<Comparator>,
    /// None when the target states no number (a grade, a capability): not quantified.
    pub value: Option<f64>,
    /// level, annual_change, change_from_baseline.
    pub basis: TargetBasis,
    pub raw: String,
    /// The parts read into the text rather than written: a comma list of comparator,
    /// direction, year.
    pub inferred: String,
    pub line_start: i32,
    pub line_end: i32,
    pub source_text: String,
    /// The status as of every published value: derived from the series, restated by the
    /// writer of any change to it (not by the document).
    pub status: TargetStatus,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
