//! `Plan`: one of the four plans, and the root fields that find plans.

use async_graphql::{Context, Object, SimpleObject, ID};
use entity::plan;

use super::domain::Domain;
use super::goal::{Goal, GoalConnection};
use super::ids::{self, Kind};
use super::indicator::{Indicator, IndicatorConnection};
use super::monitored::Monitoring;
use super::source::Source;
use super::target::{self, StatusCount, Target, TargetConnection};
use super::{load_one, nested_page, store};
use crate::error::ApiResult;
use crate::repo::batch::{
    CountsOf, DocumentById, DomainsOfPlan, GoalsOfPlan, IndicatorsOfPlan, MonitoredOfPlan, Scope,
    SizeOf, TargetsOfPlan,
};

/// A plan of 乐政字〔2022〕16号 (women, children, health or earthquake prevention).
#[derive(Clone)]
pub struct Plan(pub plan::Model);

/// The years a plan covers.
#[derive(SimpleObject)]
pub struct Period {
    /// First year of the plan period.
    pub start: i32,
    /// Last year of the plan period (the target year).
    pub end: i32,
}

/// The published document the plans come from.
#[derive(SimpleObject)]
pub struct SourceDocument {
    /// Document number as published, e.g. 乐政字〔2022〕16号.
    pub number: String,
    /// Issuing authority, e.g. 昌乐县人民政府.
    pub issuer: String,
    /// Issue date (ISO 8601).
    pub date: String,
    /// Title of the covering notice.
    pub title: String,
    /// SHA-256 of the imported text file, hex.
    pub sha256: String,
}

/// A plan of 乐政字〔2022〕16号 (women, children, health or earthquake prevention).
#[Object]
impl Plan {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Plan, self.0.id)
    }

    /// Stable code: `women`, `children`, `health` or `earthquake`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Title as the plan's heading gives it.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Title as the covering notice cites it, where it differs from the heading.
    async fn notice_title(&self) -> Option<&str> {
        self.0.notice_title.as_deref()
    }

    /// The plan period.
    async fn period(&self) -> Period {
        Period {
            start: self.0.period_start,
            end: self.0.period_end,
        }
    }

    /// The 总体目标 (overall goal) paragraph, where the plan has one.
    async fn overall_goal(&self) -> Option<&str> {
        self.0.overall_goal.as_deref()
    }

    /// The document the plan was published in.
    async fn source_document(&self, ctx: &Context<'_>) -> ApiResult<SourceDocument> {
        let doc = load_one(ctx, DocumentById(self.0.document_id)).await?;
        Ok(SourceDocument {
            number: doc.number,
            issuer: doc.issuer,
            date: doc.issue_date.to_string(),
            title: doc.title,
            sha256: doc.sha256,
        })
    }

    /// Domains (发展领域, task and project sections) in document order.
    async fn domains(&self, ctx: &Context<'_>) -> ApiResult<Vec<Domain>> {
        let rows = load_one(ctx, DomainsOfPlan(self.0.id)).await?;
        Ok(rows.into_iter().map(Domain).collect())
    }

    /// The plan's goals, measures, tasks, projects and implementation items in document order
    /// (Relay connection; for filters use the root `goals` with `planCode`).
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
        let size = SizeOf::GoalsOfPlan(id);
        let page = nested_page(
            ctx,
            args,
            |s| GoalsOfPlan(id, s),
            size,
            |g| (g.line_start, g.id),
            Goal::from,
        );
        Ok(page.await?.into())
    }

    /// The indicators the plan sets targets for, in document order (Relay connection; for
    /// filters use the root `indicators` with `planCode`).
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<IndicatorConnection> {
        let args = super::page_args(ctx, first, after, last, before);
        let id = self.0.id;
        let size = SizeOf::IndicatorsOfPlan(id);
        let page = nested_page(
            ctx,
            args,
            |s| IndicatorsOfPlan(id, s),
            size,
            |(position, _)| *position,
            |(_, i)| Indicator(i),
        );
        Ok(page.await?.into())
    }

    /// The indicators the plan follows without setting a target on them (rows of its
    /// indicator table whose target column is `-`), in document order. They are not in
    /// `indicators`, which lists what the plan sets targets for.
    async fn monitored(&self, ctx: &Context<'_>) -> ApiResult<Vec<Monitoring>> {
        let rows = load_one(ctx, MonitoredOfPlan(self.0.id)).await?;
        Ok(rows.into_iter().map(Monitoring).collect())
    }

    /// The targets the plan sets, in document order (Relay connection; for filters use the
    /// root `targets` with `planCode`).
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
        let size = SizeOf::TargetsOfPlan(id);
        let position = |t: &entity::target::Model| (t.line_start, t.ordinal);
        let page = nested_page(ctx, args, |s| TargetsOfPlan(id, s), size, position, Target);
        Ok(page.await?.into())
    }

    /// How many of the plan's targets have each status (every status listed, zeros too).
    async fn status_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Assess as of this year (default: every value).")] year: Option<i32>,
    ) -> ApiResult<Vec<StatusCount>> {
        Ok(load_one(ctx, CountsOf(Scope::Plan(self.0.id), year))
            .await?
            .into_iter()
            .map(target::to_count)
            .collect())
    }

    /// Where the plan stands in the source document.
    async fn source(&self) -> Source {
        Source::new(self.0.line_start, self.0.line_end, &self.0.source_text)
    }
}

/// Root fields for plans.
#[derive(Default)]
pub struct PlanQuery;

#[Object]
impl PlanQuery {
    /// All plans, in the order the document publishes them.
    async fn plans(&self, ctx: &Context<'_>) -> ApiResult<Vec<Plan>> {
        let rows = crate::repo::plans(store(ctx)?).await?;
        Ok(rows.into_iter().map(Plan).collect())
    }

    /// One plan by its code (`women`, `children`, `health`, `earthquake`); null if there is none.
    async fn plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Plan code.")] code: String,
    ) -> ApiResult<Option<Plan>> {
        let row = crate::repo::find_plan(store(ctx)?, &code).await?;
        Ok(row.map(Plan))
    }
}
