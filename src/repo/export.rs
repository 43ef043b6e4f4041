//! What the downloads hold, read in one go: the targets of all plans (or one) with their
//! statuses, the series of their indicators, and the departments' roles on their goals.

use std::collections::HashMap;

use entity::{
    department, domain, goal, goal_department, indicator, indicator_value, monitored, plan, target,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::ValueStatus;
use crate::error::AppError;
use crate::rules::progress::Assessment;

/// The rows of one download scope, with everything they name.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The plans in the scope, in published order.
    pub plans: Vec<plan::Model>,
    pub domains: HashMap<i32, domain::Model>,
    pub goals: HashMap<i32, goal::Model>,
    pub indicators: HashMap<i32, indicator::Model>,
    pub departments: HashMap<i32, department::Model>,
    /// The targets in document order, each assessed as the API assesses it by default.
    pub targets: Vec<(target::Model, Assessment)>,
    /// The indicators the targets measure and those the plans follow without a target, in
    /// document order of their first target or row.
    pub indicator_order: Vec<i32>,
    /// Per indicator and year, the published value the series holds (the newest).
    pub values: Vec<indicator_value::Model>,
    /// Departments on the scope's goals, in document and tag order.
    pub links: Vec<goal_department::Model>,
    /// Table rows of the plans that follow an indicator without a target, in document order.
    pub monitored: Vec<monitored::Model>,
}

/// Reads a scope: every plan, or the plan with `plan_code` (NOT_FOUND if there is none).
pub async fn snapshot(
    db: &impl ConnectionTrait,
    plan_code: Option<&str>,
) -> Result<Snapshot, AppError> {
    let plans = match plan_code {
        Some(code) => vec![super::plan_by_code(db, code).await?],
        None => super::plans(db).await?,
    };
    let plan_ids: Vec<i32> = plans.iter().map(|p| p.id).collect();
    let targets = target::Entity::find()
        .filter(target::Column::PlanId.is_in(plan_ids.clone()))
        .order_by_asc(target::Column::LineStart)
        .order_by_asc(target::Column::Ordinal)
        .all(db)
        .await?;
    let targets = super::targets::assess(db, targets, None).await?;
    let monitored = monitored::Entity::find()
        .filter(monitored::Column::PlanId.is_in(plan_ids.clone()))
        .order_by_asc(monitored::Column::LineStart)
        .all(db)
        .await?;
    let indicator_order = indicator_order(&targets, &monitored);
    let by_id = |rows: Vec<(i32, _)>| rows.into_iter().collect::<HashMap<_, _>>();
    let indicators = by_id(
        indicator::Entity::find()
            .filter(indicator::Column::Id.is_in(indicator_order.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect(),
    );
    let domains = domain::Entity::find()
        .filter(domain::Column::PlanId.is_in(plan_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let goals: HashMap<i32, goal::Model> = goal::Entity::find()
        .filter(goal::Column::PlanId.is_in(plan_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut values = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.is_in(indicator_order.clone()))
        .filter(indicator_value::Column::Status.eq(ValueStatus::Published))
        .order_by_asc(indicator_value::Column::IndicatorId)
        .order_by_asc(indicator_value::Column::Year)
        .order_by_asc(indicator_value::Column::Breakdown)
        .order_by_asc(indicator_value::Column::Version)
        .all(db)
        .await?;
    // The newest published value of each year and cell: the total's is the series' (as
    // `Indicator.series`), each cell's the breakdown's.
    values.reverse();
    values.dedup_by(|a, b| {
        (a.indicator_id, a.year, &a.breakdown) == (b.indicator_id, b.year, &b.breakdown)
    });
    let position: HashMap<i32, usize> = indicator_order
        .iter()
        .enumerate()
        .map(|(n, id)| (*id, n))
        .collect();
    values.sort_by(|a, b| {
        (position.get(&a.indicator_id), a.year, &a.breakdown).cmp(&(
            position.get(&b.indicator_id),
            b.year,
            &b.breakdown,
        ))
    });
    let mut links: Vec<goal_department::Model> = goal_department::Entity::find()
        .filter(goal_department::Column::GoalId.is_in(goals.keys().copied()))
        .all(db)
        .await?;
    links.sort_by_key(|l| (l.line_start, l.goal_id, l.ordinal));
    let departments = department::Entity::find()
        .filter(department::Column::Id.is_in(links.iter().map(|l| l.department_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    Ok(Snapshot {
        plans,
        domains,
        goals,
        indicators,
        departments,
        targets,
        indicator_order,
        values,
        links,
        monitored,
    })
}

/// The indicators of some targets and monitoring rows, each once, placed by the first of them
/// in the document.
fn indicator_order(
    targets: &[(target::Model, Assessment)],
    monitored: &[monitored::Model],
) -> Vec<i32> {
    let mut placed: Vec<(i32, i32, i32)> = targets
        .iter()
        .map(|(t, _)| (t.line_start, t.ordinal, t.indicator_id))
        .chain(monitored.iter().map(|m| (m.line_start, 0, m.indicator_id)))
        .collect();
    placed.sort_unstable();
    let mut order: Vec<i32> = Vec::new();
    for (_, _, id) in placed {
        if !order.contains(&id) {
            order.push(id);
        }
    }
    order
}

/// The document the store was imported from.
pub async fn document(
    db: &impl ConnectionTrait,
) -> Result<Option<entity::document::Model>, AppError> {
    Ok(entity::document::Entity::find().one(db).await?)
}

/// What an indicator's page shows: the measure, every target of it with its assessment and
/// trajectory, every published value, and the plans and goals the targets belong to.
#[derive(Debug)]
pub struct IndicatorView {
    pub indicator: indicator::Model,
    pub targets: Vec<(
        target::Model,
        Assessment,
        Vec<crate::rules::progress::Point>,
    )>,
    /// Published totals, by year and version.
    pub values: Vec<indicator_value::Model>,
    /// Published values of breakdown cells, by year and version (what the page shows of them).
    pub cells: Vec<super::cells::CellValue>,
    /// What it is declared to be reported by (read only when it has published cells).
    pub declared: Option<crate::breakdowns::Declared>,
    pub series: Vec<crate::rules::progress::Point>,
    pub plans: HashMap<i32, plan::Model>,
    pub departments: HashMap<i32, department::Model>,
    /// The table rows that list it without a target, in document order.
    pub monitored: Vec<monitored::Model>,
}

/// An indicator's page data; None when there is no such indicator.
pub async fn indicator_view(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<IndicatorView>, AppError> {
    let Some(indicator) = indicator::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let targets = target::Entity::find()
        .filter(target::Column::IndicatorId.eq(id))
        .order_by_asc(target::Column::LineStart)
        .order_by_asc(target::Column::Ordinal)
        .all(db)
        .await?;
    let series = super::targets::series_of_many(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let targets = super::targets::assess(db, targets, None)
        .await?
        .into_iter()
        .map(|(t, a)| {
            let path = crate::rules::progress::trajectory(&super::targets::rules(&t), &series);
            (t, a, path)
        })
        .collect();
    // Totals decoded by position; the cells, up to four a year beside each total, by the five
    // columns the page shows.
    let values = super::rows::all(
        db,
        published_of(id)
            .filter(indicator_value::Column::Breakdown.eq(""))
            .order_by_asc(indicator_value::Column::Year)
            .order_by_asc(indicator_value::Column::Version),
    )
    .await?;
    let cells = published_cells(db, id).await?;
    let plans = super::plans(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let departments = department::Entity::find()
        .filter(
            department::Column::Id.is_in(
                values
                    .iter()
                    .filter_map(|v| v.department_id)
                    .chain(cells.iter().filter_map(|c| c.department_id)),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let monitored = monitored::Entity::find()
        .filter(monitored::Column::IndicatorId.eq(id))
        .order_by_asc(monitored::Column::LineStart)
        .all(db)
        .await?;
    let declared = if cells.is_empty() {
        None
    } else {
        super::declarations::of(db, id).await?
    };
    Ok(Some(IndicatorView {
        indicator,
        targets,
        values,
        cells,
        declared,
        series,
        plans,
        departments,
        monitored,
    }))
}

/// An entry of the Atom feed: a public change, with its value's indicator and department.
#[derive(Debug)]
pub struct FeedEntry {
    pub change: crate::repo::changes::Change,
    pub indicator: Option<indicator::Model>,
    pub department: Option<department::Model>,
}

/// The newest public changes, newest first (at most `limit`).
pub async fn feed(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<FeedEntry>, AppError> {
    use crate::repo::changes::{self, Place, Window};
    let window = Window {
        after: Place::default(),
        up_to: None,
        limit,
        newest_first: true,
        cells: false,
    };
    let changes = changes::after(db, window).await?;
    let values = || changes.iter().filter_map(|c| c.value.as_ref());
    let indicators: HashMap<i32, indicator::Model> = indicator::Entity::find()
        .filter(indicator::Column::Id.is_in(values().map(|v| v.indicator_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let departments: HashMap<i32, department::Model> = department::Entity::find()
        .filter(department::Column::Id.is_in(values().filter_map(|v| v.department_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    Ok(changes
        .into_iter()
        .map(|change| {
            let value = change.value.as_ref();
            FeedEntry {
                indicator: value.and_then(|v| indicators.get(&v.indicator_id).cloned()),
                department: value
                    .and_then(|v| v.department_id)
                    .and_then(|d| departments.get(&d).cloned()),
                change,
            }
        })
        .collect())
}

/// An indicator's published values (totals and cells).
fn published_of(id: i32) -> sea_orm::Select<indicator_value::Entity> {
    indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.eq(id))
        .filter(indicator_value::Column::Status.eq(ValueStatus::Published))
}

/// An indicator's published values of cells, by year, cell and version, as the page shows them.
async fn published_cells(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<super::cells::CellValue>, AppError> {
    use indicator_value::Column as C;
    use sea_orm::QuerySelect;
    let rows: Vec<(i32, String, f64, i32, Option<i32>)> = published_of(id)
        .filter(C::Breakdown.ne(""))
        .select_only()
        .columns([C::Year, C::Breakdown, C::Value, C::Version, C::DepartmentId])
        .order_by_asc(C::Year)
        .order_by_asc(C::Breakdown)
        .order_by_asc(C::Version)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(year, breakdown, value, version, department_id)| super::cells::CellValue {
                year,
                breakdown,
                value,
                version,
                department_id,
            },
        )
        .collect())
}

/// An indicator's published values of cells as stored rows, for its `values.csv`, by year,
/// cell and version.
pub async fn published_cell_rows(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<indicator_value::Model>, AppError> {
    Ok(super::rows::all(
        db,
        published_of(id)
            .filter(indicator_value::Column::Breakdown.ne(""))
            .order_by_asc(indicator_value::Column::Year)
            .order_by_asc(indicator_value::Column::Breakdown)
            .order_by_asc(indicator_value::Column::Version),
    )
    .await?)
}
