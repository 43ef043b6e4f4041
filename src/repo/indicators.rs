//! Indicators (measures with one series each) by filter, in document or name order.

use entity::{indicator, target};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

use super::page::{self, Keyset, Page, PageArgs, SortKey};
use crate::domain::Role;
use crate::error::AppError;

/// Which indicators: those with at least one target that matches every condition given.
#[derive(Debug, Clone, Default)]
pub struct IndicatorFilter {
    /// A plan sets a target for it.
    pub plan_code: Option<String>,
    /// A target's goal names this department (by name or spelling), in `role` if given.
    pub department: Option<String>,
    pub role: Option<Role>,
    /// A substring of the name.
    pub text: Option<String>,
}

/// How to order indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndicatorOrder {
    /// Document order of each indicator's first target.
    #[default]
    Position,
    /// Name, by code point.
    Name,
}

/// The indicators a filter selects; `role` without a department is refused.
pub fn select(filter: &IndicatorFilter) -> Result<Select<indicator::Entity>, AppError> {
    if filter.role.is_some() && filter.department.is_none() {
        return Err(AppError::BadUserInput(
            "`role` filters by a `department`; give one".into(),
        ));
    }
    let mut select = indicator::Entity::find();
    if filter.plan_code.is_some() || filter.department.is_some() {
        let mut ids = Query::select();
        ids.column(target::Column::IndicatorId).from(target::Entity);
        if let Some(code) = &filter.plan_code {
            ids.and_where(super::in_plan(target::Column::PlanId, code));
        }
        if let Some(name) = &filter.department {
            ids.and_where(
                target::Column::GoalId.in_subquery(super::goals::of_department(name, filter.role)),
            );
        }
        select = select.filter(indicator::Column::Id.in_subquery(ids.to_owned()));
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = select.filter(page::contains(indicator::Column::Name, text));
    }
    Ok(select)
}

/// One page of the indicators a filter selects. A plan code or department that names nothing
/// is NOT_FOUND rather than an empty page.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &IndicatorFilter,
    order: IndicatorOrder,
    descending: bool,
    args: &PageArgs,
) -> Result<Page<indicator::Model>, AppError> {
    let select = select(filter)?;
    let found = match order {
        IndicatorOrder::Position => {
            let keyset = Keyset {
                first: Expr::col(indicator::Column::LineStart),
                second: Expr::col(indicator::Column::Ordinal),
                descending,
                text: false,
            };
            page::page(
                db,
                select,
                &keyset,
                args,
                |m| SortKey::Ints(m.line_start, m.ordinal),
                |m| m,
            )
            .await?
        }
        IndicatorOrder::Name => {
            let keyset = Keyset {
                first: Expr::col(indicator::Column::Name),
                second: Expr::col(indicator::Column::Id),
                descending,
                text: true,
            };
            page::page(
                db,
                select,
                &keyset,
                args,
                |m| SortKey::Text(m.name.clone(), m.id),
                |m| m,
            )
            .await?
        }
    };
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

/// The indicator a target measures: how an id from a store written before indicators were
/// series (one per clause, each now a target with its id) still finds its measure.
pub async fn of_target(db: &impl ConnectionTrait, target_id: i32) -> Result<Option<i32>, AppError> {
    Ok(target::Entity::find_by_id(target_id)
        .one(db)
        .await?
        .map(|t| t.indicator_id))
}

/// Every indicator's id, in id order: each has a page.
pub async fn ids(db: &impl ConnectionTrait) -> Result<Vec<i32>, AppError> {
    use sea_orm::{QueryOrder, QuerySelect};
    Ok(indicator::Entity::find()
        .select_only()
        .column(indicator::Column::Id)
        .order_by_asc(indicator::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}
