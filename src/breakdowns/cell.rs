//! A cell of a breakdown: the codes a value fixes (`SEX=F`, or `SEX=F` and `AGE=Y_LT1`), or
//! none for the total. Its key is what the store keeps: dimensions in [`Dimension`] order,
//! `;` between them, the total's key empty. A code `_T` fixes nothing, so `SEX=_T` is the
//! total and never a second spelling of it.

use super::{Declared, Dimension, TOTAL};

/// A cell; the default is the total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell(Vec<(Dimension, String)>);

impl Cell {
    /// The total: no dimension fixed.
    pub fn total() -> Cell {
        Cell::default()
    }

    /// Whether it is the total.
    pub fn is_total(&self) -> bool {
        self.0.is_empty()
    }

    /// The codes it fixes, in key order.
    pub fn codes(&self) -> &[(Dimension, String)] {
        &self.0
    }

    /// The code it fixes for a dimension.
    pub fn code(&self, dimension: Dimension) -> Option<&str> {
        self.0
            .iter()
            .find(|(d, _)| *d == dimension)
            .map(|(_, c)| c.as_str())
    }

    /// Each code's label in a measure's declaration (女, 不满1岁), in key order; a code the
    /// declaration does not have is its own label.
    pub fn labels<'a>(&'a self, declared: Option<&'a Declared>) -> Vec<&'a str> {
        self.0
            .iter()
            .map(|(d, code)| {
                declared
                    .and_then(|x| x.codelist(*d))
                    .and_then(|l| l.label(code))
                    .unwrap_or(code)
            })
            .collect()
    }

    /// The cell with one dimension fewer fixed: the margin a cross-classified cell is a part
    /// of (女 for 女, 25-44岁).
    pub fn without(&self, dimension: Dimension) -> Cell {
        Cell(
            self.0
                .iter()
                .filter(|(d, _)| *d != dimension)
                .cloned()
                .collect(),
        )
    }

    /// The key the store keeps.
    pub fn key(&self) -> String {
        self.0
            .iter()
            .map(|(d, c)| format!("{}={c}", d.as_str()))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// The cell of a stored key; a key the store should not hold is an error naming it.
    pub fn parse(key: &str) -> Result<Cell, String> {
        if key.is_empty() {
            return Ok(Cell::total());
        }
        let mut codes = Vec::new();
        for part in key.split(';') {
            let (name, code) = part
                .split_once('=')
                .ok_or_else(|| format!("breakdown key {key:?}: {part:?} has no '='"))?;
            let dimension = Dimension::parse(name)
                .ok_or_else(|| format!("breakdown key {key:?}: no dimension {name:?}"))?;
            codes.push((dimension, code.to_string()));
        }
        codes.sort();
        Ok(Cell(codes))
    }

    /// The cell `given` names for a measure declared as `declared` (None: not declared), or
    /// why it names none: a dimension the measure is not reported by, one given twice, a code
    /// its list lacks. `_T` fixes nothing.
    pub fn of(
        measure: &str,
        declared: Option<&Declared>,
        given: &[(Dimension, String)],
    ) -> Result<Cell, String> {
        if given.len() > Dimension::ALL.len() {
            return Err(format!(
                "a breakdown names at most {} dimensions",
                Dimension::ALL.len()
            ));
        }
        let mut codes: Vec<(Dimension, String)> = Vec::new();
        for (dimension, code) in given {
            if given.iter().filter(|(d, _)| d == dimension).count() > 1 {
                return Err(format!("{} is given twice", dimension.as_str()));
            }
            let list = declared
                .and_then(|d| d.codelist(*dimension))
                .ok_or_else(|| format!("{measure} is not reported by {}", dimension.as_str()))?;
            if list.label(code).is_none() {
                let known: Vec<&str> = list.codes.iter().map(|c| c.code.as_str()).collect();
                return Err(format!(
                    "{} has no code {code:?} (codes: {})",
                    dimension.as_str(),
                    known.join(", ")
                ));
            }
            if code != TOTAL {
                codes.push((*dimension, code.clone()));
            }
        }
        codes.sort();
        Ok(Cell(codes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breakdowns::bundled_of as of;

    fn given(codes: &[(Dimension, &str)]) -> Vec<(Dimension, String)> {
        codes.iter().map(|(d, c)| (*d, c.to_string())).collect()
    }

    #[test]
    fn a_cell_has_one_key_however_it_is_given() {
        let smoking = of("15岁以上人群吸烟率");
        let cell = Cell::of(
            "15岁以上人群吸烟率",
            smoking,
            &given(&[(Dimension::Age, "Y25T44"), (Dimension::Sex, "F")]),
        );
        assert_eq!(cell.as_ref().map(Cell::key), Ok("SEX=F;AGE=Y25T44".into()));
        assert_eq!(Cell::parse("SEX=F;AGE=Y25T44"), cell);
        let total = Cell::of(
            "婴儿死亡率",
            of("婴儿死亡率"),
            &given(&[(Dimension::Sex, "_T")]),
        );
        assert_eq!(total, Ok(Cell::total()));
        assert_eq!(Cell::total().key(), "");
        assert_eq!(Cell::parse(""), Ok(Cell::total()));
    }

    #[test]
    fn a_cell_the_declaration_does_not_have_is_refused_with_why() {
        let infant = of("婴儿死亡率");
        assert_eq!(
            Cell::of("婴儿死亡率", infant, &given(&[(Dimension::Age, "Y_LT1")])),
            Err("婴儿死亡率 is not reported by AGE".into())
        );
        assert_eq!(
            Cell::of("婴儿死亡率", infant, &given(&[(Dimension::Sex, "X")])),
            Err("SEX has no code \"X\" (codes: F, M, _T)".into())
        );
        assert_eq!(
            Cell::of(
                "婴儿死亡率",
                infant,
                &given(&[(Dimension::Sex, "F"), (Dimension::Sex, "M")])
            ),
            Err("SEX is given twice".into())
        );
        assert_eq!(
            Cell::of("人均预期寿命x", None, &given(&[(Dimension::Sex, "F")])),
            Err("人均预期寿命x is not reported by SEX".into())
        );
        assert_eq!(
            Cell::parse("SEX"),
            Err("breakdown key \"SEX\": \"SEX\" has no '='".into())
        );
    }
}
