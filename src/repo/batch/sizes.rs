//! The sizes of lists, counted for many parents at once (`totalCount`, the cost bounds).

use std::collections::HashMap;

use super::Loader;
use entity::plan;
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{db_err, LoadError, Store};
use crate::repo::tally::Scope;

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
            let counted = crate::repo::tally::counts(&self.db, &scopes)
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
