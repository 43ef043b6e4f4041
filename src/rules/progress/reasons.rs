//! Why a target has its status, in words with the numbers, in Chinese or English.

use super::{describe, num, Assessment, Language, Status, Why};
use crate::domain::{Direction, TargetBasis};

/// The reason for an assessment's status.
pub(super) fn reason(a: &Assessment, language: Language) -> String {
    let zh = language == Language::Chinese;
    let target = match (a.comparator, a.target_level, a.change) {
        (Some(c), Some(level), _) => describe(c, level, language),
        (_, None, Some(change)) => described_change(change, zh),
        _ => String::new(),
    };
    match a.why {
        Why::NotQuantified if zh => "目标未给出可度量的数值".into(),
        Why::NotQuantified => "the target has no number to measure against".into(),
        Why::NoValue => no_value(a, &target, zh),
        Why::Meets | Why::Outside | Why::YearPassed => judged(a, &target, zh),
        Why::FellBack => fell_back(a, &target, zh),
        Why::OnTheWay => on_the_way(a, zh),
    }
}

/// A change target with no start to make it a level: the change itself, with its number.
fn described_change((basis, value, direction): (TargetBasis, f64, Direction), zh: bool) -> String {
    let falling = direction == Direction::LowerIsBetter;
    let n = num(value);
    match (basis, falling, zh) {
        (TargetBasis::AnnualChange, true, true) => format!("每年降低{n}"),
        (TargetBasis::AnnualChange, false, true) => format!("每年提高{n}"),
        (TargetBasis::AnnualChange, true, false) => format!("a fall of {n} a year"),
        (TargetBasis::AnnualChange, false, false) => format!("a rise of {n} a year"),
        (_, true, true) => format!("比基线下降{n}%"),
        (_, false, true) => format!("比基线提高{n}%"),
        (_, true, false) => format!("a fall of {n}% from the baseline"),
        (_, false, false) => format!("a rise of {n}% from the baseline"),
    }
}

/// No value after the start: the start (or that there is none) and the target.
fn no_value(a: &Assessment, target: &str, zh: bool) -> String {
    let year = a.target_year;
    match a.start {
        Some(s) if zh => format!(
            "起点为{}年的{}，目标为{}年{}；此后尚无公布数据",
            s.0,
            num(s.1),
            year,
            target
        ),
        Some(s) => format!(
            "starts at {} in {}, target {} by {}; no value published after {}",
            num(s.1),
            s.0,
            target,
            year,
            s.0
        ),
        None if zh => format!("目标为{year}年{target}；尚无公布数据，也无基线"),
        None => format!("target {target} by {year}; no value published and no baseline"),
    }
}

/// The latest value judged against the target: met, outside a range, or short at the year.
fn judged(a: &Assessment, target: &str, zh: bool) -> String {
    let (l, year) = (a.latest.unwrap_or_default(), a.target_year);
    match (a.why, zh) {
        (Why::Meets, true) => format!("{}年数值{}已达到目标{}", l.0, num(l.1), target),
        (Why::Meets, false) => format!("{} value {} meets the target {}", l.0, num(l.1), target),
        (Why::Outside, true) => format!("{}年数值{}不在目标{}范围内", l.0, num(l.1), target),
        (Why::Outside, false) => format!(
            "{} value {} is outside the target {}",
            l.0,
            num(l.1),
            target
        ),
        (_, true) => format!(
            "目标年份{}已到，{}年数值{}未达到{}",
            year,
            l.0,
            num(l.1),
            target
        ),
        (_, false) => format!(
            "the target year {year} is reached and {} in {} does not meet {target}",
            num(l.1),
            l.0
        ),
    }
}

/// A value that met the target and a later one that does not.
fn fell_back(a: &Assessment, target: &str, zh: bool) -> String {
    let (l, s) = (a.latest.unwrap_or_default(), a.start.unwrap_or_default());
    if zh {
        format!(
            "{}年数值{}已达到目标{}，{}年数值{}回落到目标以外",
            s.0,
            num(s.1),
            target,
            l.0,
            num(l.1)
        )
    } else {
        format!(
            "the {} value {} met the target {target}; the {} value {} no longer does",
            s.0,
            num(s.1),
            l.0,
            num(l.1)
        )
    }
}

/// On the way: the latest value against the linear path, and how far both have come; a
/// binding target behind its path says so first.
fn on_the_way(a: &Assessment, zh: bool) -> String {
    let (l, s) = (a.latest.unwrap_or_default(), a.start.unwrap_or_default());
    let year = a.target_year;
    let done = a.progress.unwrap_or(0.0) * 100.0;
    let elapsed = a.elapsed.unwrap_or(0.0) * 100.0;
    let expected = num(a.expected.unwrap_or(0.0));
    let level = num(a.target_level.unwrap_or(0.0));
    let text = if zh {
        format!(
            "{}年数值{}，按{}年{}至{}年{}的线性路径应为{}：已完成{:.0}%，时间已过{:.0}%",
            l.0,
            num(l.1),
            s.0,
            num(s.1),
            year,
            level,
            expected,
            done,
            elapsed
        )
    } else {
        format!(
            "{} value {} against {} expected on the linear path from {} ({}) to {} ({}): {:.0}% of the way done, {:.0}% of the time elapsed",
            l.0, num(l.1), expected, num(s.1), s.0, level, year, done, elapsed
        )
    };
    match (a.status, zh) {
        (Status::OffTrack, true) if a.binding => format!("约束性目标落后于路径：{text}"),
        (Status::OffTrack, false) if a.binding => {
            format!("binding target behind its trajectory: {text}")
        }
        _ => text,
    }
}
