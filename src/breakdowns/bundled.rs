//! The bundled declarations, `data/breakdowns.json`: what a new store starts with (and what an
//! upgraded store is given for measures it has no declaration of). Compiled in and checked by
//! a unit test, so they parse.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{check, declare, Aggregation, Codelist, Declared, Dimension};

/// The declaration file.
pub const DECLARED: &str = include_str!("../../data/breakdowns.json");

/// The code lists and the measures' declarations of a declaration file.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub codelists: HashMap<Dimension, Codelist>,
    /// By measure (indicator) name.
    pub measures: HashMap<String, Declared>,
}

#[derive(Debug, Clone, Deserialize)]
struct Entry {
    measure: String,
    aggregation: Aggregation,
    dimensions: Vec<Reported>,
}

/// A dimension a measure is reported by: all codes of its list, or only some.
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

    fn codes(&self) -> Option<&[String]> {
        match self {
            Reported::All(_) => None,
            Reported::Some { codes, .. } => Some(codes),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct File {
    codelists: HashMap<Dimension, Codelist>,
    measures: Vec<Entry>,
}

/// The declarations of a file, checked: every dimension has a code list with a total (`_T`)
/// and no code twice; a sex ratio has no sex dimension; no measure twice.
pub fn parse(text: &str) -> Result<Bundle, String> {
    let file: File =
        serde_json::from_str(text).map_err(|e| format!("data/breakdowns.json: {e}"))?;
    for (dimension, list) in &file.codelists {
        check(*dimension, list)?;
    }
    let mut measures = HashMap::new();
    for entry in file.measures {
        let dimensions: Vec<(Dimension, Option<Vec<String>>)> = entry
            .dimensions
            .iter()
            .map(|r| (r.dimension(), r.codes().map(<[String]>::to_vec)))
            .collect();
        let declared = declare(entry.aggregation, &dimensions, &file.codelists, 1)
            .map_err(|e| format!("{}: {e}", entry.measure))?;
        if measures.insert(entry.measure.clone(), declared).is_some() {
            return Err(format!("{} is declared twice", entry.measure));
        }
    }
    Ok(Bundle {
        codelists: file.codelists,
        measures,
    })
}

/// The bundled declarations.
pub fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        parse(DECLARED).unwrap_or_else(|_| Bundle {
            codelists: HashMap::new(),
            measures: HashMap::new(),
        })
    })
}

/// What the bundled file declares for a measure of this name (a store's own declarations are
/// `repo::declarations`'; this is for seeding a store and for tests).
pub fn bundled_of(name: &str) -> Option<&'static Declared> {
    bundle().measures.get(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{parse as parse_document, BUNDLED_DOCUMENT};

    /// Every declared measure is an indicator of the bundled document: a misspelt name would
    /// silently declare nothing.
    #[test]
    fn every_declared_measure_is_an_indicator() {
        let declared = parse(DECLARED).unwrap_or_else(|e| panic!("{e}")).measures;
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
        assert_eq!(parse(&text), Err("code list SEX has no total (_T)".into()));
        let text = r#"{ "codelists": {}, "measures": [{ "measure": "出生人口性别比", "aggregation": "SEX_RATIO", "dimensions": ["SEX"] }] }"#;
        assert_eq!(
            parse(text),
            Err("出生人口性别比: a sex ratio has no parts by sex".into())
        );
        let text = r#"{ "codelists": {}, "measures": [{ "measure": "x", "aggregation": "RATE", "dimensions": ["AGE"] }] }"#;
        assert_eq!(parse(text), Err("x: no code list AGE".into()));
    }
}
