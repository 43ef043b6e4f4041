//! A plan's indicators, in the order of their first target.

use std::collections::HashMap;

use super::Loader;
use entity::{indicator, target};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, Iterable, QueryFilter};

use crate::repo::page::Slice;
use crate::repo::rows::{self};

use super::slices::slices_of;
use super::{db_err, LoadError, Store};
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
pub(super) async fn indicators_of(
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
pub(super) fn in_order(
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
