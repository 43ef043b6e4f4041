//! A year's figures by breakdown: the newest value of each cell of an indicator and year, from
//! the published values (what the public reads) or from every value not yet superseded or
//! rejected (what a reviewer weighs a submission against).

use std::collections::{BTreeMap, HashMap};

use entity::indicator_value;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::breakdowns::consistency::{Figure, Finding};
use crate::breakdowns::{Cell, Declared};
use crate::domain::{ValueOrigin, ValueStatus};

/// What picking the newest value of a cell needs of a value: its year, cell and version.
pub trait Slotted {
    fn year(&self) -> i32;
    /// The cell's key (empty for the total).
    fn cell(&self) -> &str;
    fn version(&self) -> i32;
}

impl Slotted for indicator_value::Model {
    fn year(&self) -> i32 {
        self.year
    }
    fn cell(&self) -> &str {
        &self.breakdown
    }
    fn version(&self) -> i32 {
        self.version
    }
}

/// A published value of a cell with only what the indicator page shows of it: read by five
/// columns, not the stored row's 23 (the page of a measure by sex and urban/rural lists
/// four cells a year beside the total).
#[derive(Debug, Clone, PartialEq)]
pub struct CellValue {
    pub year: i32,
    pub breakdown: String,
    pub value: f64,
    pub version: i32,
    pub department_id: Option<i32>,
}

impl Slotted for CellValue {
    fn year(&self) -> i32 {
        self.year
    }
    fn cell(&self) -> &str {
        &self.breakdown
    }
    fn version(&self) -> i32 {
        self.version
    }
}

/// The newest value of each cell of one year: the total apart.
#[derive(Debug)]
pub struct Figures<'a, V = indicator_value::Model> {
    pub total: Option<&'a V>,
    pub cells: Vec<(Cell, &'a V)>,
}

impl<V> Default for Figures<'_, V> {
    fn default() -> Self {
        Figures {
            total: None,
            cells: Vec::new(),
        }
    }
}

/// The newest (highest version) of `values` for each cell of `year`; cells in key order.
pub fn newest(values: &[indicator_value::Model], year: i32) -> Figures<'_> {
    newest_by_year(values.iter().filter(|v| v.year == year))
        .remove(&year)
        .unwrap_or_default()
}

/// [`newest`] for every year `values` has, in one pass over them.
pub fn newest_by_year<'a, V: Slotted>(
    values: impl IntoIterator<Item = &'a V>,
) -> BTreeMap<i32, Figures<'a, V>> {
    let mut slots: BTreeMap<(i32, &str), &V> = BTreeMap::new();
    for v in values {
        let slot = slots.entry((v.year(), v.cell())).or_insert(v);
        if v.version() > slot.version() {
            *slot = v;
        }
    }
    let mut out: BTreeMap<i32, Figures<'_, V>> = BTreeMap::new();
    for ((year, key), v) in slots {
        let figures = out.entry(year).or_default();
        if key.is_empty() {
            figures.total = Some(v);
        } else if let Ok(cell) = Cell::parse(key) {
            figures.cells.push((cell, v));
        }
    }
    for figures in out.values_mut() {
        figures.cells.sort_by(|a, b| a.0.cmp(&b.0));
    }
    out
}

/// Every cell ever published for an indicator, with the years it has a value for, in key
/// order (the total left out).
pub fn coverage(values: &[indicator_value::Model]) -> Vec<(Cell, Vec<i32>)> {
    let mut years: BTreeMap<Cell, Vec<i32>> = BTreeMap::new();
    for v in values.iter().filter(|v| !v.breakdown.is_empty()) {
        if let Ok(cell) = Cell::parse(&v.breakdown) {
            let list = years.entry(cell).or_default();
            if !list.contains(&v.year) {
                list.push(v.year);
            }
        }
    }
    years
        .into_iter()
        .map(|(cell, mut list)| {
            list.sort_unstable();
            (cell, list)
        })
        .collect()
}

/// Values of an indicator and year a reviewer weighs a submission against: submitted or
/// published, every cell and the total.
pub async fn live(
    db: &impl ConnectionTrait,
    indicator_id: i32,
    year: i32,
) -> Result<Vec<indicator_value::Model>, sea_orm::DbErr> {
    live_values()
        .filter(indicator_value::Column::IndicatorId.eq(indicator_id))
        .filter(indicator_value::Column::Year.eq(year))
        .all(db)
        .await
}

/// The values a reviewer weighs a submission against (submitted or published), in the order
/// they came: [`live`] and its batch loader (`repo::batch::LiveValues`) narrow it.
pub fn live_values() -> sea_orm::Select<indicator_value::Entity> {
    indicator_value::Entity::find()
        .filter(
            indicator_value::Column::Status.is_in([ValueStatus::Submitted, ValueStatus::Published]),
        )
        .order_by_asc(indicator_value::Column::Id)
}

/// A value as the consistency rules see it: its number and where it came from (文件 for the
/// document's figure, else the reporting department's name).
pub fn figure(v: &indicator_value::Model, names: &HashMap<i32, String>) -> Figure {
    let source = match (v.origin, v.department_id) {
        (ValueOrigin::Document, _) => "文件".to_string(),
        (_, Some(id)) => names.get(&id).cloned().unwrap_or_else(|| id.to_string()),
        (_, None) => "未知来源".to_string(),
    };
    Figure {
        value: v.value,
        source,
    }
}

/// What the consistency rules of a declaration find for an indicator and year over `values`
/// (the newest of each cell), within each of `margins` (the total, or cells such as 女 whose
/// parts fix one more dimension); `names` are the reporting departments' (by id).
pub fn judge(
    declared: &Declared,
    values: &[indicator_value::Model],
    year: i32,
    margins: &[Cell],
    names: &HashMap<i32, String>,
) -> Vec<Finding> {
    let found = newest(values, year);
    if found.cells.is_empty() {
        return Vec::new();
    }
    let cells: Vec<(Cell, Figure)> = found
        .cells
        .iter()
        .map(|(c, v)| (c.clone(), figure(v, names)))
        .collect();
    let total = found.total.map(|v| figure(v, names));
    let figure_of = |margin: &Cell| {
        if margin.is_total() {
            total.as_ref()
        } else {
            cells.iter().find(|(c, _)| c == margin).map(|(_, f)| f)
        }
    };
    margins
        .iter()
        .flat_map(|m| crate::breakdowns::consistency::within(declared, m, figure_of(m), &cells))
        .collect()
}

/// The margins a value of `cell` is weighed in: those it is a part of (its cell with one code
/// fewer) and its own, whose parts fix one more code; the total's own for a total.
pub fn margins_of(cell: &Cell) -> Vec<Cell> {
    let mut out: Vec<Cell> = cell.codes().iter().map(|(d, _)| cell.without(*d)).collect();
    out.push(cell.clone());
    out.sort();
    out.dedup();
    out
}

/// The consistency findings a reviewer sees on a value of `cell`, as quality checks (WARNING):
/// the rules that fail within its margins ([`margins_of`]) for its indicator and year, over the
/// newest submitted or published value of each cell ([`live`]).
pub async fn review_checks(
    db: &impl ConnectionTrait,
    declared: &Declared,
    indicator_id: i32,
    year: i32,
    cell: &Cell,
) -> Result<Vec<crate::rules::quality::Check>, sea_orm::DbErr> {
    let values = live(db, indicator_id, year).await?;
    let of_year = values.iter().filter_map(|v| v.department_id);
    let names = super::departments::names(db, of_year).await?;
    let found = judge(declared, &values, year, &margins_of(cell), &names);
    Ok(as_checks(declared, found))
}

/// The findings that fail, as a reviewer's checks; a margin other than the total is named
/// before the dimension: `女，AGE：…`.
pub fn as_checks(declared: &Declared, found: Vec<Finding>) -> Vec<crate::rules::quality::Check> {
    found
        .into_iter()
        .filter(|f| !f.ok)
        .map(|f| {
            let within: String = f
                .within
                .labels(Some(declared))
                .iter()
                .map(|l| format!("{l}，"))
                .collect();
            crate::rules::quality::Check {
                code: f.rule.code(),
                severity: crate::rules::quality::Severity::Warning,
                message: format!("{within}{}：{}", f.dimension.as_str(), f.message),
            }
        })
        .collect()
}
