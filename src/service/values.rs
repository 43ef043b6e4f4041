//! The yearly reporting workflow: submit and review.

use chrono::Utc;
use entity::{indicator, indicator_value, plan, target, value_event};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    SqlErr,
};

use crate::auth::{Actor, UserRole};
use crate::breakdowns::Cell;
use crate::domain::{ValueAction, ValueOrigin, ValueStatus};
use crate::error::AppError;
use crate::rules::workflow::{self, Decision, FieldError, Years};
use crate::service::Done;

/// One value to submit.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub indicator_id: i32,
    pub year: i32,
    pub value: f64,
    pub note: Option<String>,
    /// The version of the latest value of that indicator and year the submitter has seen
    /// (0 for none); a different one is a CONFLICT. None skips the check.
    pub expected_version: Option<i32>,
    /// The department it is reported for, when the monitoring office enters it on the
    /// department's behalf (`rules::workflow::acting_for`); None for the actor's own.
    pub department_id: Option<i32>,
    /// The codes of the breakdown cell it is for (checked against the measure's declaration);
    /// empty for the total.
    pub breakdown: Vec<(crate::breakdowns::Dimension, String)>,
}

fn invalid(errors: &[FieldError]) -> AppError {
    AppError::Invalid {
        message: errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        details: serde_json::json!(errors
            .iter()
            .map(|e| serde_json::json!({ "field": e.field, "message": e.message }))
            .collect::<Vec<_>>()),
    }
}

async fn event(
    db: &impl ConnectionTrait,
    value: &indicator_value::Model,
    action: ValueAction,
    actor: &Actor,
    old: Option<(f64, ValueStatus)>,
    new_status: ValueStatus,
    comment: Option<String>,
) -> Result<(), AppError> {
    value_event::ActiveModel {
        value_id: Set(value.id),
        indicator_id: Set(value.indicator_id),
        year: Set(value.year),
        action: Set(action),
        actor_id: Set(Some(actor.user_id)),
        actor_name: Set(actor.username.clone()),
        at: Set(Utc::now()),
        old_value: Set(old.map(|(v, _)| v)),
        new_value: Set(Some(value.value)),
        old_status: Set(old.map(|(_, s)| s)),
        new_status: Set(new_status),
        comment: Set(comment),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The latest value (highest version) of an indicator for a year and breakdown cell (`""`:
/// the total).
pub(crate) async fn latest(
    db: &impl ConnectionTrait,
    indicator_id: i32,
    year: i32,
    cell: &str,
) -> Result<Option<indicator_value::Model>, AppError> {
    Ok(indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.eq(indicator_id))
        .filter(indicator_value::Column::Year.eq(year))
        .filter(indicator_value::Column::Breakdown.eq(cell))
        .order_by_desc(indicator_value::Column::Version)
        .one(db)
        .await?)
}

/// Sets a value's status only if it still has the status it had when read.
async fn move_status(
    db: &impl ConnectionTrait,
    value: &indicator_value::Model,
    to: ValueStatus,
    review: Option<(&Actor, Option<&str>)>,
) -> Result<(), AppError> {
    let now = Utc::now();
    let mut update = indicator_value::Entity::update_many()
        .col_expr(indicator_value::Column::Status, Expr::value(to.as_str()))
        .col_expr(indicator_value::Column::UpdatedAt, Expr::value(now))
        .filter(indicator_value::Column::Id.eq(value.id))
        .filter(indicator_value::Column::Status.eq(value.status));
    if let Some((actor, comment)) = review {
        update = update
            .col_expr(
                indicator_value::Column::ReviewedBy,
                Expr::value(actor.user_id),
            )
            .col_expr(indicator_value::Column::ReviewedAt, Expr::value(now))
            .col_expr(
                indicator_value::Column::ReviewComment,
                Expr::value(comment.map(str::to_string)),
            );
    }
    let done = update.exec(db).await?;
    if done.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the value changed meanwhile; read it again".into(),
        ))
    }
}

/// What the audit log keeps of a value.
pub fn snapshot(v: &indicator_value::Model) -> serde_json::Value {
    let mut kept = serde_json::json!({ "id": v.id, "indicator": v.indicator_id, "year": v.year, "value": v.value, "status": v.status, "version": v.version });
    if !v.breakdown.is_empty() {
        kept["breakdown"] = serde_json::json!(v.breakdown);
    }
    kept
}

/// Submits rows in the caller's transaction (`rows` as the caller read them: a row it could
/// not read is its error). Alone, a row's error is the answer; in a batch every bad row is
/// reported at once (`index`, `code`, `message` in the details) and nothing is stored.
pub async fn submit_rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    rows: Vec<Result<Submission, AppError>>,
    batch: bool,
) -> Result<Done<Vec<indicator_value::Model>>, AppError> {
    let count = rows.len();
    let mut stored = Vec::new();
    let mut errors = Vec::new();
    for (index, row) in rows.into_iter().enumerate() {
        let result = match row {
            Ok(submission) => submit(db, actor, &submission).await,
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
                "{} of {count} rows were refused; nothing was stored",
                errors.len()
            ),
            details: serde_json::Value::Array(errors),
        });
    }
    let after = serde_json::Value::Array(stored.iter().map(snapshot).collect());
    Ok(Done::new(stored).after(after))
}

/// The years a value of the indicator may be for: the periods of the plans that set targets
/// for it, and the years before them (baselines), of its targets and of the document's
/// figures.
pub(crate) async fn reportable_years(
    db: &impl ConnectionTrait,
    indicator_id: i32,
) -> Result<Years, AppError> {
    let targets = target::Entity::find()
        .filter(target::Column::IndicatorId.eq(indicator_id))
        .all(db)
        .await?;
    let plans = plan::Entity::find()
        .filter(plan::Column::Id.is_in(targets.iter().map(|t| t.plan_id)))
        .all(db)
        .await?;
    let first = plans.iter().map(|p| p.period_start).min();
    let last = plans.iter().map(|p| p.period_end).max();
    let (Some(first), Some(last)) = (first, last) else {
        return Err(AppError::internal("indicator without a plan"));
    };
    let mut baselines: Vec<i32> = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.eq(indicator_id))
        .filter(indicator_value::Column::Origin.eq(ValueOrigin::Document))
        .all(db)
        .await?
        .into_iter()
        .map(|v| v.year)
        .collect();
    baselines.extend(targets.iter().filter_map(|t| t.baseline_year));
    baselines.extend(plans.iter().map(|p| p.period_start - 1));
    Ok(Years {
        first,
        last,
        baselines,
    })
}

/// The submission's row, numbered `version`; a CONFLICT when another submission for the
/// same indicator and year took that number first.
async fn insert_submission(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: &Submission,
    (department_id, cell): (i32, String),
    version: i32,
) -> Result<indicator_value::Model, AppError> {
    let now = Utc::now();
    indicator_value::ActiveModel {
        key: Set(None),
        indicator_id: Set(input.indicator_id),
        year: Set(input.year),
        value: Set(input.value),
        status: Set(ValueStatus::Submitted),
        origin: Set(ValueOrigin::Submission),
        version: Set(version),
        line_start: Set(None),
        line_end: Set(None),
        source_text: Set(None),
        created_at: Set(now),
        department_id: Set(Some(department_id)),
        note: Set(input.note.clone()),
        submitted_by: Set(Some(actor.user_id)),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        review_comment: Set(None),
        updated_at: Set(Some(now)),
        breakdown: Set(cell),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        // Another submission for the same indicator and year got this version first.
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            AppError::Conflict("another submission for this year came first; read it again".into())
        }
        _ => AppError::from(e),
    })
}

/// Submits one value for the actor's department. The value is not public until approved.
pub async fn submit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: &Submission,
) -> Result<indicator_value::Model, AppError> {
    let indicator = indicator::Entity::find_by_id(input.indicator_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such indicator".into()))?;
    let declared = if input.breakdown.is_empty() {
        None
    } else {
        crate::repo::declarations::of(db, indicator.id).await?
    };
    let cell = Cell::of(&indicator.name, declared.as_ref(), &input.breakdown)
        .map_err(|message| {
            invalid(&[FieldError {
                field: "breakdown",
                message,
            }])
        })?
        .key();
    let department_id = workflow::acting_for(actor.role, actor.department_id, input.department_id)
        .map_err(AppError::Forbidden)?;
    if !crate::repo::values::reporters(db, &indicator)
        .await?
        .contains(&department_id)
    {
        return Err(AppError::Forbidden(
            "the department does not report this indicator".into(),
        ));
    }
    let years = reportable_years(db, indicator.id).await?;
    let errors = workflow::validate(
        input.value,
        indicator.unit.as_deref(),
        input.year,
        &years,
        input.note.as_deref(),
    );
    if !errors.is_empty() {
        return Err(invalid(&errors));
    }
    let previous = latest(db, indicator.id, input.year, &cell).await?;
    let current_version = previous.as_ref().map_or(0, |p| p.version);
    if let Some(expected) = input.expected_version {
        if expected != current_version {
            return Err(AppError::Conflict(format!(
                "expectedVersion {expected} is stale: the latest value for {} is version {current_version}",
                input.year
            )));
        }
    }
    if let Some(pending) = previous
        .as_ref()
        .filter(|p| p.status == ValueStatus::Submitted)
    {
        move_status(db, pending, ValueStatus::Superseded, None).await?;
        event(
            db,
            pending,
            ValueAction::Supersede,
            actor,
            Some((pending.value, pending.status)),
            ValueStatus::Superseded,
            Some("replaced by a newer submission".into()),
        )
        .await?;
    }
    let fresh = cell.is_empty();
    let inserted =
        insert_submission(db, actor, input, (department_id, cell), current_version + 1).await?;
    if fresh {
        super::unavailable::withdraw(db, department_id, input.indicator_id, input.year).await?;
    }
    event(
        db,
        &inserted,
        ValueAction::Submit,
        actor,
        previous.as_ref().map(|p| (p.value, p.status)),
        ValueStatus::Submitted,
        input.note.clone(),
    )
    .await?;
    Ok(inserted)
}

/// Approves or rejects a submitted value. Approval publishes it and supersedes the value
/// published before for that year. Returns the value after, with what the audit log keeps
/// of it before and after.
pub async fn review(
    db: &impl ConnectionTrait,
    actor: &Actor,
    value_id: i32,
    decision: Decision,
    comment: Option<String>,
) -> Result<Done<indicator_value::Model>, AppError> {
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > workflow::MAX_COMMENT_CHARS)
    {
        return Err(invalid(&[FieldError {
            field: "comment",
            message: format!(
                "the comment has more than {} characters",
                workflow::MAX_COMMENT_CHARS
            ),
        }]));
    }
    let value = indicator_value::Entity::find_by_id(value_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such value".into()))?;
    if value.submitted_by == Some(actor.user_id) {
        return Err(AppError::Forbidden(
            "a reviewer cannot review their own submission".into(),
        ));
    }
    let to = workflow::review(value.status, decision).map_err(AppError::Conflict)?;
    if decision == Decision::Approve {
        let newest = latest(db, value.indicator_id, value.year, &value.breakdown).await?;
        if newest.as_ref().is_some_and(|n| n.id != value.id) {
            return Err(AppError::Conflict(
                "a newer value for this year exists; review that one".into(),
            ));
        }
        super::value_checks::warned_needs_comment(db, &value, comment.as_deref()).await?;
    }
    move_status(db, &value, to, Some((actor, comment.as_deref()))).await?;
    if to == ValueStatus::Published {
        // The document's own figures stay: they are what it said; the newest version wins.
        let published_before = indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorId.eq(value.indicator_id))
            .filter(indicator_value::Column::Year.eq(value.year))
            .filter(indicator_value::Column::Breakdown.eq(&value.breakdown))
            .filter(indicator_value::Column::Status.eq(ValueStatus::Published))
            .filter(indicator_value::Column::Origin.ne(ValueOrigin::Document))
            .filter(indicator_value::Column::Id.ne(value.id))
            .all(db)
            .await?;
        for old in published_before {
            move_status(db, &old, ValueStatus::Superseded, None).await?;
            event(
                db,
                &old,
                ValueAction::Supersede,
                actor,
                Some((old.value, old.status)),
                ValueStatus::Superseded,
                Some("replaced by a newer approved value".into()),
            )
            .await?;
        }
    }
    if to == ValueStatus::Published {
        super::statuses::restate(
            db,
            super::statuses::Which::OfIndicators(&[value.indicator_id]),
        )
        .await?;
    }
    let action = if to == ValueStatus::Published {
        ValueAction::Approve
    } else {
        ValueAction::Reject
    };
    event(
        db,
        &value,
        action,
        actor,
        Some((value.value, value.status)),
        to,
        comment,
    )
    .await?;
    let after = indicator_value::Entity::find_by_id(value.id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the reviewed value vanished"))?;
    Ok(Done::new(after.clone())
        .before(snapshot(&value))
        .after(snapshot(&after)))
}

/// Whether the actor may read a value's full history: reviewers, admins, evaluators and the
/// submitting department.
pub fn may_read(actor: &Actor, value: &indicator_value::Model) -> bool {
    matches!(
        actor.role,
        UserRole::Reviewer | UserRole::Admin | UserRole::Evaluator
    ) || (actor.department_id.is_some() && actor.department_id == value.department_id)
}
