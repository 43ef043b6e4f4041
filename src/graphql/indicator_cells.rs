//! What an indicator's published figures by breakdown say (issue 33): a cell's values and
//! series, the gap between the sexes, the female share of a count, the consistency of a
//! year's cells with its total, and which cells were ever reported. `Indicator`'s fields call
//! these; the rules are `crate::breakdowns` and `crate::rules::breakdown`.

use async_graphql::{Context, Enum, SimpleObject};
use entity::{indicator, indicator_value};

use super::breakdown::{declared, parts_of, BreakdownInput, BreakdownPart, Dimension};
use super::load_one;
use crate::breakdowns::{self, Aggregation, Cell};
use crate::error::{ApiResult, AppError};
use crate::repo::batch::PublishedValues;
use crate::repo::cells;
use crate::rules::breakdown as rules;

/// Which sex a gap favours, by the measure's direction (for a death rate lower is better).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::rules::breakdown::Favours")]
pub enum GapFavours {
    /// Women's or girls' figure is the better one.
    Female,
    /// Men's or boys' figure is the better one.
    Male,
    /// Within the parity band 0.97–1.03, or the measure has no better direction.
    Neither,
}

/// The gap between the female and male figures of one indicator and year.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct Gap {
    /// The year.
    pub year: i32,
    /// The published female figure (SEX F).
    pub female: f64,
    /// The published male figure (SEX M).
    pub male: f64,
    /// F − M, in the indicator's unit.
    pub difference: f64,
    /// F / M; null when M is 0.
    pub ratio: Option<f64>,
    /// The parity index F / M (UNESCO's GPI); null when M is 0 or the counts are small.
    pub parity_index: Option<f64>,
    /// The adjusted parity index (GPI where ≤ 1, else 2 − 1/GPI: bounded 0–2, so either sex's
    /// advantage reads alike); null when the parity index is.
    pub adjusted_parity_index: Option<f64>,
    /// Which sex the gap favours; null when the counts are small.
    pub favours: Option<GapFavours>,
    /// A count under 5 on either side: the gap is shown, not judged (a county has a handful
    /// of such events a year).
    pub small_counts: bool,
}

/// What one consistency rule found for one dimension of a year's published figures.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct ConsistencyCheck {
    /// REQUIRED_CELLS, PARTS_ADD_UP, PART_WITHIN_TOTAL, TOTAL_BETWEEN_PARTS or SAME_SOURCE.
    pub rule: String,
    /// The cell whose parts were compared: empty for the total, else the margin asked for
    /// (女, whose parts are 女 by age).
    pub within: Vec<BreakdownPart>,
    /// The dimension whose parts were compared.
    pub dimension: Dimension,
    /// Whether the figures agree.
    pub ok: bool,
    /// The disagreement in the indicator's unit: total − sum of parts (PARTS_ADD_UP), the
    /// largest part − total (PART_WITHIN_TOTAL), how far the total lies outside its parts
    /// (TOTAL_BETWEEN_PARTS); null for rules without a number.
    pub imbalance: Option<f64>,
    /// What was found, in Chinese, with the numbers.
    pub message: String,
}

/// A cell of a breakdown that has published values, and their years.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct BreakdownCoverage {
    /// The codes the cell fixes.
    pub breakdown: Vec<BreakdownPart>,
    /// The years it has a published value for, ascending.
    pub years: Vec<i32>,
}

/// The stored key of the cell an argument names for this indicator (none: the total), with
/// its parts labelled; the declaration is read only when a cell is named.
pub async fn key_of(
    ctx: &Context<'_>,
    indicator: &indicator::Model,
    given: Option<&[BreakdownInput]>,
) -> ApiResult<(String, Vec<BreakdownPart>)> {
    let codes = super::breakdown::given(given);
    if codes.is_empty() {
        return Ok((String::new(), Vec::new()));
    }
    let declared = declared(ctx, indicator.id).await?;
    let cell =
        Cell::of(&indicator.name, declared.as_ref(), &codes).map_err(AppError::BadUserInput)?;
    let key = cell.key();
    let parts = parts_of(&key, declared.as_ref());
    Ok((key, parts))
}

/// Published values of one cell, by year and version.
pub async fn published(
    ctx: &Context<'_>,
    indicator: &indicator::Model,
    key: &str,
) -> ApiResult<Vec<indicator_value::Model>> {
    Ok(load_one(ctx, PublishedValues(indicator.id))
        .await?
        .into_iter()
        .filter(|v| v.breakdown == key)
        .collect())
}

/// A cell's series: per year, its newest published value.
pub fn series(values: &[indicator_value::Model]) -> Vec<crate::rules::progress::Point> {
    let mut out: Vec<crate::rules::progress::Point> = Vec::new();
    for v in values {
        match out.last_mut() {
            Some(last) if last.0 == v.year => last.1 = v.value,
            _ => out.push((v.year, v.value)),
        }
    }
    out
}

/// The newest published value of a year's cell fixing only `code` of `dimension`.
fn part<'a>(
    values: &'a [indicator_value::Model],
    year: i32,
    dimension: breakdowns::Dimension,
    code: &str,
) -> Option<&'a indicator_value::Model> {
    let wanted = format!("{}={code}", dimension.as_str());
    cells::newest(values, year)
        .cells
        .into_iter()
        .find(|(c, _)| c.key() == wanted)
        .map(|(_, v)| v)
}

/// The gap between the sexes in `year`: null unless both sexes were published, and for a sex
/// ratio.
pub async fn gap(
    ctx: &Context<'_>,
    indicator: &indicator::Model,
    year: i32,
) -> ApiResult<Option<Gap>> {
    let Some(declared) = declared(ctx, indicator.id).await? else {
        return Ok(None);
    };
    let values = load_one(ctx, PublishedValues(indicator.id)).await?;
    let sex = breakdowns::Dimension::Sex;
    let (Some(f), Some(m)) = (part(&values, year, sex, "F"), part(&values, year, sex, "M")) else {
        return Ok(None);
    };
    let Some(found) = rules::gap(f.value, m.value, indicator.direction, declared.aggregation)
    else {
        return Ok(None);
    };
    let small = declared.aggregation == Aggregation::Count && rules::small(&[f.value, m.value]);
    Ok(Some(Gap {
        year,
        female: f.value,
        male: m.value,
        difference: found.difference,
        ratio: found.ratio,
        parity_index: found.parity_index.filter(|_| !small),
        adjusted_parity_index: found.adjusted_parity_index.filter(|_| !small),
        favours: (!small).then(|| found.favours.into()),
        small_counts: small,
    }))
}

/// The female share of a count in `year`; null for other measures or without a female figure.
pub async fn female_share(
    ctx: &Context<'_>,
    indicator: &indicator::Model,
    year: i32,
) -> ApiResult<Option<f64>> {
    let declared = declared(ctx, indicator.id).await?;
    if declared.is_none_or(|d| d.aggregation != Aggregation::Count) {
        return Ok(None);
    }
    let values = load_one(ctx, PublishedValues(indicator.id)).await?;
    let sex = breakdowns::Dimension::Sex;
    let Some(f) = part(&values, year, sex, "F") else {
        return Ok(None);
    };
    let male = part(&values, year, sex, "M").map(|m| m.value);
    let total = cells::newest(&values, year).total.map(|t| t.value);
    Ok(rules::female_share(f.value, male, total))
}

/// What the consistency rules find over `year`'s published figures, within the total or
/// within one cell (女: its parts by the other dimensions).
pub async fn consistency(
    ctx: &Context<'_>,
    indicator: &indicator::Model,
    year: i32,
    within: Option<&[BreakdownInput]>,
) -> ApiResult<Vec<ConsistencyCheck>> {
    let Some(declared) = declared(ctx, indicator.id).await? else {
        return Ok(Vec::new());
    };
    let codes = super::breakdown::given(within);
    let margin =
        Cell::of(&indicator.name, Some(&declared), &codes).map_err(AppError::BadUserInput)?;
    let values = load_one(ctx, PublishedValues(indicator.id)).await?;
    let names = department_names(ctx, &values, year).await?;
    let found = cells::judge(&declared, &values, year, &[margin], &names);
    Ok(found
        .into_iter()
        .map(|f| ConsistencyCheck {
            rule: f.rule.code().to_string(),
            within: parts_of(&f.within.key(), Some(&declared)),
            dimension: f.dimension.into(),
            ok: f.ok,
            imbalance: f.imbalance,
            message: f.message,
        })
        .collect())
}

/// Every cell with a published value, and its years.
pub async fn coverage(
    ctx: &Context<'_>,
    indicator: &indicator::Model,
) -> ApiResult<Vec<BreakdownCoverage>> {
    let values = load_one(ctx, PublishedValues(indicator.id)).await?;
    let covered = cells::coverage(&values);
    if covered.is_empty() {
        return Ok(Vec::new());
    }
    let declared = declared(ctx, indicator.id).await?;
    Ok(covered
        .into_iter()
        .map(|(cell, years)| BreakdownCoverage {
            breakdown: parts_of(&cell.key(), declared.as_ref()),
            years,
        })
        .collect())
}

/// The names of the departments that reported `year`'s values, through the request's loaders:
/// a level of indicators or values asks for them in one statement.
pub async fn department_names(
    ctx: &Context<'_>,
    values: &[indicator_value::Model],
    year: i32,
) -> ApiResult<std::collections::HashMap<i32, String>> {
    let mut ids: Vec<i32> = values
        .iter()
        .filter(|v| v.year == year)
        .filter_map(|v| v.department_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let departments = futures_util::future::try_join_all(
        ids.into_iter()
            .map(|d| load_one(ctx, crate::repo::batch::DepartmentById(d))),
    )
    .await?;
    Ok(departments.into_iter().map(|d| (d.id, d.name)).collect())
}
