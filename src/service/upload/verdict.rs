//! One uploaded row's verdict, before anything is written: every check `submitValue` makes
//! (the department's scope, the years, the unit's range), said in Chinese with a stable code;
//! a figure, the same figure again, or a statement that there is none (不适用).

use std::collections::{HashMap, HashSet};

use entity::indicator;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::auth::{Actor, UserRole};
use crate::breakdowns::Cell;
use crate::domain::ValueStatus;
use crate::error::AppError;
use crate::reporting::figure::{self, Figure};
use crate::reporting::rows::Entry;
use crate::rules::workflow;
use crate::service::unavailable::Statement;
use crate::service::values::{self, Submission};

/// A row's verdict.
pub(super) enum Verdict {
    Submit(Submission),
    /// What the row says is what is stored.
    Same(Submission),
    /// The department says the figure does not exist: stored as such.
    Declare(Statement),
    /// It said so before.
    Stated(Statement),
    /// Nothing to store (an empty cell), with its code.
    Skip(&'static str, String),
    Rejected(&'static str, String),
}

/// What earlier rows of the file said: the value each (indicator, year, breakdown cell) took
/// and its spreadsheet cell —
/// the all-departments workbook lists an indicator once per department that reports it, so
/// the same figure twice is one figure and two different figures a conflict — and the
/// statements made (department, indicator, year).
#[derive(Default)]
pub(super) struct Seen {
    values: HashMap<(i32, i32, String), (f64, String)>,
    stated: HashSet<(i32, i32, i32)>,
}

/// What to do with one row.
pub(super) async fn verdict(
    db: &impl ConnectionTrait,
    actor: &Actor,
    e: &Entry,
    seen: &mut Seen,
) -> Result<Verdict, AppError> {
    let (indicator_id, year) = match (&e.indicator, &e.year) {
        (Err(m), _) | (_, Err(m)) => return Ok(Verdict::Rejected("BAD_KEY", m.clone())),
        (Ok(i), Ok(y)) => (*i, *y),
    };
    let Some(indicator) = indicator::Entity::find_by_id(indicator_id).one(db).await? else {
        return Ok(Verdict::Rejected(
            "BAD_KEY",
            "指标ID不存在：请使用最新模板".into(),
        ));
    };
    let cell = match cell_of(db, &indicator, e).await? {
        Ok(cell) => cell,
        Err(rejected) => return Ok(rejected),
    };
    let figure = match figure::read(&e.value, indicator.unit.as_deref()) {
        Ok(Figure::Blank) => return Ok(Verdict::Skip("EMPTY", "未填写".into())),
        Ok(Figure::NotAvailable) if !cell.is_total() => {
            let message = "分组行无需注明“不适用”：未填写的分组不计为缺报".to_string();
            return Ok(Verdict::Skip("EMPTY", message));
        }
        Ok(figure) => figure,
        Err(u) => return Ok(Verdict::Rejected(u.code, u.message)),
    };
    let department = match department(db, actor, &indicator, e).await? {
        Ok(department) => department,
        Err(rejected) => return Ok(rejected),
    };
    if let Some(rejected) = scope(db, department, &indicator, year).await? {
        return Ok(rejected);
    }
    let Figure::Value(value) = figure else {
        return unavailable(db, &indicator, (department, year), e, seen).await;
    };
    if let Some(rejected) = range(&indicator, value) {
        return Ok(rejected);
    }
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    let key = cell.key();
    if let Some((earlier, at)) = seen.values.get(&(indicator_id, year, key.clone())) {
        if !close(value, *earlier) {
            let message = format!(
                "同一指标、同一年份已在 {at} 填报了 {}：两处数值不同，只能保留一个",
                crate::export::csv::number(*earlier)
            );
            return Ok(Verdict::Rejected("DUPLICATE_ROW", message));
        }
    }
    let stored = values::latest(db, indicator_id, year, &key).await?;
    let same = stored.as_ref().is_some_and(|s| {
        matches!(s.status, ValueStatus::Submitted | ValueStatus::Published)
            && close(value, s.value)
            && s.note.as_deref().unwrap_or("") == e.note.as_deref().unwrap_or("")
    });
    let again = seen
        .values
        .insert((indicator_id, year, key), (value, e.cell.clone()))
        .is_some();
    let submission = Submission {
        indicator_id,
        year,
        value,
        note: e.note.clone(),
        expected_version: None,
        department_id: Some(department),
        breakdown: cell.codes().to_vec(),
    };
    Ok(if same || again {
        Verdict::Same(submission)
    } else {
        Verdict::Submit(submission)
    })
}

/// The breakdown cell a row names, checked against its measure's declaration (read only for
/// a row that names a cell).
async fn cell_of(
    db: &impl ConnectionTrait,
    indicator: &indicator::Model,
    e: &Entry,
) -> Result<Result<Cell, Verdict>, AppError> {
    let codes = match e.breakdown.as_ref() {
        Ok(codes) => codes,
        Err(m) => return Ok(Err(Verdict::Rejected("BAD_KEY", m.clone()))),
    };
    let declared = if codes.is_empty() {
        None
    } else {
        crate::repo::declarations::of(db, indicator.id).await?
    };
    Ok(Cell::of(&indicator.name, declared.as_ref(), codes)
        .map_err(|m| Verdict::Rejected("BAD_KEY", format!("分组有误（{m}）：请使用最新模板"))))
}

/// The department a row is reported for: a submitter's own (a row naming another is out of
/// its scope); for the monitoring office the row's `department_id`, or the indicator's only
/// reporter.
async fn department(
    db: &impl ConnectionTrait,
    actor: &Actor,
    indicator: &indicator::Model,
    e: &Entry,
) -> Result<Result<i32, Verdict>, AppError> {
    let named = match &e.department {
        Some(Err(m)) => return Ok(Err(Verdict::Rejected("BAD_KEY", m.clone()))),
        Some(Ok(d)) => Some(*d),
        None => None,
    };
    let sole = if actor.role == UserRole::Submitter || named.is_some() {
        None
    } else {
        match crate::repo::values::reporters(db, indicator)
            .await?
            .as_slice()
        {
            [only] => Some(*only),
            _ => None,
        }
    };
    Ok(
        workflow::acting_for(actor.role, actor.department_id, named.or(sole)).map_err(|_| {
            if actor.role == UserRole::Submitter {
                let message = "本行属于其他单位：请使用本单位的模板".to_string();
                Verdict::Rejected("OUT_OF_SCOPE", message)
            } else {
                let message = format!(
                    "“{}”由多个单位填报：请在 department_id 列注明本行的填报单位（使用全县汇总模板）",
                    indicator.name
                );
                Verdict::Rejected("DEPARTMENT_REQUIRED", message)
            }
        }),
    )
}

/// A statement that the figure does not exist, unless the department's own figure for the
/// year is already submitted or published (a correction is a figure, not a withdrawal).
async fn unavailable(
    db: &impl ConnectionTrait,
    indicator: &indicator::Model,
    (department_id, year): (i32, i32),
    e: &Entry,
    seen: &mut Seen,
) -> Result<Verdict, AppError> {
    let own = values::latest(db, indicator.id, year, "")
        .await?
        .filter(|v| {
            v.department_id == Some(department_id)
                && matches!(v.status, ValueStatus::Submitted | ValueStatus::Published)
        });
    if let Some(v) = own {
        let state = if v.status == ValueStatus::Published {
            "已发布"
        } else {
            "待审核"
        };
        let message = format!(
            "{year}年已报数值 {}（{state}）：不能改为“不适用”；数值有误请填写更正值",
            crate::export::csv::number(v.value)
        );
        return Ok(Verdict::Rejected("VALUE_EXISTS", message));
    }
    let statement = Statement {
        indicator_id: indicator.id,
        year,
        department_id,
        note: e.note.clone(),
    };
    let before = !seen.stated.insert((department_id, indicator.id, year))
        || crate::repo::unavailable::one(db, department_id, indicator.id, year)
            .await?
            .is_some();
    Ok(if before {
        Verdict::Stated(statement)
    } else {
        Verdict::Declare(statement)
    })
}

/// The department's scope and the year, as `submitValue` checks them.
async fn scope(
    db: &impl ConnectionTrait,
    department: i32,
    indicator: &indicator::Model,
    year: i32,
) -> Result<Option<Verdict>, AppError> {
    if !crate::repo::values::reporters(db, indicator)
        .await?
        .contains(&department)
    {
        let name = crate::repo::users::department_name(db, department).await?;
        let message = format!("{name}不填报“{}”：请使用本单位的模板", indicator.name);
        return Ok(Some(Verdict::Rejected("OUT_OF_SCOPE", message)));
    }
    let years = values::reportable_years(db, indicator.id).await?;
    if !years.allows(year) {
        let message = format!(
            "{year}年不在“{}”的规划期（{}–{}年）及其基期内",
            indicator.name, years.first, years.last
        );
        return Ok(Some(Verdict::Rejected("YEAR_NOT_REPORTABLE", message)));
    }
    Ok(None)
}

/// The unit's range, as `submitValue` checks it.
fn range(indicator: &indicator::Model, value: f64) -> Option<Verdict> {
    workflow::check_range(value, indicator.unit.as_deref()).err()?;
    let (low, high) = workflow::range(indicator.unit.as_deref());
    let unit = indicator.unit.as_deref().unwrap_or("");
    let message = if high < f64::MAX {
        format!("{value} 超出单位“{unit}”的范围 {low}–{high}")
    } else {
        format!("{value} 不能为负数（单位“{unit}”）")
    };
    Some(Verdict::Rejected("OUT_OF_RANGE", message))
}
