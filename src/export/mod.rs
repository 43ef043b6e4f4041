//! The downloads: tidy long-format tables built from a [`Snapshot`](crate::repo::export::Snapshot)
//! (pure), written as CSV, JSON or an XLSX workbook. The HTTP routes (`http::downloads`) and the
//! `plangraph export` command serve the same bytes.
//!
//! Column order is part of the contract (docs/DOWNLOADS.md): columns are only ever added at
//! the end.

pub mod csv;
pub mod described;
pub mod evaluation;
pub mod json;
pub mod tables;
pub mod turtle;
pub mod xlsx;

pub use tables::{build, Cell, Column, Table};

use crate::repo::export::Snapshot;

/// A file format of the downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Xlsx,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The tables of a download, in the order a workbook lists them.
pub const TABLES: [&str; 3] = ["targets", "values", "departments"];

/// A file name a download is saved under: the scope and what it holds.
pub fn file_name(scope: &str, table: Option<&str>, format: Format) -> String {
    match table {
        Some(table) => format!("changle-plans-{scope}-{table}.{}", format.extension()),
        None => format!("changle-plans-{scope}.{}", format.extension()),
    }
}

/// What a scope's workbook says of itself: the plan's title (or the document's, for every
/// plan), and when its data last changed — the newest of its values and the import.
pub fn about(s: &Snapshot, scope: &str, imported_at: i64) -> xlsx::About {
    let title = match (scope, s.plans.first()) {
        ("all", _) | (_, None) => {
            "昌乐县“十四五”妇女、儿童、卫生健康和防震减灾规划：目标与数据".to_string()
        }
        (_, Some(plan)) => format!("{}：目标与数据", plan.title),
    };
    let changed_at = s
        .values
        .iter()
        .flat_map(|v| [Some(v.created_at), v.updated_at, v.reviewed_at])
        .flatten()
        .map(|t| t.timestamp())
        .fold(imported_at, i64::max);
    xlsx::About { title, changed_at }
}
