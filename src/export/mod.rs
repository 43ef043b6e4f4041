//! The downloads: tidy long-format tables built from a [`Snapshot`](crate::repo::export::Snapshot)
//! (pure), written as CSV, JSON or an XLSX workbook. The HTTP routes (`http::downloads`) and the
//! `plangraph export` command serve the same bytes.
//!
//! Column order is part of the contract (docs/DOWNLOADS.md): columns are only ever added at
//! the end.

pub mod csv;
pub mod json;
pub mod tables;
pub mod xlsx;
mod zip;

pub use tables::{build, Cell, Column, Table};

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
