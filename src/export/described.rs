//! Descriptions of a scope's CSV files that tools read to type the columns: a Frictionless
//! Data Package (`datapackage.json`) and CSVW metadata (`csv-metadata.json`, the name a CSVW
//! processor looks for beside the CSVs). Both name each column, its Chinese header and its
//! type, and point at the CSVs by relative paths, so they hold wherever the files are served.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::Table;
use crate::publisher as p;

/// The package's name and title for a scope (`all` or a plan code).
fn named(scope: &str) -> (String, &'static str) {
    (format!("changle-plans-{scope}"), p::english_title(scope))
}

/// A target's ID identifies its row; the other tables have no key of their own (the
/// document states some figures twice, on two lines, and a figure has no department).
fn with_key(table: &Table, mut schema: Value) -> Value {
    if table.name == "targets" {
        schema["primaryKey"] = json!("target_id");
    }
    schema
}

/// The Frictionless Data Package of a scope's tables, each with its CSV's size and SHA-256
/// (the CSV as written for the download, not written again here).
pub fn datapackage(scope: &str, tables: &[(&Table, &[u8])]) -> Vec<u8> {
    let (name, title) = named(scope);
    let resources: Vec<Value> = tables
        .iter()
        .map(|(t, bytes)| {
            json!({
                "name": t.name,
                "path": format!("{}.csv", t.name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": bytes.len(),
                "hash": format!("sha256:{:x}", Sha256::digest(bytes)),
                "dialect": { "delimiter": ",", "header": true, "lineTerminator": "\r\n" },
                "schema": with_key(t, json!({
                    "fields": t.columns.iter().map(|c| json!({
                        "name": c.name,
                        "title": c.label,
                        "type": c.kind,
                    })).collect::<Vec<_>>(),
                    "missingValues": [""],
                })),
            })
        })
        .collect();
    let doc = json!({
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": "Targets, yearly values and departments; the columns are described in /downloads/dictionary.md.",
        "licenses": [{ "name": "CC-BY-4.0", "path": p::LICENSE_PAGE, "title": p::LICENSE_TITLE }],
        "sources": [{ "title": "乐政字〔2022〕16号" }],
        "resources": resources,
    });
    pretty(&doc)
}

/// CSVW metadata for a scope's CSV files: a table group, each column titled as the CSV's
/// header names it, typed, and described by its Chinese header.
pub fn csvw(scope: &str, tables: &[Table]) -> Vec<u8> {
    let (name, title) = named(scope);
    let group: Vec<Value> = tables
        .iter()
        .map(|t| {
            json!({
                "url": format!("{}.csv", t.name),
                "dc:title": t.name,
                "tableSchema": with_key(t, json!({
                    "columns": t.columns.iter().map(|c| json!({
                        "name": c.name,
                        "titles": c.name,
                        "dc:description": { "@value": c.label, "@language": "zh-CN" },
                        "datatype": c.kind,
                    })).collect::<Vec<_>>(),
                })),
            })
        })
        .collect();
    let doc = json!({
        "@context": "http://www.w3.org/ns/csvw",
        "@id": name,
        "dc:title": title,
        "dc:license": { "@id": p::LICENSE },
        "dialect": { "encoding": "utf-8", "header": true },
        "tables": group,
    });
    pretty(&doc)
}

fn pretty(doc: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(doc).unwrap_or_default();
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tables::{Cell, Column};

    fn table() -> Table {
        Table {
            name: "targets",
            columns: vec![
                Column {
                    name: "target_id",
                    label: "目标ID",
                    kind: "string",
                },
                Column {
                    name: "year",
                    label: "目标年份",
                    kind: "integer",
                },
            ],
            rows: vec![vec![Cell::Text("VGFyZ2V0OjE=".into()), Cell::Int(2025)]],
        }
    }

    #[test]
    fn both_descriptions_type_each_column_and_point_at_the_csv() {
        let csv = crate::export::csv::write(&table());
        let package: Value =
            serde_json::from_slice(&datapackage("women", &[(&table(), &csv)])).unwrap_or_default();
        let r = &package["resources"][0];
        assert_eq!(r["path"], "targets.csv");
        assert_eq!(
            r["schema"]["fields"][1],
            json!({ "name": "year", "title": "目标年份", "type": "integer" })
        );
        assert_eq!(r["bytes"], csv.len());
        let meta: Value = serde_json::from_slice(&csvw("women", &[table()])).unwrap_or_default();
        let t = &meta["tables"][0];
        assert_eq!(t["url"], "targets.csv");
        assert_eq!(t["tableSchema"]["columns"][1]["datatype"], "integer");
        assert_eq!(t["tableSchema"]["primaryKey"], "target_id");
    }
}
