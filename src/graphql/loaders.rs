//! Batch loaders: every list or parent a resolver needs is fetched for all rows of a level in
//! one statement, so the statement count grows with the query's depth, not with its rows.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    department, department_alias, document, domain, goal, goal_department, goal_group, indicator,
    indicator_value, plan,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// The store as the loaders see it.
#[derive(Clone)]
pub struct Store {
    pub db: DatabaseConnection,
}

pub type Loaders = DataLoader<Store>;

pub fn loaders(db: DatabaseConnection) -> Loaders {
    DataLoader::new(Store { db }, tokio::spawn)
}

pub type LoadError = Arc<DbErr>;

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
                    .await?;
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
                    .await?;
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
children!(DomainsOfPlan, domain, PlanId, Ordinal, |r| Some(r.plan_id));
children!(GoalsOfDomain, goal, DomainId, Ordinal, |r| r.domain_id);
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
children!(IndicatorsOfGoal, indicator, GoalId, Ordinal, |r| r.goal_id);

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
            .filter(
                indicator_value::Column::Status.eq(crate::domain::ValueStatus::Published.as_str()),
            )
            .order_by_asc(indicator_value::Column::Year)
            .all(&self.db)
            .await?;
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

/// Departments that may report an indicator (the rule lives in `service::values`), fetched
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
        let found = crate::service::values::reporters_of_many(&self.db, &ids)
            .await
            .map_err(|e| Arc::new(DbErr::Custom(e.message().to_string())))?;
        let wanted: Vec<i32> = found.values().flatten().copied().collect();
        let rows: HashMap<i32, department::Model> = if wanted.is_empty() {
            HashMap::new()
        } else {
            department::Entity::find()
                .filter(department::Column::Id.is_in(wanted))
                .all(&self.db)
                .await?
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

/// Approvals of an indicator's reported values: its public publication history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApprovalsOf(pub i32);

impl Loader<ApprovalsOf> for Store {
    type Value = Vec<entity::value_event::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ApprovalsOf],
    ) -> Result<HashMap<ApprovalsOf, Self::Value>, Self::Error> {
        let rows = entity::value_event::Entity::find()
            .filter(entity::value_event::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .filter(entity::value_event::Column::Action.eq("approve"))
            .order_by_asc(entity::value_event::Column::Id)
            .all(&self.db)
            .await?;
        let mut out: HashMap<ApprovalsOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(ApprovalsOf(row.indicator_id))
                .or_default()
                .push(row);
        }
        Ok(out)
    }
}
