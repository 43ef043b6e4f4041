//! The two ways in: `POST` (one request or a batch) and `GET` (queries only), each with what
//! must be refused before a parser reads the input.

use std::time::Instant;

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::{BatchRequest, Executor, Request, Variables};
use serde::Deserialize;

use super::body::read_body;
use super::outcome::{after, execute, has_code};
use super::refusal::{prepare, Refusal};
use super::single::single;
use super::{caller, client, reply, response_type, unavailable, with_context, GraphqlState};
use super::{GRAPHQL_RESPONSE_JSON, JSON, UNAVAILABLE};
use crate::limits::rate::Decision;
use crate::limits::{nesting, LIMIT_EXCEEDED};

/// `POST /graphql` with `application/json`: one request or a batch.
pub async fn post<E: Executor>(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<GraphqlState<E>>,
) -> HttpResponse {
    let content_type = response_type(&req);
    let sent = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if sent.starts_with("multipart/form-data") {
        return super::multipart::post(&req, payload, &state, content_type).await;
    }
    if !(sent.starts_with(JSON) || sent.starts_with(GRAPHQL_RESPONSE_JSON)) {
        return reply(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            content_type,
            "send the request as application/json (or multipart/form-data for an upload)",
            "UNSUPPORTED_MEDIA_TYPE",
        );
    }
    let body = match read_body(
        &req,
        payload,
        (&state.limits, state.limits.body_bytes),
        content_type,
    )
    .await
    {
        Ok(b) => b,
        Err(r) => return r,
    };
    if nesting::json_depth(&body, state.limits.nesting) > state.limits.nesting {
        return Refusal::too_deep(&state.limits).response(content_type);
    }
    let malformed = |why: String| reply(StatusCode::BAD_REQUEST, content_type, &why, "BAD_REQUEST");
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return malformed(super::malformed::explain(&body, &e)),
    };
    match batch {
        BatchRequest::Single(_) if body.trim_ascii_start().starts_with(b"[") => malformed(
            super::malformed::explain(&body, &"an array that is no batch"),
        ),
        BatchRequest::Single(request) => {
            let variables = serde_json::to_string(&request.variables).unwrap_or_default();
            single(&req, &state, request, &variables, content_type, false).await
        }
        BatchRequest::Batch(requests) => batch_of(&req, &state, requests).await,
    }
}

/// A batch: each operation refused or run on its own, answered together (never cached).
async fn batch_of<E: Executor>(
    req: &HttpRequest,
    state: &GraphqlState<E>,
    requests: Vec<Request>,
) -> HttpResponse {
    if requests.len() > state.limits.batch {
        return reply(
            StatusCode::BAD_REQUEST,
            JSON,
            &format!(
                "a batch may hold at most {} operations, got {}",
                state.limits.batch,
                requests.len()
            ),
            LIMIT_EXCEEDED,
        );
    }
    if state.store_down() {
        return unavailable(JSON);
    }
    let address = client::address_of(req);
    // The middleware took one token for the HTTP request; each further operation takes one.
    if let Some(address) = address {
        let extra = requests.len().saturating_sub(1) as f64;
        if let Decision::Deny(wait) = state.rate.take(address, extra, Instant::now()) {
            return client::too_many_requests(wait);
        }
    }
    // Each answer is serialized on its own, so its fields keep the order the query asked for.
    let mut out: Vec<String> = Vec::with_capacity(requests.len());
    for mut request in requests {
        let asked = match super::persisted::resolve(&state.persisted, &mut request) {
            Ok(asked) => asked,
            Err(refusal) => {
                out.push(refusal.body().to_string());
                continue;
            }
        };
        if super::asof::asked(&request).is_some() {
            let refusal =
                Refusal::input("asOf is not answered inside a batch: send that query alone");
            out.push(refusal.body().to_string());
            continue;
        }
        let operation = match prepare(&mut request, state, address, false) {
            Ok(operation) => operation,
            Err(refusal) => {
                out.push(refusal.body().to_string());
                continue;
            }
        };
        super::persisted::keep(&state.persisted, asked, &request.query);
        let request = with_context(state, request, caller(req), operation);
        let started = Instant::now();
        let response = execute(&state.executor, request, &state.limits, &state.running).await;
        after(state, operation, started).await;
        match response {
            Ok(response) => {
                if has_code(&response, UNAVAILABLE) {
                    state.report_down();
                }
                out.push(serde_json::to_string(&response).unwrap_or_default());
            }
            Err(r) => return r,
        }
    }
    let body = format!("[{}]", out.join(","));
    if body.len() > state.limits.response_bytes {
        return reply(
            StatusCode::OK,
            JSON,
            &format!(
                "the answers would be {} bytes; at most {} are allowed",
                body.len(),
                state.limits.response_bytes
            ),
            LIMIT_EXCEEDED,
        );
    }
    HttpResponse::Ok()
        .content_type(JSON)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    query: Option<String>,
    variables: Option<String>,
    operation_name: Option<String>,
    /// The request's extensions, as JSON (the GraphQL-over-HTTP specification's parameter).
    extensions: Option<String>,
    /// `asOf` without the JSON of `extensions`: a URL that names one past answer.
    as_of: Option<String>,
}

/// `GET /graphql?query=…&variables=…&operationName=…`: queries only.
pub async fn get<E: Executor>(
    req: HttpRequest,
    params: web::Query<GetParams>,
    state: web::Data<GraphqlState<E>>,
) -> HttpResponse {
    let content_type = response_type(&req);
    let params = params.into_inner();
    // A persisted query's GET names its text by hash in `extensions` and sends no `query`.
    let named = params
        .extensions
        .as_deref()
        .is_some_and(|e| !e.trim().is_empty());
    let query = params.query.unwrap_or_default();
    if query.trim().is_empty() && !named {
        // A person (or a link checker) following the endpoint's link from the catalog, rather
        // than a GraphQL client, which asks for JSON: say what the endpoint is.
        let accept = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !accept.contains("json") {
            return HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(crate::pages::endpoint());
        }
        return reply(
            StatusCode::BAD_REQUEST,
            content_type,
            "give the query in the `query` parameter",
            "BAD_REQUEST",
        );
    }
    let mut request = Request::new(query);
    let variables_text = params.variables.unwrap_or_default();
    if nesting::json_depth(variables_text.as_bytes(), state.limits.nesting) > state.limits.nesting {
        return Refusal::too_deep(&state.limits).response(content_type);
    }
    if !variables_text.trim().is_empty() {
        match serde_json::from_str::<serde_json::Value>(&variables_text) {
            Ok(v @ (serde_json::Value::Object(_) | serde_json::Value::Null)) => {
                request = request.variables(Variables::from_json(v));
            }
            Ok(_) => {
                let why = super::malformed::VARIABLES;
                return reply(StatusCode::BAD_REQUEST, content_type, why, "BAD_REQUEST");
            }
            Err(e) => {
                return reply(
                    StatusCode::BAD_REQUEST,
                    content_type,
                    &format!("`variables` is not JSON: {e}"),
                    "BAD_REQUEST",
                )
            }
        }
    }
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(text) = params.extensions.filter(|t| !t.trim().is_empty()) {
        if nesting::json_depth(text.as_bytes(), state.limits.nesting) > state.limits.nesting {
            return Refusal::too_deep(&state.limits).response(content_type);
        }
        match serde_json::from_str::<std::collections::HashMap<String, async_graphql::Value>>(&text)
        {
            Ok(extensions) => request.extensions = async_graphql::Extensions(extensions),
            Err(e) => {
                return reply(
                    StatusCode::BAD_REQUEST,
                    content_type,
                    &format!("`extensions` is not a JSON object: {e}"),
                    "BAD_REQUEST",
                )
            }
        }
    }
    if let Some(at) = params.as_of {
        request
            .extensions
            .0
            .insert("asOf".into(), async_graphql::Value::String(at));
    }
    single(&req, &state, request, &variables_text, content_type, true).await
}
