//! Progress and status of an indicator against its target.
//!
//! The plan's monitoring chapter asks for early warning (预警) on indicators unlikely to reach
//! their target. The rule is a linear trajectory from the starting point (the stated baseline,
//! or the first published value) to the target:
//!
//! - `progress` = (latest − start) / (target level − start): the share of the way done; it may
//!   exceed 1 or be negative;
//! - `elapsed` = (latest year − start year) / (target year − start year), within 0..1;
//! - ACHIEVED when the latest value meets the target (at least / at most / about = within 5 % of
//!   the target / exactly);
//! - ON_TRACK when progress ≥ elapsed;
//! - AT_RISK when progress is behind elapsed by at most 0.25 (25 points of the way);
//! - OFF_TRACK when further behind, when the target year has passed without meeting the target,
//!   or — for a binding (约束性) indicator — when it is behind its trajectory at all;
//! - for "about" / "exactly" targets (keep a level) there is no trajectory: within twice the
//!   tolerance is AT_RISK (OFF_TRACK if binding), further is OFF_TRACK;
//! - NO_DATA when there is no published value after the starting point;
//! - NOT_QUANTIFIED when the target has no number.
//!
//! Change targets are turned into levels first: 以2020年为基数下降20% is 80 % of the 2020 value;
//! 每年降低1个百分点 is the start minus one point per year.

use crate::domain::{Comparator, Direction, Nature, TargetBasis};

/// How far behind the trajectory an expected indicator may be and still be only AT_RISK.
pub const AT_RISK_MARGIN: f64 = 0.25;
/// Relative tolerance of an "about" (左右) target.
pub const ABOUT_TOLERANCE: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Achieved,
    OnTrack,
    AtRisk,
    OffTrack,
    NoData,
    NotQuantified,
}

/// What the rules need to know about an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub direction: Direction,
    pub nature: Nature,
    /// Stated baseline (year, value), if the document gives one.
    pub baseline: Option<(i32, f64)>,
    pub target_year: i32,
    pub target_value: Option<f64>,
    pub comparator: Option<Comparator>,
    pub basis: TargetBasis,
}

/// A published value.
pub type Point = (i32, f64);

#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub status: Status,
    /// Share of the way from the start to the target level.
    pub progress: Option<f64>,
    /// The target as a level of the indicator itself.
    pub target_level: Option<f64>,
    /// Where the linear trajectory says the indicator should be in the latest value's year.
    pub expected: Option<f64>,
    pub reason: String,
}

fn assessment(status: Status, reason: impl Into<String>) -> Assessment {
    Assessment {
        status,
        progress: None,
        target_level: None,
        expected: None,
        reason: reason.into(),
    }
}

/// Assesses an indicator from its published values (any order); only values up to `as_of`
/// count, so a past year can be assessed as it stood then.
pub fn assess(indicator: &Indicator, values: &[Point], as_of: Option<i32>) -> Assessment {
    let (Some(target), Some(comparator)) = (indicator.target_value, indicator.comparator) else {
        return assessment(
            Status::NotQuantified,
            "the target has no number to measure against",
        );
    };
    let mut known: Vec<Point> = values
        .iter()
        .copied()
        .filter(|(y, _)| as_of.is_none_or(|a| *y <= a))
        .collect();
    known.sort_by_key(|(y, _)| *y);
    let start = indicator.baseline.or_else(|| known.first().copied());
    let latest = known.last().copied();
    let (Some(start), Some(latest)) = (start, latest) else {
        return assessment(Status::NoData, "no published value yet");
    };
    let (level, comparator) = target_level(indicator, target, comparator, start);
    if latest.0 <= start.0 {
        let mut a = assessment(
            Status::NoData,
            format!("no published value after {}", start.0),
        );
        a.target_level = Some(level);
        return a;
    }
    let meets = meets(latest.1, level, comparator);
    let span = f64::from(indicator.target_year - start.0);
    let elapsed = if span > 0.0 {
        (f64::from(latest.0 - start.0) / span).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let expected = start.1 + (level - start.1) * elapsed;
    let progress = (level != start.1).then(|| (latest.1 - start.1) / (level - start.1));
    let binding = indicator.nature == Nature::Binding;
    let (status, reason) = if meets {
        (
            Status::Achieved,
            format!(
                "{} value {} meets the target {}",
                latest.0,
                num(latest.1),
                describe(comparator, level)
            ),
        )
    } else if matches!(comparator, Comparator::About | Comparator::Exactly) {
        let tolerance = tolerance(level, comparator);
        let status = if (latest.1 - level).abs()
            <= 2.0 * tolerance.max(ABOUT_TOLERANCE * level.abs())
            && !binding
        {
            Status::AtRisk
        } else {
            Status::OffTrack
        };
        (
            status,
            format!(
                "{} value {} is outside the target {}",
                latest.0,
                num(latest.1),
                describe(comparator, level)
            ),
        )
    } else if latest.0 >= indicator.target_year {
        (
            Status::OffTrack,
            format!(
                "the target year {} is reached and {} does not meet {}",
                indicator.target_year,
                num(latest.1),
                describe(comparator, level)
            ),
        )
    } else {
        let done = progress.unwrap_or(0.0);
        let behind = format!(
            "{} value {} against {} expected on the linear path from {} ({}) to {} ({}): {:.0}% of the way done, {:.0}% of the time elapsed",
            latest.0, num(latest.1), num(expected), num(start.1), start.0, num(level), indicator.target_year, done * 100.0, elapsed * 100.0
        );
        if done >= elapsed {
            (Status::OnTrack, behind)
        } else if binding {
            (
                Status::OffTrack,
                format!("binding indicator behind its trajectory: {behind}"),
            )
        } else if done >= elapsed - AT_RISK_MARGIN {
            (Status::AtRisk, behind)
        } else {
            (Status::OffTrack, behind)
        }
    };
    Assessment {
        status,
        progress,
        target_level: Some(level),
        expected: Some(expected),
        reason,
    }
}

/// The target as a level of the indicator, and how to compare a value with it.
fn target_level(
    indicator: &Indicator,
    target: f64,
    comparator: Comparator,
    start: Point,
) -> (f64, Comparator) {
    let falling = indicator.direction == Direction::LowerIsBetter;
    let towards = if falling {
        Comparator::AtMost
    } else {
        Comparator::AtLeast
    };
    match indicator.basis {
        TargetBasis::Level => (target, comparator),
        TargetBasis::ChangeFromBaseline => {
            let change = start.1 * target / 100.0;
            (
                if falling {
                    start.1 - change
                } else {
                    start.1 + change
                },
                towards,
            )
        }
        TargetBasis::AnnualChange => {
            let years = f64::from(indicator.target_year - start.0);
            let change = target * years;
            (
                if falling {
                    start.1 - change
                } else {
                    start.1 + change
                },
                towards,
            )
        }
    }
}

fn tolerance(level: f64, comparator: Comparator) -> f64 {
    match comparator {
        Comparator::About => ABOUT_TOLERANCE * level.abs(),
        _ => 1e-9 * level.abs().max(1.0),
    }
}

fn meets(value: f64, level: f64, comparator: Comparator) -> bool {
    match comparator {
        Comparator::AtLeast => value >= level,
        Comparator::AtMost => value <= level,
        Comparator::About | Comparator::Exactly => {
            (value - level).abs() <= tolerance(level, comparator)
        }
    }
}

fn describe(comparator: Comparator, level: f64) -> String {
    let word = match comparator {
        Comparator::AtLeast => "at least",
        Comparator::AtMost => "at most",
        Comparator::About => "about",
        Comparator::Exactly => "exactly",
    };
    format!("{word} {}", num(level))
}

/// Numbers as people write them: no trailing zeros.
fn num(v: f64) -> String {
    let text = format!("{v:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 居民健康素养水平: 23.16 (2020) → 30.32 (2025), at least.
    fn literacy(nature: Nature) -> Indicator {
        Indicator {
            direction: Direction::HigherIsBetter,
            nature,
            baseline: Some((2020, 23.16)),
            target_year: 2025,
            target_value: Some(30.32),
            comparator: Some(Comparator::AtLeast),
            basis: TargetBasis::Level,
        }
    }

    fn status(i: &Indicator, values: &[Point]) -> Status {
        assess(i, values, None).status
    }

    #[test]
    fn linear_trajectory_statuses() {
        let i = literacy(Nature::Expected);
        // 2022 is 40% of the time; the way is 7.16 points.
        assert_eq!(status(&i, &[(2022, 26.0)]), Status::AtRisk); // 39.7% done: just behind 40%
        assert_eq!(status(&i, &[(2022, 26.03)]), Status::OnTrack); // 40.1% done
        assert_eq!(status(&i, &[(2022, 25.0)]), Status::AtRisk); // 25.7% done, within 25 points
        assert_eq!(status(&i, &[(2022, 23.5)]), Status::OffTrack); // 4.7% done
        assert_eq!(status(&i, &[(2024, 30.32)]), Status::Achieved);
        assert_eq!(status(&i, &[(2025, 30.0)]), Status::OffTrack); // target year reached
    }

    #[test]
    fn progress_and_expected_values() {
        let i = literacy(Nature::Expected);
        let a = assess(&i, &[(2022, 26.74)], None);
        assert!((a.progress.unwrap() - 0.5).abs() < 1e-9);
        assert!((a.expected.unwrap() - (23.16 + 7.16 * 0.4)).abs() < 1e-9);
        assert_eq!(a.target_level, Some(30.32));
        // progress may exceed 1
        let a = assess(&i, &[(2023, 37.48)], None);
        assert!((a.progress.unwrap() - 2.0).abs() < 1e-9);
        assert_eq!(a.status, Status::Achieved);
    }

    #[test]
    fn binding_indicators_miss_into_off_track() {
        let i = literacy(Nature::Binding);
        assert_eq!(status(&i, &[(2022, 25.0)]), Status::OffTrack);
        assert_eq!(status(&i, &[(2022, 26.1)]), Status::OnTrack);
    }

    #[test]
    fn lower_is_better() {
        // 肺结核发病率 21.46 → 20.13 /10万, at most
        let i = Indicator {
            direction: Direction::LowerIsBetter,
            nature: Nature::Expected,
            baseline: Some((2020, 21.46)),
            target_year: 2025,
            target_value: Some(20.13),
            comparator: Some(Comparator::AtMost),
            basis: TargetBasis::Level,
        };
        assert_eq!(status(&i, &[(2021, 21.0)]), Status::OnTrack);
        assert_eq!(status(&i, &[(2023, 20.9)]), Status::AtRisk); // 42% done, 60% elapsed
        assert_eq!(status(&i, &[(2023, 22.0)]), Status::OffTrack);
        assert_eq!(status(&i, &[(2023, 20.1)]), Status::Achieved);
    }

    #[test]
    fn no_data_and_not_quantified() {
        let i = literacy(Nature::Expected);
        assert_eq!(status(&i, &[]), Status::NoData);
        assert_eq!(status(&i, &[(2020, 23.16)]), Status::NoData);
        let mut n = literacy(Nature::Expected);
        n.target_value = None;
        n.comparator = None;
        assert_eq!(status(&n, &[(2023, 30.0)]), Status::NotQuantified);
        // no stated baseline: the first published value is the start
        let mut b = literacy(Nature::Expected);
        b.baseline = None;
        assert_eq!(status(&b, &[(2021, 24.0)]), Status::NoData);
        assert_eq!(status(&b, &[(2021, 24.0), (2023, 28.0)]), Status::OnTrack);
    }

    #[test]
    fn as_of_ignores_later_values() {
        let i = literacy(Nature::Expected);
        let values = [(2022, 23.5), (2024, 30.5)];
        assert_eq!(assess(&i, &values, Some(2023)).status, Status::OffTrack);
        assert_eq!(assess(&i, &values, None).status, Status::Achieved);
    }

    #[test]
    fn about_targets_keep_a_level() {
        // 就业人员中的女性比例保持在45%左右
        let i = Indicator {
            direction: Direction::Keep,
            nature: Nature::Unspecified,
            baseline: Some((2020, 44.0)),
            target_year: 2025,
            target_value: Some(45.0),
            comparator: Some(Comparator::About),
            basis: TargetBasis::Level,
        };
        assert_eq!(status(&i, &[(2022, 46.5)]), Status::Achieved); // within 2.25
        assert_eq!(status(&i, &[(2022, 49.0)]), Status::AtRisk); // within 4.5
        assert_eq!(status(&i, &[(2022, 52.0)]), Status::OffTrack);
    }

    #[test]
    fn change_targets_become_levels() {
        // 儿童意外伤害死亡率以2020年为基数下降20%
        let i = Indicator {
            direction: Direction::LowerIsBetter,
            nature: Nature::Unspecified,
            baseline: None,
            target_year: 2025,
            target_value: Some(20.0),
            comparator: Some(Comparator::AtLeast),
            basis: TargetBasis::ChangeFromBaseline,
        };
        let a = assess(&i, &[(2020, 10.0), (2025, 7.9)], None);
        assert_eq!(a.target_level, Some(8.0));
        assert_eq!(a.status, Status::Achieved);
        // 青少年总体近视率 力争每年降低1个百分点
        let i = Indicator {
            basis: TargetBasis::AnnualChange,
            target_value: Some(1.0),
            ..i
        };
        let a = assess(&i, &[(2020, 50.0), (2022, 48.5)], None);
        assert_eq!(a.target_level, Some(45.0));
        assert_eq!(a.status, Status::AtRisk); // 30% done, 40% elapsed
    }

    #[test]
    fn reasons_say_why_in_numbers() {
        let i = literacy(Nature::Expected);
        let a = assess(&i, &[(2022, 25.0)], None);
        assert_eq!(
            a.reason,
            "2022 value 25 against 26.024 expected on the linear path from 23.16 (2020) to 30.32 (2025): 26% of the way done, 40% of the time elapsed"
        );
    }
}
