//! Batch loaders: every list or parent a resolver needs is fetched for all rows of a level in
//! one statement, so the statement count grows with the query's depth, not with its rows.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    department, department_alias, document, domain, goal, goal_department, goal_group, indicator,
    indicator_value, plan, target, value_event,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// The store as the loaders see it.
#[derive(Clone)]
pub struct Store {
    pub db: DatabaseConnection,
}

pub type Loaders = DataLoader<Store, HashMapCache>;

/// Loaders that remember nothing: the schema's own, for callers that bring none.
pub fn loaders(db: DatabaseConnection) -> Loaders {
    let loaders = DataLoader::with_cache(Store { db }, tokio::spawn, HashMapCache::default());
    loaders.enable_all_cache(false);
    loaders
}

/// Loaders for one request. A query's remember what they loaded, so a row or series asked
/// for at two depths (a target's status and its indicator's latest value) is read once; a
/// mutation's do not, since its fields run in turn and each may change what the next reads.
pub fn for_request(db: DatabaseConnection, query: bool, delay: std::time::Duration) -> Loaders {
    let loaders =
        DataLoader::with_cache(Store { db }, tokio::spawn, HashMapCache::default()).delay(delay);
    loaders.enable_all_cache(query);
    loaders
}

/// A batch's error, shared by every waiter on it.
pub type LoadError = Arc<crate::error::AppError>;

fn db_err(err: DbErr) -> LoadError {
    Arc::new(err.into())
}

/// Rows by primary key.
macro_rules! by_id {
    ($key:ident, $entity:ident) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for Store {
            type Value = $entity::Model;
            type Error = LoadError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::Id.is_in(keys.iter().map(|k| k.0)))
                    .all(&self.db)
                    .await
                    .map_err(db_err)?;
                Ok(rows.into_iter().map(|row| ($key(row.id), row)).collect())
            }
        }
    };
}

/// Child rows by parent id, in their published order.
macro_rules! children {
    ($key:ident, $entity:ident, $parent:ident, $order:ident, $parent_of:expr) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for Store {
            type Value = Vec<$entity::Model>;
            type Error = LoadError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::$parent.is_in(keys.iter().map(|k| k.0)))
                    .order_by_asc($entity::Column::$order)
                    .order_by_asc($entity::Column::Id)
                    .all(&self.db)
                    .await
                    .map_err(db_err)?;
                let parent_of: fn(&$entity::Model) -> Option<i32> = $parent_of;
                let mut out: HashMap<$key, Self::Value> =
                    keys.iter().map(|k| (*k, Vec::new())).collect();
                for row in rows {
                    if let Some(parent) = parent_of(&row) {
                        out.entry($key(parent)).or_default().push(row);
                    }
                }
                Ok(out)
            }
        }
    };
}

by_id!(DocumentById, document);
by_id!(PlanById, plan);
by_id!(DomainById, domain);
by_id!(DepartmentById, department);
by_id!(GoalById, goal);
by_id!(IndicatorById, indicator);
by_id!(TargetById, target);
children!(DomainsOfPlan, domain, PlanId, Ordinal, |r| Some(r.plan_id));
children!(GoalsOfDomain, goal, DomainId, Ordinal, |r| r.domain_id);
children!(GoalsOfPlan, goal, PlanId, LineStart, |r| Some(r.plan_id));
children!(LinksOfGoal, goal_department, GoalId, Ordinal, |r| Some(
    r.goal_id
));
children!(GroupsOfGoal, goal_group, GoalId, Ordinal, |r| Some(
    r.goal_id
));
children!(
    AliasesOfDepartment,
    department_alias,
    DepartmentId,
    Id,
    |r| Some(r.department_id)
);
children!(EventsOfValue, value_event, ValueId, Id, |r| Some(
    r.value_id
));
children!(TargetsOfGoal, target, GoalId, LineStart, |r| r.goal_id);
children!(
    TargetsOfIndicator,
    target,
    IndicatorId,
    LineStart,
    |r| Some(r.indicator_id)
);
children!(TargetsOfPlan, target, PlanId, LineStart, |r| Some(
    r.plan_id
));
children!(TargetsOfDomain, target, DomainId, LineStart, |r| r
    .domain_id);

/// An indicator's series: per year, the newest published value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Series(pub i32);

impl Loader<Series> for Store {
    type Value = Vec<crate::rules::progress::Point>;
    type Error = LoadError;

    async fn load(&self, keys: &[Series]) -> Result<HashMap<Series, Self::Value>, Self::Error> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let found = crate::repo::targets::series_of_many(&self.db, &ids)
            .await
            .map_err(db_err)?;
        Ok(found.into_iter().map(|(id, s)| (Series(id), s)).collect())
    }
}

/// Published values of an indicator, by year: the only values the public sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublishedValues(pub i32);

impl Loader<PublishedValues> for Store {
    type Value = Vec<indicator_value::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PublishedValues],
    ) -> Result<HashMap<PublishedValues, Self::Value>, Self::Error> {
        let rows = indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .filter(indicator_value::Column::Status.eq(crate::domain::ValueStatus::Published))
            .order_by_asc(indicator_value::Column::Year)
            .order_by_asc(indicator_value::Column::Version)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let mut out: HashMap<PublishedValues, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(PublishedValues(row.indicator_id))
                .or_default()
                .push(row);
        }
        Ok(out)
    }
}

/// Departments that may report an indicator (the one rule, in `repo::values`), fetched
/// with their rows in the same batch: two statements however many indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportersOf(pub i32);

impl Loader<ReportersOf> for Store {
    type Value = Vec<department::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ReportersOf],
    ) -> Result<HashMap<ReportersOf, Self::Value>, Self::Error> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let found = crate::repo::values::reporters_of_many(&self.db, &ids)
            .await
            .map_err(Arc::new)?;
        let wanted: Vec<i32> = found.values().flatten().copied().collect();
        let rows: HashMap<i32, department::Model> = if wanted.is_empty() {
            HashMap::new()
        } else {
            department::Entity::find()
                .filter(department::Column::Id.is_in(wanted))
                .all(&self.db)
                .await
                .map_err(db_err)?
                .into_iter()
                .map(|d| (d.id, d))
                .collect()
        };
        Ok(found
            .into_iter()
            .map(|(id, departments)| {
                (
                    ReportersOf(id),
                    departments
                        .iter()
                        .filter_map(|d| rows.get(d).cloned())
                        .collect(),
                )
            })
            .collect())
    }
}

/// Approvals of an indicator's reported values: its public publication history. The history
/// records the indicator of its time; the value says which it belongs to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApprovalsOf(pub i32);

impl Loader<ApprovalsOf> for Store {
    type Value = Vec<entity::value_event::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ApprovalsOf],
    ) -> Result<HashMap<ApprovalsOf, Self::Value>, Self::Error> {
        use sea_orm::sea_query::Query;
        let values = Query::select()
            .column(indicator_value::Column::Id)
            .from(indicator_value::Entity)
            .and_where(indicator_value::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .to_owned();
        let rows = entity::value_event::Entity::find()
            .filter(entity::value_event::Column::ValueId.in_subquery(values))
            .filter(entity::value_event::Column::Action.eq(crate::domain::ValueAction::Approve))
            .order_by_asc(entity::value_event::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let owner: HashMap<i32, i32> = indicator_value::Entity::find()
            .filter(indicator_value::Column::Id.is_in(rows.iter().map(|r| r.value_id)))
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|v| (v.id, v.indicator_id))
            .collect();
        let mut out: HashMap<ApprovalsOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            if let Some(indicator) = owner.get(&row.value_id) {
                out.entry(ApprovalsOf(*indicator)).or_default().push(row);
            }
        }
        Ok(out)
    }
}

/// What a status count is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Plan(i32),
    Domain(i32),
    /// A department's targets, through its goal links (in one role, or any).
    Department(i32, Option<crate::domain::Role>),
}

/// Status counts of a scope's targets: every plan's (or domain's, or department's) in one
/// batch — grouped counts of the stored statuses, or, as of a year, two statements for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountsOf(pub Scope, pub Option<i32>);

impl Loader<CountsOf> for Store {
    type Value = Vec<(crate::rules::progress::Status, usize)>;
    type Error = LoadError;

    async fn load(&self, keys: &[CountsOf]) -> Result<HashMap<CountsOf, Self::Value>, Self::Error> {
        use crate::repo::targets;
        let fail = Arc::new;
        let mut years: Vec<Option<i32>> = keys.iter().map(|k| k.1).collect();
        years.sort_unstable();
        years.dedup();
        let mut out = HashMap::new();
        for year in years {
            let scopes: Vec<Scope> = keys.iter().filter(|k| k.1 == year).map(|k| k.0).collect();
            let pick =
                |f: fn(&Scope) -> Option<i32>| scopes.iter().filter_map(f).collect::<Vec<i32>>();
            let plans = pick(|s| {
                if let Scope::Plan(id) = s {
                    Some(*id)
                } else {
                    None
                }
            });
            let domains = pick(|s| {
                if let Scope::Domain(id) = s {
                    Some(*id)
                } else {
                    None
                }
            });
            let departments = pick(|s| {
                if let Scope::Department(id, _) = s {
                    Some(*id)
                } else {
                    None
                }
            });
            if year.is_none() {
                // The stored statuses: grouped counts, no target read into the server.
                let by_plan = targets::stored_counts(&self.db, target::Column::PlanId, &plans)
                    .await
                    .map_err(db_err)?;
                let by_domain =
                    targets::stored_counts(&self.db, target::Column::DomainId, &domains)
                        .await
                        .map_err(db_err)?;
                let department_scopes: Vec<(i32, Option<crate::domain::Role>)> = scopes
                    .iter()
                    .filter_map(|s| match s {
                        Scope::Department(id, role) => Some((*id, *role)),
                        _ => None,
                    })
                    .collect();
                let by_department =
                    targets::stored_counts_of_departments(&self.db, &department_scopes)
                        .await
                        .map_err(db_err)?;
                let none = HashMap::new();
                for scope in scopes {
                    let by = match scope {
                        Scope::Plan(id) => by_plan.get(&id),
                        Scope::Domain(id) => by_domain.get(&id),
                        Scope::Department(id, role) => by_department.get(&(id, role)),
                    };
                    out.insert(
                        CountsOf(scope, year),
                        targets::all_statuses(by.unwrap_or(&none)),
                    );
                }
                continue;
            }
            // goal → the department scopes asked for that its links put it in
            let mut goals_of: HashMap<i32, Vec<Scope>> = HashMap::new();
            if !departments.is_empty() {
                for link in goal_department::Entity::find()
                    .filter(goal_department::Column::DepartmentId.is_in(departments.clone()))
                    .all(&self.db)
                    .await
                    .map_err(db_err)?
                {
                    let role = Some(link.role);
                    for scope in [
                        Scope::Department(link.department_id, None),
                        Scope::Department(link.department_id, role),
                    ] {
                        let list = goals_of.entry(link.goal_id).or_default();
                        if scopes.contains(&scope) && !list.contains(&scope) {
                            list.push(scope);
                        }
                    }
                }
            }
            let mut wanted = sea_orm::Condition::any()
                .add(target::Column::PlanId.is_in(plans.clone()))
                .add(target::Column::DomainId.is_in(domains.clone()));
            if !goals_of.is_empty() {
                wanted = wanted.add(target::Column::GoalId.is_in(goals_of.keys().copied()));
            }
            let rows = target::Entity::find()
                .filter(wanted)
                .all(&self.db)
                .await
                .map_err(db_err)?;
            let counts = targets::counts_by(
                &self.db,
                rows,
                |t| {
                    let mut of = Vec::new();
                    if plans.contains(&t.plan_id) {
                        of.push(Scope::Plan(t.plan_id));
                    }
                    if let Some(d) = t.domain_id.filter(|d| domains.contains(d)) {
                        of.push(Scope::Domain(d));
                    }
                    if let Some(g) = t.goal_id {
                        of.extend(goals_of.get(&g).into_iter().flatten().copied());
                    }
                    of
                },
                year,
            )
            .await
            .map_err(fail)?;
            let zeros: Vec<(crate::rules::progress::Status, usize)> =
                crate::rules::progress::Status::ALL
                    .iter()
                    .map(|s| (*s, 0))
                    .collect();
            for scope in scopes {
                out.insert(
                    CountsOf(scope, year),
                    counts.get(&scope).cloned().unwrap_or_else(|| zeros.clone()),
                );
            }
        }
        Ok(out)
    }
}

/// The indicators a plan sets targets for, in document order (of their first target there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorsOfPlan(pub i32);

impl Loader<IndicatorsOfPlan> for Store {
    type Value = Vec<(i32, indicator::Model)>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[IndicatorsOfPlan],
    ) -> Result<HashMap<IndicatorsOfPlan, Self::Value>, Self::Error> {
        let targets = target::Entity::find()
            .filter(target::Column::PlanId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(target::Column::LineStart)
            .order_by_asc(target::Column::Ordinal)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let rows = indicators_of(&self.db, &targets).await?;
        Ok(keys
            .iter()
            .map(|k| {
                let own: Vec<&target::Model> =
                    targets.iter().filter(|t| t.plan_id == k.0).collect();
                (*k, in_order(&own, &rows))
            })
            .collect())
    }
}

/// The indicators of some targets, by id (one statement).
async fn indicators_of(
    db: &DatabaseConnection,
    targets: &[target::Model],
) -> Result<HashMap<i32, indicator::Model>, LoadError> {
    Ok(indicator::Entity::find()
        .filter(indicator::Column::Id.is_in(targets.iter().map(|t| t.indicator_id)))
        .all(db)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(|i| (i.id, i))
        .collect())
}

/// The indicators of targets in document order, each once, positioned by its first target.
fn in_order(
    targets: &[&target::Model],
    indicators: &HashMap<i32, indicator::Model>,
) -> Vec<(i32, indicator::Model)> {
    let mut out: Vec<(i32, indicator::Model)> = Vec::new();
    for t in targets {
        if !out.iter().any(|(_, i)| i.id == t.indicator_id) {
            if let Some(i) = indicators.get(&t.indicator_id) {
                out.push((t.line_start, i.clone()));
            }
        }
    }
    out
}

/// What a department's goal links give it (optionally in one role): its goals, the targets
/// they set and the indicators of those, in document order. One batch for every department
/// of a page, four statements however many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkOf(pub i32, pub Option<crate::domain::Role>);

/// A department's goals, targets and indicators (indicators positioned by their first target).
#[derive(Debug, Clone, Default)]
pub struct Work {
    pub goals: Vec<goal::Model>,
    pub targets: Vec<target::Model>,
    pub indicators: Vec<(i32, indicator::Model)>,
}

impl Loader<WorkOf> for Store {
    type Value = Work;
    type Error = LoadError;

    async fn load(&self, keys: &[WorkOf]) -> Result<HashMap<WorkOf, Self::Value>, Self::Error> {
        let links = goal_department::Entity::find()
            .filter(goal_department::Column::DepartmentId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let goal_ids: Vec<i32> = links.iter().map(|l| l.goal_id).collect();
        let goals = goal::Entity::find()
            .filter(goal::Column::Id.is_in(goal_ids.clone()))
            .order_by_asc(goal::Column::LineStart)
            .order_by_asc(goal::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let targets = target::Entity::find()
            .filter(target::Column::GoalId.is_in(goal_ids))
            .order_by_asc(target::Column::LineStart)
            .order_by_asc(target::Column::Ordinal)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let indicators = indicators_of(&self.db, &targets).await?;
        let mut out = HashMap::new();
        for key in keys {
            let linked = |goal_id: i32| {
                links.iter().any(|l| {
                    l.goal_id == goal_id
                        && l.department_id == key.0
                        && key.1.is_none_or(|r| l.role == r)
                })
            };
            let own: Vec<&target::Model> = targets
                .iter()
                .filter(|t| t.goal_id.is_some_and(linked))
                .collect();
            let work = Work {
                goals: goals.iter().filter(|g| linked(g.id)).cloned().collect(),
                indicators: in_order(&own, &indicators),
                targets: own.into_iter().cloned().collect(),
            };
            out.insert(*key, work);
        }
        Ok(out)
    }
}
