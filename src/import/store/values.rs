//! The document's dated figures, and the numbering of every value of an indicator and year.

use chrono::{DateTime, Utc};
use entity::{indicator_value, value_event};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait};

use super::upsert::{upsert_keyed, Ids};
use super::{to_i32, Report};
use crate::domain::{ValueAction, ValueOrigin, ValueStatus};
use crate::import::dataset::Dataset;

/// Writes the document's figures (new ones with a placeholder version), then numbers every
/// value again ([`renumber`]).
pub(super) async fn write_values(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    indicator_ids: &Ids,
    existing: Vec<indicator_value::Model>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut models = Vec::new();
    for i in &data.indicators {
        let indicator_id = indicator_ids.of(&i.key)?;
        for v in &i.values {
            models.push(indicator_value::Model {
                id: 0,
                key: Some(value_key(&i.key, v)),
                indicator_id,
                year: v.year,
                value: v.value,
                status: ValueStatus::Published,
                origin: ValueOrigin::Document,
                version: 0,
                line_start: Some(to_i32(v.source.line_start)),
                line_end: Some(to_i32(v.source.line_end)),
                source_text: Some(v.source.text.clone()),
                created_at: now,
                department_id: None,
                note: None,
                submitted_by: None,
                reviewed_by: None,
                reviewed_at: None,
                review_comment: None,
                updated_at: None,
                year_inferred: v.year_inferred,
                raw: Some(v.raw.clone()),
                breakdown: String::new(),
            });
        }
    }
    for (n, m) in models.iter_mut().enumerate() {
        // Unique until renumbered: no real version is negative.
        m.version = -(10_000_000 + to_i32(n));
    }
    upsert_keyed(db, report, "indicator_value", existing, models).await?;
    renumber(db, report).await
}

/// A document figure's key: its indicator, year and line (one year may have figures on
/// several lines).
pub(super) fn value_key(indicator_key: &str, v: &crate::import::dataset::DocumentValue) -> String {
    format!("{indicator_key}@{}/L{}", v.year, v.source.line_start)
}

/// Numbers the values of each indicator and year: the document's figures first (by line),
/// then submissions as they came (by time, then id); of several published submissions only the
/// last stays published, the others are superseded (and the history says so). Only rows whose
/// number or status changes are written.
pub(super) async fn renumber(db: &impl ConnectionTrait, report: &mut Report) -> Result<(), DbErr> {
    use sea_orm::QueryOrder;
    let values = indicator_value::Entity::find()
        .order_by_asc(indicator_value::Column::IndicatorId)
        .order_by_asc(indicator_value::Column::Year)
        .all(db)
        .await?;
    let changes = renumbered(values);
    write_numbers(db, &changes).await?;
    record_renumbering(db, report, changes).await
}

/// A value whose number or status changes: (the value as stored, its number, its status).
type Renumbered = (indicator_value::Model, i32, ValueStatus);

/// The values (ordered by indicator and year) whose number or status changes.
fn renumbered(values: Vec<indicator_value::Model>) -> Vec<Renumbered> {
    let mut groups: Vec<Vec<indicator_value::Model>> = Vec::new();
    for v in values {
        match groups.last_mut() {
            Some(g) if g[0].indicator_id == v.indicator_id && g[0].year == v.year => g.push(v),
            _ => groups.push(vec![v]),
        }
    }
    let published = ValueStatus::Published;
    let document = ValueOrigin::Document;
    let mut changes = Vec::new();
    for mut group in groups {
        group.sort_by(|a, b| {
            let doc = |v: &indicator_value::Model| v.origin != document;
            (doc(a), a.line_start, a.created_at, a.id).cmp(&(
                doc(b),
                b.line_start,
                b.created_at,
                b.id,
            ))
        });
        let last_published_submission = group
            .iter()
            .rposition(|v| v.origin != document && v.status == published);
        for (n, v) in group.into_iter().enumerate() {
            let version = to_i32(n + 1);
            let status = if v.origin != document
                && v.status == published
                && Some(n) != last_published_submission
            {
                ValueStatus::Superseded
            } else {
                v.status
            };
            if version != v.version || status != v.status {
                changes.push((v, version, status));
            }
        }
    }
    changes
}

/// Writes the new numbers and statuses.
async fn write_numbers(db: &impl ConnectionTrait, changes: &[Renumbered]) -> Result<(), DbErr> {
    if changes.is_empty() {
        return Ok(());
    }
    // Two statements for all of them (not one per row): out of the way first (negative
    // numbers are free, and (indicator, year, version) is unique), then into place. Only
    // integers and the stored status words go into the text.
    let ids = changes
        .iter()
        .map(|(v, _, _)| v.id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    db.execute_unprepared(&format!(
        "UPDATE indicator_value SET version = -id - 20000000 WHERE id IN ({ids})"
    ))
    .await?;
    let versions: String = changes
        .iter()
        .map(|(v, version, _)| format!(" WHEN {} THEN {version}", v.id))
        .collect();
    let statuses: String = changes
        .iter()
        .map(|(v, _, status)| format!(" WHEN {} THEN '{}'", v.id, status.as_str()))
        .collect();
    db.execute_unprepared(&format!(
        "UPDATE indicator_value SET version = CASE id{versions} END, \
         status = CASE id{statuses} END WHERE id IN ({ids})"
    ))
    .await?;
    Ok(())
}

/// The history of the values superseded, and the report's lines for renumbered submissions.
async fn record_renumbering(
    db: &impl ConnectionTrait,
    report: &mut Report,
    changes: Vec<Renumbered>,
) -> Result<(), DbErr> {
    let document = ValueOrigin::Document;
    for (v, version, status) in changes {
        let superseded = status != v.status;
        if superseded {
            value_event::ActiveModel {
                value_id: sea_orm::Set(v.id),
                indicator_id: sea_orm::Set(v.indicator_id),
                year: sea_orm::Set(v.year),
                action: sea_orm::Set(ValueAction::Supersede),
                actor_id: sea_orm::Set(None),
                actor_name: sea_orm::Set("plangraph import".into()),
                at: sea_orm::Set(Utc::now()),
                old_value: sea_orm::Set(Some(v.value)),
                new_value: sea_orm::Set(Some(v.value)),
                old_status: sea_orm::Set(Some(v.status)),
                new_status: sea_orm::Set(status),
                comment: sea_orm::Set(Some(
                    "another copy of the same measure published a later value for this year".into(),
                )),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        if v.origin != document {
            report
                .table("indicator_value")
                .updated
                .push(format!("value {} → version {version}", v.id));
        }
    }
    Ok(())
}
