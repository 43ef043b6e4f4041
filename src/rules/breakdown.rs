//! Figures by sex (issue 33): the gap between the sexes and whether parts agree with their
//! total, as pure functions. The conventions are UNESCO's for parity (GPI = F / M; the
//! adjusted index folds an index above 1 into (1, 2) so that either sex's advantage is
//! symmetrical; parity is 0.97–1.03) and VTL's hierarchical rules for totals (`T = F + M`,
//! the imbalance reported, never corrected).

use crate::domain::Direction;

/// How a measure's parts relate to its total (named so in `data/breakdowns.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Aggregation {
    /// A count: the parts add up to the total (女干部人数).
    Count,
    /// A rate or ratio with its own numerator and denominator: the parts do not add up; the
    /// total lies between them (婴儿死亡率).
    Rate,
    /// A ratio that itself compares the sexes (出生人口性别比): it has no parts by sex and no
    /// parity index.
    SexRatio,
}

/// Which sex a gap favours, by the measure's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Favours {
    Female,
    Male,
    /// Within the parity band (0.97–1.03), or the measure has no better direction.
    Neither,
}

/// The gap between the female and male figures of one indicator and year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap {
    /// F − M, in the measure's unit.
    pub difference: f64,
    /// F / M; None when M is 0.
    pub ratio: Option<f64>,
    /// The parity index F / M (GPI), four decimals; None for a sex ratio or when M is 0.
    pub parity_index: Option<f64>,
    /// The adjusted parity index: GPI where GPI ≤ 1, else 2 − 1/GPI (bounded 0–2).
    pub adjusted_parity_index: Option<f64>,
    pub favours: Favours,
}

/// The band of parity indices read as parity.
pub const PARITY: (f64, f64) = (0.97, 1.03);

fn four(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// UNESCO's adjusted parity index of a parity index.
pub fn adjusted(gpi: f64) -> f64 {
    if gpi <= 1.0 {
        gpi
    } else {
        2.0 - 1.0 / gpi
    }
}

/// The gap of a female and a male figure; None for a sex ratio (it has no parts by sex).
pub fn gap(female: f64, male: f64, direction: Direction, aggregation: Aggregation) -> Option<Gap> {
    if aggregation == Aggregation::SexRatio {
        return None;
    }
    let ratio = (male != 0.0).then(|| female / male);
    let favours = match ratio {
        Some(r) if r >= PARITY.0 && r <= PARITY.1 => Favours::Neither,
        _ => match direction {
            Direction::HigherIsBetter if female > male => Favours::Female,
            Direction::HigherIsBetter if female < male => Favours::Male,
            Direction::LowerIsBetter if female < male => Favours::Female,
            Direction::LowerIsBetter if female > male => Favours::Male,
            _ => Favours::Neither,
        },
    };
    Some(Gap {
        difference: four(female - male),
        ratio: ratio.map(four),
        parity_index: ratio.map(four),
        adjusted_parity_index: ratio.map(|r| four(adjusted(r))),
        favours,
    })
}

/// The female share of a count: F over the total, or over F + M without one; None for a count
/// with nothing to divide by.
pub fn female_share(female: f64, male: Option<f64>, total: Option<f64>) -> Option<f64> {
    let whole = total.or_else(|| male.map(|m| female + m))?;
    (whole > 0.0).then(|| four(female / whole))
}

/// Whether a total agrees with its parts, with the imbalance when it does not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agreement {
    pub ok: bool,
    /// For a count: total − sum of parts; for a rate: how far the total lies outside the
    /// range of its parts (0 inside).
    pub imbalance: f64,
}

/// A count's parts must add up to its total within `tolerance` (rounding of published figures).
pub fn parts_add_up(total: f64, parts: &[f64], tolerance: f64) -> Agreement {
    let imbalance = four(total - parts.iter().sum::<f64>());
    Agreement {
        ok: imbalance.abs() <= tolerance,
        imbalance,
    }
}

/// A rate's total must lie between its smallest and largest part (a weighted mean of them).
pub fn total_between_parts(total: f64, parts: &[f64]) -> Agreement {
    let low = parts.iter().copied().fold(f64::INFINITY, f64::min);
    let high = parts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if parts.is_empty() {
        return Agreement {
            ok: true,
            imbalance: 0.0,
        };
    }
    let imbalance = if total < low {
        total - low
    } else if total > high {
        total - high
    } else {
        0.0
    };
    Agreement {
        ok: imbalance == 0.0,
        imbalance: four(imbalance),
    }
}

/// Counts below this are too small for a gap over them to mean anything (a county has a
/// handful of maternal deaths a year): statistical offices suppress or flag cells under 5.
pub const SMALL_COUNT: f64 = 5.0;

/// Whether a gap rests on a count too small to publish as meaningful.
pub fn small(numerators: &[f64]) -> bool {
    numerators.iter().any(|n| *n < SMALL_COUNT)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 女干部 share where women lead (higher is better): GPI 1.25, adjusted 2 − 1/1.25 = 1.2.
    #[test]
    fn parity_index_and_its_adjusted_form_by_hand() {
        let g = gap(50.0, 40.0, Direction::HigherIsBetter, Aggregation::Rate);
        let g = g.unwrap_or_else(|| panic!("a rate has a gap"));
        assert_eq!(g.difference, 10.0);
        assert_eq!(g.parity_index, Some(1.25));
        assert_eq!(g.adjusted_parity_index, Some(1.2));
        assert_eq!(g.favours, Favours::Female);
        // Below 1 the adjusted index is the index itself: 40 / 50 = 0.8.
        let g = gap(40.0, 50.0, Direction::HigherIsBetter, Aggregation::Rate);
        let g = g.unwrap_or_else(|| panic!("a rate has a gap"));
        assert_eq!(
            (g.parity_index, g.adjusted_parity_index),
            (Some(0.8), Some(0.8))
        );
        assert_eq!(g.favours, Favours::Male);
    }

    /// 婴儿死亡率 (lower is better): girls 2.0‰, boys 2.5‰ — the gap favours girls, although
    /// their figure is the smaller; GPI 0.8.
    #[test]
    fn a_death_rate_favours_the_sex_with_the_lower_figure() {
        let g = gap(2.0, 2.5, Direction::LowerIsBetter, Aggregation::Rate);
        let g = g.unwrap_or_else(|| panic!("a rate has a gap"));
        assert_eq!((g.difference, g.parity_index), (-0.5, Some(0.8)));
        assert_eq!(g.favours, Favours::Female);
        // Within 0.97–1.03 neither is favoured: 2.45 / 2.5 = 0.98.
        let g = gap(2.45, 2.5, Direction::LowerIsBetter, Aggregation::Rate);
        assert_eq!(g.map(|g| g.favours), Some(Favours::Neither));
    }

    /// 出生人口性别比 (106.58 in 2020) compares the sexes itself: no parts, no parity index.
    #[test]
    fn the_sex_ratio_at_birth_has_no_parity_index() {
        assert_eq!(
            gap(100.0, 106.58, Direction::Keep, Aggregation::SexRatio),
            None
        );
    }

    #[test]
    fn a_count_whose_parts_do_not_add_up_reports_the_imbalance() {
        assert_eq!(
            parts_add_up(120.0, &[70.0, 48.0], 0.5),
            Agreement {
                ok: false,
                imbalance: 2.0
            }
        );
        assert!(parts_add_up(118.3, &[70.1, 48.0], 0.5).ok);
    }

    #[test]
    fn a_rate_outside_its_parts_reports_how_far() {
        assert_eq!(
            total_between_parts(3.1, &[2.0, 2.5]),
            Agreement {
                ok: false,
                imbalance: 0.6
            }
        );
        assert!(total_between_parts(2.27, &[2.0, 2.5]).ok);
        assert!(small(&[3.0, 12.0]));
        assert!(!small(&[5.0, 12.0]));
    }
}
