//! `Domain`: a 发展领域 or a task / project section of a plan.

use async_graphql::{Context, Object, ID};
use entity::domain;

use super::goal::{Goal, GoalConnection};
use super::ids::{self, Kind};
use super::plan::Plan;
use super::source::Source;
use super::target::{self, StatusCount, Target, TargetConnection};
use super::{load_one, nested_page};
use crate::error::ApiResult;
use crate::repo::batch::{CountsOf, GoalsOfDomain, PlanById, Scope, SizeOf, TargetsOfDomain};

/// A domain of a plan: a 发展领域 of the women and children plans, or a task or project section.
#[derive(Clone)]
pub struct Domain(pub domain::Model);

/// A domain of a plan: a 发展领域 of the women and children plans, or a task or project section.
#[Object]
impl Domain {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Domain, self.0.id)
    }

    /// Number as published, e.g. （一）.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Title as published, e.g. 妇女与健康.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Position within the plan, from 1.
    async fn position(&self) -> i32 {
        self.0.ordinal
    }

    /// Title of the chapter the domain belongs to, as published.
    async fn chapter(&self) -> &str {
        &self.0.chapter
    }

    /// The plan the domain belongs to.
    async fn plan(&self, ctx: &Context<'_>) -> ApiResult<Plan> {
        Ok(Plan(load_one(ctx, PlanById(self.0.plan_id)).await?))
    }

    /// The domain's goals, measures, tasks, projects and project boxes in document order
    /// (Relay connection, 1–100 per page).
    async fn goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<GoalConnection> {
        let args = super::page_args(ctx, first, after, last, before);
        let id = self.0.id;
        let size = SizeOf::GoalsOfDomain(id);
        let page = nested_page(
            ctx,
            args,
            |s| GoalsOfDomain(id, s),
            size,
            |g| (g.line_start, g.id),
            Goal::from,
        );
        Ok(page.await?.into())
    }

    /// The targets the domain's items set, in document order (Relay connection).
    async fn targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<TargetConnection> {
        let args = super::page_args(ctx, first, after, last, before);
        let id = self.0.id;
        let size = SizeOf::TargetsOfDomain(id);
        let position = |t: &entity::target::Model| (t.line_start, t.ordinal);
        let page = nested_page(
            ctx,
            args,
            |s| TargetsOfDomain(id, s),
            size,
            position,
            Target,
        );
        Ok(page.await?.into())
    }

    /// How many of the domain's targets have each status (every status listed, zeros too).
    async fn status_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Assess as of this year (default: every value).")] year: Option<i32>,
    ) -> ApiResult<Vec<StatusCount>> {
        Ok(load_one(ctx, CountsOf(Scope::Domain(self.0.id), year))
            .await?
            .into_iter()
            .map(target::to_count)
            .collect())
    }

    /// Where the domain's heading stands in the source document.
    async fn source(&self) -> Source {
        Source::new(self.0.line_start, self.0.line_end, &self.0.source_text)
    }
}
