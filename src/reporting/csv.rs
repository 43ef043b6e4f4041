//! An uploaded CSV read into cells: UTF-8 (with or without a byte-order mark), or GB18030 —
//! what Excel and WPS on a Chinese system save "CSV" as. Every cell is text; the figure rules
//! read the numbers.

use std::collections::BTreeMap;

use super::figure::Raw;
use super::grid::{check, Grid, Limits, Refusal};

/// The grid of a CSV file.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Grid, Refusal> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut cells = BTreeMap::new();
    for (row, record) in (0u32..).zip(reader.records()) {
        let record = record.map_err(|e| Refusal {
            code: "NOT_A_WORKBOOK",
            message: format!("CSV 第 {} 行无法读取：{e}", row + 1),
        })?;
        for (col, field) in (0u32..).zip(record.iter()) {
            check(row, col, cells.len(), limits)?;
            if !field.is_empty() {
                cells.insert((row, col), Raw::Text(field.to_string()));
            }
        }
    }
    Ok(Grid {
        sheet: "CSV".into(),
        cells,
        meta: Default::default(),
    })
}

fn decode(bytes: &[u8]) -> Result<String, Refusal> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
    if bad || text.contains('\0') {
        return Err(Refusal {
            code: "NOT_A_WORKBOOK",
            message: "既不是 .xlsx 工作簿，也不是 UTF-8 或 GB18030 编码的 CSV 文本".into(),
        });
    }
    Ok(text.into_owned())
}
