//! JSON: an array of objects, one per row, keys in column order; numbers as numbers.

use super::{Cell, Table};

/// One table as a JSON array of row objects.
pub fn write(table: &Table) -> Vec<u8> {
    let mut out = String::from("[");
    for (n, row) in table.rows.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str("\n{");
        for (i, (column, cell)) in table.columns.iter().zip(row).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::Value::from(column.name).to_string());
            out.push(':');
            out.push_str(&value(cell).to_string());
        }
        out.push('}');
    }
    out.push_str("\n]\n");
    out.into_bytes()
}

fn value(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Text(t) => serde_json::Value::from(t.as_str()),
        Cell::Number(v) => serde_json::Value::from(*v),
        Cell::Int(v) => serde_json::Value::from(*v),
        Cell::Bool(b) => serde_json::Value::from(*b),
        Cell::Empty => serde_json::Value::Null,
    }
}
