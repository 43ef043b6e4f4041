//! A department's statement that a figure it owes does not exist for a year (不适用 in its
//! template), one per department, indicator and year.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "value_unavailable")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator_id: i32,
    pub year: i32,
    pub department_id: i32,
    /// Why, as the department wrote it (its template's note).
    pub note: Option<String>,
    /// The account that said so (the department's submitter, or the monitoring office).
    pub declared_by: Option<i32>,
    pub declared_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
