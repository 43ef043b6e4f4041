//! Departments' self-assessments (自我评估): a lead department's own class of a target for an
//! evaluation round, submitted by its submitter and approved or rejected by a reviewer, as a
//! value is. One per target, department and round; a resubmission replaces what was not yet
//! approved, and an approved one stands.

use chrono::Utc;
use entity::{goal_department, plan, self_assessment, target};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TryIntoModel,
};

use super::Done;
use crate::auth::Actor;
use crate::domain::Role;
use crate::error::AppError;
use crate::rules::evaluation::{Class, Kind};
use crate::rules::self_assessment as rule;

pub use crate::rules::self_assessment::{APPROVED, REJECTED, SUBMITTED};

/// What a department says of one target for one round.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub target_id: i32,
    pub kind: Kind,
    pub through_year: i32,
    pub class: Class,
    pub done: String,
    pub held_back: String,
}

/// A reviewer's decision on one.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub id: i32,
    pub approve: bool,
    pub comment: Option<String>,
}

/// The department of `actor`, once it leads the goal of `target_id`'s target; the target.
async fn lead(
    db: &impl ConnectionTrait,
    actor: &Actor,
    target_id: i32,
) -> Result<(i32, target::Model), AppError> {
    let target = target::Entity::find_by_id(target_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no target with this ID".into()))?;
    let department = actor.department_id.ok_or_else(|| {
        AppError::Forbidden("a self-assessment is a department's: this account has none".into())
    })?;
    let leads = match target.goal_id {
        Some(goal) => goal_department::Entity::find()
            .filter(goal_department::Column::GoalId.eq(goal))
            .filter(goal_department::Column::DepartmentId.eq(department))
            .filter(goal_department::Column::Role.eq(Role::Lead))
            .one(db)
            .await?
            .is_some(),
        None => false,
    };
    if !leads {
        return Err(AppError::Forbidden(
            "the department does not lead this target's goal (牵头单位)".into(),
        ));
    }
    Ok((department, target))
}

/// The round's year suits its kind and the target's plan: a year of the period, or its last
/// year for a final evaluation.
async fn check_year(
    db: &impl ConnectionTrait,
    target: &target::Model,
    kind: Kind,
    year: i32,
) -> Result<(), AppError> {
    let plan = plan::Entity::find_by_id(target.plan_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("the target's plan is gone".into()))?;
    let fits = match kind {
        Kind::Final => year == plan.period_end,
        Kind::Annual | Kind::Midterm => (plan.period_start..=plan.period_end).contains(&year),
    };
    if fits {
        Ok(())
    } else {
        Err(AppError::BadUserInput(format!(
            "throughYear {year} does not suit a {} evaluation of a plan for {}–{}",
            kind.as_str(),
            plan.period_start,
            plan.period_end
        )))
    }
}

/// Submits (or resubmits) a lead department's self-assessment.
pub async fn submit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    s: &Submission,
) -> Result<Done<self_assessment::Model>, AppError> {
    rule::check(s.kind, s.class, &s.done, &s.held_back).map_err(AppError::BadUserInput)?;
    let (department, target) = lead(db, actor, s.target_id).await?;
    check_year(db, &target, s.kind, s.through_year).await?;
    let existing = self_assessment::Entity::find()
        .filter(self_assessment::Column::Kind.eq(s.kind.as_str()))
        .filter(self_assessment::Column::ThroughYear.eq(s.through_year))
        .filter(self_assessment::Column::TargetId.eq(s.target_id))
        .filter(self_assessment::Column::DepartmentId.eq(department))
        .one(db)
        .await?;
    let mut row = match &existing {
        Some(e) if e.status == APPROVED => {
            return Err(AppError::Conflict(
                "this self-assessment was approved and stands for the round".into(),
            ))
        }
        Some(e) => {
            let mut row: self_assessment::ActiveModel = e.clone().into();
            row.version = Set(e.version + 1);
            row.reviewed_by = Set(None);
            row.reviewed_at = Set(None);
            row.review_comment = Set(None);
            row
        }
        None => self_assessment::ActiveModel {
            target_id: Set(s.target_id),
            department_id: Set(department),
            kind: Set(s.kind.as_str().to_string()),
            through_year: Set(s.through_year),
            version: Set(1),
            ..Default::default()
        },
    };
    row.class = Set(s.class.as_str().to_string());
    row.done = Set(s.done.trim().to_string());
    row.held_back = Set(s.held_back.trim().to_string());
    row.status = Set(SUBMITTED.to_string());
    row.submitted_by = Set(Some(actor.user_id));
    row.submitted_at = Set(Utc::now());
    let saved = row.save(db).await?.try_into_model()?;
    let after = serde_json::json!({
        "id": saved.id, "class": saved.class, "version": saved.version, "status": saved.status,
    });
    let before = existing.map(|e| serde_json::json!({ "class": e.class, "status": e.status }));
    let done = Done::new(saved).after(after);
    Ok(match before {
        Some(b) => done.before(b),
        None => done,
    })
}

/// Approves or rejects a submitted self-assessment (a rejection says why).
pub async fn review(
    db: &impl ConnectionTrait,
    actor: &Actor,
    r: &Review,
) -> Result<Done<self_assessment::Model>, AppError> {
    let found = self_assessment::Entity::find_by_id(r.id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no self-assessment with this ID".into()))?;
    if found.status != SUBMITTED {
        return Err(AppError::Conflict(format!(
            "only a submitted self-assessment is reviewed; this one is {}",
            found.status
        )));
    }
    let comment = r
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if !r.approve && comment.is_none() {
        return Err(AppError::BadUserInput(
            "a rejection says why: give a comment".into(),
        ));
    }
    let mut row: self_assessment::ActiveModel = found.clone().into();
    row.status = Set(if r.approve { APPROVED } else { REJECTED }.to_string());
    row.reviewed_by = Set(Some(actor.user_id));
    row.reviewed_at = Set(Some(Utc::now()));
    row.review_comment = Set(comment.map(str::to_string));
    let saved = row.update(db).await?;
    let after = serde_json::json!({ "id": saved.id, "status": saved.status });
    Ok(Done::new(saved)
        .before(serde_json::json!({ "status": found.status }))
        .after(after))
}
