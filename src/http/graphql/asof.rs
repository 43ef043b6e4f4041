//! `asOf`: a query answered as the public would have had it at an instant. The instant is one
//! setting for the whole operation — the request's `extensions.asOf` (POST, or GET's
//! `extensions`), or GET's `asOf` parameter — rather than an argument on each root field:
//! every GraphQL client can set a request's extensions without changing its queries, an
//! operation cannot mix instants, and a GET URL with `asOf` names one answer forever.
//!
//! The instant resolves to the last publication at or before it; the query then runs on that
//! publication's copy of the store (`db::snapshot`) through the same executor, so its `data`
//! is byte for byte what was served then. The answer says what it resolved to in
//! `extensions.asOf { requested resolvedSeq resolvedAt }`.

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpResponse;
use async_graphql::parser::types::OperationType;
use async_graphql::{Executor, Request};

use super::outcome::{execute, serialize, status_of};
use super::refusal::Refusal;
use super::{unavailable, GraphqlState};
use crate::db::snapshot::Snapshot;
use crate::graphql::session::Caller;
use crate::repo::publications::{self, Publication};
use crate::rules::asof;

/// How long after an instant an answer at it is taken as final even with no later
/// publication: a writer stamps its publication just before its commit.
const SETTLED_AFTER_US: i64 = 60_000_000;

/// The instant a request asks for, if it asks: `Err` when `asOf` is not a string.
pub(super) fn asked(request: &Request) -> Option<Result<String, Refusal>> {
    let value = request.extensions.0.get("asOf")?;
    Some(match value {
        async_graphql::Value::String(s) => Ok(s.clone()),
        _ => Err(Refusal::input(
            "extensions.asOf must be a string: an RFC 3339 instant with its time zone",
        )),
    })
}

/// A request's instant resolved to a publication, with that publication's copy.
pub(super) struct Resolved {
    requested: String,
    publication: Publication,
    snapshot: Arc<Snapshot>,
    settled: bool,
    /// `Query.changes` reads the live store's history up to the publication.
    changes: crate::graphql::change::ChangesAsOf,
}

fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// Resolves `text` for a query (`operation`), or refuses: not a query, not an instant with
/// its zone, in the future, before the first publication.
pub(super) async fn resolve<E>(
    state: &GraphqlState<E>,
    text: &str,
    operation: Option<OperationType>,
    content_type: &str,
) -> Result<Resolved, HttpResponse> {
    let refuse = |message: String| Refusal::input(message).response(content_type);
    if operation != Some(OperationType::Query) {
        return Err(refuse(
            "asOf applies to queries only: what was public cannot be changed".into(),
        ));
    }
    let now = now_us();
    let instant = asof::parse(text, now).map_err(refuse)?;
    let (Some(db), Some(snapshots)) = (&state.store, &state.snapshots) else {
        return Err(refuse("this server keeps no history for asOf".into()));
    };
    let found = publications::at(db, instant.at_us).await;
    let publication = match found {
        Ok(Some(p)) => p,
        Ok(None) => {
            let first = publications::first(db).await.ok().flatten();
            return Err(refuse(match first {
                Some(f) => format!(
                    "asOf `{}` is before the first publication ({}): nothing was public then",
                    instant.text,
                    asof::format_us(f.at_us)
                ),
                None => "nothing has been published yet".into(),
            }));
        }
        Err(err) => return Err(store_error(state, &err, content_type)),
    };
    let settled = now - instant.at_us > SETTLED_AFTER_US
        || matches!(publications::after(db, publication.seq).await, Ok(Some(_)));
    let snapshot = match snapshots.get(publication.seq).await {
        Ok(s) => s,
        Err(err) => {
            tracing::error!(error = %err, seq = publication.seq, "asOf copy not made");
            return Err(unavailable(content_type));
        }
    };
    Ok(Resolved {
        requested: instant.text,
        changes: crate::graphql::change::ChangesAsOf {
            live: db.clone(),
            seq: publication.seq,
        },
        publication,
        snapshot,
        settled,
    })
}

fn store_error<E>(
    state: &GraphqlState<E>,
    err: &sea_orm::DbErr,
    content_type: &str,
) -> HttpResponse {
    tracing::error!(error = %err, "publications unreadable");
    if crate::db::is_unreachable(err) {
        state.report_down();
    }
    unavailable(content_type)
}

/// Runs the query on the publication's copy, as an anonymous caller (what the public saw),
/// and answers with `extensions.asOf` and a caching policy: an answer at a settled instant
/// never changes.
pub(super) async fn answer<E: Executor>(
    state: &GraphqlState<E>,
    request: Request,
    caller: &Caller,
    resolved: Resolved,
    content_type: &'static str,
    key: u64,
) -> HttpResponse {
    let db = resolved.snapshot.db.clone();
    let request = request
        .data(Caller {
            address: caller.address.clone(),
            ..Caller::default()
        })
        .data(db.clone())
        .data(resolved.changes.clone())
        .data(crate::repo::loaders::for_request(
            db,
            true,
            state.limits.batch_delay,
        ));
    let mut response = match execute(&state.executor, request, &state.limits, &state.running).await
    {
        Ok(r) => r,
        Err(r) => return r,
    };
    let seq = resolved.publication.seq;
    response.extensions.insert(
        "asOf".to_string(),
        async_graphql::Value::from_json(serde_json::json!({
            "requested": resolved.requested,
            "resolvedSeq": seq,
            "resolvedAt": asof::format_us(resolved.publication.at_us),
        }))
        .unwrap_or_default(),
    );
    let status = status_of(&response, content_type);
    let (body, _) = serialize(&response, &state.limits);
    drop(resolved.snapshot);
    let policy = if resolved.settled && response.errors.is_empty() {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=0, must-revalidate"
    };
    let mut out = HttpResponse::build(status)
        .content_type(content_type)
        .body(body);
    let headers = out.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    let instant = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        resolved.requested.hash(&mut h);
        h.finish()
    };
    if let Ok(tag) = HeaderValue::from_str(&format!("\"p{seq}-{key:016x}-{instant:016x}\"")) {
        headers.insert(header::ETAG, tag);
    }
    out
}
