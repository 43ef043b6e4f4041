//! The importer: the plan document → a [`Dataset`] → rows in the store.
//!
//! A pipeline of named stages, each testable on its own:
//! `text` (bytes → clean numbered lines) → `outline` (header, plans, chapters, domains, items)
//! → `tags` (department tags by role) → `departments` (canonical names, kinds, groups) →
//! `targets` and `table` (what each clause commits to) → `measures` (which clauses name the
//! same indicator, and the figures for past years) → `monitored` (表1 rows that set nothing
//! are no targets) → `store` (one transaction, keyed upserts, a diff report).

mod completeness;
pub mod dataset;
pub mod departments;
mod fidelity;
pub mod measures;
mod monitored;
pub mod outline;
pub mod scale;
pub mod store;
pub mod table;
pub mod tags;
pub mod targets;
pub mod text;

use std::collections::BTreeMap;
use std::fmt;

use sha2::{Digest, Sha256};

pub use dataset::Dataset;
use dataset::{DepartmentData, Source};

/// The document as bundled with plangraph (乐政字〔2022〕16号), compiled into the binary so
/// that `plangraph serve` works from any directory.
pub const BUNDLED_DOCUMENT: &[u8] = include_bytes!("../../data/changle-2022-16-plans.txt");

/// Why a document could not be imported; `line` is 1-based where one line is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub line: Option<usize>,
    pub message: String,
}

impl ImportError {
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        ImportError {
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn general(message: impl Into<String>) -> Self {
        ImportError {
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// Parses a whole document. Pure: no I/O, so every stage can be tested on text.
pub fn parse(bytes: &[u8]) -> Result<Dataset, ImportError> {
    let lines = text::lines(bytes)?;
    let last = lines.iter().rev().find(|l| !l.trimmed().is_empty());
    if let Some(last) = last {
        // A cut in the middle of a sentence leaves a line with no closing punctuation.
        if !last
            .trimmed()
            .ends_with(['。', '！', '？', '）', '”', '」'])
        {
            return Err(ImportError::at(
                last.no,
                "the document is truncated: its last sentence is unfinished",
            ));
        }
    }
    let (mut document, notice_titles, body_start) = outline::header(&lines)?;
    document.sha256 = format!("{:x}", Sha256::digest(bytes));
    let mut plans = outline::plans(&lines, body_start, &notice_titles)?;
    let departments = collect_departments(&plans);
    check_aliases(&departments)?;
    let indicators = measures::assemble(&mut plans, &measures::identity()?)?;
    monitored::split(&mut plans);
    Ok(Dataset {
        document,
        plans,
        departments,
        indicators,
    })
}

/// One entry per canonical department, in order of first mention, with its raw spellings.
fn collect_departments(plans: &[dataset::PlanData]) -> Vec<DepartmentData> {
    let mut order: Vec<String> = Vec::new();
    let mut by_name: BTreeMap<String, DepartmentData> = BTreeMap::new();
    for goal in plans.iter().flat_map(|p| p.goals.iter()) {
        let src = Source {
            line_start: goal.source.line_start,
            line_end: goal.source.line_end,
            text: goal.tag.clone().unwrap_or_default(),
        };
        for link in &goal.departments {
            let entry = by_name.entry(link.department.clone()).or_insert_with(|| {
                order.push(link.department.clone());
                DepartmentData {
                    name: link.department.clone(),
                    kind: departments::kind_of(&link.department),
                    aliases: Vec::new(),
                    source: src.clone(),
                }
            });
            if link.raw != link.department && !entry.aliases.iter().any(|(a, _)| *a == link.raw) {
                entry.aliases.push((link.raw.clone(), src.clone()));
            }
        }
    }
    order
        .into_iter()
        .filter_map(|name| by_name.remove(&name))
        .collect()
}

/// One spelling must name one department: the lookup by alias depends on it.
fn check_aliases(departments: &[DepartmentData]) -> Result<(), ImportError> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for d in departments {
        for name in std::iter::once(&d.name).chain(d.aliases.iter().map(|(a, _)| a)) {
            if let Some(other) = seen.insert(name, &d.name) {
                if other != d.name {
                    let line = d
                        .aliases
                        .iter()
                        .find(|(a, _)| a == name)
                        .map_or(d.source.line_start, |(_, s)| s.line_start);
                    return Err(ImportError::at(
                        line,
                        format!("{name} names both {other} and {}", d.name),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The summary `plangraph import` prints: per plan, domains, goals by kind, indicators and
/// departments.
pub fn summary_text(data: &Dataset) -> String {
    let mut out = format!(
        "{} {} ({} lines)\n",
        data.document.number, data.document.title, data.document.line_count
    );
    for plan in data.summary() {
        let kinds: Vec<String> = plan
            .goals_by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        out.push_str(&format!(
            "{:<11} domains {:>2}  goals [{}]  indicators {}  departments {}\n",
            plan.code,
            plan.domains,
            kinds.join(", "),
            plan.indicators,
            plan.departments
        ));
    }
    out.push_str(&format!("departments in all: {}\n", data.departments.len()));
    out
}
