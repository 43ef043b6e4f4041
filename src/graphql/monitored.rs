//! `Monitoring`: a plan following an indicator without a target on it.

use async_graphql::{Context, Object};
use entity::monitored;

use super::indicator::Indicator;
use super::load_one;
use super::plan::Plan;
use super::source::Source;
use crate::error::ApiResult;
use crate::repo::batch::{IndicatorById, PlanById};

/// A row of a plan's indicator table (表1) whose target column is `-`: the plan follows the
/// measure and commits to no value for it. Not a target: it has no status and counts in no
/// tally.
#[derive(Clone)]
pub struct Monitoring(pub monitored::Model);

/// A row of a plan's indicator table (表1) whose target column is `-`: the plan follows the
/// measure and commits to no value for it. Not a target: it has no status and counts in no
/// tally.
#[Object]
impl Monitoring {
    /// The plan whose table lists the indicator.
    async fn plan(&self, ctx: &Context<'_>) -> ApiResult<Plan> {
        Ok(Plan(load_one(ctx, PlanById(self.0.plan_id)).await?))
    }

    /// The indicator the row names (its series of yearly values).
    async fn indicator(&self, ctx: &Context<'_>) -> ApiResult<Indicator> {
        Ok(Indicator(
            load_one(ctx, IndicatorById(self.0.indicator_id)).await?,
        ))
    }

    /// The measure's name as the row writes it.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The table's category column (健康水平, 人口 …) as published.
    async fn table_category(&self) -> Option<&str> {
        self.0.table_category.as_deref()
    }

    /// The row's number in the table.
    async fn table_number(&self) -> Option<i32> {
        self.0.table_number
    }

    /// The table row: line numbers and exact text.
    async fn source(&self) -> Source {
        Source::new(self.0.line_start, self.0.line_end, &self.0.source_text)
    }
}
