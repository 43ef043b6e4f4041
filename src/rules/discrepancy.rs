//! Where the document disagrees with itself about one indicator: two targets for the same year
//! with different values, comparators or natures, or two figures for the same year that no
//! one number could satisfy (a figure written `60%以上` is a bound, which 61.98 meets). The
//! API shows each disagreement with both sources; it picks no winner.

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

/// A figure the document states, for comparing: its value, and the bound its words put on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub id: i32,
    pub year: i32,
    pub value: f64,
    /// `60%以上`, `≥80`: at least; `3%以下`, `≤3.2`: at most; None: the value itself.
    pub bound: Option<Comparator>,
}

/// The bound a figure's own words put on its number (`60%以上` → at least).
pub fn bound_of(raw: &str) -> Option<Comparator> {
    let raw = raw.trim();
    if raw.starts_with('≥') || raw.ends_with("以上") || raw.starts_with("不低于") {
        Some(Comparator::AtLeast)
    } else if raw.starts_with('≤')
        || raw.ends_with("以下")
        || raw.ends_with("以内")
        || raw.starts_with("不高于")
    {
        Some(Comparator::AtMost)
    } else {
        None
    }
}

/// Whether one number could be every figure at once: the intervals the figures allow overlap.
fn agree(figures: &[&Figure]) -> bool {
    let low = figures
        .iter()
        .filter(|f| f.bound != Some(Comparator::AtMost))
        .map(|f| f.value)
        .fold(f64::NEG_INFINITY, f64::max);
    let high = figures
        .iter()
        .filter(|f| f.bound != Some(Comparator::AtLeast))
        .map(|f| f.value)
        .fold(f64::INFINITY, f64::min);
    low <= high + 1e-9
}

/// The disagreements among an indicator's targets and among its figures.
pub fn find(targets: &[Said], figures: &[Figure]) -> Vec<Discrepancy> {
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
    let mut figure_years: Vec<i32> = figures.iter().map(|f| f.year).collect();
    figure_years.sort_unstable();
    figure_years.dedup();
    for year in figure_years {
        let same: Vec<&Figure> = figures.iter().filter(|f| f.year == year).collect();
        if !agree(&same) {
            out.push(Discrepancy {
                kind: Kind::Figure,
                year,
                ids: same.iter().map(|f| f.id).collect(),
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
            &[fig(7, 3.0, None), fig(8, 3.2, None), fig(9, 1.0, None)],
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

    fn fig(id: i32, value: f64, raw: Option<&str>) -> Figure {
        Figure {
            id,
            year: if id == 9 { 2015 } else { 2020 },
            value,
            bound: raw.and_then(bound_of),
        }
    }

    #[test]
    fn a_bounded_figure_disagrees_only_with_what_it_excludes() {
        // 居民电子健康档案动态使用率 2020: 60%以上 (L460) and 61.98 (表1): one number is both.
        assert!(find(
            &[],
            &[fig(1, 60.0, Some("60%以上")), fig(2, 61.98, Some("61.98"))]
        )
        .is_empty());
        // 院内感染发生率 2020: 3%以内 (L459) and ≤3.2 (表1): both at most, and 3 is either.
        assert!(find(
            &[],
            &[fig(1, 3.0, Some("3%以内")), fig(2, 3.2, Some("≤3.2"))]
        )
        .is_empty());
        // A bound the other figure breaks, and two points that differ, do disagree.
        assert_eq!(
            find(
                &[],
                &[fig(1, 60.0, Some("60%以上")), fig(2, 55.0, Some("55"))]
            )
            .len(),
            1
        );
        assert_eq!(find(&[], &[fig(1, 3.0, None), fig(2, 3.2, None)]).len(), 1);
        assert_eq!(bound_of("控制在3%以内"), Some(Comparator::AtMost));
        assert_eq!(bound_of("80.15"), None);
    }
}
