//! One version of the code list of a dimension (sex, age band, urban/rural). Versions are
//! never changed: a new one adds codes and keeps the old ones with their labels.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "codelist")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// SEX, AGE or URBANISATION.
    pub dimension: String,
    pub version: i32,
    /// The codes with their labels, as JSON: `[{"code":"F","label":"女"}, …]`.
    pub codes: String,
    pub defined_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
