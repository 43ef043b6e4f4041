//! `search`: one box over plans, departments, indicators and goals.

use async_graphql::{Context, Object, Union};

use super::department::Department;
use super::goal::Goal;
use super::indicator::Indicator;
use super::pagination::connection;
use super::plan::Plan;
use super::store;
use crate::error::{ApiResult, AppError};
use crate::repo::search::{self, Hit};

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
    /// Results come in that order of types, each in document (or name) order. Indicator names
    /// are found by trigram index for texts of three characters or more.
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
        let slice = super::page_args(ctx, first, after, last, before).slice()?;
        let found = search::page(store(ctx)?, text, &slice).await?;
        Ok(found
            .map(|hit| match hit {
                Hit::Plan(m) => SearchResult::Plan(Plan(m)),
                Hit::Department(m) => SearchResult::Department(Department(m)),
                Hit::Indicator(m) => SearchResult::Indicator(Indicator(m)),
                Hit::Goal(m) => SearchResult::Goal(m.into()),
            })
            .into())
    }
}
