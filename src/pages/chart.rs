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

const W: f64 = 640.0;
const H: f64 = 320.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
const COLORS: [&str; 4] = ["#b3261e", "#7a4fb0", "#1d7a5f", "#a35a00"];

/// The years and levels a chart spans, and where they fall on it.
struct Frame {
    y0: i32,
    y1: i32,
    lo: f64,
    hi: f64,
}

impl Frame {
    /// Every year and level of the series, the targets and their paths, padded; None when
    /// there is none.
    fn of(values: &[Point], lines: &[Line]) -> Option<Frame> {
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
        let (y0, y1) = (*years.iter().min()?, *years.iter().max()?);
        let (y0, y1) = if y0 == y1 { (y0 - 1, y1 + 1) } else { (y0, y1) };
        let lo = levels.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = levels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = if hi > lo {
            (hi - lo) * 0.15
        } else {
            hi.abs().max(1.0) * 0.2
        };
        let lo = (lo - pad).min(if lo >= 0.0 { 0.0 } else { lo - pad });
        Some(Frame {
            y0,
            y1,
            lo,
            hi: hi + pad,
        })
    }

    fn x(&self, year: i32) -> f64 {
        LEFT + (f64::from(year - self.y0)) / f64::from(self.y1 - self.y0) * (W - LEFT - RIGHT)
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

/// The chart; None when there is nothing to draw.
pub fn svg(name: &str, unit: &str, values: &[Point], lines: &[Line]) -> Option<String> {
    let frame = Frame::of(values, lines)?;
    let mut s = format!(
        r#"<svg role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 {W} {H}" width="{W}" height="{H}" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{}（{}）</title><desc id="chart-desc">{}</desc>"#,
        esc(name),
        esc(unit),
        esc(&describe(values, lines, unit)),
    );
    axes(&mut s, &frame);
    for (n, l) in lines.iter().enumerate() {
        target_marks(&mut s, &frame, l, COLORS[n % COLORS.len()]);
    }
    series_marks(&mut s, &frame, values);
    s.push_str("</svg>");
    Some(s)
}

/// The axes, a tick per year and three level ticks.
fn axes(s: &mut String, f: &Frame) {
    let _ = write!(
        s,
        r##"<g stroke="#888" stroke-width="1"><line x1="{LEFT}" y1="{}" x2="{}" y2="{}"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{}"/></g><g font-size="12" fill="#333">"##,
        H - BOTTOM,
        W - RIGHT,
        H - BOTTOM,
        H - BOTTOM
    );
    for year in f.y0..=f.y1 {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{year}</text>"#,
            f.x(year),
            H - BOTTOM + 18.0
        );
    }
    for v in [f.lo, (f.lo + f.hi) / 2.0, f.hi] {
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT - 6.0,
            f.y(v) + 4.0,
            tick(v)
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
        r#"<g class="target"><line x1="{LEFT}" y1="{:.1}" x2="{}" y2="{:.1}" stroke="{color}" stroke-width="1" stroke-dasharray="2 3"/><rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{color}"><title>{}：{}年目标 {}</title></rect></g>"#,
        f.y(l.value),
        W - RIGHT,
        f.y(l.value),
        f.x(l.year) - 5.0,
        f.y(l.value) - 5.0,
        esc(&l.label),
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

/// An axis label: two decimals at most (the exact numbers are in the tables).
fn tick(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
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
