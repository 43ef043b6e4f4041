//! Batch loaders: every list or parent a resolver needs is fetched for all rows of a level in
//! one statement, so the statement count grows with the query's depth, not with its rows.

mod counts;
mod declarations;
mod goals;
mod indicators;
mod links;
mod series;
mod sizes;
mod slices;

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use entity::{
    department, department_alias, document, domain, evaluation_item, goal_group, indicator,
    monitored, plan, target, value_event,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::repo::rows::{self};

/// The store as the loaders see it.
#[derive(Clone)]
pub struct Store {
    pub db: DatabaseConnection,
}

/// Reads the rows of a batch of keys of one kind, by key (`repo::loaders` gathers the keys).
pub trait Loader<K: Send + Sync + Hash + Eq + Clone + 'static>: Send + Sync + 'static {
    /// What one key names.
    type Value: Send + Sync + Clone + 'static;
    type Error: Send + Clone + 'static;

    /// The rows of `keys`; a key that names nothing is left out.
    fn load(
        &self,
        keys: &[K],
    ) -> impl Future<Output = Result<HashMap<K, Self::Value>, Self::Error>> + Send;
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

by_id!(DocumentById, document);
by_id!(PlanById, plan);
by_id!(DomainById, domain);
by_id!(DepartmentById, department);

by_id!(IndicatorById, indicator);
by_id!(TargetById, target);
children!(DomainsOfPlan, domain, PlanId, Ordinal, |r| Some(r.plan_id));

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
    MonitoredOfIndicator,
    monitored,
    IndicatorId,
    LineStart,
    |r| Some(r.indicator_id)
);
children!(MonitoredOfPlan, monitored, PlanId, LineStart, |r| Some(
    r.plan_id
));
children!(
    TargetsOfIndicator,
    target,
    IndicatorId,
    LineStart,
    |r| Some(r.indicator_id)
);
// A frozen evaluation's items in document order (its summary, rate and groups).
children!(
    ItemsOfEvaluation,
    evaluation_item,
    EvaluationId,
    Ordinal,
    |r| Some(r.evaluation_id)
);
// Goals without their source text, as lists show them (`GoalRow`).

pub use crate::repo::tally::Scope;
pub use counts::CountsOf;
pub use declarations::DeclarationOf;
pub use goals::{GoalById, GoalSourceById, GoalsOfDepartment, Work, WorkOf};
pub use indicators::IndicatorsOfPlan;
pub use links::{Link, LinksOfGoal};
pub use series::{ApprovalsOf, LiveValues, PublishedValues, ReportersOf, Series, SeriesEnds};
pub use sizes::SizeOf;
pub use slices::*;
