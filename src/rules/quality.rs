//! The statistics bureau's data-quality checks on a reported value (质量审核), before a reviewer
//! sees it, and the fluctuation rule that also warns about published series (预警: 波动较大).
//! Pure: a value, its unit, and the series' published values of earlier years.
//!
//! **Fluctuation.** The change from the previous published value, per year (a gap of two years
//! halves it), is compared with the series' own history of yearly changes:
//! - with at least [`MIN_CHANGES`] earlier changes, by a robust z-score (Iglewicz and
//!   Hoaglin's modified z-score): the change is a fluctuation when it lies more than
//!   [`Z_LIMIT`] scaled median absolute deviations (MAD × 1.4826) from the median change. The
//!   scale never falls below 1% of the previous level, so a perfectly steady series does not
//!   make every small change a fluctuation;
//! - with fewer (the plans' series start in 2020), the change is a fluctuation when it moves
//!   the level by more than [`SHORT_LIMIT`] (30%) of the previous value in one year — a move a
//!   county's yearly figure rarely makes unless something changed in how it was counted.
//!
//! A fluctuation is a warning, not an error: the figure may be right (a small county's infant
//! mortality moves a lot); the reviewer approves it with a comment saying why it stands.

use crate::rules::progress::Point;
use crate::rules::workflow;

/// Earlier yearly changes needed to judge a change against the series' own history.
pub const MIN_CHANGES: usize = 3;
/// How many scaled MADs from the median change a fluctuation lies.
pub const Z_LIMIT: f64 = 3.5;
/// With a short history: the largest move in one year, as a share of the previous value.
pub const SHORT_LIMIT: f64 = 0.3;

/// How serious a check's finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The value cannot be right as it is (it could not be submitted today).
    Error,
    /// The value may be right; a reviewer who approves it says why.
    Warning,
}

/// One finding: a stable code, its severity and a message with the numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
}

/// A change judged a fluctuation, with the numbers behind the judgement.
#[derive(Debug, Clone, PartialEq)]
pub struct Fluctuation {
    pub previous: Point,
    /// The change per year from the previous value.
    pub change: f64,
    /// The typical yearly change (the median of the history's), 0 for a short history.
    pub typical: f64,
    /// How far from `typical` a change may lie.
    pub limit: f64,
    /// How many earlier changes it was judged against.
    pub history: usize,
}

/// Whether `value` for `year` is a fluctuation of the series `earlier` (published values of
/// earlier years, in year order); None when it is not, or there is no earlier value.
pub fn fluctuation(earlier: &[Point], year: i32, value: f64) -> Option<Fluctuation> {
    let before: Vec<Point> = earlier.iter().copied().filter(|(y, _)| *y < year).collect();
    let previous = *before.last()?;
    let change = (value - previous.1) / f64::from((year - previous.0).max(1));
    let changes: Vec<f64> = before
        .windows(2)
        .map(|w| (w[1].1 - w[0].1) / f64::from((w[1].0 - w[0].0).max(1)))
        .collect();
    let floor = 0.01 * previous.1.abs().max(1.0);
    let (typical, limit) = if changes.len() >= MIN_CHANGES {
        let typical = median(&changes);
        let deviations: Vec<f64> = changes.iter().map(|c| (c - typical).abs()).collect();
        let scale = (1.4826 * median(&deviations)).max(floor);
        (typical, Z_LIMIT * scale)
    } else {
        (0.0, SHORT_LIMIT * previous.1.abs().max(floor))
    };
    ((change - typical).abs() > limit).then_some(Fluctuation {
        previous,
        change,
        typical,
        limit,
        history: changes.len(),
    })
}

/// The latest change of a published series (as of `as_of`: later values ignored), when it is
/// a fluctuation: the year and value it ends at, and the judgement.
pub fn latest_fluctuation(series: &[Point], as_of: Option<i32>) -> Option<(Point, Fluctuation)> {
    let known: Vec<Point> = series
        .iter()
        .copied()
        .filter(|(y, _)| as_of.is_none_or(|a| *y <= a))
        .collect();
    let (last, earlier) = known.split_last()?;
    fluctuation(earlier, last.0, last.1).map(|f| (*last, f))
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Every finding on `value` for `year`, in a series whose earlier published values are
/// `earlier`.
pub fn checks(unit: Option<&str>, earlier: &[Point], year: i32, value: f64) -> Vec<Check> {
    let mut out = Vec::new();
    let shown = crate::rules::progress::num;
    if let Err(reason) = workflow::check_range(value, unit) {
        out.push(Check {
            code: "OUT_OF_RANGE",
            severity: Severity::Error,
            message: format!("{} 超出单位范围（{reason}）", shown(value)),
        });
    }
    let previous = earlier.iter().rev().find(|(y, _)| *y < year).copied();
    let percent = unit.is_some_and(|u| u.trim() == "%");
    if let Some((y, p)) =
        previous.filter(|(_, p)| percent && *p > 10.0 && value > 0.0 && value <= 1.0)
    {
        out.push(Check {
            code: "PERCENT_AS_FRACTION",
            severity: Severity::Warning,
            message: format!(
                "{} 像是小数形式的百分比：{y}年为 {}%，是否应为 {}%？",
                shown(value),
                shown(p),
                shown(value * 100.0)
            ),
        });
    }
    if let Some(f) = fluctuation(earlier, year, value) {
        out.push(Check {
            code: "FLUCTUATION",
            severity: Severity::Warning,
            message: describe(&f, year, value, unit),
        });
    }
    out
}

/// A fluctuation in words, with its numbers.
pub fn describe(f: &Fluctuation, year: i32, value: f64, unit: Option<&str>) -> String {
    let n = crate::rules::progress::num;
    let unit = unit.unwrap_or("");
    let (py, pv) = f.previous;
    if f.history >= MIN_CHANGES {
        format!(
            "波动较大：{year}年 {}{unit}，{py}年 {}{unit}，每年变化 {}，而此前 {} 次年度变化的中位数为 {}，允许偏离 ±{}",
            n(value),
            n(pv),
            n(f.change),
            f.history,
            n(f.typical),
            n(f.limit)
        )
    } else {
        format!(
            "波动较大：{year}年 {}{unit}，{py}年 {}{unit}，每年变化 {}，超过上一数值的 {}%（±{}）",
            n(value),
            n(pv),
            n(f.change),
            n(SHORT_LIMIT * 100.0),
            n(f.limit)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_series_is_not_a_fluctuation() {
        let steady = [(2020, 90.0), (2021, 91.0), (2022, 92.0), (2023, 93.0)];
        assert_eq!(fluctuation(&steady, 2024, 94.0), None);
        assert_eq!(fluctuation(&steady, 2024, 94.5), None);
        assert!(checks(Some("%"), &steady, 2024, 94.0).is_empty());
    }

    #[test]
    fn a_jump_against_the_series_own_history_is() {
        let steady = [(2020, 90.0), (2021, 91.0), (2022, 92.0), (2023, 93.0)];
        let f = fluctuation(&steady, 2024, 80.0).unwrap();
        assert_eq!((f.change, f.typical, f.history), (-13.0, 1.0, 3));
        // The scale is at least 1% of 93: ±3.5 × 0.93.
        assert!((f.limit - 3.255).abs() < 1e-9, "{}", f.limit);
        let found = checks(Some("%"), &steady, 2024, 80.0);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "FLUCTUATION");
        assert_eq!(
            found[0].message,
            "波动较大：2024年 80%，2023年 93%，每年变化 -13，而此前 3 次年度变化的中位数为 1，允许偏离 ±3.255"
        );
    }

    #[test]
    fn a_short_series_is_judged_by_its_level() {
        // 婴儿死亡率: 2.27‰ in 2020; 3.1 is +37% in one year, 2.6 is +15%.
        let infant = [(2020, 2.27)];
        assert!(fluctuation(&infant, 2021, 3.1).is_some());
        assert_eq!(fluctuation(&infant, 2021, 2.6), None);
        // Two years on, the change per year halves.
        assert_eq!(fluctuation(&infant, 2022, 3.1), None);
        assert_eq!(fluctuation(&[], 2021, 3.1), None);
    }

    #[test]
    fn a_series_is_warned_about_for_its_latest_change() {
        let series = [(2020, 2.27), (2021, 3.1), (2022, 3.0)];
        assert_eq!(latest_fluctuation(&series, None), None);
        let (at, f) = latest_fluctuation(&series, Some(2021)).unwrap();
        assert_eq!((at, f.previous), ((2021, 3.1), (2020, 2.27)));
        assert_eq!(latest_fluctuation(&series[..1], None), None);
    }

    #[test]
    fn a_percent_written_as_a_fraction_is_suspected() {
        let series = [(2020, 85.0)];
        let found = checks(Some("%"), &series, 2021, 0.86);
        assert_eq!(found[0].code, "PERCENT_AS_FRACTION");
        assert_eq!(
            found[0].message,
            "0.86 像是小数形式的百分比：2020年为 85%，是否应为 86%？"
        );
        assert!(checks(Some("‰"), &[(2020, 2.27)], 2021, 0.9)
            .iter()
            .all(|c| c.code != "PERCENT_AS_FRACTION"));
    }
}
