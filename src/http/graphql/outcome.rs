//! Running a request and turning its answer into HTTP: codes on every error, the status,
//! the size cap, the cache entry, the data version after a mutation.

use std::sync::Arc;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use async_graphql::parser::types::OperationType;
use async_graphql::{Executor, Request, Response};

use super::{error_body, reply, GraphqlState, GRAPHQL_RESPONSE_JSON, JSON, UNAVAILABLE};
use crate::config::Limits;
use crate::http::cache::{Cached, ResponseCache};
use crate::http::execution::Panicked;
use crate::limits::TIMEOUT;

/// Gives every error a stable `extensions.code`, also those async-graphql raises itself
/// (validation: request errors; argument coercion: field errors).
pub fn with_codes(mut response: Response) -> Response {
    let request_error = is_request_error(&response);
    for error in &mut response.errors {
        if error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some())
        {
            continue;
        }
        let code = if request_error {
            "GRAPHQL_VALIDATION_FAILED"
        } else {
            "BAD_USER_INPUT"
        };
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
    response
}

pub(super) fn has_code(response: &Response, code: &str) -> bool {
    response.errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == async_graphql::Value::from(code))
    })
}

/// Runs one request through the one execution path; a panic becomes a 500.
pub(super) async fn execute<E: Executor>(
    executor: &E,
    request: Request,
    limits: &Limits,
    running: &tokio::sync::Semaphore,
) -> Result<Response, HttpResponse> {
    match crate::http::execution::run(executor, request, limits, running).await {
        Ok(response) => Ok(with_codes(response)),
        Err(Panicked) => Err(reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            JSON,
            "internal error",
            "INTERNAL_SERVER_ERROR",
        )),
    }
}

/// A request error (parse, validation, limits) stopped execution before any field ran: no
/// data, and no error points at a field.
fn is_request_error(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && response.is_err()
        && response.errors.iter().all(|e| e.path.is_empty())
}

pub(super) fn status_of(response: &Response, content_type: &str) -> StatusCode {
    if has_code(response, TIMEOUT) || has_code(response, UNAVAILABLE) {
        StatusCode::SERVICE_UNAVAILABLE
    } else if content_type == GRAPHQL_RESPONSE_JSON && is_request_error(response) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// The answer as bytes, or an error in its place (LIMIT_EXCEEDED when it is too large); the
/// flag says whether it is the answer.
pub(super) fn serialize(response: &Response, limits: &Limits) -> (web::Bytes, bool) {
    let Ok(body) = serde_json::to_vec(response) else {
        let error = error_body("internal error", "INTERNAL_SERVER_ERROR");
        return (web::Bytes::from(error.to_string()), false);
    };
    if body.len() > limits.response_bytes {
        let error =
            Response::from_errors(vec![crate::http::execution::too_large(body.len(), limits)]);
        let body = serde_json::to_vec(&error).unwrap_or_default();
        return (web::Bytes::from(body), false);
    }
    (web::Bytes::from(body), true)
}

/// After a mutation: this process's next answer must include its write, before any
/// notification of it arrives. Within what is left of the request's time limit (`started`
/// is when it began to run): on SQLite the read waits behind a write that another process's
/// lock keeps busy, and the answer must not.
pub(super) async fn after<E>(
    state: &GraphqlState<E>,
    operation: Option<OperationType>,
    started: Instant,
) {
    if let (Some(OperationType::Mutation), Some(db)) = (operation, &state.store) {
        let deadline = tokio::time::Instant::from_std(started + state.limits.timeout);
        match tokio::time::timeout_at(deadline, state.version.refresh(db)).await {
            Ok(Ok(_)) => {}
            Ok(Err(err)) => tracing::warn!(error = %err, "data version not read after a mutation"),
            Err(_) => tracing::warn!("data version not read after a mutation: out of time"),
        }
    }
}

/// Where an answer goes in the cache: the cache, the request's key and text, the version.
pub(super) type CacheSlot<'a> = (&'a ResponseCache, u64, &'a str, i64);

/// Executes a request and serializes its answer; caches it when it is whole and without
/// errors, and returns that entry too.
pub(super) async fn answer<E: Executor>(
    state: &GraphqlState<E>,
    request: Request,
    operation: Option<OperationType>,
    content_type: &'static str,
    cache: Option<CacheSlot<'_>>,
) -> (HttpResponse, Option<Arc<Cached>>) {
    let started = Instant::now();
    let response = match execute(&state.executor, request, &state.limits, &state.running).await {
        Ok(r) => r,
        Err(r) => return (r, None),
    };
    after(state, operation, started).await;
    if has_code(&response, UNAVAILABLE) {
        state.report_down();
    }
    let status = status_of(&response, content_type);
    let (body, whole) = serialize(&response, &state.limits);
    let stored = match cache {
        Some((cache, key, request, version)) if whole && response.errors.is_empty() => {
            let entry = Arc::new(Cached {
                version,
                request: request.to_string(),
                body: body.clone(),
                content_type,
            });
            cache.put(key, Arc::clone(&entry));
            Some(entry)
        }
        _ => None,
    };
    (
        HttpResponse::build(status)
            .content_type(content_type)
            .body(body),
        stored,
    )
}
