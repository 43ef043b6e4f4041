//! One state change of a yearly value: who, when, old and new value and status, comment.
use sea_orm::entity::prelude::*;

use crate::vocab::{ValueAction, ValueStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "value_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub value_id: i32,
    pub indicator_id: i32,
    pub year: i32,
    /// submit, approve, reject, supersede.
    pub action: ValueAction,
    pub actor_id: Option<i32>,
    pub actor_name: String,
    pub at: DateTimeUtc,
    pub old_value: Option<f64>,
    pub new_value: Option<f64>,
    pub old_status: Option<ValueStatus>,
    pub new_status: ValueStatus,
    pub comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
