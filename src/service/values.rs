//! The yearly reporting workflow: submit, review, history, and who still owes what.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use entity::{
    goal_department, indicator, indicator_assignment, indicator_value, plan, target, value_event,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    SqlErr,
};

use crate::auth::{Actor, UserRole};
use crate::domain::{Role, ValueStatus};
use crate::error::AppError;
use crate::rules::workflow::{self, Decision, FieldError, Years};

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
}

/// Departments that may report an indicator: those leading or responsible for the goal of any
/// of its targets, and those an admin assigned.
pub async fn reporters(
    db: &impl ConnectionTrait,
    indicator: &indicator::Model,
) -> Result<Vec<i32>, AppError> {
    Ok(reporters_of_many(db, &[indicator.id])
        .await?
        .remove(&indicator.id)
        .unwrap_or_default())
}

/// The reporters of many indicators in one statement: the lead and responsible departments of
/// its targets' goals in document and tag order, then admin assignments in the order made.
pub async fn reporters_of_many(
    db: &impl ConnectionTrait,
    indicator_ids: &[i32],
) -> Result<HashMap<i32, Vec<i32>>, AppError> {
    let mut out: HashMap<i32, Vec<i32>> =
        indicator_ids.iter().map(|id| (*id, Vec::new())).collect();
    if indicator_ids.is_empty() {
        return Ok(out);
    }
    // The ids are integers from the store, so inlining them is safe.
    let ids = indicator_ids
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "SELECT t.indicator_id, gd.department_id, 0 AS source, t.line_start * 1000 + gd.ordinal AS position \
         FROM target t JOIN goal_department gd ON gd.goal_id = t.goal_id \
         WHERE t.indicator_id IN ({ids}) AND gd.role IN ('{lead}', '{responsible}') \
         UNION ALL \
         SELECT a.indicator_id, a.department_id, 1, a.id FROM indicator_assignment a WHERE a.indicator_id IN ({ids}) \
         ORDER BY 1, 3, 4",
        lead = Role::Lead.as_str(),
        responsible = Role::Responsible.as_str(),
    );
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await?;
    for row in rows {
        let indicator: i32 = row.try_get_by_index(0)?;
        let department: i32 = row.try_get_by_index(1)?;
        let list = out.entry(indicator).or_default();
        if !list.contains(&department) {
            list.push(department);
        }
    }
    Ok(out)
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
    action: &str,
    actor: &Actor,
    old: Option<(f64, &str)>,
    new_status: ValueStatus,
    comment: Option<String>,
) -> Result<(), AppError> {
    value_event::ActiveModel {
        value_id: Set(value.id),
        indicator_id: Set(value.indicator_id),
        year: Set(value.year),
        action: Set(action.to_string()),
        actor_id: Set(Some(actor.user_id)),
        actor_name: Set(actor.username.clone()),
        at: Set(Utc::now()),
        old_value: Set(old.map(|(v, _)| v)),
        new_value: Set(Some(value.value)),
        old_status: Set(old.map(|(_, s)| s.to_string())),
        new_status: Set(new_status.as_str().to_string()),
        comment: Set(comment),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The latest value (highest version) of an indicator for a year.
async fn latest(
    db: &impl ConnectionTrait,
    indicator_id: i32,
    year: i32,
) -> Result<Option<indicator_value::Model>, AppError> {
    Ok(indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.eq(indicator_id))
        .filter(indicator_value::Column::Year.eq(year))
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
        .filter(indicator_value::Column::Status.eq(value.status.as_str()));
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

/// Submits one value for the actor's department. The value is not public until approved.
pub async fn submit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: &Submission,
) -> Result<indicator_value::Model, AppError> {
    actor.require(&[UserRole::Submitter])?;
    let indicator = indicator::Entity::find_by_id(input.indicator_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such indicator".into()))?;
    let department_id = actor
        .department_id
        .ok_or_else(|| AppError::Forbidden("the account has no department".into()))?;
    if !reporters(db, &indicator).await?.contains(&department_id) {
        return Err(AppError::Forbidden(
            "your department does not report this indicator".into(),
        ));
    }
    // The years a value may be for: the periods of the plans that set targets for it, and the
    // years before them (baselines), of its targets and of the document's figures.
    let targets = target::Entity::find()
        .filter(target::Column::IndicatorId.eq(indicator.id))
        .all(db)
        .await?;
    let plans = plan::Entity::find()
        .filter(plan::Column::Id.is_in(targets.iter().map(|t| t.plan_id)))
        .all(db)
        .await?;
    let first = plans.iter().map(|p| p.period_start).min();
    let last = plans.iter().map(|p| p.period_end).max();
    let (Some(first), Some(last)) = (first, last) else {
        return Err(AppError::Internal("indicator without a plan".into()));
    };
    let mut baselines: Vec<i32> = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.eq(indicator.id))
        .filter(indicator_value::Column::Origin.eq("document"))
        .all(db)
        .await?
        .into_iter()
        .map(|v| v.year)
        .collect();
    baselines.extend(targets.iter().filter_map(|t| t.baseline_year));
    baselines.extend(plans.iter().map(|p| p.period_start - 1));
    let years = Years {
        first,
        last,
        baselines,
    };
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
    let previous = latest(db, indicator.id, input.year).await?;
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
        .filter(|p| p.status == ValueStatus::Submitted.as_str())
    {
        move_status(db, pending, ValueStatus::Superseded, None).await?;
        event(
            db,
            pending,
            "supersede",
            actor,
            Some((pending.value, &pending.status)),
            ValueStatus::Superseded,
            Some("replaced by a newer submission".into()),
        )
        .await?;
    }
    let now = Utc::now();
    let inserted = indicator_value::ActiveModel {
        key: Set(None),
        indicator_id: Set(indicator.id),
        year: Set(input.year),
        value: Set(input.value),
        status: Set(ValueStatus::Submitted.as_str().to_string()),
        origin: Set("submission".to_string()),
        version: Set(current_version + 1),
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
    })?;
    event(
        db,
        &inserted,
        "submit",
        actor,
        previous.as_ref().map(|p| (p.value, p.status.as_str())),
        ValueStatus::Submitted,
        input.note.clone(),
    )
    .await?;
    Ok(inserted)
}

/// Approves or rejects a submitted value. Approval publishes it and supersedes the value
/// published before for that year. Returns the value before and after.
pub async fn review(
    db: &impl ConnectionTrait,
    actor: &Actor,
    value_id: i32,
    decision: Decision,
    comment: Option<String>,
) -> Result<(indicator_value::Model, indicator_value::Model), AppError> {
    actor.require(&[UserRole::Reviewer])?;
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
    let status = ValueStatus::parse(&value.status)
        .ok_or_else(|| AppError::Internal("unknown value status".into()))?;
    let to = workflow::review(status, decision).map_err(AppError::Conflict)?;
    if decision == Decision::Approve {
        let newest = latest(db, value.indicator_id, value.year).await?;
        if newest.as_ref().is_some_and(|n| n.id != value.id) {
            return Err(AppError::Conflict(
                "a newer value for this year exists; review that one".into(),
            ));
        }
    }
    move_status(db, &value, to, Some((actor, comment.as_deref()))).await?;
    if to == ValueStatus::Published {
        // The document's own figures stay: they are what it said; the newest version wins.
        let published_before = indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorId.eq(value.indicator_id))
            .filter(indicator_value::Column::Year.eq(value.year))
            .filter(indicator_value::Column::Status.eq(ValueStatus::Published.as_str()))
            .filter(indicator_value::Column::Origin.ne("document"))
            .filter(indicator_value::Column::Id.ne(value.id))
            .all(db)
            .await?;
        for old in published_before {
            move_status(db, &old, ValueStatus::Superseded, None).await?;
            event(
                db,
                &old,
                "supersede",
                actor,
                Some((old.value, &old.status)),
                ValueStatus::Superseded,
                Some("replaced by a newer approved value".into()),
            )
            .await?;
        }
    }
    let action = if to == ValueStatus::Published {
        "approve"
    } else {
        "reject"
    };
    event(
        db,
        &value,
        action,
        actor,
        Some((value.value, &value.status)),
        to,
        comment,
    )
    .await?;
    let after = indicator_value::Entity::find_by_id(value.id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal("the reviewed value vanished".into()))?;
    Ok((value, after))
}

/// Whether the actor may read a value's full history: reviewers, admins and the submitting
/// department.
pub fn may_read(actor: &Actor, value: &indicator_value::Model) -> bool {
    matches!(actor.role, UserRole::Reviewer | UserRole::Admin)
        || (actor.department_id.is_some() && actor.department_id == value.department_id)
}

/// A department's reporting for a year: which indicators it owes, and how far each got.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DepartmentReport {
    pub department_id: i32,
    /// Indicators with no submission from the department for the year.
    pub owed: Vec<i32>,
    pub submitted: Vec<i32>,
    pub approved: Vec<i32>,
    pub rejected: Vec<i32>,
}

/// Per department, the indicators it reports and the state of its latest value for `year`.
pub async fn reporting_status(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Vec<DepartmentReport>, AppError> {
    let indicators = indicator::Entity::find()
        .order_by_asc(indicator::Column::Id)
        .all(db)
        .await?;
    let targets = target::Entity::find().all(db).await?;
    let links = goal_department::Entity::find()
        .filter(
            goal_department::Column::Role.is_in([Role::Lead.as_str(), Role::Responsible.as_str()]),
        )
        .all(db)
        .await?;
    let assignments = indicator_assignment::Entity::find().all(db).await?;
    let values = indicator_value::Entity::find()
        .filter(indicator_value::Column::Year.eq(year))
        .filter(indicator_value::Column::Origin.eq("submission"))
        .order_by_asc(indicator_value::Column::Version)
        .all(db)
        .await?;
    let mut departments_of_goal: HashMap<i32, Vec<i32>> = HashMap::new();
    for l in links {
        departments_of_goal
            .entry(l.goal_id)
            .or_default()
            .push(l.department_id);
    }
    let mut latest: HashMap<(i32, i32), String> = HashMap::new();
    for v in values {
        if let Some(d) = v.department_id {
            latest.insert((d, v.indicator_id), v.status);
        }
    }
    let mut reports: BTreeMap<i32, DepartmentReport> = BTreeMap::new();
    let owe =
        |department_id: i32, indicator_id: i32, reports: &mut BTreeMap<i32, DepartmentReport>| {
            let r = reports
                .entry(department_id)
                .or_insert_with(|| DepartmentReport {
                    department_id,
                    ..Default::default()
                });
            let list = match latest
                .get(&(department_id, indicator_id))
                .map(String::as_str)
            {
                Some("submitted") => &mut r.submitted,
                Some("published") => &mut r.approved,
                Some("rejected") => &mut r.rejected,
                _ => &mut r.owed,
            };
            if !list.contains(&indicator_id) {
                list.push(indicator_id);
            }
        };
    for i in &indicators {
        let mut departments: Vec<i32> = targets
            .iter()
            .filter(|t| t.indicator_id == i.id)
            .filter_map(|t| t.goal_id.and_then(|g| departments_of_goal.get(&g)))
            .flatten()
            .copied()
            .collect();
        departments.extend(
            assignments
                .iter()
                .filter(|a| a.indicator_id == i.id)
                .map(|a| a.department_id),
        );
        departments.sort_unstable();
        departments.dedup();
        for d in departments {
            owe(d, i.id, &mut reports);
        }
    }
    Ok(reports.into_values().collect())
}
