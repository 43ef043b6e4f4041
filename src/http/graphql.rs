//! GraphQL over HTTP (the GraphQL-over-HTTP specification): POST with JSON, GET for queries
//! only, `application/graphql-response+json` when asked, batches, request limits checked
//! before anything reaches the database, panics answered with 500.

use std::panic::AssertUnwindSafe;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{BatchRequest, Executor, Request, Response, Variables};
use futures_util::FutureExt;
use serde::Deserialize;

use super::cache::{self, Cached, ResponseCache};
use crate::config::Limits;
use crate::graphql::session::Caller;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// What the GraphQL routes share.
pub struct GraphqlState<E> {
    pub executor: E,
    pub limits: Limits,
    pub cache: Option<ResponseCache>,
}

/// Routes `/graphql` (POST and GET) for any executor (the tests mount a panicking one).
pub fn routes<E: Executor>(cfg: &mut web::ServiceConfig, state: web::Data<GraphqlState<E>>) {
    let body_limit = state.limits.body_bytes;
    cfg.app_data(state)
        // actix answers 413 by itself when the body is larger, before any parsing.
        .app_data(web::PayloadConfig::new(body_limit))
        .route("/graphql", web::post().to(post::<E>))
        .route("/graphql", web::get().to(get::<E>))
        .route(
            "/graphql",
            web::route().to(|| async {
                HttpResponse::MethodNotAllowed()
                    .insert_header((header::ALLOW, "GET, POST"))
                    .finish()
            }),
        );
}

fn error_body(message: &str, code: &str) -> serde_json::Value {
    serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
}

fn reply(status: StatusCode, content_type: &str, body: serde_json::Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(content_type)
        .json(body)
}

/// The response type the client accepts: the spec's own type when listed, JSON otherwise.
fn response_type(req: &HttpRequest) -> &'static str {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains(GRAPHQL_RESPONSE_JSON) {
        GRAPHQL_RESPONSE_JSON
    } else {
        JSON
    }
}

/// A request refused before execution.
struct Refusal {
    status: StatusCode,
    message: String,
    code: &'static str,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
            code,
        }
    }

    fn response(&self, content_type: &str) -> HttpResponse {
        let status = if content_type == JSON && self.status == StatusCode::BAD_REQUEST {
            StatusCode::OK
        } else {
            self.status
        };
        let mut r = reply(status, content_type, error_body(&self.message, self.code));
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        r
    }
}

/// Checks what the schema's own limits do not: aliases, and the operation a GET may run.
fn preflight(
    request: &Request,
    limits: &Limits,
    via_get: bool,
) -> Result<Option<OperationType>, Refusal> {
    let document = async_graphql::parser::parse_query(&request.query).map_err(|e| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "GRAPHQL_PARSE_FAILED",
            e.to_string(),
        )
    })?;
    let Measure { depth, fields } = measure(&document);
    if depth > limits.depth {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "LIMIT_EXCEEDED",
            format!(
                "the query is nested {depth} levels deep; at most {} are allowed",
                limits.depth
            ),
        ));
    }
    if fields > limits.complexity {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "LIMIT_EXCEEDED",
            format!(
                "the query selects {fields} fields; at most {} are allowed",
                limits.complexity
            ),
        ));
    }
    let aliases = count_aliases(&document);
    if aliases > limits.aliases {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "LIMIT_EXCEEDED",
            format!(
                "the query uses {aliases} aliases; at most {} are allowed",
                limits.aliases
            ),
        ));
    }
    let operation = selected_operation(&document, request.operation_name.as_deref());
    if via_get && operation == Some(OperationType::Mutation) {
        return Err(Refusal::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "mutations must be sent with POST",
        ));
    }
    Ok(operation)
}

fn selected_operation(document: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    match &document.operations {
        DocumentOperations::Single(op) => Some(op.node.ty),
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, op)| op.node.ty),
            None => ops.values().next().map(|op| op.node.ty),
        },
    }
}

/// Size of a query before it runs: the deepest nesting of fields and the number of fields
/// selected (async-graphql's complexity: one per field), fragments expanded where spread. A
/// fragment cycle measures as too large.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Measure {
    depth: usize,
    fields: usize,
}

const TOO_LARGE: Measure = Measure {
    depth: usize::MAX / 4,
    fields: usize::MAX / 4,
};

fn measure(document: &ExecutableDocument) -> Measure {
    fn in_set(
        set: &SelectionSet,
        document: &ExecutableDocument,
        visiting: &mut Vec<String>,
    ) -> Measure {
        let mut total = Measure::default();
        for item in &set.items {
            let m = match &item.node {
                Selection::Field(f) => {
                    let children = in_set(&f.node.selection_set.node, document, visiting);
                    Measure {
                        depth: children.depth.saturating_add(1),
                        fields: children.fields.saturating_add(1),
                    }
                }
                Selection::InlineFragment(i) => {
                    in_set(&i.node.selection_set.node, document, visiting)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.to_string();
                    if visiting.contains(&name) {
                        return TOO_LARGE;
                    }
                    let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node)
                    else {
                        continue;
                    };
                    visiting.push(name);
                    let m = in_set(&fragment.node.selection_set.node, document, visiting);
                    visiting.pop();
                    m
                }
            };
            total = Measure {
                depth: total.depth.max(m.depth),
                fields: total.fields.saturating_add(m.fields),
            };
        }
        total
    }
    document
        .operations
        .iter()
        .fold(Measure::default(), |total, (_, op)| {
            let m = in_set(&op.node.selection_set.node, document, &mut Vec::new());
            Measure {
                depth: total.depth.max(m.depth),
                fields: total.fields.saturating_add(m.fields),
            }
        })
}

fn count_aliases(document: &ExecutableDocument) -> usize {
    fn in_set(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => {
                    usize::from(f.node.alias.is_some()) + in_set(&f.node.selection_set.node)
                }
                Selection::InlineFragment(i) => in_set(&i.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| in_set(&op.node.selection_set.node))
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|f| in_set(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

/// Gives every error a stable `extensions.code`, also those async-graphql raises itself.
fn with_codes(mut response: Response) -> Response {
    let request_error = is_request_error(&response);
    for error in &mut response.errors {
        if error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some())
        {
            continue;
        }
        let code =
            if error.message.contains("nested too deep") || error.message.contains("too complex") {
                "LIMIT_EXCEEDED"
            } else if request_error {
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

/// The caller as the HTTP request shows it: bearer token and client address.
fn caller(req: &HttpRequest) -> Caller {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let address = req.peer_addr().map(|a| a.ip().to_string());
    Caller { bearer, address }
}

/// Runs one request; a panic becomes a 500 and the server carries on.
async fn execute<E: Executor>(executor: &E, request: Request) -> Result<Response, HttpResponse> {
    match AssertUnwindSafe(executor.execute(request))
        .catch_unwind()
        .await
    {
        Ok(response) => Ok(with_codes(response)),
        Err(_) => {
            tracing::error!("a resolver panicked; answered 500");
            Err(reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                JSON,
                error_body("internal error", "INTERNAL_SERVER_ERROR"),
            ))
        }
    }
}

/// A request error (parse, validation, limits) stopped execution before any field ran: no
/// data, and no error points at a field.
fn is_request_error(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && response.is_err()
        && response.errors.iter().all(|e| e.path.is_empty())
}

fn status_of(response: &Response, content_type: &str) -> StatusCode {
    if content_type == GRAPHQL_RESPONSE_JSON && is_request_error(response) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// One query through the cache (when there is one), honouring If-None-Match.
async fn single<E: Executor>(
    req: &HttpRequest,
    state: &GraphqlState<E>,
    request: Request,
    variables_text: &str,
    content_type: &'static str,
    via_get: bool,
) -> HttpResponse {
    let operation = match preflight(&request, &state.limits, via_get) {
        Ok(op) => op,
        Err(refusal) => return refusal.response(content_type),
    };
    let who = caller(req);
    // Only anonymous queries are public answers; anything else is never cached or tagged.
    let public = who.bearer.is_none() && operation == Some(OperationType::Query);
    let request = request.data(who);
    let cache = state.cache.as_ref().filter(|_| public);
    let (key, request_text) = cache::request_key(
        &request.query,
        variables_text,
        request.operation_name.as_deref(),
        content_type,
    );
    let version = match cache {
        Some(cache) => match cache.version().await {
            Ok(v) => Some(v),
            Err(err) => {
                tracing::error!(error = %err, "data version unreadable");
                return reply(
                    StatusCode::SERVICE_UNAVAILABLE,
                    content_type,
                    error_body(
                        "the store is unavailable, try again later",
                        "SERVICE_UNAVAILABLE",
                    ),
                );
            }
        },
        None => None,
    };
    let etag = version.map(|v| cache::etag(v, key));
    if let (true, Some(etag)) = (via_get, &etag) {
        let matches = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
        if matches {
            return HttpResponse::NotModified()
                .insert_header((header::ETAG, etag.clone()))
                .finish();
        }
    }
    let finish = |mut r: HttpResponse| {
        if let Some(etag) = &etag {
            if let Ok(v) = HeaderValue::from_str(etag) {
                r.headers_mut().insert(header::ETAG, v);
            }
        }
        // Revalidate every time: the ETag answers 304 for as long as the data is unchanged.
        let policy = if via_get {
            "public, max-age=0, must-revalidate"
        } else {
            "no-store"
        };
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        r
    };
    if let (Some(cache), Some(version)) = (cache, version) {
        if let Some(hit) = cache.get(key, &request_text, version) {
            return finish(
                HttpResponse::Ok()
                    .content_type(hit.content_type)
                    .body(hit.body),
            );
        }
    }
    let response = match execute(&state.executor, request).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let status = status_of(&response, content_type);
    let body = match serde_json::to_vec(&response) {
        Ok(b) => web::Bytes::from(b),
        Err(_) => {
            return reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                JSON,
                error_body("internal error", "INTERNAL_SERVER_ERROR"),
            )
        }
    };
    if let (Some(cache), Some(version), true) = (cache, version, response.errors.is_empty()) {
        cache.put(
            key,
            Cached {
                version,
                request: request_text,
                body: body.clone(),
                content_type,
            },
        );
    }
    finish(
        HttpResponse::build(status)
            .content_type(content_type)
            .body(body),
    )
}

/// `POST /graphql` with `application/json`: one request or a batch.
pub async fn post<E: Executor>(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<GraphqlState<E>>,
) -> HttpResponse {
    let content_type = response_type(&req);
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(JSON) || v.starts_with(GRAPHQL_RESPONSE_JSON));
    if !is_json {
        return reply(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            content_type,
            error_body(
                "send the request as application/json",
                "UNSUPPORTED_MEDIA_TYPE",
            ),
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return reply(
                StatusCode::BAD_REQUEST,
                content_type,
                error_body(
                    &format!("the body is not a GraphQL request: {e}"),
                    "BAD_REQUEST",
                ),
            )
        }
    };
    match batch {
        BatchRequest::Single(request) => {
            let variables = serde_json::to_string(&request.variables).unwrap_or_default();
            single(&req, &state, request, &variables, content_type, false).await
        }
        BatchRequest::Batch(requests) => {
            if requests.len() > state.limits.batch {
                return reply(
                    StatusCode::BAD_REQUEST,
                    content_type,
                    error_body(
                        &format!(
                            "a batch may hold at most {} operations, got {}",
                            state.limits.batch,
                            requests.len()
                        ),
                        "LIMIT_EXCEEDED",
                    ),
                );
            }
            let mut out = Vec::with_capacity(requests.len());
            for request in requests {
                if let Err(refusal) = preflight(&request, &state.limits, false) {
                    out.push(error_body(&refusal.message, refusal.code));
                    continue;
                }
                let request = request.data(caller(&req));
                match execute(&state.executor, request).await {
                    Ok(response) => out.push(serde_json::to_value(&response).unwrap_or_default()),
                    Err(r) => return r,
                }
            }
            HttpResponse::Ok()
                .content_type(JSON)
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(out)
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    query: Option<String>,
    variables: Option<String>,
    operation_name: Option<String>,
}

/// `GET /graphql?query=…&variables=…&operationName=…`: queries only.
pub async fn get<E: Executor>(
    req: HttpRequest,
    params: web::Query<GetParams>,
    state: web::Data<GraphqlState<E>>,
) -> HttpResponse {
    let content_type = response_type(&req);
    let params = params.into_inner();
    let Some(query) = params.query.filter(|q| !q.trim().is_empty()) else {
        return reply(
            StatusCode::BAD_REQUEST,
            content_type,
            error_body("give the query in the `query` parameter", "BAD_REQUEST"),
        );
    };
    let mut request = Request::new(query);
    let variables_text = params.variables.unwrap_or_default();
    if !variables_text.trim().is_empty() {
        match serde_json::from_str::<serde_json::Value>(&variables_text) {
            Ok(v) => request = request.variables(Variables::from_json(v)),
            Err(e) => {
                return reply(
                    StatusCode::BAD_REQUEST,
                    content_type,
                    error_body(&format!("`variables` is not JSON: {e}"), "BAD_REQUEST"),
                )
            }
        }
    }
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    single(&req, &state, request, &variables_text, content_type, true).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(query: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(query).unwrap()
    }

    #[test]
    fn measures_depth_and_fields_through_fragments() {
        assert_eq!(
            measure(&parsed("{ plans { code title } }")),
            Measure {
                depth: 2,
                fields: 3
            }
        );
        let q = "{ plans { ...F ...F } } fragment F on Plan { domains { title } }";
        assert_eq!(
            measure(&parsed(q)),
            Measure {
                depth: 3,
                fields: 5
            }
        );
        let cycle = "{ plans { ...A } } fragment A on Plan { domains { plan { ...A } } }";
        assert!(measure(&parsed(cycle)).depth > 1_000);
    }

    #[test]
    fn counts_aliases_and_finds_the_operation() {
        let doc = parsed("query A { a: plans { b: code } } mutation B { c: x }");
        assert_eq!(count_aliases(&doc), 3);
        assert_eq!(
            selected_operation(&doc, Some("B")),
            Some(OperationType::Mutation)
        );
        assert_eq!(
            selected_operation(&doc, Some("A")),
            Some(OperationType::Query)
        );
        assert_eq!(selected_operation(&doc, Some("C")), None);
    }
}
