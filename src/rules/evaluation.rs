//! The classes of an evaluation (年度监测、中期评估、终期评估), from a target's assessment
//! (`rules::progress`). Pure.
//!
//! The vocabulary is the national one: the 14th Five-Year Plan's mid-term report classed
//! indicators 提前实现 / 快于预期 / 基本符合预期 / 滞后; a final evaluation says 已实现 or 未实现.
//!
//! - annual and mid-term: ACHIEVED (提前实现) when the latest value up to the year meets the
//!   target; otherwise, on the way, the share of the way done (`progress`) against the share of
//!   the time passed (`elapsed`): more than [`ON_PACE_TOLERANCE`] ahead is AHEAD (快于预期),
//!   within it ON_PACE (基本符合预期), further behind BEHIND (滞后); a level to keep (约、左右,
//!   exactly) missed, a target met at the start and lost since, or a target year passed is
//!   BEHIND;
//! - final: ACHIEVED (已实现) when the latest value up to the year meets the target, else
//!   NOT_ACHIEVED (未实现);
//! - NO_DATA (无数据) without a value after the start, NOT_QUANTIFIED for a target without a
//!   number (not monitorable).
//!
//! The achievement rate (达标率) is ACHIEVED over the monitorable targets — those with a number
//! and data — and always states its denominator.

use crate::rules::progress::{Assessment, Status, Why};

/// The version of these rules and of `rules::progress` an evaluation was frozen with.
pub const RULES_VERSION: &str = "2026-12-06";

/// How far from the trajectory (in shares of the way) a target is still 基本符合预期.
pub const ON_PACE_TOLERANCE: f64 = 0.10;

/// Which evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Annual,
    Midterm,
    Final,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Annual => "ANNUAL",
            Kind::Midterm => "MIDTERM",
            Kind::Final => "FINAL",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Annual, Kind::Midterm, Kind::Final]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The evaluation as the plans name it.
    pub fn chinese(self) -> &'static str {
        match self {
            Kind::Annual => "年度监测",
            Kind::Midterm => "中期评估",
            Kind::Final => "终期评估",
        }
    }
}

/// A frozen evaluation's title, from its row.
pub fn title_of(e: &entity::evaluation::Model) -> String {
    let kind = Kind::parse(&e.kind).unwrap_or(Kind::Annual);
    title(kind, e.plan_code.as_deref(), e.through_year)
}

/// An evaluation's title: 昌乐县“十四五”规划中期评估（health，截至2022年）.
pub fn title(kind: Kind, plan_code: Option<&str>, through_year: i32) -> String {
    format!(
        "昌乐县“十四五”规划{}（{}，截至{through_year}年）",
        kind.chinese(),
        plan_code.unwrap_or("全部规划")
    )
}

/// A target's class in an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    Achieved,
    Ahead,
    OnPace,
    Behind,
    NotAchieved,
    NoData,
    NotQuantified,
}

impl Class {
    pub const ALL: [Class; 7] = [
        Class::Achieved,
        Class::Ahead,
        Class::OnPace,
        Class::Behind,
        Class::NotAchieved,
        Class::NoData,
        Class::NotQuantified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Achieved => "ACHIEVED",
            Class::Ahead => "AHEAD",
            Class::OnPace => "ON_PACE",
            Class::Behind => "BEHIND",
            Class::NotAchieved => "NOT_ACHIEVED",
            Class::NoData => "NO_DATA",
            Class::NotQuantified => "NOT_QUANTIFIED",
        }
    }

    pub fn parse(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// A class as stored (a word this version wrote; NO_DATA for any other).
    pub fn stored(s: &str) -> Class {
        Class::parse(s).unwrap_or(Class::NoData)
    }

    /// The class in English, as the items' English reasons begin.
    pub fn english(self) -> &'static str {
        match self {
            Class::Achieved => "achieved",
            Class::Ahead => "ahead of the trajectory",
            Class::OnPace => "on pace",
            Class::Behind => "behind",
            Class::NotAchieved => "not achieved",
            Class::NoData => "no data",
            Class::NotQuantified => "not quantified",
        }
    }

    /// The class as a county report names it.
    pub fn chinese(self, kind: Kind) -> &'static str {
        match (self, kind) {
            (Class::Achieved, Kind::Final) => "已实现",
            (Class::Achieved, _) => "提前实现",
            (Class::Ahead, _) => "快于预期",
            (Class::OnPace, _) => "基本符合预期",
            (Class::Behind, _) => "滞后",
            (Class::NotAchieved, _) => "未实现",
            (Class::NoData, _) => "无数据",
            (Class::NotQuantified, _) => "未量化",
        }
    }

    /// Whether a target of this class counts in the achievement rate's denominator.
    pub fn monitorable(self) -> bool {
        !matches!(self, Class::NoData | Class::NotQuantified)
    }
}

/// The class of a target assessed as `a` (with values up to the evaluation's year).
pub fn classify(kind: Kind, a: &Assessment) -> Class {
    match a.status {
        Status::NotQuantified => return Class::NotQuantified,
        Status::NoData => return Class::NoData,
        Status::Achieved => return Class::Achieved,
        _ => {}
    }
    if kind == Kind::Final {
        return Class::NotAchieved;
    }
    match (a.why, a.progress, a.elapsed) {
        (Why::OnTheWay, Some(done), Some(elapsed)) => {
            if done > elapsed + ON_PACE_TOLERANCE {
                Class::Ahead
            } else if done >= elapsed - ON_PACE_TOLERANCE {
                Class::OnPace
            } else {
                Class::Behind
            }
        }
        _ => Class::Behind,
    }
}

/// Counts per class and the achievement rate (达标率) over the monitorable targets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tally {
    /// Per class in [`Class::ALL`] order, those that occur.
    pub counts: Vec<(Class, usize)>,
    pub achieved: usize,
    pub monitorable: usize,
}

impl Tally {
    pub fn of(classes: impl IntoIterator<Item = Class>) -> Tally {
        let mut counts = [0usize; 7];
        for c in classes {
            counts[Class::ALL.iter().position(|x| *x == c).unwrap_or(0)] += 1;
        }
        let pairs: Vec<(Class, usize)> = Class::ALL
            .into_iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .collect();
        let count = |c: Class| pairs.iter().find(|(x, _)| *x == c).map_or(0, |p| p.1);
        Tally {
            achieved: count(Class::Achieved),
            monitorable: pairs
                .iter()
                .filter(|(c, _)| c.monitorable())
                .map(|p| p.1)
                .sum(),
            counts: pairs,
        }
    }

    /// Achieved over monitorable (3 decimals); none without a monitorable target.
    pub fn rate(&self) -> Option<f64> {
        if self.monitorable == 0 {
            return None;
        }
        #[allow(clippy::cast_precision_loss)]
        let rate = self.achieved as f64 / self.monitorable as f64;
        Some((rate * 1000.0).round() / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Comparator, Direction, Nature, TargetBasis};
    use crate::rules::progress::{assess, Target};

    fn target(nature: Nature) -> Target {
        Target {
            direction: Direction::HigherIsBetter,
            nature,
            baseline: Some((2020, 60.0)),
            target_year: 2025,
            target_value: Some(80.0),
            comparator: Some(Comparator::AtLeast),
            basis: TargetBasis::Level,
        }
    }

    #[test]
    fn midterm_classes_follow_the_share_of_the_way_against_the_time() {
        let t = target(Nature::Expected);
        // 2022: 40% of the time has passed (2 of 5 years); the way is 20 points.
        let class = |v: f64| classify(Kind::Midterm, &assess(&t, &[(2022, v)], Some(2022)));
        assert_eq!(class(80.0), Class::Achieved);
        assert_eq!(class(72.0), Class::Ahead); // 60% of the way
        assert_eq!(class(68.0), Class::OnPace); // 40%
        assert_eq!(class(66.2), Class::OnPace); // 31%: within 10 points
        assert_eq!(class(65.0), Class::Behind); // 25%
        assert_eq!(class(55.0), Class::Behind); // going the wrong way
        assert_eq!(
            classify(Kind::Midterm, &assess(&t, &[], Some(2022))),
            Class::NoData
        );
    }

    #[test]
    fn a_final_evaluation_says_achieved_or_not() {
        let t = target(Nature::Binding);
        let class = |v: f64| classify(Kind::Final, &assess(&t, &[(2025, v)], Some(2025)));
        assert_eq!(class(80.0), Class::Achieved);
        assert_eq!(class(79.9), Class::NotAchieved);
        assert_eq!(Class::Achieved.chinese(Kind::Final), "已实现");
        assert_eq!(Class::Achieved.chinese(Kind::Midterm), "提前实现");
    }

    #[test]
    fn the_rate_states_its_denominator() {
        let t = Tally::of([
            Class::Achieved,
            Class::Achieved,
            Class::NotAchieved,
            Class::NoData,
            Class::NotQuantified,
        ]);
        assert_eq!((t.achieved, t.monitorable), (2, 3));
        assert_eq!(t.rate(), Some(0.667));
        assert_eq!(Tally::of([Class::NoData]).rate(), None);
        assert_eq!(
            t.counts,
            vec![
                (Class::Achieved, 2),
                (Class::NotAchieved, 1),
                (Class::NoData, 1),
                (Class::NotQuantified, 1)
            ]
        );
    }
}
