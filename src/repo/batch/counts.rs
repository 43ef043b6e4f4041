//! Counts of targets by status per scope, and a plan's indicators.

use std::collections::HashMap;
use std::sync::Arc;

use super::Loader;
use entity::{goal_department, target};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{db_err, LoadError, Store};
use crate::repo::tally::Scope;

/// Status counts of a scope's targets: every plan's (or domain's, or department's) in one
/// batch — the tally of the stored statuses, or, as of a year, two statements for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountsOf(pub Scope, pub Option<i32>);

/// Counts per status, every status listed.
type Counts = Vec<(crate::rules::progress::Status, usize)>;

impl Loader<CountsOf> for Store {
    type Value = Counts;
    type Error = LoadError;

    async fn load(&self, keys: &[CountsOf]) -> Result<HashMap<CountsOf, Self::Value>, Self::Error> {
        let mut years: Vec<Option<i32>> = keys.iter().map(|k| k.1).collect();
        years.sort_unstable();
        years.dedup();
        let mut out = HashMap::new();
        for year in years {
            let scopes: Vec<Scope> = keys.iter().filter(|k| k.1 == year).map(|k| k.0).collect();
            let counted = match year {
                None => self.stored_counts(&scopes).await?,
                Some(year) => self.counts_as_of(&scopes, year).await?,
            };
            out.extend(
                counted
                    .into_iter()
                    .map(|(scope, c)| (CountsOf(scope, year), c)),
            );
        }
        Ok(out)
    }
}

impl Store {
    /// The stored statuses, counted in the tally: a few rows per scope.
    async fn stored_counts(&self, scopes: &[Scope]) -> Result<Vec<(Scope, Counts)>, LoadError> {
        let counted = crate::repo::tally::counts(&self.db, scopes)
            .await
            .map_err(db_err)?;
        let none = HashMap::new();
        Ok(scopes
            .iter()
            .map(|scope| {
                let of = counted.get(scope).unwrap_or(&none);
                (*scope, crate::repo::targets::all_statuses(of))
            })
            .collect())
    }

    /// The statuses as of `year`, assessed from the targets of the scopes.
    async fn counts_as_of(
        &self,
        scopes: &[Scope],
        year: i32,
    ) -> Result<Vec<(Scope, Counts)>, LoadError> {
        let plans = ids_of(scopes, |s| matches!(s, Scope::Plan(_)));
        let domains = ids_of(scopes, |s| matches!(s, Scope::Domain(_)));
        let goals = ids_of(scopes, |s| matches!(s, Scope::Goal(_)));
        let departments = ids_of(scopes, |s| matches!(s, Scope::Department(..)));
        let goals_of = self.department_goals(scopes, departments).await?;
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
        let scopes_of = |t: &target::Model| {
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
        };
        let counts = crate::repo::targets::counts_by(&self.db, rows, scopes_of, Some(year))
            .await
            .map_err(Arc::new)?;
        let zeros: Counts = crate::rules::progress::Status::ALL
            .iter()
            .map(|s| (*s, 0))
            .collect();
        Ok(scopes
            .iter()
            .map(|scope| {
                (
                    *scope,
                    counts.get(scope).cloned().unwrap_or_else(|| zeros.clone()),
                )
            })
            .collect())
    }

    /// goal → the department scopes asked for that its links put it in.
    async fn department_goals(
        &self,
        scopes: &[Scope],
        departments: Vec<i32>,
    ) -> Result<HashMap<i32, Vec<Scope>>, LoadError> {
        let mut goals_of: HashMap<i32, Vec<Scope>> = HashMap::new();
        if departments.is_empty() {
            return Ok(goals_of);
        }
        for link in goal_department::Entity::find()
            .filter(goal_department::Column::DepartmentId.is_in(departments))
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
        Ok(goals_of)
    }
}

/// The ids of the scopes of one kind.
fn ids_of(scopes: &[Scope], kind: impl Fn(&Scope) -> bool) -> Vec<i32> {
    scopes
        .iter()
        .filter(|s| kind(s))
        .map(|s| match s {
            Scope::Plan(id) | Scope::Domain(id) | Scope::Goal(id) | Scope::Department(id, _) => *id,
        })
        .collect()
}
