//! A reporting template: one row per cell a department owes (an indicator for the year), with
//! what it needs to fill it in — the targets on the indicator, the last published figure, and
//! what is already submitted or published for the year, pre-filled. Pure.
//!
//! Its columns are a contract (docs/REPORTING.md): the upload reads `indicator_id`, `year`,
//! `value`, `note`, `department_id` and `breakdown` by their names, never by their labels or
//! positions. A measure reported by sex or age gets a row per code of each of its dimensions
//! after its total's row; those rows may stay empty.

use entity::target;

use super::figure::NOT_AVAILABLE;
use crate::domain::{Direction, TargetBasis, ValueStatus};
use crate::export::{Cell, Column, Table};
use crate::ids::{self, Kind};
use crate::repo::templates::Obligation;
use crate::rules::progress::shown;

/// The columns, in order; the input columns are `value` and `note`.
pub const COLUMNS: [(&str, &str); 13] = [
    ("indicator_id", "指标ID（勿改）"),
    ("indicator", "指标"),
    ("unit", "单位"),
    ("department", "填报单位"),
    ("targets", "规划目标（规划 年份 目标值）"),
    ("last_year", "上次发布的年份"),
    ("last_value", "上次发布的数值"),
    ("status", "本年度已有数值的状态"),
    ("year", "年份（勿改）"),
    ("value", "本年度数值（按“单位”列填写；不适用填“不适用”）"),
    ("note", "备注（数据来源、口径变化等）"),
    ("department_id", "填报单位ID（勿改）"),
    ("breakdown", "分组（勿改；空为合计）"),
];

/// Where the input columns are (0-based), for the workbook's unlocked cells.
pub const VALUE_COLUMN: usize = 9;
pub const NOTE_COLUMN: usize = 10;

/// A department's (or every department's) template for a year.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The department's name; `None` for the monitoring office's workbook of all.
    pub department: Option<String>,
    pub year: i32,
    /// The data version it was made at, and the version of the store's structure (plans,
    /// targets, assignments): an upload of a template made at an older structure is checked
    /// for obligations that changed since.
    pub version: i64,
    pub structure: i64,
    pub rows: Vec<TemplateRow>,
}

/// One owed cell.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateRow {
    pub indicator_id: i32,
    pub indicator: String,
    pub unit: Option<String>,
    pub department: String,
    /// The department's store id: the monitoring office's upload reports each row for it.
    pub department_id: i32,
    pub year: i32,
    /// The breakdown cell's key (`SEX=F`); empty for the total.
    pub breakdown: String,
    pub targets: String,
    pub last_year: Option<i32>,
    pub last_value: Option<f64>,
    pub status: Option<ValueStatus>,
    pub value: Option<f64>,
    pub note: Option<String>,
    /// The department said the figure does not exist (and has no value submitted or
    /// published for the year): the value cell says 不适用.
    pub not_available: bool,
}

impl Template {
    /// The template of `obligations` (already in the order to list them).
    pub fn new(
        department: Option<String>,
        year: i32,
        (version, structure): (i64, i64),
        obligations: &[Obligation],
    ) -> Template {
        Template {
            department,
            year,
            version,
            structure,
            rows: obligations.iter().map(row).collect(),
        }
    }

    /// Names this template: the department (or `all`), the year and the structure it was
    /// made at.
    pub fn id(&self) -> String {
        format!(
            "changle-{}-{}-s{}",
            self.department.as_deref().unwrap_or("all"),
            self.year,
            self.structure
        )
    }

    /// The rows as a table, for the CSV (and the workbook's first sheet).
    pub fn table(&self) -> Table {
        Table {
            name: "填报",
            columns: COLUMNS
                .iter()
                .map(|(name, label)| Column {
                    name,
                    label,
                    // `value` takes words too (不适用).
                    kind: match *name {
                        "year" | "last_year" => "integer",
                        "last_value" => "number",
                        _ => "string",
                    },
                })
                .collect(),
            rows: self.rows.iter().map(cells).collect(),
        }
    }
}

fn row(o: &Obligation) -> TemplateRow {
    let answered = o
        .current
        .as_ref()
        .is_some_and(|v| matches!(v.status, ValueStatus::Submitted | ValueStatus::Published));
    let stated = o.unavailable.as_ref().filter(|_| !answered);
    let current = o.current.as_ref().filter(|_| stated.is_none());
    TemplateRow {
        indicator_id: o.indicator.id,
        indicator: named(o),
        unit: o.indicator.unit.clone(),
        department: o.department.name.clone(),
        department_id: o.department.id,
        year: o.year,
        breakdown: o.cell.clone(),
        targets: targets(o),
        last_year: o.last_published.as_ref().map(|v| v.year),
        last_value: o.last_published.as_ref().map(|v| shown(v.value)),
        status: current.map(|v| v.status),
        value: current.map(|v| v.value),
        note: match stated {
            Some(note) => note.clone(),
            None => current.and_then(|v| v.note.clone()),
        },
        not_available: stated.is_some(),
    }
}

/// The indicator's name, and for a cell its labels: `婴儿死亡率（女）`.
fn named(o: &Obligation) -> String {
    if o.cell_labels.is_empty() {
        o.indicator.name.clone()
    } else {
        format!("{}（{}）", o.indicator.name, o.cell_labels.join("，"))
    }
}

/// The targets on the indicator as a reader writes them, each once:
/// `儿童发展规划 2025年 ≤3.3‰；…`, a change as `比2020年下降20%`.
fn targets(o: &Obligation) -> String {
    let mut out: Vec<String> = Vec::new();
    for (plan, t) in &o.targets {
        let Some(aim) = aim(t) else { continue };
        let text = format!("{plan} {}年 {aim}", t.year);
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out.join("；")
}

/// What a quantified target asks, in Chinese; `None` for one without a number.
fn aim(t: &target::Model) -> Option<String> {
    let number = crate::export::csv::number(shown(t.value?));
    let unit = t.unit.as_deref().unwrap_or("");
    let way = if t.direction == Direction::LowerIsBetter {
        "下降"
    } else {
        "提高"
    };
    Some(match t.basis {
        TargetBasis::Level => match t.comparator {
            Some(c) => crate::rules::progress::level_text(c, &number, unit),
            None => format!("{number}{unit}"),
        },
        TargetBasis::ChangeFromBaseline => match t.baseline_year {
            Some(b) => format!("比{b}年{way}{number}%"),
            None => format!("{way}{number}%"),
        },
        TargetBasis::AnnualChange => format!("每年{way}{number}{unit}"),
    })
}

fn cells(r: &TemplateRow) -> Vec<Cell> {
    let opt_text = |s: &Option<String>| s.clone().map_or(Cell::Empty, Cell::Text);
    vec![
        Cell::Text(ids::encode(Kind::Indicator, r.indicator_id).to_string()),
        Cell::Text(r.indicator.clone()),
        opt_text(&r.unit),
        Cell::Text(r.department.clone()),
        Cell::Text(r.targets.clone()),
        r.last_year.map_or(Cell::Empty, |y| Cell::Int(i64::from(y))),
        r.last_value.map_or(Cell::Empty, Cell::Number),
        match r.status {
            Some(s) => Cell::Text(s.as_str().to_uppercase()),
            None if r.not_available => Cell::Text("NOT_AVAILABLE".into()),
            None => Cell::Empty,
        },
        Cell::Int(i64::from(r.year)),
        match r.value {
            Some(v) => Cell::Number(v),
            None if r.not_available => Cell::Text(NOT_AVAILABLE[0].into()),
            None => Cell::Empty,
        },
        opt_text(&r.note),
        Cell::Text(ids::encode(Kind::Department, r.department_id).to_string()),
        if r.breakdown.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(r.breakdown.clone())
        },
    ]
}
