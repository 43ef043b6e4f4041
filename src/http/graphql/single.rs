//! One request's way through: refused or checked, tagged with the data version when public,
//! answered from the cache or computed once for all identical requests waiting on it.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType;
use async_graphql::{Executor, Request};

use super::outcome::{answer, CacheSlot};
use super::persisted;
use super::refusal::prepare;
use super::{cache, caller, client, reply, unavailable, with_context, GraphqlState};

/// One query through the cache (when there is one), honouring If-None-Match.
pub(super) async fn single<E: Executor>(
    req: &HttpRequest,
    state: &GraphqlState<E>,
    mut request: Request,
    variables_text: &str,
    content_type: &'static str,
    via_get: bool,
) -> HttpResponse {
    if state.store_down() {
        return unavailable(content_type);
    }
    let asked = match persisted::resolve(&state.persisted, &mut request) {
        Ok(asked) => asked,
        Err(refusal) => return refusal.response(content_type),
    };
    let who = caller(req);
    let as_of = match super::asof::asked(&request) {
        Some(Ok(text)) => Some(text),
        Some(Err(refusal)) => return refusal.response(content_type),
        None => None,
    };
    let (key, request_text) = cache::request_key(
        &request.query,
        variables_text,
        request.operation_name.as_deref(),
        content_type,
    );
    // A request the cache has answered before is a public query that passed every check:
    // neither parsing nor checking it again can change that (the limits are fixed).
    let known = who.bearer.is_none()
        && as_of.is_none()
        && state
            .cache
            .as_ref()
            .is_some_and(|c| c.knows(key, &request_text));
    let operation = if known {
        Some(OperationType::Query)
    } else {
        match prepare(&mut request, state, client::address_of(req), via_get) {
            Ok(op) => op,
            Err(refusal) => return refusal.response(content_type),
        }
    };
    persisted::keep(&state.persisted, asked, &request.query);
    if let Some(text) = as_of {
        return match super::asof::resolve(state, &text, operation, content_type).await {
            Ok(resolved) => {
                super::asof::answer(state, request, &who, resolved, content_type, key).await
            }
            Err(refused) => refused,
        };
    }
    // Only anonymous queries are public answers; anything else is never cached or tagged.
    let public = who.bearer.is_none() && operation == Some(OperationType::Query);
    let request = with_context(state, request, who, operation);
    let version = if public {
        let follows_values = crate::graphql::reads::reads_values(&request.query, variables_text);
        match public_version(state, follows_values).await {
            Ok(version) => version,
            Err(()) => return unavailable(content_type),
        }
    } else {
        None
    };
    let etag = version.map(|v| cache::etag(v, key));
    let revalidate = via_get && public;
    if let (true, Some(etag)) = (via_get, &etag) {
        if let Some(not_modified) = not_modified(req, etag) {
            return not_modified;
        }
    }
    let response = match state.cache.as_ref().filter(|_| public).zip(version) {
        Some((cache, version)) => {
            let slot = (cache, key, request_text.as_str(), version);
            through_cache(state, request, operation, content_type, slot).await
        }
        None => {
            answer(state, request, operation, content_type, None)
                .await
                .0
        }
    };
    with_cache_headers(response, etag.as_deref(), revalidate)
}

/// The counter a public answer is cached and tagged under, with the list bounds measured at
/// it: an answer that reads no reported value follows the structure only, and outlives the
/// reporting season's submissions and approvals. `Err` when the store cannot say (it is
/// reported down if unreachable).
async fn public_version<E>(
    state: &GraphqlState<E>,
    follows_values: bool,
) -> Result<Option<i64>, ()> {
    let Some(db) = &state.store else {
        return Ok(None);
    };
    match state.version.stamp(db).await {
        Ok(stamp) => {
            if let Err(err) = state.checker.bounds.refresh(db, &stamp).await {
                tracing::warn!(error = %err, "list bounds not measured");
            }
            Ok(Some(if follows_values {
                stamp.version
            } else {
                stamp.structure
            }))
        }
        Err(err) => {
            tracing::error!(error = %err, "data version unreadable");
            if crate::db::is_unreachable(&err) {
                state.report_down();
            }
            Err(())
        }
    }
}

/// 304 when the request's If-None-Match names the answer's ETag.
fn not_modified(req: &HttpRequest, etag: &str) -> Option<HttpResponse> {
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| cache::matches(v, etag));
    matches.then(|| {
        HttpResponse::NotModified()
            .insert_header((header::ETAG, etag.to_string()))
            .finish()
    })
}

/// The ETag, and the caching policy: a public GET is revalidated every time (the ETag answers
/// 304 for as long as the data is unchanged); anything else is never stored.
fn with_cache_headers(
    mut response: HttpResponse,
    etag: Option<&str>,
    revalidate: bool,
) -> HttpResponse {
    if let Some(Ok(value)) = etag.map(HeaderValue::from_str) {
        response.headers_mut().insert(header::ETAG, value);
    }
    let policy = if revalidate {
        "public, max-age=0, must-revalidate"
    } else {
        "no-store"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// A public answer: from the cache, or computed once for every identical request that
/// misses with it (coalescing), or, when that computation had nothing to share (an error),
/// computed for this request alone.
async fn through_cache<E: Executor>(
    state: &GraphqlState<E>,
    request: Request,
    operation: Option<OperationType>,
    content_type: &'static str,
    slot: CacheSlot<'_>,
) -> HttpResponse {
    let (cache, key, request_text, version) = slot;
    if let Some(hit) = cache.get(key, request_text, version) {
        return from_cache(&hit);
    }
    let mut waiting = Some(request);
    let mut own: Option<HttpResponse> = None;
    if let Some((shared, first)) = state.inflight.join(key, request_text, version) {
        let _leaving = first.then(|| Leaving(&state.inflight, key, version));
        let computed = shared
            .get_or_init(|| async {
                let request = waiting.take()?;
                let (response, cached) =
                    answer(state, request, operation, content_type, Some(slot)).await;
                own = Some(response);
                cached
            })
            .await;
        if let Some(response) = own {
            return response;
        }
        if let Some(hit) = computed {
            return from_cache(hit);
        }
    }
    let Some(request) = waiting else {
        return reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            content_type,
            "internal error",
            "INTERNAL_SERVER_ERROR",
        );
    };
    answer(state, request, operation, content_type, Some(slot))
        .await
        .0
}

fn from_cache(hit: &cache::Cached) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(hit.content_type)
        .body(hit.body.clone())
}

/// Removes a coalesced computation when its starter is done with it, also when cancelled.
struct Leaving<'a>(&'a cache::Inflight, u64, i64);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0.done(self.1, self.2);
    }
}
