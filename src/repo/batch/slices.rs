//! Pages of children for many parents at once: one statement for every parent's page.

use std::collections::HashMap;

use super::Loader;
use entity::{goal, target};
use sea_orm::sea_query::{
    Alias, Asterisk, Condition, Expr, ExprTrait, Func, Query, SelectStatement, UnionType,
    WindowStatement,
};
use sea_orm::{DatabaseConnection, EntityTrait, Iterable};

use crate::repo::goals::GoalRow;
use crate::repo::page::{Keyset, Slice, SortKey};
use crate::repo::rows::{self, Positional};

use super::{db_err, LoadError, Store};

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
pub(super) async fn slices_of<E, R>(
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
    let shape = Shape::<E> {
        columns,
        parent,
        keyset: Keyset {
            first: Expr::col((E::default(), position.0)),
            second: Expr::col((E::default(), position.1)),
            descending: false,
            text: false,
        },
        only,
    };
    let mut distinct: Vec<&Slice> = Vec::new();
    for (_, slice) in keys {
        if !distinct.contains(&slice) {
            distinct.push(slice);
        }
    }
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
        let statement = if parents.len() <= UNION_PARENTS {
            let Some(union) = shape.union(slice, &parents) else {
                continue;
            };
            union
        } else {
            shape.window(slice, parents)
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

/// What every slice of one kind of children reads: the columns, the parent column, the
/// position order and the narrowing condition.
struct Shape<'a, E: EntityTrait> {
    columns: &'a [E::Column],
    parent: E::Column,
    keyset: Keyset,
    only: Option<Condition>,
}

impl<E: EntityTrait> Shape<'_, E> {
    /// The rows of one slice among `parents` (one or many); the caller orders and limits them.
    fn rows_of(&self, slice: &Slice, parents: Condition) -> SelectStatement {
        let mut q = Query::select();
        q.columns(self.columns.iter().map(|c| (E::default(), *c)))
            .from(E::default())
            .cond_where(parents);
        if let Some(only) = &self.only {
            q.cond_where(only.clone());
        }
        if let Some((a, b)) = slice.after {
            q.cond_where(self.keyset.beyond(&SortKey::Ints(a, b), true));
        }
        if let Some((a, b)) = slice.before {
            q.cond_where(self.keyset.beyond(&SortKey::Ints(a, b), false));
        }
        q
    }

    /// One `ORDER BY position LIMIT size + 1` query per parent, joined by `UNION ALL`.
    fn union(&self, slice: &Slice, parents: &[i32]) -> Option<SelectStatement> {
        let order = self.keyset.order(slice.backward);
        let mut union: Option<SelectStatement> = None;
        for (n, id) in parents.iter().enumerate() {
            let mut one = self.rows_of(
                slice,
                Condition::all().add(Expr::col((E::default(), self.parent)).eq(*id)),
            );
            one.order_by_expr(self.keyset.first.clone(), order.clone())
                .order_by_expr(self.keyset.second.clone(), order.clone())
                .limit(slice.size + 1);
            // Each query in its own FROM: neither store takes ORDER BY … LIMIT on a term of a
            // compound SELECT.
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
        union
    }

    /// `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY position) <= size + 1` over all the
    /// parents' children.
    fn window(&self, slice: &Slice, parents: Vec<i32>) -> SelectStatement {
        let order = self.keyset.order(slice.backward);
        let mut all = self.rows_of(
            slice,
            Condition::all().add(Expr::col((E::default(), self.parent)).is_in(parents)),
        );
        let mut window = WindowStatement::partition_by((E::default(), self.parent));
        window
            .order_by_expr(self.keyset.first.clone(), order.clone())
            .order_by_expr(self.keyset.second.clone(), order);
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
    }
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
