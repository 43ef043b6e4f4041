//! A department's self-assessment (自我评估) of a target whose goal it leads, for one
//! evaluation round (kind and year): its own class, what was done, what held it back;
//! submitted, then approved or rejected by a reviewer.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "self_assessment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub target_id: i32,
    pub department_id: i32,
    /// ANNUAL, MIDTERM or FINAL.
    pub kind: String,
    pub through_year: i32,
    /// The department's own class (the evaluation's vocabulary).
    pub class: String,
    pub done: String,
    pub held_back: String,
    /// submitted, approved or rejected.
    pub status: String,
    /// 1 for the first submission, one more for each resubmission.
    pub version: i32,
    pub submitted_by: Option<i32>,
    pub submitted_at: DateTimeUtc,
    pub reviewed_by: Option<i32>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub review_comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
