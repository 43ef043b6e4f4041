//! Whether a year's figures by breakdown agree with their total (issue 33, item 3), per rule and
//! dimension, with the numbers. Pure: the caller reads the figures (the newest of each cell)
//! and says where each came from. The rules are VTL's hierarchical ones: an imbalance is
//! reported, never corrected, and a total from another source than its parts is compared with
//! them, never replaced by their sum.
//!
//! A cell fixing two dimensions (women aged 25–44) is a part of two margins (women; all aged
//! 25–44): a margin is judged against its parts as the total is against the cells fixing one
//! dimension ([`within`]), and its findings name it.

use super::{Aggregation, Cell, Declared, Dimension};
use crate::rules::breakdown::{parts_add_up, total_between_parts};

/// One figure and where it came from (文件, or the department that reported it).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub source: String,
}

/// A consistency rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Every code of a dimension is reported once any is.
    RequiredCells,
    /// A count's parts add up to its total, within rounding.
    PartsAddUp,
    /// No part of a count is larger than its total.
    PartWithinTotal,
    /// A rate's total lies between its smallest and largest part.
    TotalBetweenParts,
    /// The total and its parts come from one source.
    SameSource,
}

impl Rule {
    /// The stable code clients and reviewers see.
    pub fn code(self) -> &'static str {
        match self {
            Rule::RequiredCells => "REQUIRED_CELLS",
            Rule::PartsAddUp => "PARTS_ADD_UP",
            Rule::PartWithinTotal => "PART_WITHIN_TOTAL",
            Rule::TotalBetweenParts => "TOTAL_BETWEEN_PARTS",
            Rule::SameSource => "SAME_SOURCE",
        }
    }
}

/// What one rule found for one dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    /// The cell whose parts were compared: the total (no code fixed), or a margin (女).
    pub within: Cell,
    pub dimension: Dimension,
    pub ok: bool,
    /// The numbers' disagreement: total − sum of parts (PARTS_ADD_UP), the largest part −
    /// total (PART_WITHIN_TOTAL), how far the total lies outside its parts
    /// (TOTAL_BETWEEN_PARTS); None for rules without a number.
    pub imbalance: Option<f64>,
    /// What was found, in Chinese, with the numbers.
    pub message: String,
}

/// Figures as the messages write them: up to four decimals, no trailing zeros.
pub fn shown(x: f64) -> String {
    format!("{}", (x * 10_000.0).round() / 10_000.0)
}

/// Decimal places a figure was given with (at most four).
fn decimals(x: f64) -> i32 {
    let text = shown(x);
    text.split_once('.').map_or(0, |(_, d)| d.len() as i32)
}

/// How far a count's parts may miss its total: half a unit in the last decimal place of the
/// most precise figure, for each part (each was rounded on its own).
pub fn tolerance(total: f64, parts: &[f64]) -> f64 {
    let places = parts.iter().chain([&total]).map(|x| decimals(*x)).max();
    let unit = 10f64.powi(-places.unwrap_or(0));
    parts.len() as f64 * 0.5 * unit
}

/// Every rule's finding for the total, for every declared dimension some part was reported for.
pub fn check(
    declared: &Declared,
    total: Option<&Figure>,
    cells: &[(Cell, Figure)],
) -> Vec<Finding> {
    within(declared, &Cell::total(), total, cells)
}

/// Every rule's finding for one margin (the total, or a cell such as 女) and each declared
/// dimension it does not fix: its parts are the cells fixing its codes and one more.
pub fn within(
    declared: &Declared,
    margin: &Cell,
    figure: Option<&Figure>,
    cells: &[(Cell, Figure)],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (dimension, list) in &declared.breakdowns {
        if margin.code(*dimension).is_some() {
            continue;
        }
        let parts: Vec<(&str, &Figure)> = cells
            .iter()
            .filter(|(c, _)| c.codes().len() == margin.codes().len() + 1)
            .filter(|(c, _)| c.without(*dimension) == *margin)
            .filter_map(|(c, f)| c.code(*dimension).map(|code| (code, f)))
            .collect();
        if parts.is_empty() {
            continue;
        }
        let missing: Vec<&str> = list
            .parts()
            .filter(|code| !parts.iter().any(|(c, _)| c == code))
            .collect();
        let mut found = vec![required(*dimension, list, &missing)];
        if let Some(total) = figure {
            let values: Vec<f64> = parts.iter().map(|(_, f)| f.value).collect();
            found.extend(against_total(
                declared.aggregation,
                *dimension,
                total,
                &values,
                missing.is_empty(),
            ));
            found.push(same_source(*dimension, total, &parts));
        }
        out.extend(found.into_iter().map(|f| Finding {
            within: margin.clone(),
            ..f
        }));
    }
    out
}

fn required(dimension: Dimension, list: &super::Codelist, missing: &[&str]) -> Finding {
    let labels: Vec<&str> = missing.iter().filter_map(|c| list.label(c)).collect();
    Finding {
        rule: Rule::RequiredCells,
        within: Cell::total(),
        dimension,
        ok: missing.is_empty(),
        imbalance: None,
        message: if missing.is_empty() {
            "各分组均已填报".into()
        } else {
            format!("缺少分组：{}", labels.join("、"))
        },
    }
}

fn against_total(
    aggregation: Aggregation,
    dimension: Dimension,
    total: &Figure,
    parts: &[f64],
    complete: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    match aggregation {
        Aggregation::Count => {
            let largest = parts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let over = largest - total.value;
            out.push(Finding {
                rule: Rule::PartWithinTotal,
                within: Cell::total(),
                dimension,
                ok: over <= 0.0,
                imbalance: Some(if over > 0.0 {
                    (over * 1e4).round() / 1e4
                } else {
                    0.0
                }),
                message: if over > 0.0 {
                    format!("分组数 {} 大于合计 {}", shown(largest), shown(total.value))
                } else {
                    "各分组均不大于合计".into()
                },
            });
            if complete {
                out.push(add_up(dimension, total.value, parts));
            }
        }
        Aggregation::Rate if parts.len() >= 2 => {
            let agreement = total_between_parts(total.value, parts);
            let low = parts.iter().copied().fold(f64::INFINITY, f64::min);
            let high = parts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            out.push(Finding {
                rule: Rule::TotalBetweenParts,
                within: Cell::total(),
                dimension,
                ok: agreement.ok,
                imbalance: Some(agreement.imbalance),
                message: format!(
                    "合计 {} {}分组的范围 {}–{}",
                    shown(total.value),
                    if agreement.ok { "在" } else { "不在" },
                    shown(low),
                    shown(high)
                ),
            });
        }
        Aggregation::Rate | Aggregation::SexRatio => {}
    }
    out
}

fn add_up(dimension: Dimension, total: f64, parts: &[f64]) -> Finding {
    let allowed = tolerance(total, parts);
    let agreement = parts_add_up(total, parts, allowed);
    let sum: f64 = parts.iter().sum();
    Finding {
        rule: Rule::PartsAddUp,
        within: Cell::total(),
        dimension,
        ok: agreement.ok,
        imbalance: Some(agreement.imbalance),
        message: format!(
            "分组之和 {} 与合计 {} 相差 {}（允许 {}）",
            shown(sum),
            shown(total),
            shown(agreement.imbalance),
            shown(allowed)
        ),
    }
}

fn same_source(dimension: Dimension, total: &Figure, parts: &[(&str, &Figure)]) -> Finding {
    let mut others: Vec<&str> = parts
        .iter()
        .map(|(_, f)| f.source.as_str())
        .filter(|s| *s != total.source)
        .collect();
    others.sort_unstable();
    others.dedup();
    Finding {
        rule: Rule::SameSource,
        within: Cell::total(),
        dimension,
        ok: others.is_empty(),
        imbalance: None,
        message: if others.is_empty() {
            format!("合计与分组均来自{}", total.source)
        } else {
            format!(
                "合计来自{}，分组来自{}：两者只作比较，合计不被分组之和替代",
                total.source,
                others.join("、")
            )
        },
    }
}

#[cfg(test)]
mod tests;
