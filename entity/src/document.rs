//! The source document (one row per imported document).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Document number as published, e.g. 乐政字〔2022〕16号.
    #[sea_orm(unique)]
    pub number: String,
    pub issuer: String,
    pub issue_date: Date,
    pub title: String,
    /// Hex SHA-256 of the imported file's bytes.
    pub sha256: String,
    pub line_count: i32,
    pub imported_at: DateTimeUtc,
    /// The data model the rows were written in (2: indicators as series with targets); a
    /// store written by an older plangraph is brought up to date at start.
    pub model_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
