//! An indicator's chart as inline SVG: published values, each target's level and trajectory.
//! The numbers are in the page's tables too; the SVG has a title and a description.

use std::fmt::Write;

use super::{esc, num};
use crate::rules::progress::Point;

/// A target as the chart draws it.
pub struct Line {
    pub label: String,
    pub year: i32,
    pub value: f64,
    pub trajectory: Vec<Point>,
}

// Drawn at about a phone's width, so that on a 375 px screen the text is as large as written
// (13 units ≈ 12 CSS px); a wider screen scales it up.
const W: f64 = 400.0;
const H: f64 = 250.0;
const LEFT: f64 = 46.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 30.0;
const FONT: f64 = 13.0;
const COLORS: [&str; 4] = ["#b3261e", "#7a4fb0", "#1d7a5f", "#a35a00"];

/// The years and levels a chart spans, where they fall on it, and the level ticks.
struct Frame {
    y0: i32,
    y1: i32,
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Frame {
    /// Every year of the plan period, the series, the targets and their paths, and every
    /// level on round ticks; None when there is no level.
    fn of(values: &[Point], lines: &[Line], period: Option<(i32, i32)>) -> Option<Frame> {
        let mut years: Vec<i32> = values.iter().map(|(y, _)| *y).collect();
        let mut levels: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
        for l in lines {
            years.push(l.year);
            levels.push(l.value);
            years.extend(l.trajectory.iter().map(|(y, _)| *y));
            levels.extend(l.trajectory.iter().map(|(_, v)| *v));
        }
        if levels.is_empty() {
            return None;
        }
        years.extend(period.into_iter().flat_map(|(a, b)| [a, b]));
        let (y0, y1) = (*years.iter().min()?, *years.iter().max()?);
        let (y0, y1) = if y0 == y1 { (y0 - 1, y1 + 1) } else { (y0, y1) };
        let lo = levels.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = levels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let ticks = ticks(lo, hi);
        Some(Frame {
            y0,
            y1,
            lo: *ticks.first()?,
            hi: *ticks.last()?,
            ticks,
        })
    }

    fn x(&self, year: i32) -> f64 {
        LEFT + 8.0
            + (f64::from(year - self.y0)) / f64::from(self.y1 - self.y0) * (W - LEFT - RIGHT - 16.0)
    }

    fn y(&self, v: f64) -> f64 {
        TOP + (self.hi - v) / (self.hi - self.lo) * (H - TOP - BOTTOM)
    }

    /// A line through the points, as SVG's `points`.
    fn points(&self, points: &[Point]) -> String {
        points
            .iter()
            .map(|(yr, v)| format!("{:.1},{:.1}", self.x(*yr), self.y(*v)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Round level ticks (1, 2 or 5 times a power of ten apart, 3 to 6 of them) that cover
/// `lo..=hi`. Zero is the baseline when the levels reach below three quarters of their top
/// (a rate from 2.27 to 3.3) or are one level; a series far from zero (a life expectancy of
/// 78.5 to 80) gets an axis around it, or its changes would be flattened.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (mut lo, mut hi) = (lo, hi);
    if lo >= 0.0 && (lo <= hi * 0.75 || lo == hi) {
        lo = 0.0;
    }
    if (hi - lo).abs() < f64::EPSILON {
        let pad = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        (lo, hi) = (
            (lo - pad).max(if lo >= 0.0 { 0.0 } else { f64::MIN }),
            hi + pad,
        );
    }
    let raw = (hi - lo) / 4.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    let first = (lo / step).floor() * step;
    let mut out = Vec::new();
    let mut n = 0.0;
    while out.last().is_none_or(|t| *t < hi - step * 1e-9) && out.len() < 12 {
        out.push(round_to(first + n * step, step));
        n += 1.0;
    }
    out
}

/// `v` without the float noise a multiple of `step` picks up (0.30000000000000004).
fn round_to(v: f64, step: f64) -> f64 {
    let decimals = (-step.log10().floor()).max(0.0);
    let scale = 10f64.powf(decimals);
    (v * scale).round() / scale
}

/// Targets that say the same (year and level, set by several plans) drawn once, with every
/// plan in their label.
fn merged(lines: &[Line]) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for l in lines {
        match out
            .iter_mut()
            .find(|o| o.year == l.year && (o.value - l.value).abs() < 1e-9)
        {
            Some(o) => {
                o.label.push('、');
                o.label.push_str(&l.label);
            }
            None => out.push(Line {
                label: l.label.clone(),
                year: l.year,
                value: l.value,
                trajectory: l.trajectory.clone(),
            }),
        }
    }
    out
}

/// The chart over the plan period (`period`, when the indicator has plans); None when there
/// is nothing to draw.
pub fn svg(
    name: &str,
    unit: &str,
    values: &[Point],
    lines: &[Line],
    period: Option<(i32, i32)>,
) -> Option<String> {
    let frame = Frame::of(values, lines, period)?;
    let lines = merged(lines);
    let mut s = format!(
        r#"<svg role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 {W} {H}" width="{W}" height="{H}" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{}（{}）</title><desc id="chart-desc">{}</desc>"#,
        esc(name),
        esc(unit),
        esc(&describe(values, &lines, unit)),
    );
    axes(&mut s, &frame, unit);
    for (n, l) in lines.iter().enumerate() {
        target_marks(&mut s, &frame, l, COLORS[n % COLORS.len()]);
    }
    series_marks(&mut s, &frame, values);
    s.push_str("</svg>");
    Some(s)
}

/// The axes: the unit above the level axis, a tick per year (every other one when there
/// are more than six) and the round level ticks with light grid lines.
fn axes(s: &mut String, f: &Frame, unit: &str) {
    let _ = write!(
        s,
        r##"<g stroke="#888" stroke-width="1"><line x1="{LEFT}" y1="{}" x2="{}" y2="{}"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{}"/></g><g font-size="{FONT}" fill="#333">"##,
        H - BOTTOM,
        W - RIGHT,
        H - BOTTOM,
        H - BOTTOM
    );
    if !unit.is_empty() {
        let _ = write!(
            s,
            r#"<text class="unit" x="4" y="{}">单位：{}</text>"#,
            FONT + 2.0,
            esc(unit)
        );
    }
    let every = if f.y1 - f.y0 > 6 { 2 } else { 1 };
    for year in (f.y0..=f.y1).filter(|y| (y - f.y0) % every == 0) {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{year}</text>"#,
            f.x(year),
            H - BOTTOM + FONT + 5.0
        );
    }
    for v in &f.ticks {
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#e4e4e4"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            W - RIGHT,
            LEFT - 5.0,
            f.y(*v) + FONT / 3.0,
            num(*v),
            y = f.y(*v),
        );
    }
    s.push_str("</g>");
}

/// A target: its path (dashed), its level across the chart and a square at its year.
fn target_marks(s: &mut String, f: &Frame, l: &Line, color: &str) {
    if l.trajectory.len() > 1 {
        let _ = write!(
            s,
            r#"<polyline class="trajectory" fill="none" stroke="{color}" stroke-width="1.5" stroke-dasharray="5 4" points="{}"><title>{}：路径</title></polyline>"#,
            f.points(&l.trajectory),
            esc(&l.label)
        );
    }
    let _ = write!(
        s,
        r#"<g class="target"><line x1="{LEFT}" y1="{:.1}" x2="{}" y2="{:.1}" stroke="{color}" stroke-width="1" stroke-dasharray="2 3"/><rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{color}"><title>{}：{}年目标 {}</title></rect><text x="{:.1}" y="{:.1}" font-size="{FONT}" fill="{color}" text-anchor="end">{}年目标 {}</text></g>"#,
        f.y(l.value),
        W - RIGHT,
        f.y(l.value),
        f.x(l.year) - 5.0,
        f.y(l.value) - 5.0,
        esc(&l.label),
        l.year,
        num(l.value),
        f.x(l.year) - 9.0,
        f.y(l.value) - 6.0,
        l.year,
        num(l.value)
    );
}

/// The published values: a line and a dot per value.
fn series_marks(s: &mut String, f: &Frame, values: &[Point]) {
    if values.is_empty() {
        return;
    }
    let _ = write!(
        s,
        r##"<polyline class="series" fill="none" stroke="#0b57a4" stroke-width="2.5" points="{}"/>"##,
        f.points(values)
    );
    for (yr, v) in values {
        let _ = write!(
            s,
            r##"<circle class="value" cx="{:.1}" cy="{:.1}" r="5" fill="#0b57a4"><title>{yr}年 {}</title></circle>"##,
            f.x(*yr),
            f.y(*v),
            num(*v)
        );
    }
}

/// The chart in words, for screen readers.
fn describe(values: &[Point], lines: &[Line], unit: &str) -> String {
    let mut parts = Vec::new();
    if values.is_empty() {
        parts.push("尚无公布数值".to_string());
    } else {
        let v: Vec<String> = values
            .iter()
            .map(|(y, v)| format!("{y}年{}{unit}", num(*v)))
            .collect();
        parts.push(format!("公布数值：{}", v.join("，")));
    }
    for l in lines {
        parts.push(format!(
            "{}：{}年目标{}{unit}",
            l.label,
            l.year,
            num(l.value)
        ));
    }
    parts.join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_leave_zero_out_only_far_from_it() {
        // 婴儿死亡率 2.27 → 3.3: zero is the baseline.
        assert_eq!(ticks(2.27, 3.3), vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        // 人均预期寿命 78.5 → 80: an axis around the series, not from zero.
        assert_eq!(ticks(78.5, 80.0), vec![78.5, 79.0, 79.5, 80.0]);
        assert_eq!(ticks(0.0, 100.0), vec![0.0, 50.0, 100.0]);
        assert_eq!(ticks(5.0, 5.0), vec![0.0, 2.0, 4.0, 6.0]);
        assert_eq!(ticks(0.1, 0.3), vec![0.0, 0.1, 0.2, 0.3]);
    }

    #[test]
    fn equal_targets_are_drawn_once_with_every_plan_named() {
        let line = |label: &str, value: f64| Line {
            label: label.into(),
            year: 2025,
            value,
            trajectory: vec![],
        };
        let lines = [line("儿童", 3.3), line("健康", 3.3), line("妇女", 4.0)];
        let drawn = svg(
            "婴儿死亡率",
            "‰",
            &[(2020, 2.27)],
            &lines,
            Some((2021, 2025)),
        )
        .unwrap_or_default();
        assert_eq!(drawn.matches(r#"<g class="target">"#).count(), 2);
        assert!(
            drawn.contains("<title>儿童、健康：2025年目标 3.3</title>"),
            "{drawn}"
        );
        assert_eq!(drawn.matches(">2025年目标 3.3</text>").count(), 1);
        assert!(drawn.contains(">单位：‰</text>"));
        // The plan period is on the axis even where no value or target is.
        let drawn = svg("x", "%", &[], &[line("a", 50.0)], Some((2021, 2025))).unwrap_or_default();
        assert!(
            drawn.contains(">2021</text>") && drawn.contains(">2025</text>"),
            "{drawn}"
        );
    }
}
