//! The reporting workflow over GraphQL: submitted values, their review and history, who still
//! owes what, and the audit log.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};

use super::breakdown::{given, BreakdownInput};
use super::department::Department;
use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::reported::{
    AuditEntry, AuditEntryConnection, DepartmentReporting, ReportedValue, ReportedValueConnection,
    ValueStatus,
};
use super::session::{actor, mutate};
use super::{load_one, store};
use crate::auth::UserRole;
use crate::domain::ValueStatus as StoredStatus;
use crate::error::{ApiResult, AppError};
use crate::rules::workflow::Decision;
use crate::service::{indicators, operations, values};

/// A reviewer's decision.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    /// Publish the value.
    Approve,
    /// Send it back with a comment.
    Reject,
}

/// One value to submit.
#[derive(InputObject, Clone)]
pub struct ValueInput {
    /// Global ID of the indicator.
    pub indicator_id: ID,
    /// Year the value is for (within the plan period, or a baseline year).
    pub year: i32,
    /// The value, in the indicator's unit; finite and within the unit's range.
    pub value: f64,
    /// Note for the reviewer, up to 1,000 characters.
    pub note: Option<String>,
    /// Version of the latest value of that indicator and year you have seen (0 for none); a
    /// stale one is a CONFLICT instead of a lost update.
    pub expected_version: Option<i32>,
    /// The cell of a declared breakdown the value is for (`[{ dimension: SEX, code: "F" }]`);
    /// none for the total, which targets are judged by.
    pub breakdown: Option<Vec<BreakdownInput>>,
}

fn to_submission(input: &ValueInput) -> Result<values::Submission, AppError> {
    Ok(values::Submission {
        indicator_id: ids::decode_as(&input.indicator_id, Kind::Indicator)?,
        year: input.year,
        value: input.value,
        note: input.note.clone(),
        expected_version: input.expected_version,
        department_id: None,
        breakdown: given(input.breakdown.as_deref()),
    })
}

/// Which reported values.
#[derive(InputObject, Default)]
pub struct ReportedValueFilter {
    /// Only values with this status.
    pub status: Option<ValueStatus>,
    /// Only values for this year.
    pub year: Option<i32>,
    /// Only values of this indicator (global ID).
    pub indicator_id: Option<ID>,
}

/// Which audit entries.
#[derive(InputObject, Default)]
pub struct AuditFilter {
    /// Only entries of this username.
    pub actor: Option<String>,
    /// Only entries of this action (e.g. login, submitValue).
    pub action: Option<String>,
}

/// Root fields of the reporting workflow (signed-in users).
#[derive(Default)]
pub struct SubmissionQuery;

#[Object]
impl SubmissionQuery {
    /// Reported values, newest first (Relay connection): reviewers, admins and evaluators see
    /// all, submitters their department's.
    #[allow(clippy::too_many_arguments)]
    async fn reported_values(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which values.")] filter: Option<ReportedValueFilter>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<ReportedValueConnection> {
        let actor = actor(ctx).await?;
        let filter = filter.unwrap_or_default();
        let filter = crate::repo::values::ValueFilter {
            // Submitters see their own department's reports only.
            department_id: (actor.role == UserRole::Submitter)
                .then(|| actor.department_id.unwrap_or(-1)),
            status: filter.status.map(StoredStatus::from),
            year: filter.year,
            indicator_id: filter
                .indicator_id
                .as_ref()
                .map(|id| ids::decode_as(id, Kind::Indicator))
                .transpose()?,
        };
        let args = super::page_args(ctx, first, after, last, before);
        let page = crate::repo::values::page(store(ctx)?, &filter, &args).await?;
        Ok(page.map(ReportedValue).into())
    }

    /// One reported value by ID (same visibility as `reportedValues`).
    async fn reported_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID.")] id: ID,
    ) -> ApiResult<Option<ReportedValue>> {
        let actor = actor(ctx).await?;
        let id = ids::decode_as(&id, Kind::Value)?;
        let row = crate::repo::values::by_id(store(ctx)?, id).await?;
        Ok(row
            .filter(|v| values::may_read(&actor, v) || v.status == StoredStatus::Published)
            .map(ReportedValue))
    }

    /// For a year, per department: which indicators it still owes, and which it submitted, got
    /// approved or rejected (reviewers, admins and evaluators).
    async fn reporting_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The reporting year.")] year: i32,
    ) -> ApiResult<Vec<DepartmentReporting>> {
        actor(ctx)
            .await?
            .require(&[UserRole::Reviewer, UserRole::Admin, UserRole::Evaluator])?;
        let db = store(ctx)?;
        let reports = crate::repo::values::reporting_status(db, year).await?;
        let (departments, indicators) = crate::repo::values::departments_and_indicators(db).await?;
        let pick = |ids: &[i32]| {
            ids.iter()
                .filter_map(|id| indicators.get(id).cloned().map(Indicator))
                .collect::<Vec<_>>()
        };
        let mut out: Vec<DepartmentReporting> = reports
            .into_iter()
            .filter_map(|r| {
                Some(DepartmentReporting {
                    department: Department(departments.get(&r.department_id)?.clone()),
                    total: i32::try_from(r.total()).unwrap_or(i32::MAX),
                    completion: r.completion(),
                    owed: pick(&r.owed),
                    submitted: pick(&r.submitted),
                    approved: pick(&r.approved),
                    rejected: pick(&r.rejected),
                    not_available: pick(&r.not_available),
                })
            })
            .collect();
        out.sort_by(|a, b| a.department.0.name.cmp(&b.department.0.name));
        Ok(out)
    }

    /// The audit log, newest first (Relay connection; reviewers, admins and evaluators).
    #[allow(clippy::too_many_arguments)]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which entries.")] filter: Option<AuditFilter>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<AuditEntryConnection> {
        actor(ctx)
            .await?
            .require(&[UserRole::Reviewer, UserRole::Admin, UserRole::Evaluator])?;
        let filter = filter.unwrap_or_default();
        let filter = crate::repo::audit::AuditFilter {
            actor: filter.actor,
            action: filter.action,
        };
        let args = super::page_args(ctx, first, after, last, before);
        let page = crate::repo::audit::page(store(ctx)?, &filter, &args).await?;
        Ok(page.map(AuditEntry).into())
    }
}

/// Input of `submitValue`.
#[derive(InputObject)]
pub struct SubmitValueInput {
    /// Global ID of the indicator.
    pub indicator_id: ID,
    /// Year the value is for (within the period of a plan that sets a target for it, or a
    /// baseline year).
    pub year: i32,
    /// The value, in the indicator's unit; finite and within the unit's range.
    pub value: f64,
    /// Note for the reviewer, up to 1,000 characters.
    pub note: Option<String>,
    /// Version of the latest value of that indicator and year you have seen (0 for none); a
    /// stale one is a CONFLICT instead of a lost update.
    pub expected_version: Option<i32>,
    /// The cell of a declared breakdown the value is for (`[{ dimension: SEX, code: "F" }]`);
    /// none for the total, which targets are judged by.
    pub breakdown: Option<Vec<BreakdownInput>>,
    /// Echoed in the payload, for clients that match answers to requests.
    pub client_mutation_id: Option<String>,
}

/// What `submitValue` did.
#[derive(SimpleObject)]
pub struct SubmitValuePayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// The value as stored (SUBMITTED: not public until approved).
    pub value: ReportedValue,
}

/// Input of `submitValues`.
#[derive(InputObject)]
pub struct SubmitValuesInput {
    /// The values, 1–100; all are stored or none.
    pub values: Vec<ValueInput>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// What `submitValues` did.
#[derive(SimpleObject)]
pub struct SubmitValuesPayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// The values as stored, in input order.
    pub values: Vec<ReportedValue>,
}

/// Input of `reviewValue`.
#[derive(InputObject)]
pub struct ReviewValueInput {
    /// Global ID of the value.
    pub id: ID,
    /// Approve or reject.
    pub decision: ReviewDecision,
    /// Comment, up to 1,000 characters (say why when rejecting).
    pub comment: Option<String>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// What `reviewValue` did.
#[derive(SimpleObject)]
pub struct ReviewValuePayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// The value after the review.
    pub value: ReportedValue,
    /// Its indicator, whose series and target statuses an approval changes.
    pub indicator: Indicator,
}

/// Input of `assignReporter`.
#[derive(InputObject)]
pub struct AssignReporterInput {
    /// Global ID of the indicator.
    pub indicator_id: ID,
    /// Department (canonical name or published spelling).
    pub department: String,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// What `assignReporter` did.
#[derive(SimpleObject)]
pub struct AssignReporterPayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// The indicator, with the department among its `reporters`.
    pub indicator: Indicator,
}

/// Mutations of the reporting workflow.
#[derive(Default)]
pub struct SubmissionMutation;

#[Object]
impl SubmissionMutation {
    /// Submits a yearly value for your department (SUBMITTER; the department must lead or be
    /// responsible for the goal of one of the indicator's targets, or be assigned to it). Not
    /// public until approved; one value per indicator and year serves every target.
    async fn submit_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The value.")] input: SubmitValueInput,
    ) -> ApiResult<SubmitValuePayload> {
        let row = ValueInput {
            indicator_id: input.indicator_id,
            year: input.year,
            value: input.value,
            note: input.note,
            expected_version: input.expected_version,
            breakdown: input.breakdown,
        };
        let mut out = submit_all(ctx, operations::SUBMIT_VALUE, vec![row], false).await?;
        Ok(SubmitValuePayload {
            client_mutation_id: input.client_mutation_id,
            value: out.remove(0),
        })
    }

    /// Submits several values at once: all are stored or none; a refusal lists one error per
    /// bad row in `extensions.details` (`index`, `code`, `message`).
    async fn submit_values(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values.")] input: SubmitValuesInput,
    ) -> ApiResult<SubmitValuesPayload> {
        if input.values.is_empty() || input.values.len() > 100 {
            return Err(AppError::BadUserInput("submit 1 to 100 values at once".into()).into());
        }
        Ok(SubmitValuesPayload {
            client_mutation_id: input.client_mutation_id,
            values: submit_all(ctx, operations::SUBMIT_VALUES, input.values, true).await?,
        })
    }

    /// Approves or rejects a submitted value (REVIEWER; not your own submission). Of two
    /// concurrent reviews of one value exactly one wins; the other gets CONFLICT.
    async fn review_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The review.")] input: ReviewValueInput,
    ) -> ApiResult<ReviewValuePayload> {
        let value_id = ids::decode_as(&input.id, Kind::Value)?;
        let decision = match input.decision {
            ReviewDecision::Approve => Decision::Approve,
            ReviewDecision::Reject => Decision::Reject,
        };
        let operation = operations::REVIEW_VALUE.on(format!("value:{value_id}"));
        let comment = input.comment;
        let value = mutate(ctx, operation, async |txn, actor| {
            values::review(txn, actor, value_id, decision, comment).await
        })
        .await?;
        let indicator =
            Indicator(load_one(ctx, crate::repo::batch::IndicatorById(value.indicator_id)).await?);
        Ok(ReviewValuePayload {
            client_mutation_id: input.client_mutation_id,
            value: ReportedValue(value),
            indicator,
        })
    }

    /// Lets a department report an indicator none of its targets' goals names (ADMIN), e.g.
    /// the health plan's 表1 rows, which name no department.
    async fn assign_reporter(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The assignment.")] input: AssignReporterInput,
    ) -> ApiResult<AssignReporterPayload> {
        let id = ids::decode_as(&input.indicator_id, Kind::Indicator)?;
        let operation = operations::ASSIGN_REPORTER.on(format!("indicator:{id}"));
        let department = input.department;
        let indicator = mutate(ctx, operation, async |txn, _| {
            indicators::assign_reporter(txn, id, &department).await
        })
        .await?;
        Ok(AssignReporterPayload {
            client_mutation_id: input.client_mutation_id,
            indicator: Indicator(indicator),
        })
    }
}

/// Input of `updateIndicator`: the corrections; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateIndicatorInput {
    /// Global ID of the indicator.
    pub id: ID,
    /// Corrected name.
    pub name: Option<String>,
    /// Corrected unit.
    pub unit: Option<String>,
    /// Corrected direction.
    pub direction: Option<super::enums::Direction>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// What `updateIndicator` did.
#[derive(SimpleObject)]
pub struct UpdateIndicatorPayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// The indicator after the correction.
    pub indicator: Indicator,
}

/// Admin corrections of indicator metadata.
#[derive(Default)]
pub struct CorrectionMutation;

#[Object]
impl CorrectionMutation {
    /// Corrects an indicator's name, unit or direction (ADMIN); the audit log keeps the values
    /// before and after. Re-importing the document restores the published text (the import
    /// report lists it).
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The corrections.")] input: UpdateIndicatorInput,
    ) -> ApiResult<UpdateIndicatorPayload> {
        let id = ids::decode_as(&input.id, Kind::Indicator)?;
        let operation = operations::UPDATE_INDICATOR.on(format!("indicator:{id}"));
        let correction = indicators::Correction {
            name: input.name,
            unit: input.unit,
            direction: input.direction.map(Into::into),
        };
        let indicator = mutate(ctx, operation, async |txn, _| {
            indicators::correct(txn, id, correction).await
        })
        .await?;
        Ok(UpdateIndicatorPayload {
            client_mutation_id: input.client_mutation_id,
            indicator: Indicator(indicator),
        })
    }
}

/// Submits in one transaction ([`values::submit_rows`]: in a batch every bad row is
/// reported, and nothing is stored).
async fn submit_all(
    ctx: &Context<'_>,
    kind: operations::Kind,
    input: Vec<ValueInput>,
    batch: bool,
) -> ApiResult<Vec<ReportedValue>> {
    let operation = kind.on(target_of(&input));
    let rows = input.iter().map(to_submission).collect();
    let stored = mutate(ctx, operation, async |txn, actor| {
        values::submit_rows(txn, actor, rows, batch).await
    })
    .await?;
    Ok(stored.into_iter().map(ReportedValue).collect())
}

fn target_of(input: &[ValueInput]) -> String {
    input
        .iter()
        .map(|r| {
            let cell = given(r.breakdown.as_deref());
            let cell: String = cell
                .iter()
                .map(|(d, c)| format!("/{}={c}", d.as_str()))
                .collect();
            format!("{}@{}{cell}", r.indicator_id.as_str(), r.year)
        })
        .collect::<Vec<_>>()
        .join(",")
}
