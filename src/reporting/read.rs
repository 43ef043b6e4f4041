//! An uploaded file read into cells, with every bound checked before the work it bounds: the
//! file's size; for a workbook, its entries' inflated sizes (inflated here into a counter, so a
//! ZIP whose entries claim less than they hold is caught too), macros refused; then the first
//! sheet's cells streamed one at a time (never a dense range, which one far-away cell would
//! make huge), at most `rows` × `columns` and `cells` of them.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, SheetVisible, Xlsx};

use super::figure::Raw;
use super::grid::{check, refuse, Grid, Limits, Meta, Refusal};
use super::workbook::META_SHEET;

pub use super::grid::LIMITS;

/// The grid of an uploaded file: an XLSX workbook (by its bytes) or a CSV (UTF-8).
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Grid, Refusal> {
    if bytes.len() > limits.bytes {
        return Err(refuse(
            "FILE_TOO_LARGE",
            format!(
                "文件有 {} 字节，超过上限 {} 字节",
                bytes.len(),
                limits.bytes
            ),
        ));
    }
    match bytes {
        [b'P', b'K', 3, 4, ..] => workbook(bytes, limits),
        [0xD0, 0xCF, 0x11, 0xE0, ..] => Err(refuse(
            "NOT_A_WORKBOOK",
            "这是旧版 .xls（或加密的）文件：请另存为 .xlsx 或 CSV 后上传",
        )),
        _ => super::csv::read(bytes, limits),
    }
}

fn workbook(bytes: &[u8], limits: &Limits) -> Result<Grid, Refusal> {
    check_archive(bytes, limits)?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| refuse("NOT_A_WORKBOOK", format!("不是可读的 .xlsx 工作簿：{e}")))?;
    let sheet = book
        .sheets_metadata()
        .iter()
        .find(|s| s.visible == SheetVisible::Visible && s.name != META_SHEET)
        .map(|s| s.name.clone())
        .ok_or_else(|| refuse("NOT_A_WORKBOOK", "工作簿里没有可见的工作表"))?;
    let meta = if book.sheet_names().iter().any(|n| n == META_SHEET) {
        meta(&mut book, limits)?
    } else {
        Meta::default()
    };
    let cells = sheet_cells(&mut book, &sheet, limits)?;
    Ok(Grid { sheet, cells, meta })
}

/// Refuses a ZIP with too many entries, macros, or entries that inflate past the bound.
fn check_archive(bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    let not_zip = |e: zip::result::ZipError| {
        refuse("NOT_A_WORKBOOK", format!("不是可读的 .xlsx 工作簿：{e}"))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_zip)?;
    if archive.len() > limits.entries {
        return Err(refuse(
            "TOO_MANY_ENTRIES",
            format!(
                "工作簿有 {} 个部件，超过上限 {}",
                archive.len(),
                limits.entries
            ),
        ));
    }
    let mut total = 0u64;
    for n in 0..archive.len() {
        let mut entry = archive.by_index(n).map_err(not_zip)?;
        let name = entry
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if name.contains("vbaproject") {
            return Err(refuse(
                "MACRO_ENABLED",
                "工作簿含有宏：请另存为不含宏的 .xlsx 后上传",
            ));
        }
        let left = limits.inflated - total;
        let read = std::io::copy(&mut (&mut entry).take(left + 1), &mut std::io::sink())
            .map_err(|e| refuse("NOT_A_WORKBOOK", format!("工作簿的部件无法解压：{e}")))?;
        total += read;
        if total > limits.inflated {
            return Err(refuse(
                "INFLATES_TOO_FAR",
                format!("工作簿解压后超过 {} 字节", limits.inflated),
            ));
        }
    }
    Ok(())
}

/// The `_meta` sheet: its key/value pairs (first column's names, the second's values), and
/// its table of row keys (numbers: sheet row, indicator, department name, year).
fn meta(book: &mut Xlsx<Cursor<&[u8]>>, limits: &Limits) -> Result<Meta, Refusal> {
    let cells = sheet_cells(book, META_SHEET, limits)?;
    let mut out = Meta::default();
    for ((row, col), raw) in &cells {
        if *col != 0 {
            continue;
        }
        let at = |c: u32| cells.get(&(*row, c));
        match (raw, at(1)) {
            (Raw::Text(key), Some(Raw::Text(value))) => {
                out.pairs.insert(key.clone(), value.clone());
            }
            (
                Raw::Number { .. },
                Some(Raw::Number {
                    value: indicator, ..
                }),
            ) => {
                if let Some(Raw::Number { value: year, .. }) = at(3) {
                    #[allow(clippy::cast_possible_truncation)]
                    out.rows.push((*indicator as i32, *year as i32));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A sheet's cells, streamed, with each cell's percent format and uncalculated formulas.
fn sheet_cells(
    book: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
) -> Result<BTreeMap<(u32, u32), Raw>, Refusal> {
    let unreadable =
        |e: calamine::XlsxError| refuse("NOT_A_WORKBOOK", format!("工作表“{name}”无法读取：{e}"));
    let mut cells = BTreeMap::new();
    let mut reader = book.worksheet_cells_reader(name).map_err(unreadable)?;
    while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        check(row, col, cells.len(), limits)?;
        let percent = reader
            .styles()
            .get(style)
            .and_then(|s| s.number_format.as_ref())
            .is_some_and(|f| f.format_code.contains('%') || matches!(f.format_id, Some(9 | 10)));
        cells.insert((row, col), raw(cell.get_value(), percent));
    }
    drop(reader);
    let mut reader = book.worksheet_cells_reader(name).map_err(unreadable)?;
    let mut formulas = 0usize;
    while let Some(formula) = reader.next_formula().map_err(unreadable)? {
        formulas += 1;
        check(0, 0, formulas, limits)?;
        let at = formula.get_position();
        if !formula.get_value().is_empty() && cells.get(&at).is_none_or(|c| *c == Raw::Empty) {
            cells.insert(at, Raw::Uncalculated);
        }
    }
    Ok(cells)
}

fn raw(value: &DataRef<'_>, percent: bool) -> Raw {
    match value {
        DataRef::Empty => Raw::Empty,
        #[allow(clippy::cast_precision_loss)]
        DataRef::Int(n) => Raw::Number {
            value: *n as f64,
            percent,
        },
        DataRef::Float(v) => Raw::Number { value: *v, percent },
        DataRef::String(s) => Raw::Text(s.clone()),
        DataRef::SharedString(s) => Raw::Text((*s).to_string()),
        DataRef::Bool(b) => Raw::Text(b.to_string()),
        DataRef::DateTime(d) => Raw::Text(format!("日期 {}", d.as_f64())),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Raw::Text(s.clone()),
        DataRef::Error(e) => Raw::Text(format!("#{e}")),
    }
}
