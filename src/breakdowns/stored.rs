//! The form the store keeps a declaration and a code list in (JSON text columns of
//! `breakdown_declaration` and `codelist`): each dimension with the version of the list it was
//! declared against and its codes with their labels, so a declaration reads in one row.

use serde::{Deserialize, Serialize};

use super::{Aggregation, Code, Codelist, Declared, Dimension};

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredDimension {
    dimension: Dimension,
    codelist_version: i32,
    codes: Vec<Code>,
}

impl Aggregation {
    /// The name the store and the declaration file use.
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Count => "COUNT",
            Aggregation::Rate => "RATE",
            Aggregation::SexRatio => "SEX_RATIO",
        }
    }

    /// The aggregation of a name as [`Aggregation::as_str`] writes it.
    pub fn parse(name: &str) -> Option<Aggregation> {
        [Aggregation::Count, Aggregation::Rate, Aggregation::SexRatio]
            .into_iter()
            .find(|a| a.as_str() == name)
    }
}

impl Declared {
    /// The `dimensions` column's text.
    pub fn stored_dimensions(&self) -> String {
        let stored: Vec<StoredDimension> = self
            .breakdowns
            .iter()
            .map(|(dimension, list)| StoredDimension {
                dimension: *dimension,
                codelist_version: list.version,
                codes: list.codes.clone(),
            })
            .collect();
        serde_json::to_string(&stored).unwrap_or_else(|_| "[]".into())
    }

    /// A stored declaration; a row the store should not hold is an error naming what is wrong.
    pub fn from_stored(
        aggregation: &str,
        dimensions: &str,
        version: i32,
    ) -> Result<Declared, String> {
        let aggregation = Aggregation::parse(aggregation)
            .ok_or_else(|| format!("breakdown declaration: no aggregation {aggregation}"))?;
        let stored: Vec<StoredDimension> =
            serde_json::from_str(dimensions).map_err(|e| format!("breakdown declaration: {e}"))?;
        Ok(Declared {
            aggregation,
            breakdowns: stored
                .into_iter()
                .map(|d| {
                    let list = Codelist {
                        version: d.codelist_version,
                        codes: d.codes,
                    };
                    (d.dimension, list)
                })
                .collect(),
            version,
        })
    }
}

impl Codelist {
    /// The `codes` column's text.
    pub fn stored_codes(&self) -> String {
        serde_json::to_string(&self.codes).unwrap_or_else(|_| "[]".into())
    }

    /// A stored code list.
    pub fn from_stored(codes: &str, version: i32) -> Result<Codelist, String> {
        let codes = serde_json::from_str(codes).map_err(|e| format!("code list: {e}"))?;
        Ok(Codelist { version, codes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_reads_back_as_it_was_kept() {
        let infant = crate::breakdowns::bundled_of("婴儿死亡率").cloned();
        let infant = infant.unwrap_or_else(|| panic!("declared"));
        let text = infant.stored_dimensions();
        assert!(
            text.starts_with(
                r#"[{"dimension":"SEX","codelistVersion":1,"codes":[{"code":"F","label":"女"}"#
            ),
            "{text}"
        );
        assert_eq!(Declared::from_stored("RATE", &text, 1), Ok(infant));
        assert_eq!(
            Declared::from_stored("MEAN", "[]", 1),
            Err("breakdown declaration: no aggregation MEAN".into())
        );
    }
}
