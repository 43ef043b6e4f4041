//! The rows the store holds before an import, keyed as the document's rows are, and those of
//! them the document no longer holds.

use std::collections::{HashMap, HashSet};

use entity::{
    department, department_alias, domain, goal, goal_department, goal_group, indicator,
    indicator_value, monitored, plan, target,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::upsert::{Keyed, Linked, Stale};
use super::values::value_key;
use crate::domain::ValueOrigin;
use crate::import::dataset::Dataset;

/// Every row an import matches against (document figures only: submissions are not the
/// document's to delete).
#[derive(Default)]
pub(super) struct Existing {
    pub(super) plans: Vec<plan::Model>,
    pub(super) domains: Vec<domain::Model>,
    pub(super) goals: Vec<goal::Model>,
    pub(super) departments: Vec<department::Model>,
    pub(super) aliases: Vec<department_alias::Model>,
    pub(super) links: Vec<Linked<goal_department::Model>>,
    pub(super) groups: Vec<Linked<goal_group::Model>>,
    pub(super) indicators: Vec<indicator::Model>,
    pub(super) targets: Vec<target::Model>,
    pub(super) monitored: Vec<monitored::Model>,
    pub(super) values: Vec<indicator_value::Model>,
}

impl Existing {
    pub(super) async fn load(db: &impl ConnectionTrait) -> Result<Existing, DbErr> {
        let goals = goal::Entity::find().all(db).await?;
        let departments = department::Entity::find().all(db).await?;
        let goal_key: HashMap<i32, &str> = goals.iter().map(|g| (g.id, g.key.as_str())).collect();
        let department_name: HashMap<i32, &str> = departments
            .iter()
            .map(|d| (d.id, d.name.as_str()))
            .collect();
        let goal_of = |id: i32| goal_key.get(&id).copied().unwrap_or("?");
        let links = goal_department::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|l| Linked {
                key: link_key(
                    goal_of(l.goal_id),
                    department_name
                        .get(&l.department_id)
                        .copied()
                        .unwrap_or("?"),
                    l.role.as_str(),
                ),
                model: l,
            })
            .collect();
        let groups = goal_group::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|g| Linked {
                key: group_key(goal_of(g.goal_id), g.ordinal),
                model: g,
            })
            .collect();
        Ok(Existing {
            plans: plan::Entity::find().all(db).await?,
            domains: domain::Entity::find().all(db).await?,
            aliases: department_alias::Entity::find().all(db).await?,
            links,
            groups,
            indicators: indicator::Entity::find().all(db).await?,
            targets: target::Entity::find().all(db).await?,
            monitored: monitored::Entity::find().all(db).await?,
            values: indicator_value::Entity::find()
                .filter(indicator_value::Column::Origin.eq(ValueOrigin::Document))
                .all(db)
                .await?,
            goals,
            departments,
        })
    }
}

/// The natural keys the document holds, per table.
pub(super) struct Wanted {
    values: HashSet<String>,
    targets: HashSet<String>,
    monitored: HashSet<String>,
    groups: HashSet<String>,
    links: HashSet<String>,
    aliases: HashSet<String>,
    goals: HashSet<String>,
    domains: HashSet<String>,
    departments: HashSet<String>,
    plans: HashSet<String>,
    pub(super) indicators: HashSet<String>,
}

impl Wanted {
    pub(super) fn of(data: &Dataset) -> Wanted {
        let plans = &data.plans;
        let goals = || plans.iter().flat_map(|p| p.goals.iter());
        Wanted {
            values: data
                .indicators
                .iter()
                .flat_map(|i| i.values.iter().map(move |v| value_key(&i.key, v)))
                .collect(),
            targets: plans
                .iter()
                .flat_map(|p| p.targets.iter().map(|t| t.key.clone()))
                .collect(),
            monitored: plans
                .iter()
                .flat_map(|p| p.monitored.iter().map(|m| m.key.clone()))
                .collect(),
            groups: goals()
                .flat_map(|g| g.groups.iter().map(move |x| group_key(&g.key, x.ordinal)))
                .collect(),
            links: goals()
                .flat_map(|g| {
                    g.departments
                        .iter()
                        .map(move |d| link_key(&g.key, &d.department, d.role.as_str()))
                })
                .collect(),
            aliases: data
                .departments
                .iter()
                .flat_map(|d| d.aliases.iter().map(|(a, _)| a.clone()))
                .collect(),
            goals: goals().map(|g| g.key.clone()).collect(),
            domains: plans
                .iter()
                .flat_map(|p| p.domains.iter().map(|d| d.key.clone()))
                .collect(),
            departments: data.departments.iter().map(|d| d.name.clone()).collect(),
            plans: plans.iter().map(|p| p.code.clone()).collect(),
            indicators: data.indicators.iter().map(|i| i.key.clone()).collect(),
        }
    }

    /// Every table but the indicators' (they go once their targets point elsewhere), children
    /// before their parents.
    pub(super) fn stale<'a>(&'a self, existing: &Existing) -> Vec<Stale<'a>> {
        fn keyed<M: Keyed>(rows: &[M]) -> Vec<(String, i32)> {
            rows.iter().map(|m| (m.key(), m.id())).collect()
        }
        fn linked<M>(rows: &[Linked<M>], id: impl Fn(&M) -> i32) -> Vec<(String, i32)> {
            rows.iter().map(|l| (l.key.clone(), id(&l.model))).collect()
        }
        let stale = |table, existing, wanted| Stale {
            table,
            existing,
            wanted,
        };
        vec![
            stale("indicator_value", keyed(&existing.values), &self.values),
            stale("target", keyed(&existing.targets), &self.targets),
            stale("monitored", keyed(&existing.monitored), &self.monitored),
            stale(
                "goal_group",
                linked(&existing.groups, |m| m.id),
                &self.groups,
            ),
            stale(
                "goal_department",
                linked(&existing.links, |m| m.id),
                &self.links,
            ),
            stale("department_alias", keyed(&existing.aliases), &self.aliases),
            stale("goal", keyed(&existing.goals), &self.goals),
            stale("domain", keyed(&existing.domains), &self.domains),
            stale(
                "department",
                keyed(&existing.departments),
                &self.departments,
            ),
            stale("plan", keyed(&existing.plans), &self.plans),
        ]
    }
}

/// A goal's link to a department, keyed by what it links.
pub(super) fn link_key(goal: &str, department: &str, role: &str) -> String {
    format!("{goal}|{department}|{role}")
}

/// A goal's group of departments, keyed by its goal and place.
pub(super) fn group_key(goal: &str, ordinal: impl std::fmt::Display) -> String {
    format!("{goal}|{ordinal}")
}
