//! Batch loaders: every list or parent a resolver needs is fetched for all rows of a level in
//! one statement, so the statement count grows with the query's depth, not with its rows.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::{
    department, department_alias, document, domain, goal, goal_department, goal_group, indicator,
    indicator_value, plan, target, value_event,
};
use sea_orm::sea_query::{
    Alias, Asterisk, Condition, Expr, ExprTrait, Func, Order, Query, SelectStatement, UnionType,
    WindowStatement,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Iterable, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
};

use crate::repo::goals::GoalRow;
use crate::repo::page::{Keyset, Slice, SortKey};
use crate::repo::rows::{self, Positional};

/// The store as the loaders see it.
#[derive(Clone)]
pub struct Store {
    pub db: DatabaseConnection,
}

pub use super::loaders::Loaders;

/// Loaders that remember nothing: the schema's own, for callers that bring none.
pub fn loaders(db: DatabaseConnection) -> Loaders {
    Loaders::new(db, false, std::time::Duration::ZERO)
}

/// Loaders for one request. A query's remember what they loaded, so a row or series asked
/// for at two depths (a target's status and its indicator's latest value) is read once; a
/// mutation's do not, since its fields run in turn and each may change what the next reads.
pub fn for_request(db: DatabaseConnection, query: bool, delay: std::time::Duration) -> Loaders {
    Loaders::new(db, query, delay)
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
                let rows = rows::all(
                    &self.db,
                    $entity::Entity::find()
                        .filter($entity::Column::Id.is_in(keys.iter().map(|k| k.0))),
                )
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
                let rows = rows::all(
                    &self.db,
                    $entity::Entity::find()
                        .filter($entity::Column::$parent.is_in(keys.iter().map(|k| k.0)))
                        .order_by_asc($entity::Column::$order)
                        .order_by_asc($entity::Column::Id),
                )
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

/// Up to this many parents, a slice is one `LIMIT` query per parent joined by `UNION ALL`,
/// each read from the (parent, position) index and stopping at its page: the way for a plan's
/// ten thousand targets. PostgreSQL's planning time grows faster than the branches
/// (docs/BENCHMARKS.md), so more parents share one window query instead.
const UNION_PARENTS: usize = 8;

/// The slice of each parent's children a nested connection shows, in position order, one
/// statement per distinct slice: for a few parents the union of per-parent `ORDER BY position
/// LIMIT size + 1` queries, for more `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY
/// position) <= size + 1` over all of them (it reads every child of those parents, but only
/// a page of each leaves the store). `only` narrows the rows (to the first target of each
/// indicator, say). The rows are `R`, read from `columns` (a whole model, or a projection of
/// one: goals without their source text).
#[allow(clippy::too_many_arguments)]
async fn slices_of<E, R>(
    db: &DatabaseConnection,
    keys: &[(i32, Slice)],
    columns: &[E::Column],
    parent: E::Column,
    position: (E::Column, E::Column),
    only: Option<Condition>,
    parent_of: fn(&R) -> Option<i32>,
    key_of: fn(&R) -> (i32, i32),
) -> Result<HashMap<(i32, Slice), Vec<R>>, LoadError>
where
    E: EntityTrait,
    R: Positional + Send + Sync,
{
    let keyset = Keyset {
        first: Expr::col((E::default(), position.0)),
        second: Expr::col((E::default(), position.1)),
        descending: false,
        text: false,
    };
    let mut distinct: Vec<&Slice> = Vec::new();
    for (_, slice) in keys {
        if !distinct.contains(&slice) {
            distinct.push(slice);
        }
    }
    // The rows of one slice among `parents` (one or many); the caller orders and limits them.
    let rows_of = |slice: &Slice, parents: Condition| {
        let mut q = Query::select();
        q.columns(columns.iter().map(|c| (E::default(), *c)))
            .from(E::default())
            .cond_where(parents);
        if let Some(only) = &only {
            q.cond_where(only.clone());
        }
        if let Some((a, b)) = slice.after {
            q.cond_where(keyset.beyond(&SortKey::Ints(a, b), true));
        }
        if let Some((a, b)) = slice.before {
            q.cond_where(keyset.beyond(&SortKey::Ints(a, b), false));
        }
        q
    };
    let mut out: HashMap<(i32, Slice), Vec<R>> =
        keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for slice in distinct {
        let mut parents: Vec<i32> = keys
            .iter()
            .filter(|(_, s)| s == slice)
            .map(|(p, _)| *p)
            .collect();
        parents.sort_unstable();
        parents.dedup();
        let order = keyset.order(slice.backward);
        let statement = if parents.len() <= UNION_PARENTS {
            let mut union: Option<SelectStatement> = None;
            for (n, id) in parents.iter().enumerate() {
                let mut one = rows_of(
                    slice,
                    Condition::all().add(Expr::col((E::default(), parent)).eq(*id)),
                );
                one.order_by_expr(keyset.first.clone(), order.clone())
                    .order_by_expr(keyset.second.clone(), order.clone())
                    .limit(slice.size + 1);
                // Each query in its own FROM: neither store takes ORDER BY … LIMIT on a term
                // of a compound SELECT.
                let wrapped = Query::select()
                    .column(Asterisk)
                    .from_subquery(one, Alias::new(format!("p{n}")))
                    .to_owned();
                match &mut union {
                    None => union = Some(wrapped),
                    Some(all) => {
                        all.union(UnionType::All, wrapped);
                    }
                }
            }
            let Some(union) = union else { continue };
            union
        } else {
            let mut all = rows_of(
                slice,
                Condition::all().add(Expr::col((E::default(), parent)).is_in(parents.clone())),
            );
            let mut window = WindowStatement::partition_by((E::default(), parent));
            window
                .order_by_expr(keyset.first.clone(), order.clone())
                .order_by_expr(keyset.second.clone(), order);
            all.expr_window_as(
                Func::cust(Alias::new("ROW_NUMBER")),
                window,
                Alias::new("rn"),
            );
            Query::select()
                .column(Asterisk)
                .from_subquery(all, Alias::new("w"))
                .and_where(Expr::col(Alias::new("rn")).lte(slice.size + 1))
                .to_owned()
        };
        let statement = db.get_database_backend().build(&statement);
        for row in rows::of_statement::<R>(db, statement)
            .await
            .map_err(db_err)?
        {
            if let Some(list) = parent_of(&row).and_then(|p| out.get_mut(&(p, slice.clone()))) {
                list.push(row);
            }
        }
    }
    for list in out.values_mut() {
        list.sort_by_key(key_of);
    }
    Ok(out)
}

/// A parent's children one slice at a time ([`slices_of`]), keyed by parent and slice.
macro_rules! sliced {
    ($key:ident, $entity:ident, $row:ty, $columns:expr, $parent:ident, ($first:ident, $second:ident), $parent_of:expr, $key_of:expr) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $key(pub i32, pub Slice);

        impl Loader<$key> for Store {
            type Value = Vec<$row>;
            type Error = LoadError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                let keys: Vec<(i32, Slice)> = keys.iter().map(|k| (k.0, k.1.clone())).collect();
                let columns: Vec<$entity::Column> = $columns.collect();
                let found = slices_of::<$entity::Entity, $row>(
                    &self.db,
                    &keys,
                    &columns,
                    $entity::Column::$parent,
                    ($entity::Column::$first, $entity::Column::$second),
                    None,
                    $parent_of,
                    $key_of,
                )
                .await?;
                Ok(found
                    .into_iter()
                    .map(|((parent, slice), rows)| ($key(parent, slice), rows))
                    .collect())
            }
        }
    };
}

/// How many children a parent has: a nested connection's `totalCount`, asked only when
/// selected; for every parent of a level, one statement per kind: goals counted, targets read
/// from the tally, a plan's indicators from the plans' rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SizeOf {
    GoalsOfPlan(i32),
    GoalsOfDomain(i32),
    TargetsOfPlan(i32),
    TargetsOfDomain(i32),
    TargetsOfGoal(i32),
    IndicatorsOfPlan(i32),
}

/// Where a size is read.
enum Counted {
    /// The tally of the scope's targets' statuses, summed.
    Tally(Scope),
    /// The plan's row (`indicator_count`).
    PlanRow(i32),
    /// A grouped count of a table's rows by a parent column.
    Rows(i32, (&'static str, &'static str)),
}

impl SizeOf {
    fn counted(self) -> Counted {
        match self {
            SizeOf::GoalsOfPlan(id) => Counted::Rows(id, ("goal", "plan_id")),
            SizeOf::GoalsOfDomain(id) => Counted::Rows(id, ("goal", "domain_id")),
            SizeOf::TargetsOfPlan(id) => Counted::Tally(Scope::Plan(id)),
            SizeOf::TargetsOfDomain(id) => Counted::Tally(Scope::Domain(id)),
            SizeOf::TargetsOfGoal(id) => Counted::Tally(Scope::Goal(id)),
            // Distinct indicators of every target of the plan: counted when targets change.
            SizeOf::IndicatorsOfPlan(id) => Counted::PlanRow(id),
        }
    }
}

impl Loader<SizeOf> for Store {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[SizeOf]) -> Result<HashMap<SizeOf, u64>, LoadError> {
        let mut out: HashMap<SizeOf, u64> = keys.iter().map(|k| (*k, 0)).collect();
        let mut tallied: Vec<(SizeOf, Scope)> = Vec::new();
        let mut plans: Vec<i32> = Vec::new();
        let mut kinds: HashMap<_, Vec<(i32, SizeOf)>> = HashMap::new();
        for key in keys {
            match key.counted() {
                Counted::Tally(scope) => tallied.push((*key, scope)),
                Counted::PlanRow(id) => plans.push(id),
                Counted::Rows(id, kind) => kinds.entry(kind).or_default().push((id, *key)),
            }
        }
        if !tallied.is_empty() {
            let scopes: Vec<Scope> = tallied.iter().map(|(_, s)| *s).collect();
            let counted = super::tally::counts(&self.db, &scopes)
                .await
                .map_err(db_err)?;
            for (key, scope) in &tallied {
                let n: usize = counted.get(scope).map_or(0, |by| by.values().sum());
                out.insert(*key, u64::try_from(n).unwrap_or(0));
            }
        }
        if !plans.is_empty() {
            let counted: Vec<(i32, i32)> = plan::Entity::find()
                .select_only()
                .column(plan::Column::Id)
                .column(plan::Column::IndicatorCount)
                .filter(plan::Column::Id.is_in(plans))
                .into_tuple()
                .all(&self.db)
                .await
                .map_err(db_err)?;
            for (id, n) in counted {
                out.insert(SizeOf::IndicatorsOfPlan(id), u64::try_from(n).unwrap_or(0));
            }
        }
        for ((table, parent), members) in kinds {
            let query = Query::select()
                .column(Alias::new(parent))
                .expr(Expr::col(Asterisk).count())
                .from(Alias::new(table))
                .and_where(Expr::col(Alias::new(parent)).is_in(members.iter().map(|m| m.0)))
                .group_by_col(Alias::new(parent))
                .to_owned();
            let statement = self.db.get_database_backend().build(&query);
            for row in self.db.query_all_raw(statement).await.map_err(db_err)? {
                let id: i32 = row.try_get_by_index(0).map_err(db_err)?;
                let n: i64 = row.try_get_by_index(1).map_err(db_err)?;
                if let Some((_, key)) = members.iter().find(|m| m.0 == id) {
                    out.insert(*key, u64::try_from(n).unwrap_or(0));
                }
            }
        }
        Ok(out)
    }
}

by_id!(DocumentById, document);
by_id!(PlanById, plan);
by_id!(DomainById, domain);
by_id!(DepartmentById, department);

/// A goal by id, without its source text (`GoalRow`): `source` reads it when it is asked for
/// (`GoalSourceById`), so a goal by id or a target's goal does not read it twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoalById(pub i32);

impl Loader<GoalById> for Store {
    type Value = GoalRow;
    type Error = LoadError;

    async fn load(&self, keys: &[GoalById]) -> Result<HashMap<GoalById, Self::Value>, Self::Error> {
        let select = goal::Entity::find()
            .select_only()
            .columns(GoalRow::columns())
            .filter(goal::Column::Id.is_in(keys.iter().map(|k| k.0)));
        let statement = select.build(self.db.get_database_backend());
        let rows: Vec<GoalRow> = rows::of_statement(&self.db, statement)
            .await
            .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|row| (GoalById(row.id), row))
            .collect())
    }
}

by_id!(IndicatorById, indicator);
by_id!(TargetById, target);
children!(DomainsOfPlan, domain, PlanId, Ordinal, |r| Some(r.plan_id));

/// A goal's department link as the API shows it: which department, in which role, spelled
/// how. Not its source lines, which are the goal's own and would be read again for each of
/// a goal's links.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub department_id: i32,
    pub role: crate::domain::Role,
    pub raw: String,
}

/// A goal's department links, in tag order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinksOfGoal(pub i32);

impl Loader<LinksOfGoal> for Store {
    type Value = Vec<Link>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[LinksOfGoal],
    ) -> Result<HashMap<LinksOfGoal, Self::Value>, Self::Error> {
        use goal_department::Column as L;
        let mut query = Query::select();
        query
            .columns([L::GoalId, L::DepartmentId, L::Role, L::Raw])
            .from(goal_department::Entity)
            .and_where(Expr::col(L::GoalId).is_in(keys.iter().map(|k| k.0)))
            .order_by(L::GoalId, Order::Asc)
            .order_by(L::Ordinal, Order::Asc)
            .order_by(L::Id, Order::Asc);
        let statement = self.db.get_database_backend().build(&query);
        let mut out: HashMap<LinksOfGoal, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in self.db.query_all_raw(statement).await.map_err(db_err)? {
            use rows::Cell;
            let goal = i32::cell(&row, 0).map_err(db_err)?;
            let link = Link {
                department_id: i32::cell(&row, 1).map_err(db_err)?,
                role: Cell::cell(&row, 2).map_err(db_err)?,
                raw: String::cell(&row, 3).map_err(db_err)?,
            };
            out.entry(LinksOfGoal(goal)).or_default().push(link);
        }
        Ok(out)
    }
}

/// A goal's source text, for the goals whose `source` a query asks for (lists read goals
/// without it: `GoalRow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoalSourceById(pub i32);

impl Loader<GoalSourceById> for Store {
    type Value = String;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[GoalSourceById],
    ) -> Result<HashMap<GoalSourceById, Self::Value>, Self::Error> {
        let mut query = Query::select();
        query
            .columns([goal::Column::Id, goal::Column::SourceText])
            .from(goal::Entity)
            .and_where(Expr::col(goal::Column::Id).is_in(keys.iter().map(|k| k.0)));
        let statement = self.db.get_database_backend().build(&query);
        let mut out = HashMap::new();
        for row in self.db.query_all_raw(statement).await.map_err(db_err)? {
            use rows::Cell;
            let id = i32::cell(&row, 0).map_err(db_err)?;
            out.insert(GoalSourceById(id), String::cell(&row, 1).map_err(db_err)?);
        }
        Ok(out)
    }
}

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
children!(
    TargetsOfIndicator,
    target,
    IndicatorId,
    LineStart,
    |r| Some(r.indicator_id)
);
// Goals without their source text, as lists show them (`GoalRow`).
sliced!(
    GoalsOfPlan,
    goal,
    GoalRow,
    GoalRow::columns(),
    PlanId,
    (LineStart, Id),
    |r| Some(r.plan_id),
    |r| (r.line_start, r.id)
);
sliced!(
    GoalsOfDomain,
    goal,
    GoalRow,
    GoalRow::columns(),
    DomainId,
    (LineStart, Id),
    |r| r.domain_id,
    |r| (r.line_start, r.id)
);
sliced!(
    TargetsOfPlan,
    target,
    target::Model,
    target::Column::iter(),
    PlanId,
    (LineStart, Ordinal),
    |r| Some(r.plan_id),
    |r| (r.line_start, r.ordinal)
);
sliced!(
    TargetsOfDomain,
    target,
    target::Model,
    target::Column::iter(),
    DomainId,
    (LineStart, Ordinal),
    |r| r.domain_id,
    |r| (r.line_start, r.ordinal)
);
sliced!(
    TargetsOfGoal,
    target,
    target::Model,
    target::Column::iter(),
    GoalId,
    (LineStart, Ordinal),
    |r| r.goal_id,
    |r| (r.line_start, r.ordinal)
);

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
        let rows = rows::all(
            &self.db,
            indicator_value::Entity::find()
                .filter(indicator_value::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
                .filter(indicator_value::Column::Status.eq(crate::domain::ValueStatus::Published))
                .order_by_asc(indicator_value::Column::Year)
                .order_by_asc(indicator_value::Column::Version),
        )
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

pub use super::tally::Scope;

/// Status counts of a scope's targets: every plan's (or domain's, or department's) in one
/// batch — the tally of the stored statuses, or, as of a year, two statements for all.
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
            if year.is_none() {
                // The stored statuses, counted in the tally: a few rows per scope.
                let counted = super::tally::counts(&self.db, &scopes)
                    .await
                    .map_err(db_err)?;
                let none = HashMap::new();
                for scope in scopes {
                    out.insert(
                        CountsOf(scope, year),
                        targets::all_statuses(counted.get(&scope).unwrap_or(&none)),
                    );
                }
                continue;
            }
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
            let goals = pick(|s| {
                if let Scope::Goal(id) = s {
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
                .add(target::Column::DomainId.is_in(domains.clone()))
                .add(target::Column::GoalId.is_in(goals.clone()));
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
                        if goals.contains(&g) {
                            of.push(Scope::Goal(g));
                        }
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

/// The indicators a plan sets targets for, in document order: each placed by its first target
/// in the plan, a slice at a time (the first targets are found by the index on
/// (plan, position), each checked against earlier targets of its indicator).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndicatorsOfPlan(pub i32, pub Slice);

impl Loader<IndicatorsOfPlan> for Store {
    type Value = Vec<Placed>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[IndicatorsOfPlan],
    ) -> Result<HashMap<IndicatorsOfPlan, Self::Value>, Self::Error> {
        use target::Column as T;
        let e = Alias::new("e");
        let earlier = Query::select()
            .expr(Expr::val(1))
            .from_as(target::Entity, e.clone())
            .and_where(Expr::col((e.clone(), T::PlanId)).equals((target::Entity, T::PlanId)))
            .and_where(
                Expr::col((e.clone(), T::IndicatorId)).equals((target::Entity, T::IndicatorId)),
            )
            .cond_where(
                Condition::any()
                    .add(
                        Expr::col((e.clone(), T::LineStart))
                            .lt(Expr::col((target::Entity, T::LineStart))),
                    )
                    .add(
                        Condition::all()
                            .add(
                                Expr::col((e.clone(), T::LineStart))
                                    .eq(Expr::col((target::Entity, T::LineStart))),
                            )
                            .add(
                                Expr::col((e, T::Ordinal))
                                    .lt(Expr::col((target::Entity, T::Ordinal))),
                            ),
                    ),
            )
            .to_owned();
        let pairs: Vec<(i32, Slice)> = keys.iter().map(|k| (k.0, k.1.clone())).collect();
        let columns: Vec<T> = T::iter().collect();
        let found = slices_of::<target::Entity, target::Model>(
            &self.db,
            &pairs,
            &columns,
            T::PlanId,
            (T::LineStart, T::Ordinal),
            Some(Condition::all().add(Expr::exists(earlier).not())),
            |t| Some(t.plan_id),
            |t| (t.line_start, t.ordinal),
        )
        .await?;
        let all: Vec<target::Model> = found.values().flatten().cloned().collect();
        let rows = indicators_of(&self.db, &all).await?;
        Ok(found
            .into_iter()
            .map(|((plan, slice), targets)| {
                let own: Vec<&target::Model> = targets.iter().collect();
                (IndicatorsOfPlan(plan, slice), in_order(&own, &rows))
            })
            .collect())
    }
}

/// The indicators of some targets, by id (one statement).
async fn indicators_of(
    db: &DatabaseConnection,
    targets: &[target::Model],
) -> Result<HashMap<i32, indicator::Model>, LoadError> {
    Ok(rows::all(
        db,
        indicator::Entity::find()
            .filter(indicator::Column::Id.is_in(targets.iter().map(|t| t.indicator_id))),
    )
    .await
    .map_err(db_err)?
    .into_iter()
    .map(|i| (i.id, i))
    .collect())
}

/// An indicator's place in a list: the position (line, ordinal) of its first target there.
pub type Placed = ((i32, i32), indicator::Model);

/// The indicators of targets in document order, each once, positioned by its first target
/// (a table's rows share a line: the ordinal orders them, as it orders the targets).
fn in_order(
    targets: &[&target::Model],
    indicators: &HashMap<i32, indicator::Model>,
) -> Vec<Placed> {
    let mut out: Vec<Placed> = Vec::new();
    for t in targets {
        if !out.iter().any(|(_, i)| i.id == t.indicator_id) {
            if let Some(i) = indicators.get(&t.indicator_id) {
                out.push(((t.line_start, t.ordinal), i.clone()));
            }
        }
    }
    out
}

/// The goals a department's links name (optionally in one role), in document order: one
/// statement (goals joined to their links) for every department of a level. Departments'
/// goal lists are short; their targets are not, and are left to [`WorkOf`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoalsOfDepartment(pub i32, pub Option<crate::domain::Role>);

impl Loader<GoalsOfDepartment> for Store {
    type Value = Vec<GoalRow>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[GoalsOfDepartment],
    ) -> Result<HashMap<GoalsOfDepartment, Self::Value>, Self::Error> {
        use goal_department::Column as L;
        let mut query = Query::select();
        query
            .columns(GoalRow::columns().map(|c| (goal::Entity, c)))
            .column((goal_department::Entity, L::DepartmentId))
            .column((goal_department::Entity, L::Role))
            .from(goal::Entity)
            .inner_join(
                goal_department::Entity,
                Expr::col((goal_department::Entity, L::GoalId))
                    .equals((goal::Entity, goal::Column::Id)),
            )
            .cond_where(keys.iter().fold(Condition::any(), |any, k| {
                let department = Expr::col((goal_department::Entity, L::DepartmentId)).eq(k.0);
                any.add(match k.1 {
                    // Only the links a role asks for: a department leads a third of what it names.
                    Some(role) => department
                        .and(Expr::col((goal_department::Entity, L::Role)).eq(role.as_str())),
                    None => department,
                })
            }))
            .order_by((goal::Entity, goal::Column::LineStart), Order::Asc)
            .order_by((goal::Entity, goal::Column::Id), Order::Asc);
        let statement = self.db.get_database_backend().build(&query);
        let mut out: HashMap<GoalsOfDepartment, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        let extra = <GoalRow as Positional>::FIELDS.len();
        for row in self.db.query_all_raw(statement).await.map_err(db_err)? {
            use rows::Cell;
            let goal = GoalRow::decode(&row).map_err(db_err)?;
            let department = i32::cell(&row, extra).map_err(db_err)?;
            let role = crate::domain::Role::cell(&row, extra + 1).map_err(db_err)?;
            for key in [
                GoalsOfDepartment(department, None),
                GoalsOfDepartment(department, Some(role)),
            ] {
                if let Some(list) = out.get_mut(&key) {
                    // A goal may name a department twice (two roles): listed once.
                    if list.last().is_none_or(|g| g.id != goal.id) {
                        list.push(goal.clone());
                    }
                }
            }
        }
        Ok(out)
    }
}

/// What a department's goal links give it (optionally in one role): the targets its goals set
/// and the indicators of those, in document order. One batch for every department of a page,
/// three statements however many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkOf(pub i32, pub Option<crate::domain::Role>);

/// A department's targets and indicators (indicators positioned by their first target).
#[derive(Debug, Clone, Default)]
pub struct Work {
    pub targets: Vec<target::Model>,
    pub indicators: Vec<Placed>,
}

impl Loader<WorkOf> for Store {
    type Value = Work;
    type Error = LoadError;

    async fn load(&self, keys: &[WorkOf]) -> Result<HashMap<WorkOf, Self::Value>, Self::Error> {
        let links = rows::all(
            &self.db,
            goal_department::Entity::find()
                .filter(goal_department::Column::DepartmentId.is_in(keys.iter().map(|k| k.0))),
        )
        .await
        .map_err(db_err)?;
        let goal_ids: Vec<i32> = links.iter().map(|l| l.goal_id).collect();
        let targets = rows::all(
            &self.db,
            target::Entity::find()
                .filter(target::Column::GoalId.is_in(goal_ids))
                .order_by_asc(target::Column::LineStart)
                .order_by_asc(target::Column::Ordinal),
        )
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
                indicators: in_order(&own, &indicators),
                targets: own.into_iter().cloned().collect(),
            };
            out.insert(*key, work);
        }
        Ok(out)
    }
}
