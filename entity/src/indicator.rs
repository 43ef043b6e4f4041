//! An indicator: one measure (one unit, one direction) with one series of yearly values. What
//! each plan commits to for it is a `target`.
use sea_orm::entity::prelude::*;

use crate::vocab::Direction;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `measure/<name>` for a measure of `data/measures.json`, else its only target's key.
    #[sea_orm(unique)]
    pub key: String,
    pub name: String,
    pub unit: Option<String>,
    /// higher_is_better, lower_is_better, keep, unspecified.
    pub direction: Direction,
    /// The direction was read off a target's verb rather than decided in `data/measures.json`.
    pub direction_inferred: bool,
    /// Position in the document (of its first target), from 1.
    pub ordinal: i32,
    /// The line of its first target.
    pub line_start: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
