//! Declared breakdowns (issue 33, item 1): which measures are reported by sex, age or
//! urban/rural, with which codes, and how their parts relate to the total. The store keeps
//! them (`repo::declarations`), so an admin can change them and an `asOf` read sees those in
//! force then; `data/breakdowns.json` ([`bundled`]) is what a new store starts with, checked
//! like `data/measures.json`, so a reviewer can check it against national monitoring without
//! reading code.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use crate::rules::breakdown::Aggregation;

pub mod bundled;
mod cell;
pub mod change;
pub mod consistency;
mod stored;
pub use bundled::bundled_of;
pub use cell::Cell;

/// The most codes a code list may have: what a query's cost counts for `Breakdown.codes`.
pub const MOST_CODES: usize = 16;

/// A dimension a measure can be broken down by.
/// Ordered as a cell's key names them: sex, then age, then urban/rural.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Dimension {
    Sex,
    Age,
    Urbanisation,
}

impl Dimension {
    /// Every dimension, in key order.
    pub const ALL: [Dimension; 3] = [Dimension::Sex, Dimension::Age, Dimension::Urbanisation];

    /// The SDMX-style name a cell's key and the downloads use.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Sex => "SEX",
            Dimension::Age => "AGE",
            Dimension::Urbanisation => "URBANISATION",
        }
    }

    /// The dimension of a name as [`Dimension::as_str`] writes it.
    pub fn parse(name: &str) -> Option<Dimension> {
        Self::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

impl Codelist {
    /// The label of a code, if the list has it.
    pub fn label(&self, code: &str) -> Option<&str> {
        self.codes
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.label.as_str())
    }

    /// The codes that are parts, not the total.
    pub fn parts(&self) -> impl Iterator<Item = &str> {
        self.codes
            .iter()
            .map(|c| c.code.as_str())
            .filter(|c| *c != TOTAL)
    }
}

/// The code of a dimension's total.
pub const TOTAL: &str = "_T";

/// One code of a dimension: `F` 女, `Y_LT1` 不满1岁, `_T` 合计.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Code {
    pub code: String,
    pub label: String,
}

/// The codes of a dimension, in one version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Codelist {
    pub version: i32,
    pub codes: Vec<Code>,
}

/// What a measure is declared to be reported by.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    pub aggregation: Aggregation,
    /// Each dimension with its code list (the codes the measure is reported by, from the list
    /// version it was declared against), in the order declared.
    pub breakdowns: Vec<(Dimension, Codelist)>,
    /// How many times the declaration was made: 1 for the bundled one, then one more for each
    /// change an admin makes.
    pub version: i32,
}

impl Declared {
    /// The code list of a dimension the measure is reported by.
    pub fn codelist(&self, dimension: Dimension) -> Option<&Codelist> {
        self.breakdowns
            .iter()
            .find(|(d, _)| *d == dimension)
            .map(|(_, list)| list)
    }
}

/// A dimension's code list as a measure is reported by it: all of `list`, or only the codes
/// named and the total (an SDMX content constraint narrowing a list: women cadres by the
/// adult age bands, not 不满1岁). Keeps the list's version.
pub fn narrowed(
    dimension: Dimension,
    list: &Codelist,
    codes: Option<&[String]>,
) -> Result<Codelist, String> {
    let Some(codes) = codes else {
        return Ok(list.clone());
    };
    if codes.len() > MOST_CODES {
        return Err(format!(
            "{} is reported by at most {MOST_CODES} codes",
            dimension.as_str()
        ));
    }
    if let Some(unknown) = codes.iter().find(|c| list.label(c).is_none()) {
        return Err(format!(
            "code list {} (version {}) has no code {unknown}",
            dimension.as_str(),
            list.version
        ));
    }
    Ok(Codelist {
        version: list.version,
        codes: list
            .codes
            .iter()
            .filter(|c| c.code == TOTAL || codes.contains(&c.code))
            .cloned()
            .collect(),
    })
}

/// A measure's declaration from the code lists in force: each dimension once, at most the
/// three there are, a sex ratio without parts by sex, each code named in its list.
pub fn declare(
    aggregation: Aggregation,
    dimensions: &[(Dimension, Option<Vec<String>>)],
    lists: &HashMap<Dimension, Codelist>,
    version: i32,
) -> Result<Declared, String> {
    if dimensions.len() > Dimension::ALL.len() {
        return Err(format!("at most {} dimensions", Dimension::ALL.len()));
    }
    if aggregation == Aggregation::SexRatio && dimensions.iter().any(|(d, _)| *d == Dimension::Sex)
    {
        return Err("a sex ratio has no parts by sex".into());
    }
    let mut breakdowns: Vec<(Dimension, Codelist)> = Vec::new();
    for (dimension, codes) in dimensions {
        if breakdowns.iter().any(|(d, _)| d == dimension) {
            return Err(format!("{} is declared twice", dimension.as_str()));
        }
        let list = lists
            .get(dimension)
            .ok_or_else(|| format!("no code list {}", dimension.as_str()))?;
        breakdowns.push((*dimension, narrowed(*dimension, list, codes.as_deref())?));
    }
    Ok(Declared {
        aggregation,
        breakdowns,
        version,
    })
}

/// Whether a code list can be kept: at most [`MOST_CODES`] codes, a total (`_T`), no code twice.
pub fn check(name: Dimension, list: &Codelist) -> Result<(), String> {
    let name = name.as_str();
    if list.codes.len() > MOST_CODES {
        return Err(format!("code list {name} has more than {MOST_CODES} codes"));
    }
    if !list.codes.iter().any(|c| c.code == TOTAL) {
        return Err(format!("code list {name} has no total (_T)"));
    }
    for (n, c) in list.codes.iter().enumerate() {
        if list.codes[..n].iter().any(|d| d.code == c.code) {
            return Err(format!("code list {name} has {} twice", c.code));
        }
    }
    Ok(())
}
