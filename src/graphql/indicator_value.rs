//! `IndicatorValue`: one published value of a series, as the API shows it.

use async_graphql::{Context, Object};
use entity::indicator_value;

use super::breakdown::{parts_of_value, BreakdownPart};
use super::department::Department;
use super::enums::{Comparator, ValueOrigin};
use super::load_one;
use super::source::Source;
use crate::domain;
use crate::error::ApiResult;
use crate::repo::batch::DepartmentById;

/// A published value: a figure the document gives, or an approved department report.
pub struct IndicatorValue(pub indicator_value::Model);

/// A published value: a figure the document gives, or an approved department report.
#[Object]
impl IndicatorValue {
    /// The year the value is for.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// The value, in the indicator's unit.
    async fn value(&self) -> f64 {
        self.0.value
    }

    /// A document figure or a department's report.
    async fn origin(&self) -> ValueOrigin {
        match self.0.origin {
            domain::ValueOrigin::Document => ValueOrigin::Document,
            domain::ValueOrigin::Submission => ValueOrigin::Report,
        }
    }

    /// For a document figure: the year comes from its context (a 规划背景 paragraph about
    /// 2020), not from its sentence.
    async fn year_inferred(&self) -> bool {
        self.0.year_inferred
    }

    /// A document figure as written (2020年的80.11岁, 2.27‰, ≤3.2).
    async fn raw(&self) -> Option<&str> {
        self.0.raw.as_deref()
    }

    /// A document figure written as a bound (≤3.2, 60%以上: `value` is the bound), as targets
    /// keep their comparators; null for a point or a report.
    async fn bound(&self) -> Option<Comparator> {
        self.0
            .raw
            .as_deref()
            .and_then(crate::rules::discrepancy::bound_of)
            .map(Into::into)
    }

    /// The cell of a declared breakdown it is for (`SEX` `F`); empty for the total, which the
    /// series and the targets use.
    async fn breakdown(&self, ctx: &Context<'_>) -> ApiResult<Vec<BreakdownPart>> {
        parts_of_value(ctx, self.0.indicator_id, &self.0.breakdown).await
    }

    /// Version within the indicator, year and cell: the highest published one of the total is
    /// the series' value.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Where the document gives the figure; null for a report.
    async fn source(&self) -> Option<Source> {
        match (self.0.line_start, self.0.line_end, &self.0.source_text) {
            (Some(start), Some(end), Some(text)) => Some(Source::new(start, end, text)),
            _ => None,
        }
    }

    /// The department that reported it; null for a document figure.
    async fn department(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        match self.0.department_id {
            Some(id) => Ok(Some(Department(load_one(ctx, DepartmentById(id)).await?))),
            None => Ok(None),
        }
    }
}
