//! The stored status of targets (`target.status`), restated from the rules whenever what it
//! derives from changes: a series (a value published or superseded, the document's figures)
//! or a target (the document), with the counts of them in `status_tally`. It runs inside the
//! writer's transaction, so a committed change never leaves a status or a count behind; the
//! status does not depend on the clock (the rules compare the latest value with the
//! trajectory, not with today), so nothing else can make it stale.

use std::collections::BTreeMap;

use entity::target;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::tally;

use crate::domain::TargetStatus;
use crate::repo::targets;

/// Which targets to restate.
pub enum Which<'a> {
    All,
    /// The targets set for these indicators (their series changed).
    OfIndicators(&'a [i32]),
}

/// Ids per UPDATE: within every store's limit on bound parameters.
const CHUNK: usize = 10_000;

/// Restates the targets' stored status and the tally that counts them, inside the writer's
/// transaction (on PostgreSQL the recount's lock needs one); returns the keys of those that
/// changed, with the new status. One read of the targets, one of their series, one
/// UPDATE per change of status that happened, then the tally: adjusted by what moved, or, when
/// every target was restated, recounted.
pub async fn restate(
    db: &impl ConnectionTrait,
    which: Which<'_>,
) -> Result<Vec<(String, TargetStatus)>, DbErr> {
    let mut rows = target::Entity::find();
    match which {
        Which::OfIndicators(ids) => {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            rows = rows.filter(target::Column::IndicatorId.is_in(ids.iter().copied()));
        }
        // Before the targets are read, so that the recount sees every writer's statuses.
        Which::All => tally::lock(db).await?,
    }
    let assessed = targets::assess(db, rows.all(db).await?, None).await?;
    let mut moves: BTreeMap<(TargetStatus, TargetStatus), Vec<i32>> = BTreeMap::new();
    for (t, a) in assessed {
        if t.status != a.status {
            moves.entry((t.status, a.status)).or_default().push(t.id);
        }
    }
    let mut changed = Vec::new();
    let mut moved = Vec::new();
    for ((from, to), ids) in moves {
        for chunk in ids.chunks(CHUNK) {
            // Only rows still in the status they were read in: a writer that restated them
            // meanwhile has counted their move already, and the tally must count it once.
            let mut update = Query::update();
            update
                .table(target::Entity)
                .value(target::Column::Status, to.as_str())
                .and_where(target::Column::Id.is_in(chunk.iter().copied()))
                .and_where(target::Column::Status.eq(from.as_str()))
                .returning(Query::returning().columns([
                    target::Column::Key,
                    target::Column::PlanId,
                    target::Column::DomainId,
                    target::Column::GoalId,
                ]));
            let statement = db.get_database_backend().build(&update);
            for row in db.query_all_raw(statement).await? {
                changed.push((row.try_get_by_index::<String>(0)?, to));
                moved.push(tally::Moved {
                    plan_id: row.try_get_by_index(1)?,
                    domain_id: row.try_get_by_index(2)?,
                    goal_id: row.try_get_by_index(3)?,
                    from,
                    to,
                });
            }
        }
    }
    match which {
        Which::OfIndicators(_) => tally::adjust(db, &moved).await?,
        Which::All => tally::sync(db).await?,
    }
    Ok(changed)
}

/// The targets whose stored status is not what the rules say now (none, unless something
/// wrote around the services): for tests and the operator's check.
pub async fn stale(db: &impl ConnectionTrait) -> Result<Vec<(String, TargetStatus)>, DbErr> {
    let assessed = targets::assess(db, target::Entity::find().all(db).await?, None).await?;
    Ok(assessed
        .into_iter()
        .filter(|(t, a)| t.status != a.status)
        .map(|(t, a)| (t.key, a.status))
        .collect())
}
