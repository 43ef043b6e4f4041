//! The read side: every query the API answers with, each taking any connection. Resolvers
//! map what these return to GraphQL types; they build no queries of their own. Lists are
//! paged here ([`page`]); nested lists and parents come through the batch loaders ([`batch`]),
//! one statement per level of a query however many rows it has.

pub mod audit;
pub mod batch;
pub mod cells;
pub mod changes;
pub mod declarations;
pub mod departments;
pub mod evaluations;
pub mod export;
pub mod filter;
pub mod goals;
pub mod indicators;
pub mod loaders;
pub mod page;
pub mod publications;
pub mod retired;
pub mod rows;
pub mod search;
pub mod self_assessments;
pub mod series_ends;
pub mod tally;
pub mod targets;
pub mod templates;
pub mod unavailable;
pub mod users;
pub mod values;
pub mod warnings;

use std::collections::HashMap;

use entity::{department, department_alias, plan};
use sea_orm::sea_query::{BinOper, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

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

/// `column = (the id of the plan with this code)`: a plan code resolved inside the query
/// that uses it, so a filter by plan costs no statement of its own. A scalar subquery (codes
/// are unique) rather than `IN`: PostgreSQL runs it first and then uses the id in an index
/// condition (`plan_id = $1 AND status = …`), where `IN` made it join and scan the whole
/// table. When such a query finds nothing, [`plan_by_code`] tells an unknown code (NOT_FOUND)
/// from an empty answer.
pub fn in_plan(column: impl ColumnTrait, code: &str) -> SimpleExpr {
    let id = Query::select()
        .column(plan::Column::Id)
        .from(plan::Entity)
        .and_where(plan::Column::Code.eq(code.trim()))
        .to_owned();
    Expr::col(column).binary(
        BinOper::Equal,
        SimpleExpr::SubQuery(None, Box::new(id.into())),
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

/// After a filtered query found nothing: NOT_FOUND if the plan code or department name in
/// the filter names nothing, so a typo is not mistaken for an empty answer.
pub async fn check_names(
    db: &impl ConnectionTrait,
    plan_code: Option<&str>,
    department: Option<&str>,
) -> Result<(), AppError> {
    if let Some(code) = plan_code {
        plan_by_code(db, code).await?;
    }
    if let Some(name) = department {
        department_by_name(db, name).await?;
    }
    Ok(())
}

/// The data version every write bumps (what ETags and the response cache are keyed on).
pub async fn data_version(db: &impl ConnectionTrait) -> Result<Stamp, sea_orm::DbErr> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT version, changed_at, structure_version FROM data_version WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("data_version".into()))?;
    Ok(Stamp {
        version: row.try_get_by_index(0)?,
        changed_at: row.try_get_by_index(1)?,
        structure: row.try_get_by_index(2)?,
    })
}

/// The data version, when it last moved (Unix seconds), and the structure version: the
/// count of changes other than to reported values and the statuses derived from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub version: i64,
    pub changed_at: i64,
    pub structure: i64,
}

/// Every plan, in published order.
pub async fn plans(db: &impl ConnectionTrait) -> Result<Vec<plan::Model>, AppError> {
    Ok(rows::all(db, plan::Entity::find().order_by_asc(plan::Column::Ordinal)).await?)
}

/// A plan by code, or none.
pub async fn find_plan(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<plan::Model>, AppError> {
    Ok(plan::Entity::find()
        .filter(plan::Column::Code.eq(code.trim()))
        .one(db)
        .await?)
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
