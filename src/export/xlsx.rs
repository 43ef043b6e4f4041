//! An XLSX workbook, written with rust_xlsxwriter: one sheet per table, its header row the
//! column names the CSV and JSON use (bold, frozen, with a filter), numbers as numbers, columns
//! wide enough for their text; then a `columns` sheet giving each column's Chinese label (and
//! where its unit is), so that a reader such as pandas sees the CSV's columns.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{Cell, Table};

/// What the workbook says of itself (its document properties).
#[derive(Debug, Clone, PartialEq)]
pub struct About {
    pub title: String,
    /// When the data it holds last changed (seconds since the epoch): the file's creation
    /// time, so that the same data gives the same bytes.
    pub changed_at: i64,
}

/// Columns holding a number as published (a goal's （4）): a number where it is one.
const NUMBERED: [&str; 1] = ["goal_number"];

/// The widest a column is made, in characters (the rest of a long text shows in the cell).
const MAX_WIDTH: usize = 60;

/// A workbook of the tables, in order, and the `columns` sheet.
pub fn write(tables: &[Table], about: &About) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(&properties(about)?);
    let bold = Format::new().set_bold();
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(table.name)?;
        data_sheet(sheet, table, &bold)?;
    }
    columns_sheet(book.add_worksheet(), tables, &bold)?;
    book.save_to_buffer()
}

fn properties(about: &About) -> Result<DocProperties, XlsxError> {
    Ok(DocProperties::new()
        .set_title(&about.title)
        .set_author("plangraph")
        .set_company("昌乐县人民政府")
        .set_keywords("乐政字〔2022〕16号")
        .set_comment("列名与 CSV 相同；各列的中文说明见 columns 工作表。")
        .set_creation_datetime(&ExcelDateTime::from_timestamp(about.changed_at)?))
}

fn data_sheet(sheet: &mut Worksheet, table: &Table, bold: &Format) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = table.columns.iter().map(|c| width(c.name)).collect();
    for (col, column) in (0u16..).zip(&table.columns) {
        sheet.write_string_with_format(0, col, column.name, bold)?;
    }
    for (row, cells) in (1u32..).zip(&table.rows) {
        for ((col, cell), column) in (0u16..).zip(cells).zip(&table.columns) {
            let numbered = NUMBERED.contains(&column.name);
            if let Some(shown) = write_cell(sheet, row, col, cell, numbered)? {
                let at = usize::from(col);
                widths[at] = widths[at].max(width(&shown));
            }
        }
    }
    for (col, w) in (0u16..).zip(&widths) {
        sheet.set_column_width(col, column_width(*w))?;
    }
    let last_row = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
    let last_col = u16::try_from(table.columns.len().saturating_sub(1)).unwrap_or(u16::MAX);
    sheet.autofilter(0, 0, last_row, last_col)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Writes one cell; returns its text as shown, for the column's width.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    numbered: bool,
) -> Result<Option<String>, XlsxError> {
    let shown = match cell {
        Cell::Text(t) => match t.parse::<u32>().ok().filter(|_| numbered) {
            Some(n) => {
                sheet.write_number(row, col, f64::from(n))?;
                t.clone()
            }
            None => {
                sheet.write_string(row, col, t)?;
                t.clone()
            }
        },
        Cell::Number(v) => {
            sheet.write_number(row, col, *v)?;
            super::csv::number(*v)
        }
        Cell::Int(v) => {
            // Every integer the tables hold (years, lines, counts) is exact as an f64.
            #[allow(clippy::cast_precision_loss)]
            sheet.write_number(row, col, *v as f64)?;
            v.to_string()
        }
        Cell::Bool(b) => {
            sheet.write_boolean(row, col, *b)?;
            if *b { "TRUE" } else { "FALSE" }.to_string()
        }
        Cell::Empty => return Ok(None),
    };
    Ok(Some(shown))
}

/// Each table's columns, their Chinese labels and where the unit is.
fn columns_sheet(sheet: &mut Worksheet, tables: &[Table], bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name("columns")?;
    for (col, head) in (0u16..).zip(["table", "column", "label"]) {
        sheet.write_string_with_format(0, col, head, bold)?;
    }
    let columns = tables
        .iter()
        .flat_map(|t| t.columns.iter().map(move |c| (t.name, c)));
    let mut widths = [width("table"), width("column"), width("label")];
    for (row, (table, column)) in (1u32..).zip(columns) {
        for (col, text) in (0u16..).zip([table, column.name, column.label]) {
            sheet.write_string(row, col, text)?;
            widths[usize::from(col)] = widths[usize::from(col)].max(width(text));
        }
    }
    for (col, w) in (0u16..).zip(&widths) {
        sheet.set_column_width(col, column_width(*w))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// How many narrow characters `text` takes on screen: CJK and full-width forms take two.
pub fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115f | 0x2e80..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff => 2,
            0xfe30..=0xfe4f | 0xff00..=0xff60 | 0xffe0..=0xffe6 | 0x20000..=0x3fffd => 2,
            _ => 1,
        })
        .sum()
}

/// A column's width in Excel's units (characters of its default font), with room for the
/// filter button and capped.
fn column_width(chars: usize) -> f64 {
    let capped = u32::try_from(chars.min(MAX_WIDTH)).unwrap_or(60);
    f64::from(capped) + 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_is_twice_as_wide_as_latin() {
        assert_eq!(width("goal"), 4);
        assert_eq!(width("婴儿死亡率"), 10);
        assert_eq!(width("（4）％"), 7);
        assert_eq!(column_width(5), 8.0);
        assert_eq!(column_width(500), 63.0);
    }
}
