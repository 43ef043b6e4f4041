//! CSV as Excel and WPS open it: UTF-8 with a byte-order mark (without it they read the Chinese
//! text as the local code page), CRLF line ends, RFC 4180 quoting.

use super::{Cell, Table};

const BOM: &str = "\u{feff}";

/// One table as CSV: a header row of column names, then the rows.
pub fn write(table: &Table) -> Vec<u8> {
    let mut out = String::from(BOM);
    let header: Vec<String> = table.columns.iter().map(|c| field(c.name)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(cell).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Text(t) => field(t),
        Cell::Number(v) => number(*v),
        Cell::Int(v) => v.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Empty => String::new(),
    }
}

/// A number as a reader expects it: 80, not 80.0; 2.27, not 2.2700000000000001.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        v.to_string()
    }
}

fn field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Column;

    #[test]
    fn bom_crlf_and_quotes() {
        let table = Table {
            name: "t",
            columns: vec![
                Column {
                    name: "a",
                    label: "",
                    kind: "string",
                },
                Column {
                    name: "b",
                    label: "",
                    kind: "number",
                },
            ],
            rows: vec![vec![
                Cell::Text("婴儿死亡率，“控制在”\"x\"".into()),
                Cell::Number(80.0),
            ]],
        };
        let text = String::from_utf8(write(&table)).unwrap_or_default();
        assert_eq!(
            text,
            "\u{feff}a,b\r\n\"婴儿死亡率，“控制在”\"\"x\"\"\",80\r\n"
        );
        assert_eq!(number(2.27), "2.27");
        assert_eq!(number(33.3333), "33.3333");
    }
}
