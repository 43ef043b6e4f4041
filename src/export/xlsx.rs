//! An XLSX workbook (Office Open XML), one sheet per table: one bold, frozen header row (the
//! column name CSV and JSON use, then its Chinese label, which says where the unit is); numbers
//! as numbers, text as inline strings.

use super::zip::Zip;
use super::{Cell, Table};

/// A workbook of the tables, in order.
pub fn write(tables: &[Table]) -> Vec<u8> {
    let mut zip = Zip::new();
    zip.add(
        "[Content_Types].xml",
        content_types(tables.len()).as_bytes(),
    );
    zip.add("_rels/.rels", ROOT_RELS.as_bytes());
    zip.add("xl/workbook.xml", workbook(tables).as_bytes());
    zip.add(
        "xl/_rels/workbook.xml.rels",
        workbook_rels(tables.len()).as_bytes(),
    );
    zip.add("xl/styles.xml", STYLES.as_bytes());
    for (n, table) in tables.iter().enumerate() {
        zip.add(
            &format!("xl/worksheets/sheet{}.xml", n + 1),
            sheet(table).as_bytes(),
        );
    }
    zip.finish()
}

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

/// Style 0 is the default; style 1 is bold, for the header rows.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

fn content_types(sheets: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
    );
    for n in 1..=sheets {
        s.push_str(&format!(
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        ));
    }
    s.push_str("</Types>");
    s
}

fn workbook(tables: &[Table]) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    for (n, t) in tables.iter().enumerate() {
        s.push_str(&format!(
            r#"<sheet name="{}" sheetId="{}" r:id="rId{}"/>"#,
            escape(t.name),
            n + 1,
            n + 1
        ));
    }
    s.push_str("</sheets></workbook>");
    s
}

fn workbook_rels(sheets: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for n in 1..=sheets {
        s.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        ));
    }
    s.push_str(&format!(
        r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
        sheets + 1
    ));
    s
}

/// A1-style column letters: 0 → A, 25 → Z, 26 → AA.
fn column_letters(mut n: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + u8::try_from(n % 26).unwrap_or(0)));
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    letters.iter().rev().collect()
}

/// The sheet: the header row, then the data from row 2.
fn sheet(table: &Table) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>"#,
    );
    let header: Vec<Cell> = table
        .columns
        .iter()
        .map(|c| Cell::Text(format!("{} {}", c.name, c.label)))
        .collect();
    row(&mut s, 1, &header, true);
    for (n, cells) in table.rows.iter().enumerate() {
        row(&mut s, n + 2, cells, false);
    }
    s.push_str("</sheetData></worksheet>");
    s
}

fn row(s: &mut String, number: usize, cells: &[Cell], header: bool) {
    s.push_str(&format!(r#"<row r="{number}">"#));
    let style = if header { r#" s="1""# } else { "" };
    for (n, cell) in cells.iter().enumerate() {
        let at = format!("{}{number}", column_letters(n));
        match cell {
            Cell::Text(t) => s.push_str(&format!(
                r#"<c r="{at}"{style} t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                escape(t)
            )),
            Cell::Number(v) => s.push_str(&format!(
                r#"<c r="{at}"{style}><v>{}</v></c>"#,
                super::csv::number(*v)
            )),
            Cell::Int(v) => s.push_str(&format!(r#"<c r="{at}"{style}><v>{v}</v></c>"#)),
            Cell::Bool(b) => s.push_str(&format!(
                r#"<c r="{at}"{style} t="b"><v>{}</v></c>"#,
                u8::from(*b)
            )),
            Cell::Empty => {}
        }
    }
    s.push_str("</row>");
}

/// Text as XML character data; characters XML 1.0 cannot hold are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if u32::from(c) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn control_characters_cannot_break_the_xml() {
        assert_eq!(escape("a<b>&\"\u{1}c"), "a&lt;b&gt;&amp;&quot;c");
    }
}
