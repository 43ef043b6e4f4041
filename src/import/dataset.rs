//! What the parser produces: the whole document as plain values, keyed for idempotent sync.
//!
//! Nothing here knows about the database; `store` turns a [`Dataset`] into rows.

use crate::domain::{Comparator, Direction, GoalKind, Nature, Role, TargetBasis};

/// Where a fact comes from: 1-based line numbers and the text as published (debris removed).
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub line_start: usize,
    pub line_end: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub document: DocumentData,
    pub plans: Vec<PlanData>,
    pub departments: Vec<DepartmentData>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocumentData {
    pub number: String,
    pub issuer: String,
    /// ISO date, e.g. 2022-07-14.
    pub issue_date: (i32, u32, u32),
    pub title: String,
    pub sha256: String,
    pub line_count: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanData {
    pub code: String,
    pub title: String,
    pub notice_title: Option<String>,
    pub period: (i32, i32),
    pub overall_goal: Option<String>,
    pub source: Source,
    pub domains: Vec<DomainData>,
    pub goals: Vec<GoalData>,
    pub indicators: Vec<IndicatorData>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DomainData {
    pub key: String,
    pub number: String,
    pub title: String,
    pub chapter: String,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalData {
    pub key: String,
    /// Index into the plan's `domains`, None for plan-level items.
    pub domain: Option<usize>,
    pub kind: GoalKind,
    pub number: Option<String>,
    pub text: String,
    pub tag: Option<String>,
    pub departments: Vec<GoalDepartmentData>,
    pub groups: Vec<GoalGroupData>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalDepartmentData {
    /// Canonical department name.
    pub department: String,
    pub role: Role,
    /// Position in the tag, from 1, counting departments and groups together.
    pub ordinal: usize,
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalGroupData {
    pub role: Role,
    pub ordinal: usize,
    pub phrase: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentData {
    pub name: String,
    pub kind: crate::domain::DepartmentKind,
    /// Raw spellings other than the canonical name, with where each was first seen.
    pub aliases: Vec<(String, Source)>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorData {
    pub key: String,
    pub domain: Option<usize>,
    /// Index into the plan's `goals`.
    pub goal: Option<usize>,
    pub name: String,
    pub unit: Option<String>,
    pub direction: Direction,
    pub nature: Nature,
    pub nature_raw: Option<String>,
    pub table_category: Option<String>,
    pub table_number: Option<i32>,
    pub baseline: Option<Baseline>,
    pub target: Target,
    /// Values the document states for earlier years (the baseline among them).
    pub values: Vec<StatedValue>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub year: i32,
    pub value: Option<f64>,
    pub raw: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub year: i32,
    pub comparator: Option<Comparator>,
    pub value: Option<f64>,
    pub basis: TargetBasis,
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatedValue {
    pub year: i32,
    pub value: f64,
    pub source: Source,
}

/// Counts per plan, as the importer reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSummary {
    pub code: String,
    pub domains: usize,
    pub goals_by_kind: Vec<(GoalKind, usize)>,
    pub indicators: usize,
    pub departments: usize,
}

impl Dataset {
    pub fn summary(&self) -> Vec<PlanSummary> {
        self.plans
            .iter()
            .map(|plan| {
                let goals_by_kind = GoalKind::ALL
                    .iter()
                    .map(|kind| (*kind, plan.goals.iter().filter(|g| g.kind == *kind).count()))
                    .filter(|(_, n)| *n > 0)
                    .collect();
                let mut departments: Vec<&str> = plan
                    .goals
                    .iter()
                    .flat_map(|g| g.departments.iter().map(|d| d.department.as_str()))
                    .collect();
                departments.sort_unstable();
                departments.dedup();
                PlanSummary {
                    code: plan.code.clone(),
                    domains: plan.domains.len(),
                    goals_by_kind,
                    indicators: plan.indicators.len(),
                    departments: departments.len(),
                }
            })
            .collect()
    }
}
