//! The read side: the queries the API answers with, each taking any connection. Resolvers
//! map what these return to GraphQL types; they do not build queries of their own.
//!
//! (Moving every read here is issue 9's work in progress: targets, series and statuses are
//! here; the older types still query through `graphql::loaders`.)

pub mod targets;

use std::collections::HashMap;

use entity::{department, department_alias, plan};
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::AppError;

/// A plan by code; NOT_FOUND names the codes there are.
pub async fn plan_by_code(db: &impl ConnectionTrait, code: &str) -> Result<plan::Model, AppError> {
    let code = code.trim();
    match plan::Entity::find()
        .filter(plan::Column::Code.eq(code))
        .one(db)
        .await?
    {
        Some(p) => Ok(p),
        None => Err(AppError::NotFound(format!(
            "no plan {code:?}: the plans are women, children, health and earthquake"
        ))),
    }
}

/// `column IN (the id of the plan with this code)`: a plan code resolved inside the query
/// that uses it, so a filter by plan costs no statement of its own. When such a query finds
/// nothing, [`plan_by_code`] tells an unknown code (NOT_FOUND) from an empty answer.
pub fn in_plan(column: impl ColumnTrait, code: &str) -> SimpleExpr {
    column.in_subquery(
        Query::select()
            .column(plan::Column::Id)
            .from(plan::Entity)
            .and_where(plan::Column::Code.eq(code.trim()))
            .to_owned(),
    )
}

/// `column IN (the id of the department with this name or spelling)`, resolved inside the
/// query like [`in_plan`]; [`department_by_name`] tells an unknown name when nothing is found.
pub fn in_department(column: impl ColumnTrait + Copy, name: &str) -> Condition {
    let name = name.trim();
    Condition::any()
        .add(
            column.in_subquery(
                Query::select()
                    .column(department::Column::Id)
                    .from(department::Entity)
                    .and_where(department::Column::Name.eq(name))
                    .to_owned(),
            ),
        )
        .add(
            column.in_subquery(
                Query::select()
                    .column(department_alias::Column::DepartmentId)
                    .from(department_alias::Entity)
                    .and_where(department_alias::Column::Alias.eq(name))
                    .to_owned(),
            ),
        )
}

/// A department by canonical name or published spelling; NOT_FOUND otherwise.
pub async fn department_by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<department::Model, AppError> {
    let name = name.trim();
    if let Some(d) = department::Entity::find()
        .filter(department::Column::Name.eq(name))
        .one(db)
        .await?
    {
        return Ok(d);
    }
    if let Some(alias) = department_alias::Entity::find()
        .filter(department_alias::Column::Alias.eq(name))
        .one(db)
        .await?
    {
        if let Some(d) = department::Entity::find_by_id(alias.department_id)
            .one(db)
            .await?
        {
            return Ok(d);
        }
    }
    Err(AppError::NotFound(format!("no department {name:?}")))
}

/// Groups rows by a key, keeping their order.
pub fn group<K: std::hash::Hash + Eq, V>(
    rows: impl IntoIterator<Item = V>,
    key: impl Fn(&V) -> K,
) -> HashMap<K, Vec<V>> {
    let mut out: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        out.entry(key(&row)).or_default().push(row);
    }
    out
}
