//! `Breakdown`: a dimension an indicator is reported by (sex, age, urban/rural), as the store
//! declares it (`crate::breakdowns`, `repo::declarations`).

use async_graphql::{Enum, InputObject, SimpleObject};

use crate::breakdowns::{self, Cell, Declared};

/// A dimension an indicator can be broken down by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::breakdowns::Dimension")]
pub enum Dimension {
    /// Sex (性别): F, M, and the total _T.
    Sex,
    /// Age band (年龄组), SDMX-style codes (Y_LT1, Y1T4 … Y_GE65) and the total _T.
    Age,
    /// Urban or rural (城乡): U, R, and the total _T.
    Urbanisation,
}

/// How a measure's parts relate to its total.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::breakdowns::Aggregation")]
pub enum Aggregation {
    /// A count: the parts add up to the total.
    Count,
    /// A rate, ratio or mean with its own denominator: the parts do not add up, and the total
    /// lies between them.
    Rate,
    /// A ratio that itself compares the sexes (出生人口性别比): no parts by sex, no parity
    /// index.
    SexRatio,
}

/// One code of a dimension.
#[derive(SimpleObject, Debug, Clone)]
pub struct BreakdownCode {
    /// The code (F, M, Y_LT1, U, _T for the total).
    pub code: String,
    /// Its Chinese label (女, 不满1岁, 城镇, 合计).
    pub label: String,
}

impl From<&breakdowns::Code> for BreakdownCode {
    fn from(c: &breakdowns::Code) -> Self {
        BreakdownCode {
            code: c.code.clone(),
            label: c.label.clone(),
        }
    }
}

/// A dimension the indicator is reported by, with the codes of its code list.
#[derive(SimpleObject, Debug, Clone)]
pub struct Breakdown {
    /// Which dimension.
    pub dimension: Dimension,
    /// The version of the code list (a change of age bands is a new version, never a rewrite
    /// of past values).
    pub codelist_version: i32,
    /// Its codes, the total (_T) among them.
    pub codes: Vec<BreakdownCode>,
}

/// What an indicator is declared to be reported by, if anything (batched per level).
pub async fn declared(
    ctx: &async_graphql::Context<'_>,
    indicator_id: i32,
) -> crate::error::ApiResult<Option<Declared>> {
    super::load_one_opt(ctx, crate::repo::batch::DeclarationOf(indicator_id)).await
}

/// The dimensions of a declaration, with their codes; empty if nothing is declared.
pub fn breakdowns(declared: Option<&Declared>) -> Vec<Breakdown> {
    declared.map_or_else(Vec::new, map)
}

fn map(declared: &Declared) -> Vec<Breakdown> {
    declared
        .breakdowns
        .iter()
        .map(|(dimension, list)| Breakdown {
            dimension: (*dimension).into(),
            codelist_version: list.version,
            codes: list.codes.iter().map(BreakdownCode::from).collect(),
        })
        .collect()
}

/// One code a value fixes, as given: `{ dimension: SEX, code: "F" }`.
#[derive(InputObject, Debug, Clone)]
pub struct BreakdownInput {
    /// Which dimension.
    pub dimension: Dimension,
    /// One of its declared codes (`Indicator.breakdowns`); `_T` fixes nothing.
    pub code: String,
}

/// One code a value fixes, with its label.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct BreakdownPart {
    /// Which dimension.
    pub dimension: Dimension,
    /// The code (F, Y_LT1, U).
    pub code: String,
    /// Its Chinese label (女, 不满1岁, 城镇).
    pub label: String,
}

/// What an input names, as the services take it; no input is the total.
pub fn given(input: Option<&[BreakdownInput]>) -> Vec<(breakdowns::Dimension, String)> {
    input
        .unwrap_or_default()
        .iter()
        .map(|b| (b.dimension.into(), b.code.clone()))
        .collect()
}

/// The parts of a stored cell key, labelled from the declaration of its measure; a code the
/// declaration does not have keeps its code as label.
pub fn parts_of(key: &str, declared: Option<&Declared>) -> Vec<BreakdownPart> {
    let cell = Cell::parse(key).unwrap_or_default();
    let labels = cell.labels(declared);
    cell.codes()
        .iter()
        .zip(labels)
        .map(|((dimension, code), label)| BreakdownPart {
            dimension: (*dimension).into(),
            code: code.clone(),
            label: label.to_string(),
        })
        .collect()
}

/// A value's cell (its stored key), labelled from its indicator's declaration; empty for a
/// total.
pub async fn parts_of_value(
    ctx: &async_graphql::Context<'_>,
    indicator_id: i32,
    key: &str,
) -> crate::error::ApiResult<Vec<BreakdownPart>> {
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let declared = declared(ctx, indicator_id).await?;
    Ok(parts_of(key, declared.as_ref()))
}
