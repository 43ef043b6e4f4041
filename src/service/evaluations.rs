//! Freezing an evaluation (年度监测、中期评估、终期评估): every target of a plan, or of all
//! plans, classed by `rules::evaluation` from the public values up to the evaluation's year,
//! stored with what each class was computed from, in one transaction. Freezing the same
//! inputs again, with nothing public changed that it depends on, returns the evaluation it
//! made (its SHA-256 names what it says); otherwise a new evaluation names the one it revises.
//! It holds no personal data: no submitter or reviewer.

use entity::{evaluation, evaluation_item};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use sha2::{Digest, Sha256};

use super::Done;
use crate::auth::Actor;
use crate::error::AppError;
use crate::repo::evaluations::{self as repo, Scoped};
use crate::rules::evaluation::{classify, Kind, RULES_VERSION};
use crate::rules::progress::Language;

/// What to freeze.
#[derive(Debug, Clone, PartialEq)]
pub struct Freeze {
    pub kind: Kind,
    /// A plan's code, or none for all plans.
    pub plan_code: Option<String>,
    pub through_year: i32,
    /// The instant whose public data to class and the publication it resolved to, with that
    /// publication's copy of the store (none: the data now).
    pub as_of: Option<AsOf>,
}

/// An evaluation's instant: the public data of publication `seq`, read from its copy.
#[derive(Clone)]
pub struct AsOf {
    pub instant: chrono::DateTime<chrono::Utc>,
    pub seq: i64,
    pub copy: std::sync::Arc<crate::db::snapshot::Snapshot>,
}

impl std::fmt::Debug for AsOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AsOf({}, seq {})", self.instant, self.seq)
    }
}

impl PartialEq for AsOf {
    fn eq(&self, other: &AsOf) -> bool {
        (self.instant, self.seq) == (other.instant, other.seq)
    }
}

/// Items per INSERT: 22 columns each, within every store's limit on bound parameters.
const CHUNK: usize = 1_000;

/// Freezes the evaluation (or finds the one these inputs made) in the caller's transaction.
pub async fn freeze(
    db: &impl ConnectionTrait,
    _actor: &Actor,
    input: &Freeze,
) -> Result<Done<evaluation::Model>, AppError> {
    let scoped = match &input.as_of {
        Some(as_of) => {
            let copy = &as_of.copy.db;
            let plan_id = check(copy, input).await?;
            repo::scope(copy, plan_id, input.through_year).await?
        }
        None => {
            let plan_id = check(db, input).await?;
            repo::scope(db, plan_id, input.through_year).await?
        }
    };
    let items: Vec<evaluation_item::Model> = (0i32..)
        .zip(&scoped)
        .map(|(ordinal, s)| item(input.kind, ordinal, s))
        .collect();
    let sha256 = digest(input, &items);
    if let Some(existing) = repo::by_sha256(db, &sha256).await? {
        let after = serde_json::json!({ "id": existing.id, "sha256": sha256, "new": false });
        return Ok(Done::new(existing).after(after));
    }
    let kind = input.kind.as_str();
    let code = input.plan_code.as_deref();
    let revises = repo::latest_of(db, kind, code, input.through_year).await?;
    // The publication whose data it read: the one asked for, or the last one committed.
    let seq = match &input.as_of {
        Some(as_of) => Some(as_of.seq),
        None => crate::repo::publications::latest(db).await?.map(|p| p.seq),
    };
    let made = evaluation::ActiveModel {
        kind: Set(kind.to_string()),
        plan_code: Set(input.plan_code.clone()),
        through_year: Set(input.through_year),
        rules_version: Set(RULES_VERSION.to_string()),
        data_version: Set(crate::repo::data_version(db).await?.version),
        frozen_at: Set(chrono::Utc::now()),
        sha256: Set(sha256.clone()),
        revises_id: Set(revises.map(|r| r.id)),
        item_count: Set(i32::try_from(items.len()).unwrap_or(i32::MAX)),
        as_of: Set(input.as_of.as_ref().map(|a| a.instant)),
        publication_seq: Set(seq),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for chunk in items.chunks(CHUNK) {
        let rows = chunk.iter().map(|i| active(made.id, i));
        evaluation_item::Entity::insert_many(rows).exec(db).await?;
    }
    let after = serde_json::json!({
        "id": made.id, "sha256": sha256, "new": true, "revises": made.revises_id,
        "items": made.item_count,
    });
    Ok(Done::new(made).after(after))
}

/// The plan's id (none for all plans), once the year suits the kind and the plans' period:
/// an annual or mid-term evaluation is of a year in the period, a final one of its last year.
async fn check(db: &impl ConnectionTrait, input: &Freeze) -> Result<Option<i32>, AppError> {
    let (plan_id, start, end) = match &input.plan_code {
        Some(code) => {
            let plan = repo::plan(db, code)
                .await?
                .ok_or_else(|| AppError::BadUserInput(format!("no plan with code {code:?}")))?;
            (Some(plan.id), plan.period_start, plan.period_end)
        }
        None => {
            let plans = crate::repo::rows::all(db, entity::plan::Entity::find()).await?;
            let start = plans.iter().map(|p| p.period_start).min().unwrap_or(0);
            let end = plans.iter().map(|p| p.period_end).max().unwrap_or(0);
            (None, start, end)
        }
    };
    let year = input.through_year;
    let fits = match input.kind {
        Kind::Final => year == end,
        Kind::Annual | Kind::Midterm => (start..=end).contains(&year),
    };
    if !fits {
        let expected = match input.kind {
            Kind::Final => format!("{end}, the last year of the period"),
            _ => format!("a year of the period {start}–{end}"),
        };
        return Err(AppError::BadUserInput(format!(
            "throughYear {year} does not suit a {} evaluation: expected {expected}",
            input.kind.as_str()
        )));
    }
    Ok(plan_id)
}

/// A target as the evaluation keeps it.
fn item(kind: Kind, ordinal: i32, s: &Scoped) -> evaluation_item::Model {
    let (t, a) = (&s.target, &s.assessment);
    let class = classify(kind, a);
    evaluation_item::Model {
        id: 0,
        evaluation_id: 0,
        ordinal,
        target_id: t.id,
        target_key: t.key.clone(),
        plan_code: s.plan_code.clone(),
        domain: s.domain.clone(),
        nature: t.nature.as_str().to_string(),
        departments: serde_json::to_string(&s.departments).unwrap_or_default(),
        indicator: t.name.clone(),
        unit: t.unit.clone(),
        class: class.as_str().to_string(),
        value: a.latest.map(|p| p.1),
        value_year: a.latest.map(|p| p.0),
        target_value: a.target_level,
        comparator: a.comparator.map(|c| c.as_str().to_string()),
        target_year: a.target_year,
        binding: a.binding,
        progress: a.progress,
        expected: a.expected,
        reason_zh: format!("{}：{}", class.chinese(kind), a.reason(Language::Chinese)),
        reason_en: format!("{}: {}", class.english(), a.reason(Language::English)),
    }
}

fn active(evaluation_id: i32, i: &evaluation_item::Model) -> evaluation_item::ActiveModel {
    evaluation_item::ActiveModel {
        evaluation_id: Set(evaluation_id),
        ordinal: Set(i.ordinal),
        target_id: Set(i.target_id),
        target_key: Set(i.target_key.clone()),
        plan_code: Set(i.plan_code.clone()),
        domain: Set(i.domain.clone()),
        nature: Set(i.nature.clone()),
        departments: Set(i.departments.clone()),
        indicator: Set(i.indicator.clone()),
        unit: Set(i.unit.clone()),
        class: Set(i.class.clone()),
        value: Set(i.value),
        value_year: Set(i.value_year),
        target_value: Set(i.target_value),
        comparator: Set(i.comparator.clone()),
        target_year: Set(i.target_year),
        binding: Set(i.binding),
        progress: Set(i.progress),
        expected: Set(i.expected),
        reason_zh: Set(i.reason_zh.clone()),
        reason_en: Set(i.reason_en.clone()),
        ..Default::default()
    }
}

/// SHA-256 (hex) of what the evaluation says: its kind, scope, year and rules, and each item
/// as JSON in order (the items' own row ids aside).
fn digest(input: &Freeze, items: &[evaluation_item::Model]) -> String {
    let mut hash = Sha256::new();
    let head = serde_json::json!({
        "kind": input.kind.as_str(), "plan": input.plan_code,
        "throughYear": input.through_year, "rules": RULES_VERSION,
    });
    hash.update(head.to_string().as_bytes());
    for i in items {
        let line = serde_json::json!({
            "ordinal": i.ordinal, "target": i.target_key, "plan": i.plan_code,
            "domain": i.domain, "nature": i.nature, "departments": i.departments,
            "indicator": i.indicator, "unit": i.unit, "class": i.class, "value": i.value,
            "year": i.value_year, "targetValue": i.target_value, "comparator": i.comparator,
            "targetYear": i.target_year, "binding": i.binding, "progress": i.progress,
            "expected": i.expected, "reason": i.reason_zh, "reasonEn": i.reason_en,
        });
        hash.update(b"\n");
        hash.update(line.to_string().as_bytes());
    }
    format!("{:x}", hash.finalize())
}
