//! What the reporting workflow shows: reported values, their history, the audit log, who
//! reports an indicator and what was published.

use async_graphql::{Context, Enum, Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{audit_log, indicator_value};

use super::breakdown::{parts_of_value, BreakdownPart};
use super::department::Department;
use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::load_one;
use super::pagination::connection;
use super::session::{actor, AccountRole};
use crate::error::{ApiResult, AppError};
use crate::service::values;

/// Where a reported value is in the workflow.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::ValueStatus")]
pub enum ValueStatus {
    /// Waiting for review; not public.
    Submitted,
    /// Approved and public (also the document's own figures).
    Published,
    /// Sent back by a reviewer, with a comment.
    Rejected,
    /// Replaced by a newer value for the same indicator and year.
    Superseded,
}

/// How serious a quality check's finding is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::rules::quality::Severity")]
pub enum CheckSeverity {
    /// The value cannot be right as it is.
    Error,
    /// The value may be right; a reviewer who approves it says why in the comment.
    Warning,
}

/// One finding of the statistics bureau's data-quality checks on a reported value.
#[derive(SimpleObject)]
pub struct QualityCheck {
    /// A stable code: `OUT_OF_RANGE`, `PERCENT_AS_FRACTION`, `FLUCTUATION`, or a
    /// consistency rule of a breakdown (`PARTS_ADD_UP` …, as `ConsistencyCheck.rule`).
    pub code: String,
    /// How serious it is.
    pub severity: CheckSeverity,
    /// What was found, in Chinese, with the numbers.
    pub message: String,
}

/// A yearly value as reported: by the document, or by a department and reviewed.
#[derive(Clone)]
pub struct ReportedValue(pub indicator_value::Model);

/// A yearly value as reported: by the document, or by a department and reviewed.
#[Object]
impl ReportedValue {
    /// Global ID.
    async fn id(&self) -> ID {
        ids::encode(Kind::Value, self.0.id)
    }

    /// The indicator.
    async fn indicator(&self, ctx: &Context<'_>) -> ApiResult<Indicator> {
        Ok(Indicator(
            load_one(ctx, crate::repo::batch::IndicatorById(self.0.indicator_id)).await?,
        ))
    }

    /// The year the value is for.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// The cell of a declared breakdown it is for (`SEX` `F`); empty for the total.
    async fn breakdown(&self, ctx: &Context<'_>) -> ApiResult<Vec<BreakdownPart>> {
        parts_of_value(ctx, self.0.indicator_id, &self.0.breakdown).await
    }

    /// The statistics bureau's data-quality checks (质量审核) on the value, against the
    /// series' published values of earlier years: OUT_OF_RANGE (ERROR), PERCENT_AS_FRACTION
    /// and FLUCTUATION (WARNING, totals only; the rule is in docs/REPORTING.md); for a measure
    /// reported by breakdown, the consistency rules that fail for its year's newest submitted
    /// or published cells (WARNING: REQUIRED_CELLS, PARTS_ADD_UP, PART_WITHIN_TOTAL,
    /// TOTAL_BETWEEN_PARTS, SAME_SOURCE). Approving a value with a finding needs a comment
    /// saying why it stands.
    async fn checks(&self, ctx: &Context<'_>) -> ApiResult<Vec<QualityCheck>> {
        let id = self.0.indicator_id;
        let indicator = load_one(ctx, crate::repo::batch::IndicatorById(id)).await?;
        // Every value of a page asks the same loaders in the same order, so each level is one
        // batch: the consistency rules' reads first, the series (totals only) last.
        let consistency = match super::breakdown::declared(ctx, id).await? {
            Some(declared) => consistency_checks(ctx, &declared, &self.0).await?,
            None => Vec::new(),
        };
        let series = if self.0.breakdown.is_empty() {
            load_one(ctx, crate::repo::batch::Series(id)).await?
        } else {
            Vec::new()
        };
        let mut found = crate::rules::quality::checks(
            indicator.unit.as_deref(),
            &series,
            self.0.year,
            self.0.value,
        );
        found.extend(consistency);
        Ok(found
            .into_iter()
            .map(|c| QualityCheck {
                code: c.code.to_string(),
                severity: c.severity.into(),
                message: c.message,
            })
            .collect())
    }

    /// The value, in the indicator's unit.
    async fn value(&self) -> f64 {
        self.0.value
    }

    /// Where it is in the workflow.
    async fn status(&self) -> ValueStatus {
        self.0.status.into()
    }

    /// Version within its indicator and year (1, 2, …); pass it as `expectedVersion` to report
    /// a correction.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The submitter's note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The reviewer's comment.
    async fn review_comment(&self) -> Option<&str> {
        self.0.review_comment.as_deref()
    }

    /// The department that reported it; null for the document's own figures.
    async fn department(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        let Some(id) = self.0.department_id else {
            return Ok(None);
        };
        Ok(Some(Department(
            load_one(ctx, crate::repo::batch::DepartmentById(id)).await?,
        )))
    }

    /// When it was reported (or imported).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Every state change: who, when, old and new value and status, comment. Reviewers,
    /// admins, evaluators and the submitting department only.
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<ValueEvent>> {
        let actor = actor(ctx).await?;
        if !values::may_read(&actor, &self.0) {
            return Err(AppError::Forbidden(
                "the history is for reviewers, admins, evaluators and the submitting department"
                    .into(),
            )
            .into());
        }
        Ok(load_one(ctx, crate::repo::batch::EventsOfValue(self.0.id))
            .await?
            .into_iter()
            .map(ValueEvent)
            .collect())
    }
}

/// What happened to a reported value.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::ValueAction")]
pub enum ValueAction {
    /// A department submitted it.
    Submit,
    /// A reviewer approved (published) it.
    Approve,
    /// A reviewer sent it back.
    Reject,
    /// A newer value for the same indicator and year replaced it.
    Supersede,
}

/// One state change of a reported value.
pub struct ValueEvent(entity::value_event::Model);

/// One state change of a reported value.
#[Object]
impl ValueEvent {
    /// What happened.
    async fn action(&self) -> ValueAction {
        self.0.action.into()
    }

    /// Who did it (an account, or `plangraph import` when an import merged two copies).
    async fn actor(&self) -> &str {
        &self.0.actor_name
    }

    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// The value before (for a submission: the previous value of that year).
    async fn old_value(&self) -> Option<f64> {
        self.0.old_value
    }

    /// The value after.
    async fn new_value(&self) -> Option<f64> {
        self.0.new_value
    }

    /// The status before.
    async fn old_status(&self) -> Option<ValueStatus> {
        self.0.old_status.map(Into::into)
    }

    /// The status after.
    async fn new_status(&self) -> ValueStatus {
        self.0.new_status.into()
    }

    /// Note or review comment.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
}

/// A department's reporting for a year.
#[derive(SimpleObject)]
pub struct DepartmentReporting {
    /// The department.
    pub department: Department,
    /// Every cell (indicator) it owes for the year.
    pub total: i32,
    /// The share of those cells answered — a value submitted or approved, or a statement that
    /// there is no figure (0–1, 3 decimals; 1 when it owes nothing): what the monitoring
    /// office chases.
    pub completion: f64,
    /// Indicators it has not reported for the year.
    pub owed: Vec<Indicator>,
    /// Indicators whose latest submission awaits review.
    pub submitted: Vec<Indicator>,
    /// Indicators whose latest submission was approved.
    pub approved: Vec<Indicator>,
    /// Indicators whose latest submission was rejected.
    pub rejected: Vec<Indicator>,
    /// Indicators the department said have no figure for the year (不适用 in its template),
    /// without a value of its own submitted or approved since.
    pub not_available: Vec<Indicator>,
}

/// An entry of the audit log.
#[derive(Clone)]
pub struct AuditEntry(pub audit_log::Model);

connection!(
    AuditEntryConnection,
    AuditEntryEdge,
    AuditEntry,
    "audit entries"
);
connection!(
    ReportedValueConnection,
    ReportedValueEdge,
    ReportedValue,
    "reported values"
);

/// An entry of the audit log.
#[Object]
impl AuditEntry {
    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Username (for a failed login: the name tried, up to 64 characters); null for a caller
    /// without a valid token.
    async fn actor(&self) -> Option<&str> {
        self.0.actor.as_deref()
    }

    /// The actor's role then.
    async fn actor_role(&self) -> Option<AccountRole> {
        self.0.actor_role.map(Into::into)
    }

    /// The mutation (`submitValue`, `reviewValue` …), `login`, or a command-line action
    /// (`user add`).
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// What it acted on.
    async fn target(&self) -> Option<&str> {
        self.0.target.as_deref()
    }

    /// `ok`, or the error code that refused it.
    async fn outcome(&self) -> &str {
        &self.0.outcome
    }

    /// State before.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0
            .before
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .map(Json)
    }

    /// State after (for a refused batch: one error per row).
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0
            .after
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .map(Json)
    }

    /// Client address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
}

/// Who may report an indicator, for `Indicator.reporters`.
pub async fn reporters_of(ctx: &Context<'_>, indicator_id: i32) -> ApiResult<Vec<Department>> {
    Ok(load_one(ctx, crate::repo::batch::ReportersOf(indicator_id))
        .await?
        .into_iter()
        .map(Department)
        .collect())
}

/// Publication history of an indicator (public): every value that was published, with when.
pub async fn publications_of(ctx: &Context<'_>, indicator_id: i32) -> ApiResult<Vec<Publication>> {
    let events = load_one(ctx, crate::repo::batch::ApprovalsOf(indicator_id)).await?;
    Ok(events
        .into_iter()
        .map(|e| Publication {
            year: e.year,
            value: e.new_value.unwrap_or_default(),
            published_at: e.at,
        })
        .collect())
}

/// A value's publication.
#[derive(SimpleObject)]
pub struct Publication {
    /// The year the value is for.
    pub year: i32,
    /// The value published.
    pub value: f64,
    /// When it was approved.
    pub published_at: DateTime<Utc>,
}

/// The consistency rules that fail within the margins of a value's cell, read through the
/// request's loaders: a page of values costs two statements, not two per value.
async fn consistency_checks(
    ctx: &Context<'_>,
    declared: &crate::breakdowns::Declared,
    value: &entity::indicator_value::Model,
) -> ApiResult<Vec<crate::rules::quality::Check>> {
    use crate::repo::batch::LiveValues;
    use crate::repo::cells;
    let values = load_one(ctx, LiveValues(value.indicator_id, value.year)).await?;
    let names = super::indicator_cells::department_names(ctx, &values, value.year).await?;
    let cell = crate::breakdowns::Cell::parse(&value.breakdown).unwrap_or_default();
    let margins = cells::margins_of(&cell);
    let found = cells::judge(declared, &values, value.year, &margins, &names);
    Ok(cells::as_checks(declared, found))
}
