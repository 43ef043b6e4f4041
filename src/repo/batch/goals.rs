//! Goals: by id, their department links and source texts, a department's goals and work.

use std::collections::HashMap;

use super::Loader;
use entity::{goal, goal_department, target};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Order, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use crate::repo::goals::GoalRow;
use crate::repo::rows::{self, Positional};

use super::indicators::{in_order, indicators_of, Placed};
use super::{db_err, LoadError, Store};

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
