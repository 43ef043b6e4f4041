//! The rows of an uploaded sheet: its columns found by name (the template's, in any order,
//! or their Chinese labels), each data row's key (indicator and year), value cell and note,
//! and each row's cell reference for the answer (`填报!J7`). Pure.

use super::figure::Raw;
use super::grid::{Grid, Refusal};
use super::template::COLUMNS;
use crate::ids::{self, Kind};

/// Where the columns the upload reads are (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub header_row: u32,
    pub indicator: u32,
    pub year: u32,
    pub value: u32,
    pub note: Option<u32>,
    /// The department a row is for (the all-departments workbook's, or any template's).
    pub department: Option<u32>,
    /// The breakdown cell a row is for (templates of measures reported by sex or age).
    pub breakdown: Option<u32>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The row's number as the spreadsheet shows it (from 1).
    pub row: u32,
    /// The value cell, as a spreadsheet names it: `填报!J7`.
    pub cell: String,
    /// The indicator's store id, or why the key cell names none.
    pub indicator: Result<i32, String>,
    pub year: Result<i32, String>,
    pub value: Raw,
    pub note: Option<String>,
    /// The department the row names (its store id), or why the cell names none; `None` when
    /// the file has no such column or the cell is empty.
    pub department: Option<Result<i32, String>>,
    /// The codes of the breakdown cell the row is for (empty: the total), or why the cell
    /// names none.
    pub breakdown: Result<Vec<(crate::breakdowns::Dimension, String)>, String>,
}

/// The column named `name` (or its label, or the label's words before its bracket).
fn names_of(name: &str) -> Vec<String> {
    let label = COLUMNS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, l)| *l);
    let short = label.split(['（', '(']).next().unwrap_or("");
    let mut out = vec![name.to_string(), label.to_string(), short.to_string()];
    out.retain(|n| !n.is_empty());
    out
}

/// A header cell as compared: without the byte-order mark a spreadsheet may keep from a CSV
/// it opened (LibreOffice does), spaces or case.
fn header_text(raw: &Raw) -> Option<String> {
    match raw {
        Raw::Text(t) => Some(
            t.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
                .to_lowercase(),
        ),
        _ => None,
    }
}

/// Finds the header row (within the first ten rows) and the four columns on it.
pub fn columns(grid: &Grid) -> Result<Columns, Refusal> {
    let find = |row: u32, name: &str| -> Option<u32> {
        let names = names_of(name);
        grid.cells
            .range((row, 0)..(row + 1, 0))
            .find(|(_, raw)| {
                header_text(raw).is_some_and(|h| names.iter().any(|n| n.to_lowercase() == h))
            })
            .map(|((_, col), _)| *col)
    };
    for row in 0..10 {
        let (Some(indicator), Some(year), Some(value)) = (
            find(row, "indicator_id"),
            find(row, "year"),
            find(row, "value"),
        ) else {
            continue;
        };
        return Ok(Columns {
            header_row: row,
            indicator,
            year,
            value,
            note: find(row, "note"),
            department: find(row, "department_id"),
            breakdown: find(row, "breakdown"),
        });
    }
    Err(Refusal {
        code: "NOT_A_TEMPLATE",
        message: "找不到表头：第一张工作表（或 CSV）须有 indicator_id、year、value 三列（列名或模板的中文列名，顺序不限）".into(),
    })
}

/// Every row below the header that holds anything.
pub fn entries(grid: &Grid, columns: &Columns) -> Vec<Entry> {
    let last = grid.cells.keys().map(|(r, _)| *r).max().unwrap_or(0);
    let letter = column_name(columns.value);
    let mut out = Vec::new();
    for row in columns.header_row + 1..=last {
        let at = |col: u32| grid.cells.get(&(row, col));
        let in_row = grid.cells.range((row, 0)..(row + 1, 0));
        if in_row.clone().all(|(_, raw)| matches!(raw, Raw::Empty)) {
            continue;
        }
        out.push(Entry {
            row: row + 1,
            cell: format!("{}!{letter}{}", grid.sheet, row + 1),
            indicator: indicator(at(columns.indicator)),
            year: year(at(columns.year)),
            value: at(columns.value).cloned().unwrap_or(Raw::Empty),
            note: columns.note.and_then(at).and_then(|raw| match raw {
                Raw::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
                Raw::Number { value, .. } => Some(crate::export::csv::number(*value)),
                _ => None,
            }),
            department: columns.department.and_then(at).and_then(department),
            breakdown: breakdown(columns.breakdown.and_then(at)),
        });
    }
    out
}

fn indicator(raw: Option<&Raw>) -> Result<i32, String> {
    let text = match raw {
        Some(Raw::Text(t)) => t.trim(),
        _ => return Err("指标ID为空：请勿删除或修改模板的 indicator_id 列".into()),
    };
    ids::decode_as(&async_graphql::ID(text.to_string()), Kind::Indicator)
        .map_err(|_| format!("“{text}”不是指标ID：请勿修改模板的 indicator_id 列"))
}

fn department(raw: &Raw) -> Option<Result<i32, String>> {
    let text = match raw {
        Raw::Text(t) if !t.trim().is_empty() => t.trim(),
        _ => return None,
    };
    Some(
        ids::decode_as(&async_graphql::ID(text.to_string()), Kind::Department)
            .map_err(|_| format!("“{text}”不是填报单位ID：请勿修改模板的 department_id 列")),
    )
}

fn breakdown(raw: Option<&Raw>) -> Result<Vec<(crate::breakdowns::Dimension, String)>, String> {
    let text = match raw {
        Some(Raw::Text(t)) => t.trim(),
        _ => return Ok(Vec::new()),
    };
    crate::breakdowns::Cell::parse(text)
        .map(|cell| cell.codes().to_vec())
        .map_err(|_| format!("“{text}”不是分组：请勿修改模板的 breakdown 列"))
}

fn year(raw: Option<&Raw>) -> Result<i32, String> {
    let parsed = match raw {
        Some(Raw::Number { value, .. }) if value.fract() == 0.0 => {
            i32::try_from(*value as i64).ok()
        }
        Some(Raw::Text(t)) => t.trim().trim_end_matches('年').parse().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| "年份为空或不是年份：请勿修改模板的 year 列".to_string())
}

/// A1-style column letters (0 → A, 26 → AA), as the spreadsheet names the column.
fn column_name(column: u32) -> String {
    rust_xlsxwriter::utility::column_number_to_name(u16::try_from(column).unwrap_or(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn grid(rows: &[&[&str]]) -> Grid {
        let mut cells = BTreeMap::new();
        for (r, row) in (0u32..).zip(rows) {
            for (c, text) in (0u32..).zip(*row) {
                if !text.is_empty() {
                    cells.insert((r, c), Raw::Text((*text).to_string()));
                }
            }
        }
        Grid {
            sheet: "填报".into(),
            cells,
            meta: Default::default(),
        }
    }

    #[test]
    fn columns_are_found_by_name_or_label_in_any_order() {
        let g = grid(&[&["备注", "year", "本年度数值", "\u{feff}指标ID", "x"]]);
        let c = columns(&g).unwrap();
        assert_eq!((c.indicator, c.year, c.value, c.note), (3, 1, 2, Some(0)));
        assert_eq!(
            columns(&grid(&[&["a", "b"]])).unwrap_err().code,
            "NOT_A_TEMPLATE"
        );
    }

    #[test]
    fn rows_carry_their_cells_and_keys() {
        let id = ids::encode(Kind::Indicator, 33).to_string();
        let g = grid(&[
            &["indicator_id", "year", "value", "note"],
            &[&id, "2025", "3.1", " 年报 "],
            &[],
            &["Indicator:33", "二〇二五", "", ""],
        ]);
        let c = columns(&g).unwrap();
        let e = entries(&g, &c);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].cell, "填报!C2");
        assert_eq!(
            (e[0].indicator.clone(), e[0].year.clone()),
            (Ok(33), Ok(2025))
        );
        assert_eq!(e[0].note.as_deref(), Some("年报"));
        assert_eq!(e[1].row, 4);
        assert!(e[1].indicator.is_err() && e[1].year.is_err());
        assert_eq!(column_name(26), "AA");
    }
}
