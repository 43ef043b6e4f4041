//! Where the document disagrees with itself about one indicator: two targets for the same year
//! with different values, comparators or natures, or two figures for the same year with
//! different values. The API shows each disagreement with both sources; it picks no winner.

use crate::domain::{Comparator, Nature};

/// What a target says, for comparing.
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    pub id: i32,
    pub year: i32,
    pub value: Option<f64>,
    pub comparator: Option<Comparator>,
    pub nature: Nature,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Targets for one year with different values.
    Value,
    /// Targets for one year with different comparators.
    Comparator,
    /// Targets for one year with different natures (both stated).
    Nature,
    /// Figures for one year with different values.
    Figure,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Discrepancy {
    pub kind: Kind,
    pub year: i32,
    /// The targets (or figures) that disagree, by id.
    pub ids: Vec<i32>,
}

/// The disagreements among an indicator's targets and among its figures `(id, year, value)`.
pub fn find(targets: &[Said], figures: &[(i32, i32, f64)]) -> Vec<Discrepancy> {
    let mut out = Vec::new();
    let mut years: Vec<i32> = targets.iter().map(|t| t.year).collect();
    years.sort_unstable();
    years.dedup();
    for year in years {
        let same: Vec<&Said> = targets
            .iter()
            .filter(|t| t.year == year && t.value.is_some())
            .collect();
        let differ = |f: &dyn Fn(&Said) -> Option<String>| {
            let mut seen: Vec<String> = same.iter().filter_map(|t| f(t)).collect();
            seen.sort();
            seen.dedup();
            seen.len() > 1
        };
        let ids = || same.iter().map(|t| t.id).collect::<Vec<_>>();
        if differ(&|t| t.value.map(|v| format!("{v}"))) {
            out.push(Discrepancy {
                kind: Kind::Value,
                year,
                ids: ids(),
            });
        }
        if differ(&|t| t.comparator.map(|c| c.as_str().to_string())) {
            out.push(Discrepancy {
                kind: Kind::Comparator,
                year,
                ids: ids(),
            });
        }
        let stated =
            |t: &Said| (t.nature != Nature::Unspecified).then(|| t.nature.as_str().to_string());
        if differ(&stated) {
            out.push(Discrepancy {
                kind: Kind::Nature,
                year,
                ids: same
                    .iter()
                    .filter(|t| t.nature != Nature::Unspecified)
                    .map(|t| t.id)
                    .collect(),
            });
        }
    }
    let mut figure_years: Vec<i32> = figures.iter().map(|f| f.1).collect();
    figure_years.sort_unstable();
    figure_years.dedup();
    for year in figure_years {
        let same: Vec<&(i32, i32, f64)> = figures.iter().filter(|f| f.1 == year).collect();
        let first = same[0].2;
        if same.iter().any(|f| f.2 != first) {
            out.push(Discrepancy {
                kind: Kind::Figure,
                year,
                ids: same.iter().map(|f| f.0).collect(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(id: i32, value: f64, comparator: Comparator, nature: Nature) -> Said {
        Said {
            id,
            year: 2025,
            value: Some(value),
            comparator: Some(comparator),
            nature,
        }
    }

    #[test]
    fn finds_disagreements_and_only_them() {
        // 居民健康素养水平: 表1 says 30.32 (预期性), two sentences say 30%以上
        let literacy = [
            said(1, 30.0, Comparator::AtLeast, Nature::Unspecified),
            said(2, 30.32, Comparator::AtLeast, Nature::Expected),
            said(3, 30.0, Comparator::AtLeast, Nature::Unspecified),
        ];
        assert_eq!(
            find(&literacy, &[]),
            vec![Discrepancy {
                kind: Kind::Value,
                year: 2025,
                ids: vec![1, 2, 3]
            }]
        );
        // 婴儿死亡率: three copies agree; an unstated nature is no disagreement
        let infant = [
            said(1, 3.3, Comparator::AtMost, Nature::Unspecified),
            said(2, 3.3, Comparator::AtMost, Nature::Expected),
        ];
        assert!(find(&infant, &[]).is_empty());
        let kinds: Vec<Kind> = find(
            &[
                said(1, 5.0, Comparator::AtLeast, Nature::Binding),
                said(2, 5.0, Comparator::AtMost, Nature::Expected),
            ],
            &[(7, 2020, 3.0), (8, 2020, 3.2), (9, 2015, 1.0)],
        )
        .into_iter()
        .map(|d| d.kind)
        .collect();
        assert_eq!(kinds, [Kind::Comparator, Kind::Nature, Kind::Figure]);
        // targets for different years never disagree (托位数: 2.4 by 2023, 4.5 by 2025)
        let mut by_2023 = said(1, 2.4, Comparator::AtLeast, Nature::Unspecified);
        by_2023.year = 2023;
        assert!(find(
            &[
                by_2023,
                said(2, 4.5, Comparator::AtLeast, Nature::Unspecified)
            ],
            &[]
        )
        .is_empty());
    }
}
