//! Frozen evaluations as the API reads them, and what freezing one reads: the targets of its
//! scope with their plan, domain, lead departments and assessment.

use std::collections::HashMap;

use entity::{department, domain, evaluation, evaluation_item, goal_department, plan, target};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::page::{self, Keyset, Page, PageArgs, SortKey};
use super::rows;
use crate::domain::Role;
use crate::error::AppError;
use crate::rules::progress::Assessment;

/// Which evaluations to list.
#[derive(Debug, Clone, Default)]
pub struct EvaluationFilter {
    /// Of this plan only (`Some(None)`: those of all plans).
    pub plan_code: Option<Option<String>>,
    pub kind: Option<String>,
    pub through_year: Option<i32>,
}

/// One page of evaluations, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &EvaluationFilter,
    args: &PageArgs,
) -> Result<Page<evaluation::Model>, AppError> {
    let mut q = evaluation::Entity::find();
    match &filter.plan_code {
        Some(Some(code)) => q = q.filter(evaluation::Column::PlanCode.eq(code.as_str())),
        Some(None) => q = q.filter(evaluation::Column::PlanCode.is_null()),
        None => {}
    }
    if let Some(kind) = &filter.kind {
        q = q.filter(evaluation::Column::Kind.eq(kind.as_str()));
    }
    if let Some(year) = filter.through_year {
        q = q.filter(evaluation::Column::ThroughYear.eq(year));
    }
    let keyset = super::values::newest_first(evaluation::Column::Id);
    page::page(db, q, &keyset, args, |m| SortKey::Ints(m.id, m.id), |m| m).await
}

/// An evaluation by id.
pub async fn by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<evaluation::Model>, AppError> {
    Ok(evaluation::Entity::find_by_id(id).one(db).await?)
}

/// An evaluation by what it says.
pub async fn by_sha256(
    db: &impl ConnectionTrait,
    sha256: &str,
) -> Result<Option<evaluation::Model>, AppError> {
    Ok(evaluation::Entity::find()
        .filter(evaluation::Column::Sha256.eq(sha256))
        .one(db)
        .await?)
}

/// The newest evaluation of a kind, scope and year: the one a new one revises.
pub async fn latest_of(
    db: &impl ConnectionTrait,
    kind: &str,
    plan_code: Option<&str>,
    through_year: i32,
) -> Result<Option<evaluation::Model>, AppError> {
    let mut q = evaluation::Entity::find()
        .filter(evaluation::Column::Kind.eq(kind))
        .filter(evaluation::Column::ThroughYear.eq(through_year));
    q = match plan_code {
        Some(code) => q.filter(evaluation::Column::PlanCode.eq(code)),
        None => q.filter(evaluation::Column::PlanCode.is_null()),
    };
    Ok(q.order_by_desc(evaluation::Column::Id).one(db).await?)
}

/// Which items of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub classes: Vec<String>,
    pub binding: Option<bool>,
}

/// One page of an evaluation's items, in document order.
pub async fn items(
    db: &impl ConnectionTrait,
    evaluation_id: i32,
    filter: &ItemFilter,
    args: &PageArgs,
) -> Result<Page<evaluation_item::Model>, AppError> {
    let mut q = evaluation_item::Entity::find()
        .filter(evaluation_item::Column::EvaluationId.eq(evaluation_id));
    if !filter.classes.is_empty() {
        q = q.filter(evaluation_item::Column::Class.is_in(filter.classes.iter().cloned()));
    }
    if let Some(binding) = filter.binding {
        q = q.filter(evaluation_item::Column::Binding.eq(binding));
    }
    let keyset = Keyset {
        first: Expr::col(evaluation_item::Column::Ordinal),
        second: Expr::col(evaluation_item::Column::Id),
        descending: false,
        text: false,
    };
    page::page(
        db,
        q,
        &keyset,
        args,
        |m| SortKey::Ints(m.ordinal, m.id),
        |m| m,
    )
    .await
}

/// Every item of an evaluation, in document order (for its summary and groups).
pub async fn all_items(
    db: &impl ConnectionTrait,
    evaluation_id: i32,
) -> Result<Vec<evaluation_item::Model>, AppError> {
    Ok(rows::all(
        db,
        evaluation_item::Entity::find()
            .filter(evaluation_item::Column::EvaluationId.eq(evaluation_id))
            .order_by_asc(evaluation_item::Column::Ordinal),
    )
    .await?)
}

/// A target of an evaluation's scope as freezing reads it.
pub struct Scoped {
    pub target: target::Model,
    pub assessment: Assessment,
    pub plan_code: String,
    pub domain: String,
    pub departments: Vec<String>,
}

/// The targets of a plan (or of all plans), in document order, assessed with the values up
/// to `through_year`.
pub async fn scope(
    db: &impl ConnectionTrait,
    plan_id: Option<i32>,
    through_year: i32,
) -> Result<Vec<Scoped>, AppError> {
    let mut q = target::Entity::find()
        .order_by_asc(target::Column::PlanId)
        .order_by_asc(target::Column::LineStart)
        .order_by_asc(target::Column::Ordinal);
    if let Some(id) = plan_id {
        q = q.filter(target::Column::PlanId.eq(id));
    }
    let targets = rows::all(db, q).await?;
    let assessed = super::targets::assess(db, targets, Some(through_year)).await?;
    let plans: HashMap<i32, String> = rows::all(db, plan::Entity::find())
        .await?
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect();
    let domains: HashMap<i32, String> = rows::all(db, domain::Entity::find())
        .await?
        .into_iter()
        .map(|d| (d.id, d.title))
        .collect();
    let leads = leads(db).await?;
    Ok(assessed
        .into_iter()
        .map(|(target, assessment)| Scoped {
            plan_code: plans.get(&target.plan_id).cloned().unwrap_or_default(),
            domain: target
                .domain_id
                .and_then(|d| domains.get(&d).cloned())
                .unwrap_or_default(),
            departments: target
                .goal_id
                .and_then(|g| leads.get(&g).cloned())
                .unwrap_or_default(),
            target,
            assessment,
        })
        .collect())
}

/// The lead departments of every goal, by name, in the goal's order.
async fn leads(db: &impl ConnectionTrait) -> Result<HashMap<i32, Vec<String>>, AppError> {
    let names: HashMap<i32, String> = rows::all(db, department::Entity::find())
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let links = rows::all(
        db,
        goal_department::Entity::find()
            .filter(goal_department::Column::Role.eq(Role::Lead))
            .order_by_asc(goal_department::Column::Ordinal),
    )
    .await?;
    let mut out: HashMap<i32, Vec<String>> = HashMap::new();
    for l in links {
        if let Some(name) = names.get(&l.department_id) {
            let list = out.entry(l.goal_id).or_default();
            if !list.contains(name) {
                list.push(name.clone());
            }
        }
    }
    Ok(out)
}

/// A plan by code: its id and period.
pub async fn plan(db: &impl ConnectionTrait, code: &str) -> Result<Option<plan::Model>, AppError> {
    Ok(plan::Entity::find()
        .filter(plan::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// The newest evaluation that revises this one, if any.
pub async fn revised_by(db: &impl ConnectionTrait, id: i32) -> Result<Option<i32>, AppError> {
    Ok(evaluation::Entity::find()
        .filter(evaluation::Column::RevisesId.eq(id))
        .order_by_desc(evaluation::Column::Id)
        .one(db)
        .await?
        .map(|e| e.id))
}

/// The newest evaluations, newest first (at most `limit`; for the feed).
pub async fn newest(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<evaluation::Model>, AppError> {
    use sea_orm::QuerySelect;
    Ok(rows::all(
        db,
        evaluation::Entity::find()
            .order_by_desc(evaluation::Column::Id)
            .limit(limit),
    )
    .await?)
}

/// Every evaluation, oldest first (for the catalog).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<evaluation::Model>, AppError> {
    Ok(rows::all(
        db,
        evaluation::Entity::find().order_by_asc(evaluation::Column::Id),
    )
    .await?)
}
