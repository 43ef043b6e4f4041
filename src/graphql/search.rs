//! `search`: one box over plans, departments, indicators and goals.

use async_graphql::{Context, Object, Union};
use entity::{department, department_alias, goal, indicator, plan};
use sea_orm::sea_query::{IntoColumnRef, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

use super::department::Department;
use super::goal::Goal;
use super::indicator::Indicator;
use super::pagination::{self, connection, PageArgs, SortKey};
use super::plan::Plan;
use super::store;
use crate::error::{ApiResult, AppError};

/// Longest search text accepted.
pub const MAX_SEARCH_LENGTH: usize = 100;

/// Something `search` found.
#[derive(Union, Clone)]
pub enum SearchResult {
    Plan(Plan),
    Department(Department),
    Indicator(Indicator),
    Goal(Goal),
}

connection!(
    SearchResultConnection,
    SearchResultEdge,
    SearchResult,
    "search results"
);

/// Root field for searching.
#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Plans (title), departments (name or spelling), indicators (name) and goals (text) that
    /// contain `text` as a substring — Chinese has no spaces, so there is no word splitting.
    /// Results come in that order of types, each in document (or name) order.
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Text to look for, 1–100 characters.")] text: String,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<SearchResultConnection> {
        let text = text.trim();
        let length = text.chars().count();
        if length == 0 || length > MAX_SEARCH_LENGTH {
            return Err(AppError::BadUserInput(format!(
                "`text` must have 1 to {MAX_SEARCH_LENGTH} characters"
            ))
            .into());
        }
        let db = store(ctx)?;
        let like = |col: sea_orm::sea_query::ColumnRef| pagination::contains(col, text);
        let plans = plan::Entity::find()
            .filter(like(plan::Column::Title.into_column_ref()))
            .order_by_asc(plan::Column::Ordinal)
            .all(db)
            .await
            .map_err(AppError::from)?;
        let departments = department::Entity::find()
            .filter(
                Condition::any()
                    .add(like(department::Column::Name.into_column_ref()))
                    .add(
                        department::Column::Id.in_subquery(
                            Query::select()
                                .column(department_alias::Column::DepartmentId)
                                .from(department_alias::Entity)
                                .and_where(like(department_alias::Column::Alias.into_column_ref()))
                                .to_owned(),
                        ),
                    ),
            )
            .order_by_asc(department::Column::Name)
            .all(db)
            .await
            .map_err(AppError::from)?;
        let indicators = indicator::Entity::find()
            .filter(like(indicator::Column::Name.into_column_ref()))
            .order_by_asc(indicator::Column::LineStart)
            .order_by_asc(indicator::Column::Ordinal)
            .all(db)
            .await
            .map_err(AppError::from)?;
        let goals = goal::Entity::find()
            .filter(like(goal::Column::Text.into_column_ref()))
            .order_by_asc(goal::Column::LineStart)
            .all(db)
            .await
            .map_err(AppError::from)?;
        let mut items: Vec<(SortKey, SearchResult)> = Vec::new();
        let mut push = |rank: i32, results: Vec<SearchResult>| {
            for (n, r) in results.into_iter().enumerate() {
                items.push((SortKey::Ints(rank, i32::try_from(n).unwrap_or(i32::MAX)), r));
            }
        };
        push(
            0,
            plans
                .into_iter()
                .map(|m| SearchResult::Plan(Plan(m)))
                .collect(),
        );
        push(
            1,
            departments
                .into_iter()
                .map(|m| SearchResult::Department(Department(m)))
                .collect(),
        );
        push(
            2,
            indicators
                .into_iter()
                .map(|m| SearchResult::Indicator(Indicator(m)))
                .collect(),
        );
        push(
            3,
            goals
                .into_iter()
                .map(|m| SearchResult::Goal(Goal(m)))
                .collect(),
        );
        let rank = |k: &SortKey| match k {
            SortKey::Ints(a, b) => (*a, *b),
            SortKey::Text(_, b) => (i32::MAX, *b),
        };
        Ok(pagination::page_in_memory(
            items,
            &PageArgs {
                first,
                after,
                last,
                before,
            },
            rank,
        )?
        .into())
    }
}
