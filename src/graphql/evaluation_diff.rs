//! `evaluationDiff(from, to)`: every target whose class, value or target differs between two
//! evaluations, with why (`rules::evaluation_diff`).

use async_graphql::{Context, Object, ID};

use super::evaluation_item::EvaluationItem;
use super::ids::{self, Kind};
use super::{page_args, store};
use crate::error::{ApiResult, AppError};
use crate::repo::evaluations as repo;
use crate::repo::page::{page_in_memory, SortKey};
use crate::rules::evaluation_diff::{diff, Change};

/// One target that differs between two evaluations.
pub struct EvaluationChange(Change);

/// One target that differs between two evaluations: as each classed it, and why.
#[Object]
impl EvaluationChange {
    /// The target as the earlier evaluation classed it; null if it was not there.
    async fn before(&self) -> Option<EvaluationItem> {
        self.0.before.clone().map(|i| EvaluationItem(i, None))
    }

    /// The target as the later evaluation classed it; null if it is no longer there.
    async fn after(&self) -> Option<EvaluationItem> {
        self.0.after.clone().map(|i| EvaluationItem(i, None))
    }

    /// What changed, in Chinese, with the numbers (class, value used, target).
    async fn why(&self) -> &str {
        &self.0.why
    }
}

super::pagination::connection!(
    EvaluationChangeConnection,
    EvaluationChangeEdge,
    EvaluationChange,
    "changes between two evaluations"
);

/// The root field.
#[derive(Default)]
pub struct EvaluationDiffQuery;

#[Object]
impl EvaluationDiffQuery {
    /// Every target whose class, value used or target differs between two evaluations (a
    /// revision and the one it revises, say), in the later one's order (Relay connection).
    #[allow(clippy::too_many_arguments)]
    async fn evaluation_diff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the earlier evaluation.")] from: ID,
        #[graphql(desc = "Global ID of the later evaluation.")] to: ID,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<EvaluationChangeConnection> {
        let db = store(ctx)?;
        let mut items = Vec::new();
        for id in [&from, &to] {
            let n = ids::decode_as(id, Kind::Evaluation)?;
            if repo::by_id(db, n).await?.is_none() {
                return Err(AppError::NotFound(format!("no evaluation {}", id.as_str())).into());
            }
            items.push(repo::all_items(db, n).await?);
        }
        let changes = diff(&items[0], &items[1]);
        let keyed = changes
            .into_iter()
            .map(|c| (SortKey::Ints(c.rank.0, c.rank.1), EvaluationChange(c)))
            .collect();
        let args = page_args(ctx, first, after, last, before);
        let rank = |k: &SortKey| match k {
            SortKey::Ints(a, b) => (*a, *b),
            SortKey::Text(..) => (i32::MAX, i32::MAX),
        };
        Ok(EvaluationChangeConnection(page_in_memory(
            keyed, &args, rank,
        )?))
    }
}
