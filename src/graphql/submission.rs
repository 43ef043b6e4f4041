//! The reporting workflow over GraphQL: submitted values, their review and history, who still
//! owes what, and the audit log.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{audit_log, department, indicator, indicator_value};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::department::Department;
use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::session::{actor, mutate};
use super::{load_one, store};
use crate::auth::UserRole;
use crate::domain::ValueStatus as StoredStatus;
use crate::error::{ApiResult, AppError};
use crate::rules::workflow::Decision;
use crate::service::{indicators, values, Done, Operation};

/// Where a reported value is in the workflow.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
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

impl From<StoredStatus> for ValueStatus {
    fn from(s: StoredStatus) -> Self {
        match s {
            StoredStatus::Submitted => ValueStatus::Submitted,
            StoredStatus::Published => ValueStatus::Published,
            StoredStatus::Rejected => ValueStatus::Rejected,
            StoredStatus::Superseded => ValueStatus::Superseded,
        }
    }
}

/// A reviewer's decision.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    /// Publish the value.
    Approve,
    /// Send it back with a comment.
    Reject,
}

/// A yearly value as reported: by the document, or by a department and reviewed.
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
            load_one(ctx, super::loaders::IndicatorById(self.0.indicator_id)).await?,
        ))
    }

    /// The year the value is for.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// The value, in the indicator's unit.
    async fn value(&self) -> f64 {
        self.0.value
    }

    /// Where it is in the workflow.
    async fn status(&self) -> ApiResult<ValueStatus> {
        Ok(StoredStatus::parse(&self.0.status)
            .map(Into::into)
            .ok_or_else(|| AppError::Internal("unknown status".into()))?)
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
            load_one(ctx, super::loaders::DepartmentById(id)).await?,
        )))
    }

    /// When it was reported (or imported).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Every state change: who, when, old and new value and status, comment. Reviewers,
    /// admins and the submitting department only.
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<ValueEvent>> {
        let actor = actor(ctx).await?;
        if !values::may_read(&actor, &self.0) {
            return Err(AppError::Forbidden(
                "the history is for reviewers, admins and the submitting department".into(),
            )
            .into());
        }
        Ok(values::history(store(ctx)?, self.0.id)
            .await?
            .into_iter()
            .map(ValueEvent::from)
            .collect())
    }
}

/// One state change of a reported value.
#[derive(SimpleObject)]
pub struct ValueEvent {
    /// submit, approve, reject or supersede.
    pub action: String,
    /// Who did it.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The value before (for a submission: the previous value of that year).
    pub old_value: Option<f64>,
    /// The value after.
    pub new_value: Option<f64>,
    /// The status before.
    pub old_status: Option<String>,
    /// The status after.
    pub new_status: String,
    /// Note or review comment.
    pub comment: Option<String>,
}

impl From<entity::value_event::Model> for ValueEvent {
    fn from(e: entity::value_event::Model) -> Self {
        ValueEvent {
            action: e.action,
            actor: e.actor_name,
            at: e.at,
            old_value: e.old_value,
            new_value: e.new_value,
            old_status: e.old_status,
            new_status: e.new_status,
            comment: e.comment,
        }
    }
}

/// One value to submit.
#[derive(InputObject, Clone)]
pub struct SubmitValueInput {
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
}

fn to_submission(input: &SubmitValueInput) -> Result<values::Submission, AppError> {
    Ok(values::Submission {
        indicator_id: ids::decode_as(&input.indicator_id, Kind::Indicator)?,
        year: input.year,
        value: input.value,
        note: input.note.clone(),
        expected_version: input.expected_version,
    })
}

fn summary(v: &indicator_value::Model) -> serde_json::Value {
    serde_json::json!({ "id": v.id, "indicator": v.indicator_id, "year": v.year, "value": v.value, "status": v.status, "version": v.version })
}

/// A department's reporting for a year.
#[derive(SimpleObject)]
pub struct DepartmentReporting {
    /// The department.
    pub department: Department,
    /// Indicators it has not reported for the year.
    pub owed: Vec<Indicator>,
    /// Indicators whose latest submission awaits review.
    pub submitted: Vec<Indicator>,
    /// Indicators whose latest submission was approved.
    pub approved: Vec<Indicator>,
    /// Indicators whose latest submission was rejected.
    pub rejected: Vec<Indicator>,
}

/// An entry of the audit log.
#[derive(SimpleObject)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Username (for a failed login: the name tried); null for the public.
    pub actor: Option<String>,
    /// The actor's role then.
    pub actor_role: Option<String>,
    /// The mutation or `login`.
    pub action: String,
    /// What it acted on.
    pub target: Option<String>,
    /// `ok`, or the error code that refused it.
    pub outcome: String,
    /// State before, as JSON.
    pub before: Option<String>,
    /// State after, as JSON.
    pub after: Option<String>,
    /// Client address.
    pub address: Option<String>,
}

/// Root fields of the reporting workflow (signed-in users).
#[derive(Default)]
pub struct SubmissionQuery;

#[Object]
impl SubmissionQuery {
    /// Reported values, newest first: reviewers and admins see all, submitters their
    /// department's. Filter by status and year.
    async fn reported_values(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only values with this status.")] status: Option<ValueStatus>,
        #[graphql(desc = "Only values for this year.")] year: Option<i32>,
        #[graphql(desc = "At most this many (1–100, default 50).")] first: Option<i32>,
    ) -> ApiResult<Vec<ReportedValue>> {
        let actor = actor(ctx).await?;
        let limit = first.unwrap_or(50);
        if !(1..=100).contains(&limit) {
            return Err(AppError::BadUserInput("`first` must be between 1 and 100".into()).into());
        }
        let mut q = indicator_value::Entity::find()
            .filter(indicator_value::Column::Origin.eq("submission"));
        if actor.role == UserRole::Submitter {
            q = q.filter(
                indicator_value::Column::DepartmentId.eq(actor.department_id.unwrap_or(-1)),
            );
        }
        if let Some(status) = status {
            let stored = match status {
                ValueStatus::Submitted => StoredStatus::Submitted,
                ValueStatus::Published => StoredStatus::Published,
                ValueStatus::Rejected => StoredStatus::Rejected,
                ValueStatus::Superseded => StoredStatus::Superseded,
            };
            q = q.filter(indicator_value::Column::Status.eq(stored.as_str()));
        }
        if let Some(year) = year {
            q = q.filter(indicator_value::Column::Year.eq(year));
        }
        let rows = q
            .order_by_desc(indicator_value::Column::Id)
            .limit(u64::try_from(limit).unwrap_or(50))
            .all(store(ctx)?)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(ReportedValue).collect())
    }

    /// One reported value by ID (same visibility as `reportedValues`).
    async fn reported_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID.")] id: ID,
    ) -> ApiResult<Option<ReportedValue>> {
        let actor = actor(ctx).await?;
        let id = ids::decode_as(&id, Kind::Value)?;
        let row = indicator_value::Entity::find_by_id(id)
            .one(store(ctx)?)
            .await
            .map_err(AppError::from)?;
        Ok(row
            .filter(|v| values::may_read(&actor, v) || v.status == StoredStatus::Published.as_str())
            .map(ReportedValue))
    }

    /// For a year, per department: which indicators it still owes, and which it submitted, got
    /// approved or rejected (reviewers and admins).
    async fn reporting_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The reporting year.")] year: i32,
    ) -> ApiResult<Vec<DepartmentReporting>> {
        actor(ctx)
            .await?
            .require(&[UserRole::Reviewer, UserRole::Admin])?;
        let db = store(ctx)?;
        let reports = values::reporting_status(db, year).await?;
        let departments: std::collections::HashMap<i32, department::Model> =
            department::Entity::find()
                .all(db)
                .await
                .map_err(AppError::from)?
                .into_iter()
                .map(|d| (d.id, d))
                .collect();
        let indicators: std::collections::HashMap<i32, indicator::Model> =
            indicator::Entity::find()
                .all(db)
                .await
                .map_err(AppError::from)?
                .into_iter()
                .map(|i| (i.id, i))
                .collect();
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
                    owed: pick(&r.owed),
                    submitted: pick(&r.submitted),
                    approved: pick(&r.approved),
                    rejected: pick(&r.rejected),
                })
            })
            .collect();
        out.sort_by(|a, b| a.department.0.name.cmp(&b.department.0.name));
        Ok(out)
    }

    /// The audit log, newest first (reviewers and admins): filter by actor and action.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only entries of this username.")] actor_name: Option<String>,
        #[graphql(desc = "Only entries of this action (e.g. login, submitValue).")] action: Option<
            String,
        >,
        #[graphql(desc = "Only entries older than this entry's position (paging).")]
        before_id: Option<i32>,
        #[graphql(desc = "At most this many (1–100, default 50).")] first: Option<i32>,
    ) -> ApiResult<Vec<AuditEntry>> {
        actor(ctx)
            .await?
            .require(&[UserRole::Reviewer, UserRole::Admin])?;
        let limit = first.unwrap_or(50);
        if !(1..=100).contains(&limit) {
            return Err(AppError::BadUserInput("`first` must be between 1 and 100".into()).into());
        }
        let mut q = audit_log::Entity::find();
        if let Some(name) = actor_name {
            q = q.filter(audit_log::Column::Actor.eq(name));
        }
        if let Some(action) = action {
            q = q.filter(audit_log::Column::Action.eq(action));
        }
        if let Some(id) = before_id {
            q = q.filter(audit_log::Column::Id.lt(id));
        }
        let rows = q
            .order_by_desc(audit_log::Column::Id)
            .limit(u64::try_from(limit).unwrap_or(50))
            .all(store(ctx)?)
            .await
            .map_err(AppError::from)?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                at: r.at,
                actor: r.actor,
                actor_role: r.actor_role,
                action: r.action,
                target: r.target,
                outcome: r.outcome,
                before: r.before,
                after: r.after,
                address: r.address,
            })
            .collect())
    }
}

/// Mutations of the reporting workflow.
#[derive(Default)]
pub struct SubmissionMutation;

#[Object]
impl SubmissionMutation {
    /// Submits a yearly value for your department (SUBMITTER; the department must lead or be
    /// responsible for the indicator's goal, or be assigned to it). Not public until approved.
    async fn submit_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the indicator.")] indicator_id: ID,
        #[graphql(desc = "Year.")] year: i32,
        #[graphql(desc = "Value in the indicator's unit.")] value: f64,
        #[graphql(desc = "Note for the reviewer.")] note: Option<String>,
        #[graphql(desc = "Version of the latest value of that year you have seen (0 for none).")]
        expected_version: Option<i32>,
    ) -> ApiResult<ReportedValue> {
        let input = SubmitValueInput {
            indicator_id,
            year,
            value,
            note,
            expected_version,
        };
        let mut out = submit_all(ctx, "submitValue", vec![input], false).await?;
        Ok(out.remove(0))
    }

    /// Submits several values at once: all are stored or none; a refusal lists one error per
    /// bad row in `extensions.details` (`index`, `code`, `message`).
    async fn submit_values(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values, 1–100.")] input: Vec<SubmitValueInput>,
    ) -> ApiResult<Vec<ReportedValue>> {
        if input.is_empty() || input.len() > 100 {
            return Err(AppError::BadUserInput("submit 1 to 100 values at once".into()).into());
        }
        submit_all(ctx, "submitValues", input, true).await
    }

    /// Approves or rejects a submitted value (REVIEWER; not your own submission). Of two
    /// concurrent reviews of one value exactly one wins; the other gets CONFLICT.
    async fn review_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the value.")] id: ID,
        #[graphql(desc = "Approve or reject.")] decision: ReviewDecision,
        #[graphql(desc = "Comment, up to 1,000 characters (say why when rejecting).")]
        comment: Option<String>,
    ) -> ApiResult<ReportedValue> {
        let value_id = ids::decode_as(&id, Kind::Value)?;
        let decision = match decision {
            ReviewDecision::Approve => Decision::Approve,
            ReviewDecision::Reject => Decision::Reject,
        };
        let operation = Operation {
            action: "reviewValue",
            target: format!("value:{value_id}"),
            roles: &[UserRole::Reviewer],
        };
        let value = mutate(ctx, operation, async |txn, actor| {
            let (before, after) = values::review(txn, actor, value_id, decision, comment).await?;
            Ok(Done::new(after.clone())
                .before(summary(&before))
                .after(summary(&after)))
        })
        .await?;
        Ok(ReportedValue(value))
    }

    /// Lets a department report an indicator its goal does not name (ADMIN), e.g. the health
    /// plan's 表1 rows, which name no department.
    async fn assign_reporter(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the indicator.")] indicator_id: ID,
        #[graphql(desc = "Department (canonical name or published spelling).")] department: String,
    ) -> ApiResult<Indicator> {
        let id = ids::decode_as(&indicator_id, Kind::Indicator)?;
        let operation = Operation {
            action: "assignReporter",
            target: format!("indicator:{id}"),
            roles: &[UserRole::Admin],
        };
        let indicator = mutate(ctx, operation, async |txn, _| {
            let indicator = indicators::assign_reporter(txn, id, &department).await?;
            Ok(Done::new(indicator).after(serde_json::json!({ "department": department })))
        })
        .await?;
        Ok(Indicator(indicator))
    }
}

/// Corrections to an indicator's metadata; fields left out stay as they are.
#[derive(InputObject)]
pub struct IndicatorCorrection {
    /// Corrected name.
    pub name: Option<String>,
    /// Corrected unit.
    pub unit: Option<String>,
    /// Corrected nature.
    pub nature: Option<super::enums::Nature>,
    /// Corrected direction.
    pub direction: Option<super::enums::Direction>,
}

/// Admin corrections of indicator metadata.
#[derive(Default)]
pub struct CorrectionMutation;

#[Object]
impl CorrectionMutation {
    /// Corrects an indicator's name, unit, nature or direction (ADMIN); the audit log keeps
    /// the values before and after. Re-importing the document restores the published text
    /// (the import report lists it).
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the indicator.")] id: ID,
        #[graphql(desc = "What to correct.")] changes: IndicatorCorrection,
    ) -> ApiResult<Indicator> {
        let id = ids::decode_as(&id, Kind::Indicator)?;
        let operation = Operation {
            action: "updateIndicator",
            target: format!("indicator:{id}"),
            roles: &[UserRole::Admin],
        };
        let correction = indicators::Correction {
            name: changes.name,
            unit: changes.unit,
            nature: changes.nature.map(Into::into),
            direction: changes.direction.map(Into::into),
        };
        let indicator = mutate(ctx, operation, async |txn, _| {
            let (before, after) = indicators::correct(txn, id, correction).await?;
            Ok(Done::new(after.clone())
                .before(indicators::snapshot(&before))
                .after(indicators::snapshot(&after)))
        })
        .await?;
        Ok(Indicator(indicator))
    }
}

/// Submits in one transaction; in a batch every bad row is reported, and nothing is stored.
async fn submit_all(
    ctx: &Context<'_>,
    action: &'static str,
    input: Vec<SubmitValueInput>,
    batch: bool,
) -> ApiResult<Vec<ReportedValue>> {
    let operation = Operation {
        action,
        target: target_of(&input),
        roles: &[UserRole::Submitter],
    };
    let stored = mutate(ctx, operation, async |txn, actor| {
        let mut stored = Vec::new();
        let mut errors = Vec::new();
        for (index, row) in input.iter().enumerate() {
            let result = match to_submission(row) {
                Ok(s) => values::submit(txn, actor, &s).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(v) => stored.push(v),
                Err(e) if batch => errors.push(
                    serde_json::json!({ "index": index, "code": e.code(), "message": e.message() }),
                ),
                Err(e) => return Err(e),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid {
                message: format!(
                    "{} of {} rows were refused; nothing was stored",
                    errors.len(),
                    input.len()
                ),
                details: serde_json::Value::Array(errors),
            });
        }
        let after = serde_json::Value::Array(stored.iter().map(summary).collect());
        Ok(Done::new(stored).after(after))
    })
    .await?;
    Ok(stored.into_iter().map(ReportedValue).collect())
}

fn target_of(input: &[SubmitValueInput]) -> String {
    input
        .iter()
        .map(|r| format!("{}@{}", r.indicator_id.as_str(), r.year))
        .collect::<Vec<_>>()
        .join(",")
}

/// Who may report an indicator, for `Indicator.reporters`.
pub async fn reporters_of(ctx: &Context<'_>, indicator_id: i32) -> ApiResult<Vec<Department>> {
    Ok(load_one(ctx, super::loaders::ReportersOf(indicator_id))
        .await?
        .into_iter()
        .map(Department)
        .collect())
}

/// Publication history of an indicator (public): every value that was published, with when.
pub async fn publications_of(ctx: &Context<'_>, indicator_id: i32) -> ApiResult<Vec<Publication>> {
    let events = load_one(ctx, super::loaders::ApprovalsOf(indicator_id)).await?;
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
