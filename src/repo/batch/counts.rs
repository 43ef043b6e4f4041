//! Counts of targets by status per scope, and a plan's indicators.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::{goal_department, target};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{db_err, LoadError, Store};
use crate::repo::tally::Scope;

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
                let counted = crate::repo::tally::counts(&self.db, &scopes)
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
