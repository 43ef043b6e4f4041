//! A department under one canonical name.
use sea_orm::entity::prelude::*;

use crate::vocab::DepartmentKind;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "department")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub name: String,
    /// county_government, party_committee, mass_organization, city_bureau_branch, other.
    pub kind: DepartmentKind,
    /// Where the department is first named.
    pub line_start: i32,
    pub line_end: i32,
    pub source_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
