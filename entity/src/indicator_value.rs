//! A yearly value of an indicator. Only `published` values are public.
use sea_orm::entity::prelude::*;

use crate::vocab::{ValueOrigin, ValueStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_value")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Natural key for values imported from the document; None for submitted values.
    #[sea_orm(unique)]
    pub key: Option<String>,
    pub indicator_id: i32,
    pub year: i32,
    pub value: f64,
    /// published, submitted, rejected, superseded.
    pub status: ValueStatus,
    /// document (stated in the plan) or submission.
    pub origin: ValueOrigin,
    pub version: i32,
    pub line_start: Option<i32>,
    pub line_end: Option<i32>,
    pub source_text: Option<String>,
    pub created_at: DateTimeUtc,
    /// The department a submission reports for.
    pub department_id: Option<i32>,
    pub note: Option<String>,
    pub submitted_by: Option<i32>,
    pub reviewed_by: Option<i32>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub review_comment: Option<String>,
    pub updated_at: Option<DateTimeUtc>,
    /// A document figure whose year comes from its context, not its sentence.
    pub year_inferred: bool,
    /// A document figure as written (2020年的80.11岁, 2.27‰).
    pub raw: Option<String>,
    /// The cell of a declared breakdown (`SEX=F`, `SEX=M;AGE=Y_LT1`: sex, age, urban/rural in
    /// that order, codes as in the code list); empty for the total, which targets are judged by.
    pub breakdown: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
