//! The NOT_FOUND of a global ID whose row an import removed: what it was and which IDs now
//! stand for it (`repo::retired`), so a client holding an old ID learns where to go.

use async_graphql::Context;
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::ids::{self, Kind};
use crate::error::{ApiResult, AppError};
use crate::repo::retired::{self, Retired};

/// Where the history is: the live store, with (for an `asOf` read, whose copy of the store
/// has none) the publication the answer is as of.
fn history<'a>(ctx: &Context<'a>) -> ApiResult<retired::History<'a, DatabaseConnection>> {
    Ok(match ctx.data_opt::<super::change::ChangesAsOf>() {
        Some(asof) => retired::History {
            db: &asof.live,
            up_to: Some(asof.seq),
        },
        None => retired::History {
            db: super::store(ctx)?,
            up_to: None,
        },
    })
}

/// The error for a target ID the store no longer has, if it ever had it.
pub async fn target(ctx: &Context<'_>, id: i32) -> ApiResult<Option<AppError>> {
    let found = retired::target(history(ctx)?, super::store(ctx)?, id).await?;
    Ok(found.map(|r| gone(Kind::Target, id, &r)))
}

/// The error for an indicator ID the store no longer has, if a target ever measured it.
pub async fn indicator(ctx: &Context<'_>, id: i32) -> ApiResult<Option<AppError>> {
    let found = retired::indicator(history(ctx)?, super::store(ctx)?, id).await?;
    Ok(found.map(|r| gone(Kind::Indicator, id, &r)))
}

/// What became of an indicator id the store no longer has (merged, removed, or unknown).
pub async fn whereabouts(ctx: &Context<'_>, id: i32) -> ApiResult<retired::Whereabouts> {
    Ok(retired::whereabouts(history(ctx)?, super::store(ctx)?, id).await?)
}

/// The IDs that stand for a removed row, as (kind, id, key): for a target, the targets now read
/// from its text and the indicators of monitored rows with its key; for an indicator, the
/// indicators of both.
fn successors(kind: Kind, r: &Retired) -> Vec<(Kind, i32, String)> {
    let mut out: Vec<(Kind, i32, String)> = Vec::new();
    let mut push = |entry: (Kind, i32, String)| {
        if !out.iter().any(|(k, n, _)| *k == entry.0 && *n == entry.1) {
            out.push(entry);
        }
    };
    for t in &r.targets {
        match kind {
            Kind::Indicator => push((Kind::Indicator, t.indicator_id, t.name.clone())),
            _ => push((Kind::Target, t.id, t.key.clone())),
        }
    }
    for m in &r.monitored {
        push((Kind::Indicator, m.indicator_id, m.name.clone()));
    }
    out
}

fn gone(kind: Kind, id: i32, r: &Retired) -> AppError {
    let global = ids::encode(kind, id).0;
    let next = successors(kind, r);
    let lines = match r.lines {
        (a, b) if a == b => format!("line {a}"),
        (a, b) => format!("lines {a}–{b}"),
    };
    let named: Vec<String> = next
        .iter()
        .map(|(k, n, key)| format!("{} {:?} ({key})", k.name(), ids::encode(*k, *n).0))
        .collect();
    let monitored = if r.monitored.is_empty() {
        String::new()
    } else {
        " (a table row that sets no target: the plan monitors its indicator)".to_string()
    };
    let message = if named.is_empty() {
        format!(
            "{} {global:?} ({}) is no longer in the data, and nothing now read from its text ({lines} then) stands for it",
            kind.name(),
            r.key
        )
    } else {
        format!(
            "{} {global:?} ({}) is no longer in the data; its text ({lines} then) is now read as {}{monitored}",
            kind.name(),
            r.key,
            named.join(", ")
        )
    };
    let successors: Vec<serde_json::Value> = next
        .iter()
        .map(|(k, n, key)| json!({ "kind": k.name(), "id": ids::encode(*k, *n).0, "key": key }))
        .collect();
    AppError::Gone {
        message,
        details: json!({ "key": r.key, "successors": successors }),
    }
}
