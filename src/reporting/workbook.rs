//! A template as the workbook a department fills in (Excel or WPS): the first sheet's header
//! row names the columns as the CSV does; every cell but the value and note is locked (the
//! sheet is protected without a password: a guard against slips, not a lock); each value cell
//! accepts a number in its unit's range or 不适用/无/—; a very hidden `_meta` sheet holds the
//! template's id, department, year and versions and each row's key, so an upload matches rows
//! by their keys, never by labels.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, Formula, ProtectionOptions, Workbook,
    Worksheet, XlsxError,
};

use super::figure::NOT_AVAILABLE;
use super::template::{Template, COLUMNS, NOTE_COLUMN, VALUE_COLUMN};
use crate::export::Cell;
use crate::rules::workflow;

/// The name of the hidden sheet of keys.
pub const META_SHEET: &str = "_meta";

/// The template as an XLSX workbook.
pub fn write(template: &Template) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let table = template.table();
    let sheet = book.add_worksheet();
    sheet.set_name(table.name)?;
    input_sheet(sheet, template)?;
    meta_sheet(book.add_worksheet(), template)?;
    book.save_to_buffer()
}

fn input_sheet(sheet: &mut Worksheet, template: &Template) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let open = Format::new()
        .set_unlocked()
        .set_background_color(0x00FF_F2CC);
    for (col, (name, _)) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, col, name, &bold)?;
    }
    let table = template.table();
    for (row, (cells, data)) in (1u32..).zip(table.rows.iter().zip(&template.rows)) {
        for (col, cell) in (0u16..).zip(cells) {
            let input = matches!(usize::from(col), VALUE_COLUMN | NOTE_COLUMN);
            write_cell(sheet, row, col, cell, input.then_some(&open))?;
        }
        let validation = value_rule(row, data.unit.as_deref())?;
        let value = u16::try_from(VALUE_COLUMN).unwrap_or(0);
        sheet.add_data_validation(row, value, row, value, &validation)?;
    }
    for (col, (name, label)) in (0u16..).zip(COLUMNS) {
        let width = crate::export::xlsx::width(label).max(name.len()).min(40);
        sheet.set_column_width(col, f64::from(u32::try_from(width).unwrap_or(40)) + 2.0)?;
    }
    sheet.set_freeze_panes(1, 2)?;
    sheet.protect_with_options(&ProtectionOptions {
        select_locked_cells: true,
        select_unlocked_cells: true,
        format_cells: true,
        format_columns: true,
        format_rows: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    });
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    let plain = Format::new();
    let format = format.unwrap_or(&plain);
    match cell {
        Cell::Text(t) => sheet.write_string_with_format(row, col, t, format)?,
        Cell::Number(v) => sheet.write_number_with_format(row, col, *v, format)?,
        Cell::Int(v) => sheet.write_number_with_format(row, col, f64::from(narrow(*v)), format)?,
        Cell::Bool(b) => sheet.write_boolean_with_format(row, col, *b, format)?,
        Cell::Empty => sheet.write_blank(row, col, format)?,
    };
    Ok(())
}

/// Years and ids fit an i32; anything else is written as 0 rather than as a wrong float.
fn narrow(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(0)
}

/// The value cell's rule: a number within the unit's range, or a "not available" word.
fn value_rule(row: u32, unit: Option<&str>) -> Result<DataValidation, XlsxError> {
    let letter = char::from(b'A' + u8::try_from(VALUE_COLUMN).unwrap_or(0));
    let cell = format!("{letter}{}", row + 1);
    let (low, high) = workflow::range(unit);
    let mut number = format!("ISNUMBER({cell})");
    if low > f64::MIN {
        number = format!("AND({number},{cell}>={low})");
    }
    if high < f64::MAX {
        number = format!("AND({number},{cell}<={high})");
    }
    let words = NOT_AVAILABLE
        .iter()
        .map(|w| format!("{cell}=\"{w}\""))
        .collect::<Vec<_>>()
        .join(",");
    let unit = unit.unwrap_or("");
    let range = match (low > f64::MIN, high < f64::MAX) {
        (true, true) => format!("{low}–{high}"),
        (true, false) => format!("不小于{low}"),
        _ => "任意数".to_string(),
    };
    DataValidation::new()
        .allow_custom(Formula::new(format!("=OR({number},{words})")))
        .ignore_blank(true)
        .set_input_title("本年度数值")?
        .set_input_message(format!("单位：{unit}；范围：{range}。没有数据填“不适用”。"))?
        .set_error_title("数值不符合要求")?
        .set_error_message(format!(
            "请填写以{unit}计、{range}的数值，或“不适用”/“无”/“—”。"
        ))
        .map(|v| v.set_error_style(DataValidationErrorStyle::Stop))
}

/// The keys: the template's own, then each data row's (its sheet row, indicator, department
/// and year), so an upload knows every row without reading a label.
fn meta_sheet(sheet: &mut Worksheet, template: &Template) -> Result<(), XlsxError> {
    sheet.set_name(META_SHEET)?;
    let department = template.department.clone().unwrap_or_else(|| "all".into());
    let pairs: [(&str, String); 5] = [
        ("template_id", template.id()),
        ("department", department),
        ("year", template.year.to_string()),
        ("version", template.version.to_string()),
        ("structure", template.structure.to_string()),
    ];
    for (row, (key, value)) in (0u32..).zip(&pairs) {
        sheet.write_string(row, 0, *key)?;
        sheet.write_string(row, 1, value)?;
    }
    let first = u32::try_from(pairs.len() + 1).unwrap_or(6);
    for (col, head) in (0u16..).zip(["row", "indicator", "department", "year"]) {
        sheet.write_string(first, col, head)?;
    }
    for ((n, r), row) in (1u32..).zip(&template.rows).zip(first + 1..) {
        sheet.write_number(row, 0, f64::from(n + 1))?;
        sheet.write_number(row, 1, f64::from(r.indicator_id))?;
        sheet.write_string(row, 2, &r.department)?;
        sheet.write_number(row, 3, f64::from(r.year))?;
    }
    sheet.protect();
    sheet.set_very_hidden(true);
    Ok(())
}
