//! Indicators (the series) and the targets set on them. An indicator whose key is new is
//! matched through its targets (see the parent module's notes).

use std::collections::{HashMap, HashSet};

use entity::{indicator, monitored, target};
use sea_orm::{ConnectionTrait, DbErr};

use super::existing::Wanted;
use super::structure::OutlineIds;
use super::upsert::{delete_stale, upsert, upsert_keyed, Ids, Keyed, Stale};
use super::{provenance, to_i32, Report};
use crate::domain::TargetStatus;
use crate::import::dataset::Dataset;

/// Writes the indicators, merges those matched through their targets, writes the targets,
/// then deletes the indicators merged away or no longer named. Returns the indicators' ids.
pub(super) async fn write_series(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    outline: &OutlineIds,
    wanted: &Wanted,
    mut indicators_now: Vec<indicator::Model>,
    targets_now: Vec<target::Model>,
) -> Result<Ids, DbErr> {
    let merges = match_through_targets(data, &mut indicators_now, &targets_now);
    let ids = write_indicators(db, report, data, indicators_now.clone()).await?;
    for (from, into) in &merges {
        merge_indicator(db, from.clone(), into.clone()).await?;
        report
            .table("indicator")
            .deleted
            .push(format!("{} (merged into {})", from.1, into.1));
    }
    write_targets(db, report, data, outline, &ids, targets_now).await?;
    // Only now that every target points at its indicator of the new document can the
    // indicators merged away, or no longer named, go; the merged ones are reported above.
    let merged: HashSet<&String> = merges.iter().map(|(from, _)| &from.1).collect();
    let (gone, stale): (Vec<_>, Vec<_>) = indicators_now
        .iter()
        .map(|m| (m.key(), m.id))
        .partition(|(key, _)| merged.contains(key));
    let indicators = |existing| Stale {
        table: "indicator",
        existing,
        wanted: &wanted.indicators,
    };
    delete_stale(db, &mut Report::default(), vec![indicators(gone)]).await?;
    delete_stale(db, report, vec![indicators(stale)]).await?;
    Ok(ids)
}

async fn write_indicators(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    existing: Vec<indicator::Model>,
) -> Result<Ids, DbErr> {
    // Placed by its first target, or by the row that monitors it if it has none.
    let monitored = data.plans.iter().flat_map(|p| p.monitored.iter());
    let first_line: HashMap<usize, usize> = monitored
        .map(|m| (m.indicator, m.source.line_start))
        .chain(
            data.plans
                .iter()
                .flat_map(|p| p.targets.iter())
                .rev()
                .map(|t| (t.indicator, t.source.line_start)),
        )
        .collect();
    let models = data
        .indicators
        .iter()
        .enumerate()
        .map(|(n, i)| indicator::Model {
            id: 0,
            key: i.key.clone(),
            name: i.name.clone(),
            unit: i.unit.clone(),
            direction: i.direction,
            direction_inferred: i.direction_inferred,
            ordinal: to_i32(n + 1),
            line_start: to_i32(first_line.get(&n).copied().unwrap_or(0)),
        })
        .collect();
    let ids = upsert(db, report, "indicator", existing, models).await?;
    Ok(Ids::new("indicator", ids))
}

async fn write_targets(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    outline: &OutlineIds,
    indicator_ids: &Ids,
    existing: Vec<target::Model>,
) -> Result<(), DbErr> {
    let mut models = Vec::new();
    for p in &data.plans {
        let plan_id = outline.plans.of(&p.code)?;
        for (n, t) in p.targets.iter().enumerate() {
            let (line_start, line_end, source_text) = provenance(&t.source);
            let inferred: Vec<&str> = [
                ("comparator", t.inferred.comparator),
                ("direction", t.inferred.direction),
                ("year", t.inferred.year),
            ]
            .iter()
            .filter(|(_, on)| *on)
            .map(|(part, _)| *part)
            .collect();
            models.push(target::Model {
                id: 0,
                key: t.key.clone(),
                indicator_id: indicator_ids.of(&data.indicators[t.indicator].key)?,
                plan_id,
                domain_id: t
                    .domain
                    .map(|d| outline.domains.of(&p.domains[d].key))
                    .transpose()?,
                goal_id: t
                    .goal
                    .map(|g| outline.goals.of(&p.goals[g].key))
                    .transpose()?,
                ordinal: to_i32(n + 1),
                name: t.name.clone(),
                unit: t.unit.clone(),
                direction: t.direction,
                nature: t.nature,
                nature_raw: t.nature_raw.clone(),
                table_category: t.table_category.clone(),
                table_number: t.table_number,
                baseline_year: t.baseline.as_ref().map(|b| b.year),
                baseline_value: t.baseline.as_ref().and_then(|b| b.value),
                baseline_raw: t.baseline.as_ref().and_then(|b| b.raw.clone()),
                year: t.target.year,
                comparator: t.target.comparator,
                value: t.target.value,
                basis: t.target.basis,
                raw: t.target.raw.clone(),
                inferred: inferred.join(","),
                line_start,
                line_end,
                source_text,
                status: TargetStatus::NoData,
            });
        }
    }
    upsert_keyed(db, report, "target", existing, models).await?;
    Ok(())
}

/// The rows of each plan that monitor an indicator without a target on it.
pub(super) async fn write_monitored(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    outline: &OutlineIds,
    indicator_ids: &Ids,
    existing: Vec<monitored::Model>,
) -> Result<(), DbErr> {
    let mut models = Vec::new();
    for p in &data.plans {
        let plan_id = outline.plans.of(&p.code)?;
        for m in &p.monitored {
            let (line_start, line_end, source_text) = provenance(&m.source);
            models.push(monitored::Model {
                id: 0,
                key: m.key.clone(),
                plan_id,
                indicator_id: indicator_ids.of(&data.indicators[m.indicator].key)?,
                name: m.name.clone(),
                table_category: m.table_category.clone(),
                table_number: m.table_number,
                line_start,
                line_end,
                source_text,
            });
        }
    }
    upsert_keyed(db, report, "monitored", existing, models).await?;
    Ok(())
}

/// Matches desired indicators whose key is new to existing rows through their targets: the
/// row of the first target's indicator takes the new key (in `existing`, so the upsert updates
/// it in place); the rows of its other targets' indicators are to be merged into it. Returns
/// the merges as ((id, key) from, (id, key) into).
fn match_through_targets(
    data: &Dataset,
    existing: &mut [indicator::Model],
    targets_now: &[target::Model],
) -> Vec<((i32, String), (i32, String))> {
    let wanted: HashSet<&str> = data.indicators.iter().map(|i| i.key.as_str()).collect();
    let mut claimed: HashSet<i32> = existing
        .iter()
        .filter(|m| wanted.contains(m.key.as_str()))
        .map(|m| m.id)
        .collect();
    let had: HashMap<&str, i32> = targets_now
        .iter()
        .map(|t| (t.key.as_str(), t.indicator_id))
        .collect();
    let mut merges = Vec::new();
    for (index, desired) in data.indicators.iter().enumerate() {
        if existing.iter().any(|m| m.key == desired.key) {
            continue;
        }
        let mut candidates: Vec<i32> = Vec::new();
        for t in data
            .plans
            .iter()
            .flat_map(|p| p.targets.iter())
            .filter(|t| t.indicator == index)
        {
            if let Some(id) = had.get(t.key.as_str()) {
                if !candidates.contains(id) && !claimed.contains(id) {
                    candidates.push(*id);
                }
            }
        }
        let Some((&kept, others)) = candidates.split_first() else {
            continue;
        };
        let mut into = (kept, desired.key.clone());
        for m in existing.iter_mut() {
            if m.id == kept {
                into = (kept, desired.key.clone());
                m.key = desired.key.clone();
            }
        }
        claimed.insert(kept);
        for other in others {
            if let Some(m) = existing.iter().find(|m| m.id == *other) {
                merges.push(((m.id, m.key.clone()), into.clone()));
                claimed.insert(*other);
            }
        }
    }
    merges
}

/// Moves what belongs to indicator `from` to `into`: reported values (with a placeholder
/// version, numbered by `renumber`) and reporting assignments. The value history keeps the
/// indicator each event was recorded for; reads go through the value.
async fn merge_indicator(
    db: &impl ConnectionTrait,
    from: (i32, String),
    into: (i32, String),
) -> Result<(), DbErr> {
    let (from, into) = (from.0, into.0);
    let backend = db.get_database_backend();
    for sql in [
        format!(
            "UPDATE indicator_value SET indicator_id = {into}, version = -id \
             WHERE indicator_id = {from}"
        ),
        format!(
            "DELETE FROM indicator_assignment WHERE indicator_id = {from} AND department_id IN \
             (SELECT department_id FROM indicator_assignment WHERE indicator_id = {into})"
        ),
        format!(
            "UPDATE indicator_assignment SET indicator_id = {into} WHERE indicator_id = {from}"
        ),
    ] {
        db.execute_raw(sea_orm::Statement::from_string(backend, sql))
            .await?;
    }
    Ok(())
}
