//! Stage 6: targets → indicators. Which clauses name the same measure is decided in
//! `data/measures.json` (reviewable, tested against the document): a target whose name is one
//! of an entry's spellings belongs to that entry's indicator; any other target is an indicator
//! of its own. The figures the plans give for past years become the indicators' document
//! values, and a target without a baseline value takes the figure for the year before its plan.

use std::collections::HashMap;

use serde::Deserialize;

use super::dataset::{IndicatorData, PlanData, TargetData};
use super::ImportError;
use crate::domain::{Direction, TargetBasis};

/// The identity file, compiled in with the bundled document.
pub const IDENTITY: &str = include_str!("../../data/measures.json");

#[derive(Debug, Clone, Deserialize)]
struct IdentityFile {
    measures: Vec<Measure>,
}

/// One entry of `data/measures.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Measure {
    pub name: String,
    pub unit: Option<String>,
    /// Other count words the text uses for it (1所 / 1个 of one institution).
    #[serde(default)]
    pub units: Vec<String>,
    pub direction: String,
    #[serde(default)]
    pub spellings: Vec<String>,
    /// Targets by key, where one spelling names two measures.
    #[serde(default)]
    pub keys: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// The entries of the identity file, checked: known directions, no spelling twice.
pub fn identity() -> Result<Vec<Measure>, ImportError> {
    let file: IdentityFile = serde_json::from_str(IDENTITY)
        .map_err(|e| ImportError::general(format!("data/measures.json: {e}")))?;
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for m in &file.measures {
        if Direction::parse(&m.direction).is_none() {
            return Err(ImportError::general(format!(
                "data/measures.json: {}: unknown direction {:?}",
                m.name, m.direction
            )));
        }
        if m.spellings.is_empty() && m.keys.is_empty() {
            return Err(ImportError::general(format!(
                "data/measures.json: {} has neither spellings nor keys",
                m.name
            )));
        }
        for spelling in m.spellings.iter().chain(&m.keys) {
            if let Some(other) = seen.insert(spelling, &m.name) {
                return Err(ImportError::general(format!(
                    "data/measures.json: {spelling:?} is a spelling of both {other} and {}",
                    m.name
                )));
            }
        }
    }
    Ok(file.measures)
}

/// What a figure's or an indicator's name says without the county in front (全县, 我县) and a
/// count word at the end (…医师 / …医师数): names with the same stem name the same measure.
/// `strip_prefix` rather than `trim_start_matches`, which builds a substring searcher on every
/// call (every figure is compared with every indicator's names).
fn name_stem(mut name: &str) -> &str {
    while let Some(rest) = name.strip_prefix("全县") {
        name = rest;
    }
    while let Some(rest) = name.strip_prefix("我县") {
        name = rest;
    }
    name.trim_end_matches('数')
}

/// Gives every target its indicator and every indicator its document values.
pub fn assemble(
    plans: &mut [PlanData],
    measures: &[Measure],
) -> Result<Vec<IndicatorData>, ImportError> {
    let (mut indicators, names) = indicators_of_targets(plans, measures)?;
    attach_figures(plans, &mut indicators, &names);
    fill_baselines(plans, &indicators);
    Ok(indicators)
}

/// One indicator per measure (data/measures.json) or per target no measure names, each
/// target pointed at its indicator; with the names each indicator goes by (as the targets
/// write them), to match figures with.
fn indicators_of_targets(
    plans: &mut [PlanData],
    measures: &[Measure],
) -> Result<(Vec<IndicatorData>, Vec<Vec<String>>), ImportError> {
    let mut indicators: Vec<IndicatorData> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut names: Vec<Vec<String>> = Vec::new();
    for plan in plans.iter_mut() {
        for target in &mut plan.targets {
            let entry = measures
                .iter()
                .find(|m| m.keys.contains(&target.key))
                .or_else(|| measures.iter().find(|m| m.spellings.contains(&target.name)));
            let key = match entry {
                Some(m) => format!("measure/{}", m.name),
                None => target.key.clone(),
            };
            if let Some(m) = entry {
                check_unit(target, m)?;
            }
            let index = *by_key.entry(key.clone()).or_insert_with(|| {
                indicators.push(match entry {
                    Some(m) => IndicatorData {
                        key,
                        name: m.name.clone(),
                        unit: m.unit.clone(),
                        direction: Direction::parse(&m.direction).unwrap_or(target.direction),
                        direction_inferred: false,
                        values: Vec::new(),
                    },
                    None => IndicatorData {
                        key,
                        name: target.name.clone(),
                        // A change's unit (下降20%: % of the start) is not the measure's.
                        unit: (target.target.basis == TargetBasis::Level)
                            .then(|| target.unit.clone())
                            .flatten(),
                        direction: target.direction,
                        direction_inferred: target.inferred.direction,
                        values: Vec::new(),
                    },
                });
                names.push(entry.map(|m| m.spellings.clone()).unwrap_or_default());
                indicators.len() - 1
            });
            names[index].push(target.name.clone());
            target.indicator = index;
        }
    }
    Ok((indicators, names))
}

/// A level target must be counted in its measure's unit (or one it lists).
fn check_unit(target: &TargetData, m: &Measure) -> Result<(), ImportError> {
    let compatible = target.unit == m.unit
        || target.unit.as_ref().is_some_and(|u| m.units.contains(u))
        || target.target.basis != TargetBasis::Level
        || target.unit.is_none();
    if compatible {
        return Ok(());
    }
    Err(ImportError::at(
        target.source.line_start,
        format!(
            "{} is counted in {}, but data/measures.json gives {} in {}",
            target.name,
            target.unit.as_deref().unwrap_or("no unit"),
            m.name,
            m.unit.as_deref().unwrap_or("no unit")
        ),
    ))
}

/// Each figure to the indicator of its target, or of the same name; once per year, value
/// and line; each series in year order.
fn attach_figures(plans: &[PlanData], indicators: &mut [IndicatorData], names: &[Vec<String>]) {
    for plan in plans {
        for figure in &plan.figures {
            let index = match figure.target {
                Some(t) => Some(plan.targets[t].indicator),
                None => {
                    let stem = name_stem(&figure.name);
                    (0..indicators.len()).find(|i| {
                        name_stem(&indicators[*i].name) == stem
                            || names[*i].iter().any(|n| name_stem(n) == stem)
                    })
                }
            };
            let Some(index) = index else { continue };
            let values = &mut indicators[index].values;
            let repeated = values.iter().any(|v| {
                v.year == figure.value.year
                    && v.value == figure.value.value
                    && v.source.line_start == figure.value.source.line_start
            });
            if !repeated {
                values.push(figure.value.clone());
            }
        }
    }
    for indicator in indicators.iter_mut() {
        indicator
            .values
            .sort_by_key(|v| (v.year, v.source.line_start));
    }
}

/// A target's baseline: the year its text names, or the year before its plan; its value,
/// the document's figure for that year where the target's own text gives none.
fn fill_baselines(plans: &mut [PlanData], indicators: &[IndicatorData]) {
    for plan in plans.iter_mut() {
        let base_year = plan.period.0 - 1;
        for target in &mut plan.targets {
            let values = &indicators[target.indicator].values;
            let year = target.baseline.as_ref().map_or(base_year, |b| b.year);
            if target.baseline.as_ref().is_some_and(|b| b.value.is_some()) {
                continue;
            }
            if let Some(v) = values.iter().find(|v| v.year == year) {
                target.baseline = Some(super::dataset::Baseline {
                    year,
                    value: Some(v.value),
                    raw: Some(v.raw.clone()),
                });
            }
        }
    }
}
