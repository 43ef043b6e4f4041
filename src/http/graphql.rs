//! GraphQL over HTTP (the GraphQL-over-HTTP specification): POST with JSON, GET for queries
//! only, `application/graphql-response+json` when asked, batches, panics answered with 500.
//!
//! What HTTP must refuse before async-graphql sees a request is refused here: a body too
//! large or too slow, JSON or query text nested too deep (the parsers recurse), too many
//! operations in a batch, a mutation by GET. Everything else about a request's size is the
//! limits extension's (`crate::limits`), which every transport shares.

use std::sync::Arc;
use std::time::Instant;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, Executor, Request, Response, Variables};
use futures_util::StreamExt;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::cache::{self, Cached, ResponseCache};
use super::client;
use super::execution::Panicked;
use crate::config::Limits;
use crate::db::StoreHealth;
use crate::graphql::session::Caller;
use crate::limits::check::Checker;
use crate::limits::rate::{Decision, RateLimiter};
use crate::limits::{cost, nesting, LIMIT_EXCEEDED, TIMEOUT};
use crate::version::DataVersion;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
const UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";

/// The answer while the store is down: at once, with a hint when to try again.
fn unavailable(content_type: &str) -> HttpResponse {
    let mut r = reply(
        StatusCode::SERVICE_UNAVAILABLE,
        content_type,
        "the store is unavailable, try again later",
        UNAVAILABLE,
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

impl<E> GraphqlState<E> {
    fn store_down(&self) -> bool {
        self.health.as_ref().is_some_and(|h| h.is_down())
    }

    fn report_down(&self) {
        if let Some(h) = &self.health {
            h.report_down();
        }
    }
}

/// What the GraphQL routes share.
pub struct GraphqlState<E> {
    pub executor: E,
    pub limits: Limits,
    /// The store, for the data version behind ETags, the cache and the list bounds; None for
    /// an executor without one (the tests mount a panicking executor).
    pub store: Option<DatabaseConnection>,
    /// Whether the store answers; while it does not, requests are answered 503 at once.
    pub health: Option<Arc<StoreHealth>>,
    pub cache: Option<ResponseCache>,
    /// Answers being computed now, which identical requests wait for.
    pub inflight: cache::Inflight,
    /// The data version answers are cached and tagged under.
    pub version: Arc<DataVersion>,
    /// The document checks the schema's limits extension makes, made here before the store.
    pub checker: Arc<Checker>,
    pub rate: Arc<RateLimiter>,
    /// Turns to execute (`Limits::executions`).
    pub running: Arc<tokio::sync::Semaphore>,
    /// Documents parsed before, by their text.
    pub documents: super::documents::Documents,
}

/// Routes `/graphql` (POST and GET) for any executor.
pub fn routes<E: Executor>(cfg: &mut web::ServiceConfig, state: web::Data<GraphqlState<E>>) {
    cfg.app_data(state)
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

/// An error answer in the API's one error shape.
pub fn reply(status: StatusCode, content_type: &str, message: &str, code: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(content_type)
        .json(error_body(message, code))
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
    /// Refused for what its GraphQL document says (it parsed, or failed to, as a document):
    /// a well-formed request, answered 200 under plain JSON as the specification asks.
    /// Input refused before any parser may see it stays 400.
    document: bool,
    /// Where in the query text (a parse error's line and column).
    locations: Vec<async_graphql::Pos>,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
            code,
            document: false,
            locations: Vec::new(),
        }
    }

    fn document(code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            document: true,
            ..Refusal::new(StatusCode::BAD_REQUEST, code, message)
        }
    }

    fn too_deep(limits: &Limits) -> Self {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            LIMIT_EXCEEDED,
            crate::limits::nesting_message(limits.nesting),
        )
    }

    /// The refusal in the one error shape, with `locations` when it has them.
    fn body(&self) -> serde_json::Value {
        let mut error =
            serde_json::json!({ "message": self.message, "extensions": { "code": self.code } });
        if !self.locations.is_empty() {
            error["locations"] = self
                .locations
                .iter()
                .map(|p| serde_json::json!({ "line": p.line, "column": p.column }))
                .collect();
        }
        serde_json::json!({ "errors": [error] })
    }

    fn response(&self, content_type: &str) -> HttpResponse {
        let status = if content_type == JSON && self.document {
            StatusCode::OK
        } else {
            self.status
        };
        let mut r = HttpResponse::build(status)
            .content_type(content_type)
            .json(self.body());
        match self.status {
            StatusCode::METHOD_NOT_ALLOWED => {
                r.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
            }
            StatusCode::TOO_MANY_REQUESTS => {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        r
    }
}

/// Checks a request before async-graphql sees it and parses it once: nesting of the text, the
/// operation a GET may run, and the price of a mutation. Returns the operation's type.
fn prepare<E>(
    request: &mut Request,
    state: &GraphqlState<E>,
    address: Option<std::net::IpAddr>,
    via_get: bool,
) -> Result<Option<OperationType>, Refusal> {
    let limits = &state.limits;
    if nesting::graphql_depth(&request.query, limits.nesting) > limits.nesting {
        return Err(Refusal::too_deep(limits));
    }
    let operation_name = request.operation_name.clone();
    let variables = request.variables.clone();
    let parsed = match state.documents.get(&request.query) {
        Some(document) => Ok(document),
        None => async_graphql::parser::parse_query(&request.query).inspect(|document| {
            state.documents.put(&request.query, document);
        }),
    };
    let refused = |e: async_graphql::ServerError| Refusal {
        locations: e.locations.clone(),
        ..Refusal::document("GRAPHQL_PARSE_FAILED", e.message.clone())
    };
    request.set_parsed_query(parsed.map_err(|e| refused(e.into()))?);
    let document = request.parsed_query().map_err(refused)?;
    state
        .checker
        .check(document, &variables)
        .map_err(|e| Refusal::document(e.code, e.message))?;
    let operation = cost::selected_operation(document, operation_name.as_deref());
    if operation == Some(OperationType::Mutation) {
        if via_get {
            return Err(Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                "mutations must be sent with POST",
            ));
        }
        if let Some(address) = address {
            if let Decision::Deny(_) =
                state
                    .rate
                    .take(address, state.rate.mutation_surcharge(), Instant::now())
            {
                crate::refusal_log!("rate_limited", address, "mutation refused: rate limit");
                return Err(Refusal::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "RATE_LIMITED",
                    "too many requests from this address; mutations cost more: try again shortly",
                ));
            }
        }
    }
    Ok(operation)
}

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

fn has_code(response: &Response, code: &str) -> bool {
    response.errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == async_graphql::Value::from(code))
    })
}

/// The caller as the HTTP request shows it: bearer token (the scheme in any case) and address.
fn caller(req: &HttpRequest) -> Caller {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_string())
        .filter(|t| !t.is_empty());
    let address = client::address_of(req).map(|a| a.to_string());
    Caller {
        bearer,
        address,
        ..Caller::default()
    }
}

/// Runs one request through the one execution path; a panic becomes a 500.
async fn execute<E: Executor>(
    executor: &E,
    request: Request,
    limits: &Limits,
    running: &tokio::sync::Semaphore,
) -> Result<Response, HttpResponse> {
    match super::execution::run(executor, request, limits, running).await {
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

fn status_of(response: &Response, content_type: &str) -> StatusCode {
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
fn serialize(response: &Response, limits: &Limits) -> (web::Bytes, bool) {
    let written = super::json::answer(response).map(Ok);
    let Ok(body) = written.unwrap_or_else(|| serde_json::to_vec(response)) else {
        let error = error_body("internal error", "INTERNAL_SERVER_ERROR");
        return (web::Bytes::from(error.to_string()), false);
    };
    if body.len() > limits.response_bytes {
        let error = Response::from_errors(vec![super::execution::too_large(body.len(), limits)]);
        let body = serde_json::to_vec(&error).unwrap_or_default();
        return (web::Bytes::from(body), false);
    }
    (web::Bytes::from(body), true)
}

/// One query through the cache (when there is one), honouring If-None-Match.
async fn single<E: Executor>(
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
    let who = caller(req);
    let (key, request_text) = cache::request_key(
        &request.query,
        variables_text,
        request.operation_name.as_deref(),
        content_type,
    );
    // A request the cache has answered before is a public query that passed every check:
    // neither parsing nor checking it again can change that (the limits are fixed).
    let known = who.bearer.is_none()
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
    // Only anonymous queries are public answers; anything else is never cached or tagged.
    let public = who.bearer.is_none() && operation == Some(OperationType::Query);
    let mut request = request.data(who);
    if let Some(db) = &state.store {
        let query = operation == Some(OperationType::Query);
        request = request.data(crate::repo::batch::for_request(
            db.clone(),
            query,
            state.limits.batch_delay,
        ));
    }
    // The counter this answer is cached and tagged under: an answer that reads no reported
    // value outlives the reporting season's submissions and approvals.
    let follows_values = crate::graphql::reads::reads_values(&request.query, variables_text);
    let version = match (&state.store, public) {
        (Some(db), true) => match state.version.stamp(db).await {
            Ok(stamp) => {
                if let Err(err) = state.checker.bounds.refresh(db, &stamp).await {
                    tracing::warn!(error = %err, "list bounds not measured");
                }
                Some(if follows_values {
                    stamp.version
                } else {
                    stamp.structure
                })
            }
            Err(err) => {
                tracing::error!(error = %err, "data version unreadable");
                if crate::db::is_unreachable(&err) {
                    state.report_down();
                }
                return unavailable(content_type);
            }
        },
        _ => None,
    };
    let etag = version.map(|v| cache::etag(v, key));
    if let (true, Some(etag)) = (via_get, &etag) {
        let matches = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| cache::matches(v, etag));
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
        let policy = if via_get && public {
            "public, max-age=0, must-revalidate"
        } else {
            "no-store"
        };
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        r
    };
    let cache = state.cache.as_ref().filter(|_| public);
    if let (Some(cache), Some(version)) = (cache, version) {
        if let Some(hit) = cache.get(key, &request_text, version) {
            return finish(
                HttpResponse::Ok()
                    .content_type(hit.content_type)
                    .body(hit.body.clone()),
            );
        }
    }
    // Identical public requests that miss together share one computation (coalescing).
    let mut slot = Some(request);
    let mut own: Option<HttpResponse> = None;
    if let (Some(cache), Some(version)) = (cache, version) {
        if let Some((shared, first)) = state.inflight.join(key, &request_text, version) {
            let _leaving = first.then(|| Leaving(&state.inflight, key, version));
            let computed = shared
                .get_or_init(|| async {
                    let request = slot.take()?;
                    let slot = Some((cache, key, request_text.as_str(), version));
                    let (response, cached) =
                        answer(state, request, operation, content_type, slot).await;
                    own = Some(response);
                    cached
                })
                .await;
            if let Some(response) = own {
                return finish(response);
            }
            if let Some(hit) = computed {
                return finish(
                    HttpResponse::Ok()
                        .content_type(hit.content_type)
                        .body(hit.body.clone()),
                );
            }
            // The shared computation gave no answer to share (an error): compute our own.
        }
    }
    let Some(request) = slot else {
        return finish(reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            content_type,
            "internal error",
            "INTERNAL_SERVER_ERROR",
        ));
    };
    let slot = cache
        .zip(version)
        .map(|(cache, version)| (cache, key, request_text.as_str(), version));
    let (response, _) = answer(state, request, operation, content_type, slot).await;
    finish(response)
}

/// Removes a coalesced computation when its starter is done with it, also when cancelled.
struct Leaving<'a>(&'a cache::Inflight, u64, i64);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0.done(self.1, self.2);
    }
}

/// After a mutation: this process's next answer must include its write, before any
/// notification of it arrives. Within what is left of the request's time limit (`started`
/// is when it began to run): on SQLite the read waits behind a write that another process's
/// lock keeps busy, and the answer must not.
async fn after<E>(state: &GraphqlState<E>, operation: Option<OperationType>, started: Instant) {
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
type CacheSlot<'a> = (&'a ResponseCache, u64, &'a str, i64);

/// Executes a request and serializes its answer; caches it when it is whole and without
/// errors, and returns that entry too.
async fn answer<E: Executor>(
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

/// Reads the body within the size limit and the time limit.
async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limits: &Limits,
    content_type: &str,
) -> Result<web::Bytes, HttpResponse> {
    let too_large = || {
        reply(
            StatusCode::PAYLOAD_TOO_LARGE,
            content_type,
            &format!(
                "the request body is larger than {} bytes, the most allowed",
                limits.body_bytes
            ),
            "PAYLOAD_TOO_LARGE",
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limits.body_bytes) {
        return Err(too_large());
    }
    let read = async {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| {
                reply(
                    StatusCode::BAD_REQUEST,
                    content_type,
                    "the request body could not be read",
                    "BAD_REQUEST",
                )
            })?;
            if body.len() + chunk.len() > limits.body_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    match tokio::time::timeout(limits.body_timeout, read).await {
        Ok(result) => result,
        Err(_) => {
            let address = client::address_of(req).map_or_else(String::new, |a| a.to_string());
            crate::refusal_log!(
                "slow_body",
                address,
                "request refused: body not received in time"
            );
            let mut r = reply(
                StatusCode::REQUEST_TIMEOUT,
                content_type,
                &format!(
                    "the request body did not arrive within {} ms",
                    limits.body_timeout.as_millis()
                ),
                "REQUEST_TIMEOUT",
            );
            r.head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
            Err(r)
        }
    }
}

/// `POST /graphql` with `application/json`: one request or a batch.
pub async fn post<E: Executor>(
    req: HttpRequest,
    payload: web::Payload,
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
            "send the request as application/json",
            "UNSUPPORTED_MEDIA_TYPE",
        );
    }
    let body = match read_body(&req, payload, &state.limits, content_type).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    if nesting::json_depth(&body, state.limits.nesting) > state.limits.nesting {
        return Refusal::too_deep(&state.limits).response(content_type);
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return reply(
                StatusCode::BAD_REQUEST,
                content_type,
                &format!("the body is not a GraphQL request: {e}"),
                "BAD_REQUEST",
            )
        }
    };
    match batch {
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
        let operation = match prepare(&mut request, state, address, false) {
            Ok(operation) => operation,
            Err(refusal) => {
                out.push(refusal.body().to_string());
                continue;
            }
        };
        let mut request = request.data(caller(req));
        if let Some(db) = &state.store {
            let query = operation == Some(OperationType::Query);
            request = request.data(crate::repo::batch::for_request(
                db.clone(),
                query,
                state.limits.batch_delay,
            ));
        }
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
    };
    let mut request = Request::new(query);
    let variables_text = params.variables.unwrap_or_default();
    if nesting::json_depth(variables_text.as_bytes(), state.limits.nesting) > state.limits.nesting {
        return Refusal::too_deep(&state.limits).response(content_type);
    }
    if !variables_text.trim().is_empty() {
        match serde_json::from_str::<serde_json::Value>(&variables_text) {
            Ok(v) => request = request.variables(Variables::from_json(v)),
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
    single(&req, &state, request, &variables_text, content_type, true).await
}
