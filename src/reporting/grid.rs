//! What an upload is read into, and the bounds on it: shared by the workbook and CSV readers.

use std::collections::BTreeMap;

use super::figure::Raw;

/// The bounds on what an upload may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub bytes: usize,
    /// All of a workbook's entries, inflated.
    pub inflated: u64,
    pub entries: usize,
    pub rows: u32,
    pub columns: u32,
    pub cells: usize,
}

/// One department's sheet is ~70 rows of 11 cells and the monitoring office's file for the
/// five years 1,160 rows (~13,000 cells): these leave room for several times that, and keep
/// the refusal of a file past them quick (every cell up to the bound is read first).
pub const LIMITS: Limits = Limits {
    bytes: 5 * 1024 * 1024,
    inflated: 64 * 1024 * 1024,
    entries: 200,
    rows: 10_000,
    columns: 64,
    cells: 100_000,
};

/// A multipart form's room beyond its file: the other parts, boundaries and part headers.
pub const FORM_OVERHEAD: usize = 64 * 1024;

/// Why a file is refused as a whole: a stable code and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

pub(super) fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

/// The cells of the sheet to import, by (row, column) from 0, the header on its first row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    /// The sheet's name (`CSV` for a CSV file), for the cells' references.
    pub sheet: String,
    pub cells: BTreeMap<(u32, u32), Raw>,
    /// The template's own keys (`_meta`), when the file is a template workbook.
    pub meta: Meta,
}

pub(super) fn check(row: u32, col: u32, count: usize, limits: &Limits) -> Result<(), Refusal> {
    if row >= limits.rows || col >= limits.columns {
        return Err(refuse(
            "TOO_MANY_ROWS",
            format!(
                "第 {} 行第 {} 列超出上限（至多 {} 行、{} 列）",
                row + 1,
                col + 1,
                limits.rows,
                limits.columns
            ),
        ));
    }
    if count >= limits.cells {
        return Err(refuse(
            "TOO_MANY_CELLS",
            format!("单元格超过上限 {}", limits.cells),
        ));
    }
    Ok(())
}

/// What a template workbook says of itself (its `_meta` sheet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    /// `template_id`, `department`, `year`, `version`, `structure`.
    pub pairs: BTreeMap<String, String>,
    /// The rows the template listed: (indicator, year).
    pub rows: Vec<(i32, i32)>,
}
