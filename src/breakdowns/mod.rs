//! Declared breakdowns (issue 33, item 1): which measures are reported by sex, age or
//! urban/rural, with which codes, and how their parts relate to the total — `data/breakdowns.json`,
//! compiled in and checked like `data/measures.json`. Read by indicator name; the declaration
//! is data, so a reviewer can check it against national monitoring without reading code.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

pub use crate::rules::breakdown::Aggregation;

mod cell;
pub mod consistency;
pub use cell::Cell;

/// The declaration file.
pub const DECLARED: &str = include_str!("../../data/breakdowns.json");

/// The most codes a code list may have: what a query's cost counts for `Breakdown.codes`.
pub const MOST_CODES: usize = 16;

/// A dimension a measure can be broken down by.
/// Ordered as a cell's key names them: sex, then age, then urban/rural.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Code {
    pub code: String,
    pub label: String,
}

/// The codes of a dimension, in one version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Codelist {
    pub version: i32,
    pub codes: Vec<Code>,
}

#[derive(Debug, Clone, Deserialize)]
struct Entry {
    measure: String,
    aggregation: Aggregation,
    dimensions: Vec<Reported>,
}

/// A dimension a measure is reported by: all codes of its list, or only some (women cadres
/// by the adult age bands, not 不满1岁), as an SDMX content constraint narrows a code list.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Reported {
    All(Dimension),
    Some {
        dimension: Dimension,
        codes: Vec<String>,
    },
}

impl Reported {
    fn dimension(&self) -> Dimension {
        match self {
            Reported::All(d) | Reported::Some { dimension: d, .. } => *d,
        }
    }

    /// The measure's code list: the dimension's, narrowed to the codes named and the total.
    fn codelist(&self, list: &Codelist) -> Result<Codelist, String> {
        let Reported::Some { codes, dimension } = self else {
            return Ok(list.clone());
        };
        if let Some(unknown) = codes.iter().find(|c| list.label(c).is_none()) {
            return Err(format!("code list {dimension:?} has no code {unknown}"));
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
}

#[derive(Debug, Clone, Deserialize)]
struct File {
    codelists: HashMap<Dimension, Codelist>,
    measures: Vec<Entry>,
}

/// What a measure is declared to be reported by.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    pub aggregation: Aggregation,
    /// Each dimension with its code list, in the order declared.
    pub breakdowns: Vec<(Dimension, Codelist)>,
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

/// The declarations by measure name, checked: every dimension has a code list with a total
/// (`_T`) and no code twice; a sex ratio has no sex dimension; no measure twice.
pub fn parse(text: &str) -> Result<HashMap<String, Declared>, String> {
    let file: File =
        serde_json::from_str(text).map_err(|e| format!("data/breakdowns.json: {e}"))?;
    let mut out = HashMap::new();
    for entry in file.measures {
        let aggregation = entry.aggregation;
        if aggregation == Aggregation::SexRatio
            && entry
                .dimensions
                .iter()
                .any(|d| d.dimension() == Dimension::Sex)
        {
            return Err(format!(
                "{}: a sex ratio has no parts by sex",
                entry.measure
            ));
        }
        let mut breakdowns = Vec::new();
        for reported in entry.dimensions {
            let dimension = reported.dimension();
            let list = file
                .codelists
                .get(&dimension)
                .ok_or_else(|| format!("{}: no code list {dimension:?}", entry.measure))?;
            check(dimension, list)?;
            breakdowns.push((dimension, reported.codelist(list)?));
        }
        let declared = Declared {
            aggregation,
            breakdowns,
        };
        if out.insert(entry.measure.clone(), declared).is_some() {
            return Err(format!("{} is declared twice", entry.measure));
        }
    }
    Ok(out)
}

fn check(name: Dimension, list: &Codelist) -> Result<(), String> {
    if list.codes.len() > MOST_CODES {
        return Err(format!(
            "code list {name:?} has more than {MOST_CODES} codes"
        ));
    }
    if !list.codes.iter().any(|c| c.code == TOTAL) {
        return Err(format!("code list {name:?} has no total (_T)"));
    }
    for (n, c) in list.codes.iter().enumerate() {
        if list.codes[..n].iter().any(|d| d.code == c.code) {
            return Err(format!("code list {name:?} has {} twice", c.code));
        }
    }
    Ok(())
}

/// The bundled declarations (checked by a unit test, so they parse).
pub fn declared() -> &'static HashMap<String, Declared> {
    static DECLARED_BY_NAME: OnceLock<HashMap<String, Declared>> = OnceLock::new();
    DECLARED_BY_NAME.get_or_init(|| parse(DECLARED).unwrap_or_default())
}

/// What an indicator of this name is declared to be reported by, if anything.
pub fn of(name: &str) -> Option<&'static Declared> {
    declared().get(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{parse as parse_document, BUNDLED_DOCUMENT};

    /// Every declared measure is an indicator of the bundled document: a misspelt name would
    /// silently declare nothing.
    #[test]
    fn every_declared_measure_is_an_indicator() {
        let declared = parse(DECLARED).unwrap_or_else(|e| panic!("{e}"));
        let data = parse_document(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
        let mut missing: Vec<&String> = declared
            .keys()
            .filter(|name| !data.indicators.iter().any(|i| &i.name == *name))
            .collect();
        missing.sort();
        assert!(missing.is_empty(), "declared but no indicator: {missing:?}");
        assert_eq!(declared.len(), 15);
        let infant = &declared["婴儿死亡率"];
        assert_eq!(infant.aggregation, Aggregation::Rate);
        let sex: Vec<(&str, &str)> = infant.breakdowns[0]
            .1
            .codes
            .iter()
            .map(|c| (c.code.as_str(), c.label.as_str()))
            .collect();
        assert_eq!(sex, [("F", "女"), ("M", "男"), ("_T", "合计")]);
        assert!(declared["出生人口性别比"].breakdowns.is_empty());
        // A narrowed list keeps its version, the codes named and the total.
        let cadres = &declared["镇级党委、政府领导班子配备女干部数"];
        assert_eq!(cadres.aggregation, Aggregation::Count);
        let (dimension, ages) = &cadres.breakdowns[0];
        assert_eq!(*dimension, Dimension::Age);
        let codes: Vec<&str> = ages.codes.iter().map(|c| c.code.as_str()).collect();
        assert_eq!((ages.version, codes), (1, vec!["Y25T44", "Y45T64", "_T"]));
    }

    #[test]
    fn a_bad_declaration_is_refused_with_its_reason() {
        let list = r#""codelists": { "SEX": { "version": 1, "codes": [{ "code": "F", "label": "女" }] } }"#;
        let text = format!(
            r#"{{ {list}, "measures": [{{ "measure": "婴儿死亡率", "aggregation": "RATE", "dimensions": ["SEX"] }}] }}"#
        );
        assert_eq!(parse(&text), Err("code list Sex has no total (_T)".into()));
        let text = r#"{ "codelists": {}, "measures": [{ "measure": "出生人口性别比", "aggregation": "SEX_RATIO", "dimensions": ["SEX"] }] }"#;
        assert_eq!(
            parse(text),
            Err("出生人口性别比: a sex ratio has no parts by sex".into())
        );
        let text = r#"{ "codelists": {}, "measures": [{ "measure": "x", "aggregation": "RATE", "dimensions": ["AGE"] }] }"#;
        assert_eq!(parse(text), Err("x: no code list Age".into()));
    }
}
