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
    /// The measures: one per series of yearly values, each with the targets that name it.
    pub indicators: Vec<IndicatorData>,
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
    /// What the plan commits to, clause by clause, in document order.
    pub targets: Vec<TargetData>,
    /// Figures the plan gives for past years, by the name it gives them.
    pub figures: Vec<Figure>,
    /// Indicators the plan lists for monitoring without a target on them, in document order.
    pub monitored: Vec<MonitoredData>,
}

/// A 表1 row whose target column is `-`: the plan follows the measure and sets nothing on it.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoredData {
    /// `<plan>/table<n>/<row>`, as a target of the row would be keyed.
    pub key: String,
    /// Index into the dataset's `indicators`.
    pub indicator: usize,
    /// The measure's name as the row writes it.
    pub name: String,
    pub table_category: Option<String>,
    pub table_number: Option<i32>,
    pub source: Source,
}

/// A dated figure as a plan states it: for a measure named so, or for one target's measure (a
/// 表1 row's 2020 column).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub name: String,
    /// Index into the plan's `targets` when the figure belongs to that target's measure.
    pub target: Option<usize>,
    pub value: DocumentValue,
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

/// A measure: one unit, one direction, one series of yearly values.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorData {
    /// `measure/<name>` for a measure of `data/measures.json`, else its only target's key.
    pub key: String,
    pub name: String,
    pub unit: Option<String>,
    pub direction: Direction,
    /// The direction was read off a target's verb, not decided in `data/measures.json`.
    pub direction_inferred: bool,
    /// Figures the document gives for past years, in year order.
    pub values: Vec<DocumentValue>,
}

/// What one clause of one plan commits to for an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetData {
    pub key: String,
    /// Index into the dataset's `indicators`.
    pub indicator: usize,
    pub domain: Option<usize>,
    /// Index into the plan's `goals`.
    pub goal: Option<usize>,
    /// The measure's name as this clause writes it.
    pub name: String,
    /// The unit of `value` as written (a change target's may differ from the measure's).
    pub unit: Option<String>,
    pub direction: Direction,
    pub nature: Nature,
    pub nature_raw: Option<String>,
    pub table_category: Option<String>,
    pub table_number: Option<i32>,
    pub baseline: Option<Baseline>,
    pub target: Target,
    /// Which parts the document does not write but the importer read into it.
    pub inferred: Inferred,
    pub source: Source,
}

/// Parts of a target read into the text rather than written in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Inferred {
    /// No comparator word (以上, 不低于, ≥ …): taken from the verb or the move of the figures.
    pub comparator: bool,
    /// Higher or lower is better: taken from the verb, the move of the figures or the name.
    pub direction: bool,
    /// No year in the sentence: the plan's last year.
    pub year: bool,
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
    /// None for a target without a number (达到四级甲等, 抗御6级地震): not quantified.
    pub value: Option<f64>,
    pub basis: TargetBasis,
    pub raw: String,
}

/// A figure the document gives for a past year.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentValue {
    pub year: i32,
    pub value: f64,
    /// The year comes from the context (the plan's base year), not the sentence.
    pub year_inferred: bool,
    /// The figure as written (2020年的80.11岁, 2.27‰).
    pub raw: String,
    pub source: Source,
}

/// Counts per plan, as the importer reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSummary {
    pub code: String,
    pub domains: usize,
    pub goals_by_kind: Vec<(GoalKind, usize)>,
    pub targets: usize,
    /// Indicators with a target in this plan.
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
                let mut indicators: Vec<usize> = plan.targets.iter().map(|t| t.indicator).collect();
                indicators.sort_unstable();
                indicators.dedup();
                PlanSummary {
                    code: plan.code.clone(),
                    domains: plan.domains.len(),
                    goals_by_kind,
                    targets: plan.targets.len(),
                    indicators: indicators.len(),
                    departments: departments.len(),
                }
            })
            .collect()
    }
}
