//! Goals (numbered goals, measures, tasks, projects …) by filter, in document order.

use entity::{goal, goal_department};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

use super::page::{self, Keyset, Page, PageArgs, SortKey};
use crate::domain::{GoalKind, Role};
use crate::error::AppError;

/// A goal as lists show it: every column but its source text, which is read only for the goals
/// whose `source` is asked for (`batch::GoalSourceById`): the source texts are long and lists
/// rarely show them. The fields are the
/// entity's columns in order without `source_text` (a test in `rows` holds them to that).
#[derive(Debug, Clone, PartialEq)]
pub struct GoalRow {
    pub id: i32,
    pub key: String,
    pub plan_id: i32,
    pub domain_id: Option<i32>,
    pub ordinal: i32,
    pub kind: GoalKind,
    pub number: Option<String>,
    pub text: String,
    pub department_tag: Option<String>,
    pub line_start: i32,
    pub line_end: i32,
}

super::rows::positional! {
    GoalRow {
        id, key, plan_id, domain_id, ordinal, kind, number, text, department_tag, line_start,
        line_end,
    }
}

impl GoalRow {
    /// The columns a select of these rows names, in the fields' order (each field is a
    /// column: `rows`' test compares the two lists).
    pub fn columns() -> impl Iterator<Item = goal::Column> {
        use std::str::FromStr;
        <GoalRow as super::rows::Positional>::FIELDS
            .iter()
            .filter_map(|name| goal::Column::from_str(name).ok())
    }
}

impl From<goal::Model> for GoalRow {
    fn from(m: goal::Model) -> GoalRow {
        GoalRow {
            id: m.id,
            key: m.key,
            plan_id: m.plan_id,
            domain_id: m.domain_id,
            ordinal: m.ordinal,
            kind: m.kind,
            number: m.number,
            text: m.text,
            department_tag: m.department_tag,
            line_start: m.line_start,
            line_end: m.line_end,
        }
    }
}

/// Which goals; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct GoalFilter {
    pub plan_code: Option<String>,
    pub domain_id: Option<i32>,
    pub kind: Option<GoalKind>,
    /// A department by name or spelling that the goal's tag names (in `role`, if given).
    pub department: Option<String>,
    pub role: Option<Role>,
    /// A substring of the text.
    pub text: Option<String>,
}

/// The goals a filter selects; `role` without a department is refused.
pub fn select(filter: &GoalFilter) -> Result<Select<goal::Entity>, AppError> {
    let mut select = goal::Entity::find();
    if let Some(code) = &filter.plan_code {
        select = select.filter(super::in_plan(goal::Column::PlanId, code));
    }
    if let Some(id) = filter.domain_id {
        select = select.filter(goal::Column::DomainId.eq(id));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(goal::Column::Kind.eq(kind));
    }
    if let Some(name) = &filter.department {
        select = select.filter(goal::Column::Id.in_subquery(of_department(name, filter.role)));
    } else if filter.role.is_some() {
        return Err(AppError::BadUserInput(
            "`role` filters by a `department`; give one".into(),
        ));
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = select.filter(page::contains(goal::Column::Text, text));
    }
    Ok(select)
}

/// The ids of the goals a department is linked to (optionally in one role), as a subquery.
pub fn of_department(name: &str, role: Option<Role>) -> SelectStatement {
    let mut q = Query::select();
    q.column(goal_department::Column::GoalId)
        .from(goal_department::Entity)
        .cond_where(super::in_department(
            goal_department::Column::DepartmentId,
            name,
        ));
    if let Some(role) = role {
        q.and_where(goal_department::Column::Role.eq(role));
    }
    q.to_owned()
}

/// One page of the goals a filter selects, in document order. A plan code or department that
/// names nothing is NOT_FOUND rather than an empty page.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &GoalFilter,
    args: &PageArgs,
) -> Result<Page<goal::Model>, AppError> {
    let keyset = Keyset {
        first: Expr::col(goal::Column::LineStart),
        second: Expr::col(goal::Column::Id),
        descending: false,
        text: false,
    };
    let found = page::page(
        db,
        select(filter)?,
        &keyset,
        args,
        |m| SortKey::Ints(m.line_start, m.id),
        |m| m,
    )
    .await?;
    if found.edges.is_empty() {
        super::check_names(
            db,
            filter.plan_code.as_deref(),
            filter.department.as_deref(),
        )
        .await?;
    }
    Ok(found)
}
