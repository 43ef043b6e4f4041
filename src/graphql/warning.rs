//! Why a target is warned about (预警), each warning with its kind: the plans name two —
//! indicators unlikely to reach their target (预计达标困难: the trajectory's AT_RISK and
//! OFF_TRACK) and indicators that fluctuate strongly (波动较大: the latest published change, by
//! `rules::quality`'s rule).

use async_graphql::{Enum, SimpleObject};

use crate::rules::progress::{Assessment, Language, Point, Status};
use crate::rules::quality;

/// The kind of an early warning.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// Behind the trajectory to the target, and not catching up at the last change' pace.
    AtRisk,
    /// Moving away from the target.
    OffTrack,
    /// The indicator's latest published change is a fluctuation.
    Fluctuation,
}

/// One early warning on a target.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct EarlyWarning {
    /// Which of the plans' two kinds of warning (and for the trajectory, which status).
    pub kind: WarningKind,
    /// The year of the value the warning is about.
    pub year: Option<i32>,
    /// Why, in Chinese, with the numbers.
    pub reason: String,
}

/// The warnings on a target assessed as `assessed`, whose indicator's published series is
/// `series` (as of `as_of`).
pub fn of(
    assessed: &Assessment,
    series: &[Point],
    as_of: Option<i32>,
    unit: Option<&str>,
) -> Vec<EarlyWarning> {
    let mut out = Vec::new();
    let kind = match assessed.status {
        Status::AtRisk => Some(WarningKind::AtRisk),
        Status::OffTrack => Some(WarningKind::OffTrack),
        _ => None,
    };
    if let Some(kind) = kind {
        out.push(EarlyWarning {
            kind,
            year: series
                .iter()
                .rev()
                .find(|(y, _)| as_of.is_none_or(|a| *y <= a))
                .map(|p| p.0),
            reason: assessed.reason(Language::Chinese),
        });
    }
    if let Some(((year, value), f)) = quality::latest_fluctuation(series, as_of) {
        out.push(EarlyWarning {
            kind: WarningKind::Fluctuation,
            year: Some(year),
            reason: quality::describe(&f, year, value, unit),
        });
    }
    out
}
