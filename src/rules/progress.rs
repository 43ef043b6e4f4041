//! Progress and status of a target against its indicator's series of values.
//!
//! The plan's monitoring chapter asks for early warning (预警) on indicators unlikely to reach
//! their target. The rule is a linear trajectory from the starting point (the target's stated
//! baseline, or the series' first value) to the target:
//!
//! - `progress` = (latest − start) / (target level − start): the share of the way done; it may
//!   exceed 1 or be negative;
//! - `elapsed` = (latest year − start year) / (target year − start year), within 0..1;
//! - ACHIEVED when the latest value meets the target (at least / at most / about = within 5 % of
//!   the target / exactly) — also a figure the document gives for the start year;
//! - ON_TRACK when progress ≥ elapsed;
//! - AT_RISK when progress is behind elapsed by at most 0.25 (25 points of the way);
//! - OFF_TRACK when further behind, when the target year has passed without meeting the target,
//!   or — for a binding (约束性) target — when it is behind its trajectory at all;
//! - for "about" / "exactly" targets (keep a level) there is no trajectory: within twice the
//!   tolerance is AT_RISK (OFF_TRACK if binding), further is OFF_TRACK;
//! - when the start already met the target and the latest value no longer does, the target
//!   has fallen back: AT_RISK within 5 % of the target level (OFF_TRACK if binding), else
//!   OFF_TRACK; progress is 1 while a target met from the start stays met, and none once it
//!   falls back;
//! - NO_DATA when there is no value after the starting point (and the start does not meet it);
//! - NOT_QUANTIFIED when the target has no number.
//!
//! Change targets are turned into levels first: 以2020年为基数下降20% is 80 % of the 2020 value;
//! 每年降低1个百分点 is the start minus one point per year. Reasons always give the numbers, in
//! Chinese or English.

mod reasons;

use crate::domain::{Comparator, Direction, Nature, TargetBasis};

/// How far behind the trajectory an expected indicator may be and still be only AT_RISK.
pub const AT_RISK_MARGIN: f64 = 0.25;
/// Relative tolerance of an "about" (左右) target.
pub const ABOUT_TOLERANCE: f64 = 0.05;

/// The statuses, in the order counts list them.
pub use crate::domain::TargetStatus as Status;

/// The language of a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Chinese,
    English,
}

/// What the rules need to know about a target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub direction: Direction,
    pub nature: Nature,
    /// Stated baseline (year, value), if the document gives one.
    pub baseline: Option<(i32, f64)>,
    pub target_year: i32,
    pub target_value: Option<f64>,
    pub comparator: Option<Comparator>,
    pub basis: TargetBasis,
}

/// A value of the series: (year, value).
pub type Point = (i32, f64);

/// Why a status is what it is: the facts the reason is written from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Why {
    NotQuantified,
    /// No value at all, or none after the start.
    NoValue,
    Meets,
    /// An about/exactly target missed.
    Outside,
    /// The target year came and the target was not met.
    YearPassed,
    /// On the way: progress against the time elapsed.
    OnTheWay,
    /// The start met the target; the latest value no longer does.
    FellBack,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub status: Status,
    pub why: Why,
    /// Share of the way from the start to the target level.
    pub progress: Option<f64>,
    /// The target as a level of the indicator itself.
    pub target_level: Option<f64>,
    pub comparator: Option<Comparator>,
    pub target_year: i32,
    /// Where the linear trajectory says the indicator should be in the latest value's year.
    pub expected: Option<f64>,
    /// Share of the time from the start to the target year that has passed.
    pub elapsed: Option<f64>,
    pub start: Option<Point>,
    pub latest: Option<Point>,
    pub binding: bool,
    /// A change target's commitment (basis, the change, which way), said as such when no start
    /// turns it into a level.
    pub change: Option<(TargetBasis, f64, Direction)>,
}

impl Assessment {
    /// The reason in words, with the numbers.
    pub fn reason(&self, language: Language) -> String {
        reasons::reason(self, language)
    }
}

/// Assesses a target from its indicator's series (any order); only values up to `as_of`
/// count, so a past year can be assessed as it stood then.
pub fn assess(target: &Target, values: &[Point], as_of: Option<i32>) -> Assessment {
    let mut a = Assessment {
        status: Status::NotQuantified,
        why: Why::NotQuantified,
        progress: None,
        target_level: None,
        comparator: target.comparator,
        target_year: target.target_year,
        expected: None,
        elapsed: None,
        start: None,
        latest: None,
        binding: target.nature == Nature::Binding,
        change: None,
    };
    let (Some(value), Some(comparator)) = (target.target_value, target.comparator) else {
        return a;
    };
    if target.basis != TargetBasis::Level {
        a.change = Some((target.basis, value, target.direction));
    }
    let mut known: Vec<Point> = values
        .iter()
        .copied()
        .filter(|(y, _)| as_of.is_none_or(|a| *y <= a))
        .collect();
    known.sort_by_key(|(y, _)| *y);
    let start = target.baseline.or_else(|| known.first().copied());
    a.start = start;
    a.latest = known.last().copied();
    a.status = Status::NoData;
    a.why = Why::NoValue;
    if let Some(start) = start {
        let (level, comparator) = target_level(target, value, comparator, start);
        a.target_level = Some(round(level, 4));
        a.comparator = Some(comparator);
    } else if target.basis == TargetBasis::Level {
        a.target_level = Some(value);
    }
    let (Some(start), Some(latest)) = (start, a.latest) else {
        return a;
    };
    let (level, comparator) = target_level(target, value, comparator, start);
    let started_met = meets(start.1, level, comparator);
    let meets = meets(latest.1, level, comparator);
    if latest.0 <= start.0 && !meets {
        return a;
    }
    let span = f64::from(target.target_year - start.0);
    let elapsed = if span > 0.0 {
        (f64::from(latest.0 - start.0) / span).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let expected = start.1 + (level - start.1) * elapsed;
    // From a start that already meets the target there is no way to go: a value that still
    // meets it is all the way, one that no longer does has fallen back (no share to give).
    let progress = if started_met {
        meets.then_some(1.0)
    } else {
        (level != start.1).then(|| (latest.1 - start.1) / (level - start.1))
    };
    a.elapsed = Some(round(elapsed, 3));
    a.expected = Some(round(expected, 4));
    a.progress = progress.map(|p| round(p, 3));
    let (status, why) = if meets {
        (Status::Achieved, Why::Meets)
    } else if matches!(comparator, Comparator::About | Comparator::Exactly) {
        let tolerance = tolerance(level, comparator);
        let near = (latest.1 - level).abs() <= 2.0 * tolerance.max(ABOUT_TOLERANCE * level.abs());
        let status = if near && !a.binding {
            Status::AtRisk
        } else {
            Status::OffTrack
        };
        (status, Why::Outside)
    } else if started_met {
        let near = (latest.1 - level).abs() <= ABOUT_TOLERANCE * level.abs();
        let status = if near && !a.binding {
            Status::AtRisk
        } else {
            Status::OffTrack
        };
        (status, Why::FellBack)
    } else if latest.0 >= target.target_year {
        (Status::OffTrack, Why::YearPassed)
    } else {
        let done = progress.unwrap_or(0.0);
        let status = if done >= elapsed {
            Status::OnTrack
        } else if a.binding || done < elapsed - AT_RISK_MARGIN {
            Status::OffTrack
        } else {
            Status::AtRisk
        };
        (status, Why::OnTheWay)
    };
    a.status = status;
    a.why = why;
    a
}

/// The expected value for every year from the start to the target year, on the linear path;
/// for a target the start already meets, the target level every year.
pub fn trajectory(target: &Target, values: &[Point]) -> Vec<Point> {
    let (Some(value), Some(comparator)) = (target.target_value, target.comparator) else {
        return Vec::new();
    };
    let mut known: Vec<Point> = values.to_vec();
    known.sort_by_key(|(y, _)| *y);
    let Some(start) = target.baseline.or_else(|| known.first().copied()) else {
        return Vec::new();
    };
    let (level, comparator) = target_level(target, value, comparator, start);
    let span = target.target_year - start.0;
    if meets(start.1, level, comparator) {
        // Met from the start: the target itself is the line to stay within, every year.
        return (start.0.min(target.target_year)..=target.target_year)
            .map(|year| (year, round(level, 4)))
            .collect();
    }
    if span <= 0 {
        return vec![(target.target_year, round(level, 4))];
    }
    (start.0..=target.target_year)
        .map(|year| {
            let t = f64::from(year - start.0) / f64::from(span);
            (year, round(start.1 + (level - start.1) * t, 4))
        })
        .collect()
}

/// Rounds to `places` decimals: what the wire carries is what a person would write.
pub fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    let r = (v * f).round() / f;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The target as a level of the indicator, and how to compare a value with it.
fn target_level(
    indicator: &Target,
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

pub(super) fn describe(comparator: Comparator, level: f64, language: Language) -> String {
    let n = num(level);
    match language {
        Language::Chinese => level_text(comparator, &n, ""),
        Language::English => {
            let word = match comparator {
                Comparator::AtLeast => "at least",
                Comparator::AtMost => "at most",
                Comparator::About => "about",
                Comparator::Exactly => "exactly",
            };
            format!("{word} {n}")
        }
    }
}

/// A level as the plans write it: ≥80%, ≤3.3‰, 45%左右, =95% (the one Chinese form of a
/// target's level on pages, templates and reasons).
pub fn level_text(comparator: Comparator, number: &str, unit: &str) -> String {
    match comparator {
        Comparator::AtLeast => format!("≥{number}{unit}"),
        Comparator::AtMost => format!("≤{number}{unit}"),
        Comparator::About => format!("{number}{unit}左右"),
        Comparator::Exactly => format!("={number}{unit}"),
    }
}

/// Numbers as people write them: no trailing zeros.
/// A value as the API shows it: four decimals at most. Fractions the document writes in words
/// (三分之一) are kept exact for comparisons; shown, 33.333333333333336 would read as noise.
pub fn shown(v: f64) -> f64 {
    let r = (v * 10_000.0).round() / 10_000.0;
    if r.is_finite() {
        r
    } else {
        v
    }
}

pub(crate) fn num(v: f64) -> String {
    let text = format!("{v:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests;
