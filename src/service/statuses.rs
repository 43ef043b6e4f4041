//! The stored status of targets (`target.status`), restated from the rules whenever what it
//! derives from changes: a series (a value published or superseded, the document's figures)
//! or a target (the document). It runs inside the writer's transaction, so a committed change
//! never leaves a status behind; the status does not depend on the clock (the rules compare
//! the latest value with the trajectory, not with today), so nothing else can make it stale.

use std::collections::BTreeMap;

use entity::target;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

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

/// Restates the targets' stored status; returns the keys of those that changed, with the new
/// status. One read of the targets, one of their series, one UPDATE per status that moved.
pub async fn restate(
    db: &impl ConnectionTrait,
    which: Which<'_>,
) -> Result<Vec<(String, TargetStatus)>, DbErr> {
    let mut rows = target::Entity::find();
    if let Which::OfIndicators(ids) = which {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        rows = rows.filter(target::Column::IndicatorId.is_in(ids.iter().copied()));
    }
    let assessed = targets::assess(db, rows.all(db).await?, None).await?;
    let mut moved: BTreeMap<TargetStatus, Vec<i32>> = BTreeMap::new();
    let mut changed = Vec::new();
    for (t, a) in assessed {
        if t.status != a.status {
            moved.entry(a.status).or_default().push(t.id);
            changed.push((t.key, a.status));
        }
    }
    for (status, ids) in moved {
        for chunk in ids.chunks(CHUNK) {
            target::Entity::update_many()
                .col_expr(target::Column::Status, Expr::value(status))
                .filter(target::Column::Id.is_in(chunk.iter().copied()))
                .exec(db)
                .await?;
        }
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
