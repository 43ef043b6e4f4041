//! What an indicator is reported by: its aggregation kind and the dimensions with the codes
//! (and labels) of the code list version each was declared against. `version` counts the
//! declaration's changes.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "breakdown_declaration")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub indicator_id: i32,
    pub version: i32,
    /// COUNT, RATE or SEX_RATIO.
    pub aggregation: String,
    /// As JSON: `[{"dimension":"SEX","codelistVersion":1,"codes":[{"code":"F","label":"女"}, …]}]`.
    pub dimensions: String,
    pub declared_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
