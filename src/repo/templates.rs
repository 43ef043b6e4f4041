//! What a department owes for a year, as its reporting template lists it: every indicator it
//! may report (the one rule of `values::reporters_of_many`), the targets set on it, the last
//! published figure before the year, and what is already submitted or published for the year.

use std::collections::HashMap;

use crate::breakdowns::{Declared, TOTAL};
use entity::{department, indicator, indicator_value, plan, target};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::rows;
use crate::domain::ValueStatus;
use crate::error::AppError;

/// One cell a department owes: an indicator for a year (the template's, or the baseline year
/// its targets state, while the series has no published value at all).
#[derive(Debug, Clone, PartialEq)]
pub struct Obligation {
    pub department: department::Model,
    pub indicator: indicator::Model,
    pub year: i32,
    /// The breakdown cell (`SEX=F`) of a measure reported by breakdown; empty for the total.
    pub cell: String,
    /// The labels of the cell's codes (女, 城镇); empty for the total.
    pub cell_labels: Vec<String>,
    /// The targets on the indicator, each with its plan's short title (妇女发展规划), in
    /// document order.
    pub targets: Vec<(String, target::Model)>,
    /// The newest published value of the cell in a year before this one.
    pub last_published: Option<indicator_value::Model>,
    /// The value for the year the template fills in: one waiting for review, else the
    /// published one, else a rejected one.
    pub current: Option<indicator_value::Model>,
    /// The department's statement that the figure does not exist (不适用), with its note.
    pub unavailable: Option<Option<String>>,
}

/// The obligations of one department (or, with `None`, of every department) for `year`, by
/// department (in the order the store lists them) and the indicators' order.
pub async fn obligations(
    db: &impl ConnectionTrait,
    department_id: Option<i32>,
    year: i32,
) -> Result<Vec<Obligation>, AppError> {
    let indicators = rows::all(
        db,
        indicator::Entity::find().order_by_asc(indicator::Column::Ordinal),
    )
    .await?;
    let ids: Vec<i32> = indicators.iter().map(|i| i.id).collect();
    let reporters = super::values::reporters_of_many(db, &ids).await?;
    let departments: HashMap<i32, department::Model> = rows::all(db, department::Entity::find())
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let targets = targets_by_indicator(db).await?;
    let values = values_by_indicator(db, year).await?;
    let stated = super::unavailable::up_to(db, year).await?;
    let declared = super::declarations::of_many(db, None).await?;
    let mut out = Vec::new();
    for indicator in &indicators {
        let on_it = targets.get(&indicator.id).cloned().unwrap_or_default();
        let years = owed_years(&values, indicator.id, &on_it, year);
        for department in reporters.get(&indicator.id).into_iter().flatten() {
            if department_id.is_some_and(|d| d != *department) {
                continue;
            }
            let Some(department) = departments.get(department) else {
                continue;
            };
            for &owed in &years {
                // The cells by breakdown are asked for the template's year only.
                let cells = if owed == year {
                    cells_of(declared.get(&indicator.id))
                } else {
                    vec![(String::new(), Vec::new())]
                };
                for (cell, cell_labels) in cells {
                    let slot = (indicator.id, cell);
                    out.push(Obligation {
                        department: department.clone(),
                        indicator: indicator.clone(),
                        year: owed,
                        targets: on_it.clone(),
                        last_published: values.last_before(&slot, owed),
                        current: values.current.get(&(slot.0, owed, slot.1.clone())).cloned(),
                        unavailable: if slot.1.is_empty() {
                            stated.get(&(department.id, indicator.id, owed)).cloned()
                        } else {
                            None
                        },
                        cell: slot.1,
                        cell_labels,
                    });
                }
            }
        }
    }
    // By department, then as the indicators come (the sort is stable).
    out.sort_by_key(|o| o.department.id);
    Ok(out)
}

/// The cells a template asks of an indicator, with their labels: the total, then each code
/// of each dimension it is declared to be reported by (`SEX=F` 女, `URBANISATION=U` 城镇 …).
fn cells_of(declared: Option<&Declared>) -> Vec<(String, Vec<String>)> {
    let mut out = vec![(String::new(), Vec::new())];
    for (dimension, list) in declared.iter().flat_map(|d| &d.breakdowns) {
        out.extend(list.codes.iter().filter(|c| c.code != TOTAL).map(|c| {
            (
                format!("{}={}", dimension.as_str(), c.code),
                vec![c.label.clone()],
            )
        }));
    }
    out
}

/// Every target with its plan's short title, by indicator, in document order.
async fn targets_by_indicator(
    db: &impl ConnectionTrait,
) -> Result<HashMap<i32, Vec<(String, target::Model)>>, AppError> {
    let plans: HashMap<i32, String> = rows::all(db, plan::Entity::find())
        .await?
        .into_iter()
        .map(|p| (p.id, short_title(&p.title)))
        .collect();
    let targets = rows::all(
        db,
        target::Entity::find()
            .order_by_asc(target::Column::LineStart)
            .order_by_asc(target::Column::Ordinal),
    )
    .await?;
    let mut out: HashMap<i32, Vec<(String, target::Model)>> = HashMap::new();
    for t in targets {
        let code = plans.get(&t.plan_id).cloned().unwrap_or_default();
        out.entry(t.indicator_id).or_default().push((code, t));
    }
    Ok(out)
}

/// The years owed for an indicator: the template's, after the earliest baseline year its
/// targets state when the series has no published value yet (its start is owed too).
fn owed_years(
    values: &Values,
    indicator_id: i32,
    targets: &[(String, target::Model)],
    year: i32,
) -> Vec<i32> {
    let baseline = targets
        .iter()
        .filter_map(|(_, t)| t.baseline_year)
        .filter(|b| *b < year)
        .min();
    match baseline {
        Some(b)
            if !values
                .published
                .contains_key(&(indicator_id, String::new())) =>
        {
            vec![b, year]
        }
        _ => vec![year],
    }
}

/// The values of the years up to the template's.
struct Values {
    /// Per indicator and cell, its published values in year order.
    published: HashMap<(i32, String), Vec<indicator_value::Model>>,
    /// Per indicator, year and cell, the value a template fills in.
    current: HashMap<(i32, i32, String), indicator_value::Model>,
}

impl Values {
    /// The newest published value of a year before `year`.
    fn last_before(&self, slot: &(i32, String), year: i32) -> Option<indicator_value::Model> {
        self.published
            .get(slot)?
            .iter()
            .rev()
            .find(|v| v.year < year)
            .cloned()
    }
}

/// Every value of a year up to `year` that is not superseded.
async fn values_by_indicator(db: &impl ConnectionTrait, year: i32) -> Result<Values, AppError> {
    let values = rows::all(
        db,
        indicator_value::Entity::find()
            .filter(indicator_value::Column::Year.lte(year))
            .filter(indicator_value::Column::Status.ne(ValueStatus::Superseded))
            .order_by_asc(indicator_value::Column::Year)
            .order_by_asc(indicator_value::Column::Version)
            .order_by_asc(indicator_value::Column::Id),
    )
    .await?;
    // What a template fills in: a value waiting for review, else the published one, else a
    // rejected one (so its submitter sees what was refused); the newest of each.
    let rank = |s: ValueStatus| match s {
        ValueStatus::Submitted => 3,
        ValueStatus::Published => 2,
        _ => 1,
    };
    let mut out = Values {
        published: HashMap::new(),
        current: HashMap::new(),
    };
    for v in values {
        if v.status == ValueStatus::Published {
            out.published
                .entry((v.indicator_id, v.breakdown.clone()))
                .or_default()
                .push(v.clone());
        }
        let key = (v.indicator_id, v.year, v.breakdown.clone());
        let kept = out.current.get(&key).map_or(0, |c| rank(c.status));
        if rank(v.status) >= kept {
            out.current.insert(key, v);
        }
    }
    Ok(out)
}

/// A plan's title without the county and the period it shares with the others:
/// 昌乐县“十四五”妇女发展规划 → 妇女发展规划.
fn short_title(title: &str) -> String {
    let title = title.trim_start_matches("昌乐县");
    let title = title.trim_start_matches("“十四五”");
    title.to_string()
}
