//! Goals (numbered goals, measures, tasks, projects …) by filter, in document order.

use entity::{goal, goal_department};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

use super::page::{self, Keyset, Page, PageArgs, SortKey};
use crate::domain::{GoalKind, Role};
use crate::error::AppError;

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
