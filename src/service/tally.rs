//! Keeps `status_tally` in step with `target.status`, in the transaction that changes it:
//! [`adjust`] adds the difference a restatement of some targets made (two statements however
//! many targets moved), [`sync`] recounts every scope (after an import, and at start-up), with
//! each plan's number of indicators (`plan.indicator_count`), which only a change of targets
//! moves.

use std::collections::{BTreeMap, HashMap};

use entity::{goal_department, plan, status_tally};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, Statement,
};

use crate::domain::Role;
use crate::repo::tally::Scope;
use crate::rules::progress::Status;

/// A target whose stored status changed: where it counts, and from what to what.
#[derive(Debug, Clone, Copy)]
pub struct Moved {
    pub plan_id: i32,
    pub domain_id: Option<i32>,
    pub goal_id: Option<i32>,
    pub from: Status,
    pub to: Status,
}

/// A tally row's key.
type Key = (Scope, Status);

/// Rows per statement: five parameters each, well within every store's limit.
const CHUNK: usize = 500;

/// Takes the tally for a recount: a concurrent writer's [`adjust`] waits until the recount has
/// committed (or the recount until the writer has, and then counts its targets), so neither
/// writes over the other. SQLite has one writer at a time already.
pub async fn lock(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("LOCK TABLE status_tally IN SHARE ROW EXCLUSIVE MODE")
            .await?;
    }
    Ok(())
}

/// Adds what the status changes of some targets moved to the tally of every scope they count
/// in: their plan, domain, goal, and the departments their goals' links name.
pub async fn adjust(db: &impl ConnectionTrait, moved: &[Moved]) -> Result<(), DbErr> {
    if moved.is_empty() {
        return Ok(());
    }
    let mut goals: Vec<i32> = moved.iter().filter_map(|m| m.goal_id).collect();
    goals.sort_unstable();
    goals.dedup();
    let mut links: HashMap<i32, Vec<(i32, Role)>> = HashMap::new();
    if !goals.is_empty() {
        let rows: Vec<(i32, i32, Role)> = goal_department::Entity::find()
            .select_only()
            .column(goal_department::Column::GoalId)
            .column(goal_department::Column::DepartmentId)
            .column(goal_department::Column::Role)
            .filter(goal_department::Column::GoalId.is_in(goals))
            .into_tuple()
            .all(db)
            .await?;
        for (goal, department, role) in rows {
            links.entry(goal).or_default().push((department, role));
        }
    }
    let mut deltas: BTreeMap<Key, i64> = BTreeMap::new();
    for m in moved {
        for scope in scopes_of(m, &links) {
            *deltas.entry((scope, m.from)).or_default() -= 1;
            *deltas.entry((scope, m.to)).or_default() += 1;
        }
    }
    deltas.retain(|_, d| *d != 0);
    // Rows in key order, so that two writers lock them in the same order.
    let rows: Vec<(Key, i64)> = deltas.into_iter().collect();
    add(db, &rows).await
}

/// Every scope a target counts in.
fn scopes_of(m: &Moved, links: &HashMap<i32, Vec<(i32, Role)>>) -> Vec<Scope> {
    let mut out = vec![Scope::Plan(m.plan_id)];
    out.extend(m.domain_id.map(Scope::Domain));
    if let Some(goal) = m.goal_id {
        out.push(Scope::Goal(goal));
        for (department, role) in links.get(&goal).into_iter().flatten() {
            out.push(Scope::Department(*department, Some(*role)));
            let any = Scope::Department(*department, None);
            if !out.contains(&any) {
                out.push(any);
            }
        }
    }
    out
}

/// Adds the differences to the counts stored (a row not there yet starts at its difference).
async fn add(db: &impl ConnectionTrait, rows: &[(Key, i64)]) -> Result<(), DbErr> {
    use status_tally::Column as C;
    let n = Expr::col((status_tally::Entity, C::N)).add(Expr::col((Alias::new("excluded"), C::N)));
    for chunk in rows.chunks(CHUNK) {
        let mut insert = Query::insert();
        insert.into_table(status_tally::Entity).columns([
            C::Scope,
            C::ScopeId,
            C::Role,
            C::Status,
            C::N,
        ]);
        for ((scope, status), count) in chunk {
            let (kind, id, role) = scope.columns();
            insert.values_panic([
                kind.into(),
                id.into(),
                role.into(),
                status.as_str().into(),
                (*count).into(),
            ]);
        }
        insert.on_conflict(
            OnConflict::columns([C::Scope, C::ScopeId, C::Role, C::Status])
                .value(C::N, n.clone())
                .to_owned(),
        );
        let statement = db.get_database_backend().build(&insert);
        db.execute_raw(statement).await?;
    }
    Ok(())
}

/// The tally as the targets give it now, as rows of `status_tally`: one statement, grouped
/// counts per kind of scope, the same on both stores. By role a target meets each (department,
/// role) link once (links are unique), so a plain count is exact; across roles a goal may name
/// a department twice, and its targets count once.
const RECOUNT: &str = "\
SELECT 'plan' AS scope, plan_id AS scope_id, '' AS role, status, COUNT(*) AS n FROM target \
 GROUP BY plan_id, status \
UNION ALL SELECT 'domain', domain_id, '', status, COUNT(*) FROM target \
 WHERE domain_id IS NOT NULL GROUP BY domain_id, status \
UNION ALL SELECT 'goal', goal_id, '', status, COUNT(*) FROM target \
 WHERE goal_id IS NOT NULL GROUP BY goal_id, status \
UNION ALL SELECT 'department', l.department_id, l.role, t.status, COUNT(*) \
 FROM target t JOIN goal_department l ON l.goal_id = t.goal_id \
 GROUP BY l.department_id, l.role, t.status \
UNION ALL SELECT 'department', l.department_id, '', t.status, COUNT(DISTINCT t.id) \
 FROM target t JOIN goal_department l ON l.goal_id = t.goal_id \
 GROUP BY l.department_id, t.status";

/// The tally as the targets give it now.
pub async fn recount(db: &impl ConnectionTrait) -> Result<BTreeMap<Key, i64>, DbErr> {
    let statement = Statement::from_string(db.get_database_backend(), RECOUNT);
    let mut out = BTreeMap::new();
    for row in status_tally::Model::find_by_statement(statement)
        .all(db)
        .await?
    {
        out.insert((Scope::of_row(&row)?, row.status), row.n);
    }
    Ok(out)
}

/// The rows whose stored count is not the targets' count: (key, stored, counted). None unless
/// something wrote around the services; for tests and the operator's check.
pub async fn drift(db: &impl ConnectionTrait) -> Result<Vec<(Key, i64, i64)>, DbErr> {
    let counted = recount(db).await?;
    let mut stored: BTreeMap<Key, i64> = BTreeMap::new();
    for row in status_tally::Entity::find().all(db).await? {
        stored.insert((Scope::of_row(&row)?, row.status), row.n);
    }
    let mut keys: Vec<Key> = counted.keys().chain(stored.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    Ok(keys
        .into_iter()
        .filter_map(|k| {
            let (s, c) = (
                stored.get(&k).copied().unwrap_or(0),
                counted.get(&k).copied().unwrap_or(0),
            );
            (s != c).then_some((k, s, c))
        })
        .collect())
}

/// Recounts every scope (the table is written again from [`RECOUNT`]: two statements, fewer
/// than writing only the rows that differ) and every plan's
/// indicators (written only where they differ: a change to `plan` moves the version). The
/// caller has taken the [`lock`] before reading the targets it restated.
pub async fn sync(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_unprepared("DELETE FROM status_tally").await?;
    db.execute_unprepared(&format!(
        "INSERT INTO status_tally (scope, scope_id, role, status, n) {RECOUNT}"
    ))
    .await?;
    let plans = plans_drift(db).await?;
    if !plans.is_empty() {
        let mut counts = sea_orm::sea_query::CaseStatement::new();
        for (id, _, counted) in &plans {
            counts = counts.case(Expr::col(plan::Column::Id).eq(*id), *counted);
        }
        plan::Entity::update_many()
            .col_expr(plan::Column::IndicatorCount, counts.into())
            .filter(plan::Column::Id.is_in(plans.iter().map(|p| p.0)))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The plans whose stored `indicator_count` is not the number of indicators their targets
/// name: (plan id, stored, counted).
pub async fn plans_drift(db: &impl ConnectionTrait) -> Result<Vec<(i32, i32, i32)>, DbErr> {
    let statement = Statement::from_string(
        db.get_database_backend(),
        "SELECT p.id, p.indicator_count, \
         (SELECT COUNT(DISTINCT t.indicator_id) FROM target t WHERE t.plan_id = p.id) \
         FROM plan p",
    );
    let mut out = Vec::new();
    for row in db.query_all_raw(statement).await? {
        let (id, stored): (i32, i32) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        let counted = i32::try_from(row.try_get_by_index::<i64>(2)?).unwrap_or(i32::MAX);
        if stored != counted {
            out.push((id, stored, counted));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_counts_once_for_a_department_its_goal_names_twice() {
        let moved = Moved {
            plan_id: 1,
            domain_id: None,
            goal_id: Some(9),
            from: Status::NoData,
            to: Status::OffTrack,
        };
        let links = HashMap::from([(
            9,
            vec![(7, Role::Lead), (7, Role::Cooperating), (8, Role::Lead)],
        )]);
        assert_eq!(
            scopes_of(&moved, &links),
            [
                Scope::Plan(1),
                Scope::Goal(9),
                Scope::Department(7, Some(Role::Lead)),
                Scope::Department(7, None),
                Scope::Department(7, Some(Role::Cooperating)),
                Scope::Department(8, Some(Role::Lead)),
                Scope::Department(8, None),
            ]
        );
        let no_goal = Moved {
            goal_id: None,
            domain_id: Some(3),
            ..moved
        };
        assert_eq!(
            scopes_of(&no_goal, &links),
            [Scope::Plan(1), Scope::Domain(3)]
        );
    }
}
