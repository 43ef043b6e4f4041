//! A frozen evaluation as files: its targets (`items`) and its counts per class (`summary`),
//! as CSV, JSON and a workbook, and a manifest giving each file's size and SHA-256 over its
//! exact bytes, so a copy filed with a report can be checked offline (`plangraph verify
//! evaluation`). An evaluation never changes, so neither do its files. Pure.

use entity::{evaluation, evaluation_item};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::tables::columns;
use super::{csv, json, xlsx, Cell, Column, Format, Table};
use crate::rules::evaluation::{Class, Kind, Tally};

/// One file of a release, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listed {
    pub name: String,
    #[serde(rename = "mediaType")]
    pub media_type: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The manifest of a release: the evaluation it is and its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub evaluation: serde_json::Value,
    pub files: Vec<Listed>,
}

/// The items, in order: one row per target.
pub fn items(list: &[evaluation_item::Model]) -> Table {
    let columns = columns![
        "ordinal" => "序号" : integer,
        "plan" => "规划" : string,
        "domain" => "领域" : string,
        "target_key" => "目标键" : string,
        "indicator" => "指标" : string,
        "unit" => "单位" : string,
        "class" => "类别" : string,
        "value" => "所用数值" : number,
        "value_year" => "数值年份" : integer,
        "comparator" => "比较方式" : string,
        "target_value" => "目标值" : number,
        "target_year" => "目标年份" : integer,
        "binding" => "约束性" : boolean,
        "progress" => "完成进度（0–1）" : number,
        "expected" => "按线性路径应达" : number,
        "lead_departments" => "牵头单位" : string,
        "reason" => "说明" : string,
        "reason_en" => "说明（英文）" : string,
    ];
    let rows = list
        .iter()
        .map(|i| {
            let departments: Vec<String> = serde_json::from_str(&i.departments).unwrap_or_default();
            vec![
                Cell::Int(i64::from(i.ordinal) + 1),
                Cell::Text(i.plan_code.clone()),
                Cell::Text(i.domain.clone()),
                Cell::Text(i.target_key.clone()),
                Cell::Text(i.indicator.clone()),
                i.unit.clone().map_or(Cell::Empty, Cell::Text),
                Cell::Text(i.class.clone()),
                i.value.map_or(Cell::Empty, Cell::Number),
                i.value_year
                    .map_or(Cell::Empty, |y| Cell::Int(i64::from(y))),
                i.comparator.clone().map_or(Cell::Empty, Cell::Text),
                i.target_value.map_or(Cell::Empty, Cell::Number),
                Cell::Int(i64::from(i.target_year)),
                Cell::Text(if i.binding { "true" } else { "false" }.into()),
                i.progress.map_or(Cell::Empty, Cell::Number),
                i.expected.map_or(Cell::Empty, Cell::Number),
                Cell::Text(departments.join("、")),
                Cell::Text(i.reason_zh.clone()),
                Cell::Text(i.reason_en.clone()),
            ]
        })
        .collect();
    Table {
        name: "items",
        columns,
        rows,
    }
}

/// Counts per class, then the achievement rate with its denominator.
pub fn summary(kind: Kind, list: &[evaluation_item::Model]) -> Table {
    let tally = Tally::of(list.iter().map(|i| Class::stored(&i.class)));
    let count = |n: usize| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let mut rows: Vec<Vec<Cell>> = tally
        .counts
        .iter()
        .map(|(c, n)| {
            vec![
                Cell::Text(c.as_str().into()),
                Cell::Text(c.chinese(kind).into()),
                count(*n),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::Text("MONITORABLE".into()),
        Cell::Text("可监测（有数值目标且有数据）".into()),
        count(tally.monitorable),
    ]);
    rows.push(vec![
        Cell::Text("ACHIEVEMENT_RATE".into()),
        Cell::Text("达标率（已实现 / 可监测）".into()),
        tally.rate().map_or(Cell::Empty, Cell::Number),
    ]);
    Table {
        name: "summary",
        columns: columns![
            "class" => "类别" : string,
            "label" => "中文" : string,
            "count" => "目标数（达标率为比例）" : number,
        ],
        rows,
    }
}

/// The file name of a release's file.
pub fn file_name(e: &evaluation::Model, format: Format) -> String {
    format!(
        "changle-evaluation-{}-{}-{}-e{}.{}",
        e.kind.to_lowercase(),
        e.plan_code.as_deref().unwrap_or("all"),
        e.through_year,
        e.id,
        format.extension()
    )
}

/// Every file of a release with its bytes: the items as CSV and JSON, the workbook of items
/// and summary. Deterministic: the workbook is dated the evaluation's freezing.
pub fn files(
    e: &evaluation::Model,
    list: &[evaluation_item::Model],
) -> Result<Vec<(String, Format, Vec<u8>)>, rust_xlsxwriter::XlsxError> {
    let kind = Kind::parse(&e.kind).unwrap_or(Kind::Annual);
    let (items, summary) = (items(list), summary(kind, list));
    let about = xlsx::About {
        title: crate::rules::evaluation::title_of(e),
        changed_at: e.frozen_at.timestamp(),
    };
    Ok(vec![
        (file_name(e, Format::Csv), Format::Csv, csv::write(&items)),
        (
            file_name(e, Format::Json),
            Format::Json,
            json::write(&items),
        ),
        (
            file_name(e, Format::Xlsx),
            Format::Xlsx,
            xlsx::write(&[items, summary], &about)?,
        ),
    ])
}

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The manifest of `files`, with the evaluation's own description.
pub fn manifest(evaluation: serde_json::Value, files: &[(String, Format, Vec<u8>)]) -> Manifest {
    Manifest {
        evaluation,
        files: files
            .iter()
            .map(|(name, format, bytes)| Listed {
                name: name.clone(),
                media_type: format.media_type().to_string(),
                bytes: bytes.len() as u64,
                sha256: sha256_hex(bytes),
            })
            .collect(),
    }
}

/// What is wrong with the files of a release as found (`read` gives a file's bytes by name,
/// or none): one line per file that is missing, of another size or another checksum.
pub fn verify(manifest: &Manifest, read: impl Fn(&str) -> Option<Vec<u8>>) -> Vec<String> {
    let mut problems = Vec::new();
    for f in &manifest.files {
        if f.name.contains(['/', '\\']) || f.name.starts_with('.') {
            problems.push(format!("{}: not a plain file name", f.name));
            continue;
        }
        let Some(bytes) = read(&f.name) else {
            problems.push(format!("{}: missing", f.name));
            continue;
        };
        let sha = format!("{:x}", Sha256::digest(&bytes));
        if bytes.len() as u64 != f.bytes || sha != f.sha256 {
            problems.push(format!(
                "{}: {} bytes, SHA-256 {sha}; the manifest says {} bytes, {}",
                f.name,
                bytes.len(),
                f.bytes,
                f.sha256
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_byte_or_a_missing_file_fails_verification() {
        let files = vec![
            ("a.csv".to_string(), Format::Csv, b"x,y\n1,2\n".to_vec()),
            ("a.json".to_string(), Format::Json, b"[]".to_vec()),
        ];
        let m = manifest(serde_json::json!({ "id": "e" }), &files);
        let found = |changed: Option<&str>| {
            let files = files.clone();
            let changed = changed.map(str::to_string);
            move |name: &str| {
                let mut bytes = files.iter().find(|f| f.0 == name)?.2.clone();
                if changed.as_deref() == Some(name) {
                    bytes[0] ^= 1;
                }
                Some(bytes)
            }
        };
        assert!(verify(&m, found(None)).is_empty());
        let bad = verify(&m, found(Some("a.csv")));
        assert_eq!(bad.len(), 1);
        assert!(bad[0].starts_with("a.csv: 8 bytes"), "{bad:?}");
        let missing = verify(&m, |name: &str| {
            (name == "a.csv").then(|| files[0].2.clone())
        });
        assert_eq!(missing, ["a.json: missing"]);
    }
}
