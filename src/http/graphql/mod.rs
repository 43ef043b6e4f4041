//! GraphQL over HTTP (the GraphQL-over-HTTP specification): POST with JSON, GET for queries
//! only, `application/graphql-response+json` when asked, batches, panics answered with 500.
//!
//! What HTTP must refuse before async-graphql sees a request is refused here: a body too
//! large or too slow, JSON or query text nested too deep (the parsers recurse), too many
//! operations in a batch, a mutation by GET. Everything else about a request's size is the
//! limits extension's (`crate::limits`), which every transport shares.

mod asof;
pub(crate) mod body;
pub(crate) mod malformed;
mod multipart;
mod outcome;
pub(crate) mod persisted;
mod refusal;
mod single;
mod transport;
pub(crate) mod variables;

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType;
use async_graphql::{Executor, Request};
use sea_orm::DatabaseConnection;

use super::cache::{self, ResponseCache};
use super::client;
use crate::config::Limits;
use crate::db::StoreHealth;
use crate::graphql::session::Caller;
use crate::limits::check::Checker;
use crate::limits::rate::RateLimiter;
use crate::version::DataVersion;

pub use outcome::with_codes;
pub use transport::{get, post, GetParams};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub(crate) const JSON: &str = "application/json";
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
    /// Query texts clients sent with their hash (automatic persisted queries).
    pub persisted: super::persisted::PersistedQueries,
    /// The store's copies at past publications, for `asOf` queries (None: not answered).
    pub snapshots: Option<Arc<crate::db::snapshot::Snapshots>>,
}

/// What a request with no query text is told, on every transport.
pub(crate) const NO_QUERY: &str = "the request has no query: send { \"query\": \"{ … }\" } \
                                    (with variables and operationName when it needs them)";

/// Routes `/graphql` (POST and GET) for any executor.
pub fn routes<E: Executor>(cfg: &mut web::ServiceConfig, state: web::Data<GraphqlState<E>>) {
    cfg.app_data(state)
        .route("/graphql", web::post().to(post::<E>))
        .route("/graphql", web::get().to(get::<E>))
        .route(
            "/graphql",
            web::route().to(|req: HttpRequest| async move { wrong_method(&req, "GET, POST") }),
        );
}

fn error_body(message: &str, code: &str) -> serde_json::Value {
    serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
}

/// 405 for a path of the API (`/graphql`, the upload) asked with another method: the API's
/// error shape with `extensions.code` METHOD_NOT_ALLOWED, and `Allow`.
pub fn wrong_method(req: &HttpRequest, allow: &'static str) -> HttpResponse {
    super::missing::wrong_method_as(req, allow, |sentence| {
        reply(
            StatusCode::METHOD_NOT_ALLOWED,
            JSON,
            sentence,
            "METHOD_NOT_ALLOWED",
        )
    })
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

/// The request's bearer token (the scheme in any case), if it has one.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The caller as the HTTP request shows it: bearer token and address.
fn caller(req: &HttpRequest) -> Caller {
    let bearer = bearer(req);
    let address = client::address_of(req).map(|a| a.to_string());
    Caller {
        bearer,
        address,
        ..Caller::default()
    }
}

/// A request with what its resolvers read: the caller, and the store's batch loaders (which
/// may wait a moment to batch only for a query; a mutation's reads run at once).
fn with_context<E>(
    state: &GraphqlState<E>,
    request: Request,
    who: Caller,
    operation: Option<OperationType>,
) -> Request {
    let mut request = request.data(who);
    if let (Some(OperationType::Mutation), Some(snapshots)) = (operation, &state.snapshots) {
        // For a mutation that reads the past (freezeEvaluation's asOf).
        request = request.data(Arc::clone(snapshots));
    }
    match &state.store {
        Some(db) => request.data(crate::repo::loaders::for_request(
            db.clone(),
            operation == Some(OperationType::Query),
            state.limits.batch_delay,
        )),
        None => request,
    }
}
