//! A frozen evaluation (年度监测、中期评估、终期评估) of one plan or of all: never edited; a
//! correction is a new evaluation that names the one it revises.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// ANNUAL, MIDTERM or FINAL.
    pub kind: String,
    /// The plan's code, or none for all plans.
    pub plan_code: Option<String>,
    /// The last year whose values count.
    pub through_year: i32,
    /// The version of the rules that classed the targets (`rules::evaluation::RULES_VERSION`).
    pub rules_version: String,
    /// The store's data version when it was frozen.
    pub data_version: i64,
    pub frozen_at: DateTimeUtc,
    /// SHA-256 of what it says (its kind, scope, rules and every item), hex.
    #[sea_orm(unique)]
    pub sha256: String,
    /// The evaluation of the same kind, scope and year it revises.
    pub revises_id: Option<i32>,
    pub item_count: i32,
    /// The instant whose public data it classed, when asked for one (else `frozen_at`).
    pub as_of: Option<DateTimeUtc>,
    /// The publication whose data it classed (none on evaluations frozen before there were
    /// publications).
    pub publication_seq: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
