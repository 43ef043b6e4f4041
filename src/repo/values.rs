//! Reported values (the workflow's rows), who may report each indicator, and who still owes
//! what.

use std::collections::{BTreeMap, HashMap};

use entity::{department, indicator, indicator_value};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::page::{self, Keyset, Page, PageArgs, SortKey};
use crate::domain::{Role, ValueOrigin, ValueStatus};
use crate::error::AppError;

/// Which reported values; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ValueFilter {
    /// Only this department's (what a submitter may see).
    pub department_id: Option<i32>,
    pub status: Option<ValueStatus>,
    pub year: Option<i32>,
    pub indicator_id: Option<i32>,
}

/// Newest first, by id (ids grow with time).
pub fn newest_first(column: impl sea_orm::sea_query::IntoColumnRef + Copy) -> Keyset {
    Keyset {
        first: Expr::col(column),
        second: Expr::col(column),
        descending: true,
        text: false,
    }
}

/// One page of department reports (document figures aside), newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &ValueFilter,
    args: &PageArgs,
) -> Result<Page<indicator_value::Model>, AppError> {
    let mut q = indicator_value::Entity::find()
        .filter(indicator_value::Column::Origin.eq(ValueOrigin::Submission));
    if let Some(id) = filter.department_id {
        q = q.filter(indicator_value::Column::DepartmentId.eq(id));
    }
    if let Some(status) = filter.status {
        q = q.filter(indicator_value::Column::Status.eq(status));
    }
    if let Some(year) = filter.year {
        q = q.filter(indicator_value::Column::Year.eq(year));
    }
    if let Some(id) = filter.indicator_id {
        q = q.filter(indicator_value::Column::IndicatorId.eq(id));
    }
    page::page(
        db,
        q,
        &newest_first(indicator_value::Column::Id),
        args,
        |m| SortKey::Ints(m.id, m.id),
        |m| m,
    )
    .await
}

/// A value by id, whatever its status (the caller decides who may see it).
pub async fn by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<indicator_value::Model>, AppError> {
    Ok(indicator_value::Entity::find_by_id(id).one(db).await?)
}

/// Every department and every indicator by id: what a reporting overview names.
pub async fn departments_and_indicators(
    db: &impl ConnectionTrait,
) -> Result<
    (
        HashMap<i32, department::Model>,
        HashMap<i32, indicator::Model>,
    ),
    AppError,
> {
    let departments = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let indicators = indicator::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    Ok((departments, indicators))
}

/// Departments that may report an indicator: those leading or responsible for the goal of any
/// of its targets, and those an admin assigned.
pub async fn reporters(
    db: &impl ConnectionTrait,
    indicator: &indicator::Model,
) -> Result<Vec<i32>, AppError> {
    Ok(reporters_of_many(db, &[indicator.id])
        .await?
        .remove(&indicator.id)
        .unwrap_or_default())
}

/// The reporters of many indicators in one statement: the lead and responsible departments of
/// its targets' goals in document and tag order, then admin assignments in the order made.
pub async fn reporters_of_many(
    db: &impl ConnectionTrait,
    indicator_ids: &[i32],
) -> Result<HashMap<i32, Vec<i32>>, AppError> {
    let mut out: HashMap<i32, Vec<i32>> =
        indicator_ids.iter().map(|id| (*id, Vec::new())).collect();
    if indicator_ids.is_empty() {
        return Ok(out);
    }
    // The ids are integers from the store, so inlining them is safe.
    let ids = indicator_ids
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "SELECT t.indicator_id, gd.department_id, 0 AS source, t.line_start * 1000 + gd.ordinal AS position \
         FROM target t JOIN goal_department gd ON gd.goal_id = t.goal_id \
         WHERE t.indicator_id IN ({ids}) AND gd.role IN ('{lead}', '{responsible}') \
         UNION ALL \
         SELECT a.indicator_id, a.department_id, 1, a.id FROM indicator_assignment a WHERE a.indicator_id IN ({ids}) \
         ORDER BY 1, 3, 4",
        lead = Role::Lead.as_str(),
        responsible = Role::Responsible.as_str(),
    );
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await?;
    for row in rows {
        let indicator: i32 = row.try_get_by_index(0)?;
        let department: i32 = row.try_get_by_index(1)?;
        let list = out.entry(indicator).or_default();
        if !list.contains(&department) {
            list.push(department);
        }
    }
    Ok(out)
}

/// A department's reporting for a year: which indicators it owes, and how far each got.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DepartmentReport {
    pub department_id: i32,
    /// Indicators with no submission from the department for the year.
    pub owed: Vec<i32>,
    pub submitted: Vec<i32>,
    pub approved: Vec<i32>,
    pub rejected: Vec<i32>,
    /// Indicators the department said have no figure for the year (不适用), with no value
    /// of its own submitted or published since.
    pub not_available: Vec<i32>,
}

impl DepartmentReport {
    /// Every cell the department owes for the year.
    pub fn total(&self) -> usize {
        self.owed.len()
            + self.submitted.len()
            + self.approved.len()
            + self.rejected.len()
            + self.not_available.len()
    }

    /// The share of its cells answered — a value submitted or approved, or a statement that
    /// there is none (3 decimals); 1 when it owes nothing.
    pub fn completion(&self) -> f64 {
        let total = self.total();
        if total == 0 {
            return 1.0;
        }
        #[allow(clippy::cast_precision_loss)]
        let share = (self.submitted.len() + self.approved.len() + self.not_available.len()) as f64
            / total as f64;
        (share * 1000.0).round() / 1000.0
    }
}

/// Per department, the indicators it reports and the state of its latest value for `year`.
pub async fn reporting_status(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Vec<DepartmentReport>, AppError> {
    let indicators: Vec<i32> = indicator::Entity::find()
        .order_by_asc(indicator::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    // Who owes what follows the one rule of who may report.
    let reporters = reporters_of_many(db, &indicators).await?;
    let values = indicator_value::Entity::find()
        .filter(indicator_value::Column::Year.eq(year))
        .filter(indicator_value::Column::Origin.eq(ValueOrigin::Submission))
        .filter(indicator_value::Column::Breakdown.eq(""))
        .order_by_asc(indicator_value::Column::Version)
        .all(db)
        .await?;
    let stated = super::unavailable::up_to(db, year).await?;
    let mut latest: HashMap<(i32, i32), ValueStatus> = HashMap::new();
    for v in values {
        if let Some(d) = v.department_id {
            latest.insert((d, v.indicator_id), v.status);
        }
    }
    let mut reports: BTreeMap<i32, DepartmentReport> = BTreeMap::new();
    for indicator_id in indicators {
        let mut departments = reporters.get(&indicator_id).cloned().unwrap_or_default();
        departments.sort_unstable();
        for department_id in departments {
            let r = reports
                .entry(department_id)
                .or_insert_with(|| DepartmentReport {
                    department_id,
                    ..Default::default()
                });
            let said_none = stated.contains_key(&(department_id, indicator_id, year));
            let list = match latest.get(&(department_id, indicator_id)).copied() {
                Some(ValueStatus::Submitted) => &mut r.submitted,
                Some(ValueStatus::Published) => &mut r.approved,
                _ if said_none => &mut r.not_available,
                Some(ValueStatus::Rejected) => &mut r.rejected,
                Some(ValueStatus::Superseded) | None => &mut r.owed,
            };
            if !list.contains(&indicator_id) {
                list.push(indicator_id);
            }
        }
    }
    Ok(reports.into_values().collect())
}
