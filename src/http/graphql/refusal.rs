//! Requests refused before execution, and the one parse and check of those that are not.

use std::time::Instant;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use async_graphql::parser::types::OperationType;
use async_graphql::Request;

use super::{GraphqlState, JSON};
use crate::config::Limits;
use crate::limits::rate::Decision;
use crate::limits::{cost, nesting, LIMIT_EXCEEDED};

/// A request refused before execution.
pub(super) struct Refusal {
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

    /// A well-formed request asking for what cannot be (an `asOf` instant outside the
    /// publications, say): BAD_USER_INPUT.
    pub(super) fn input(message: impl Into<String>) -> Self {
        Refusal::document("BAD_USER_INPUT", message)
    }

    /// Input refused for how it is written, before any parser reads it: 400.
    pub(super) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Refusal::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// The persisted-query protocol's "send the text": 200 whatever the response type, as
    /// Apollo Server answers it and its clients expect, and never cached.
    pub(super) fn persisted(code: &'static str, message: impl Into<String>) -> Self {
        Refusal::new(StatusCode::OK, code, message)
    }

    pub(super) fn too_deep(limits: &Limits) -> Self {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            LIMIT_EXCEEDED,
            crate::limits::nesting_message(limits.nesting),
        )
    }

    /// Its code and message, for a transport with its own error shape (a subscribe message).
    pub(super) fn parts(&self) -> (&'static str, &str) {
        (self.code, &self.message)
    }

    /// The refusal in the one error shape, with `locations` when it has them.
    pub(super) fn body(&self) -> serde_json::Value {
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

    pub(super) fn response(&self, content_type: &str) -> HttpResponse {
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
            StatusCode::OK => {
                r.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
            _ => {}
        }
        r
    }
}

/// Checks a request before async-graphql sees it and parses it once: nesting of the text, the
/// operation a GET may run, and the price of a mutation. Returns the operation's type.
pub(super) fn prepare<E>(
    request: &mut Request,
    state: &GraphqlState<E>,
    address: Option<std::net::IpAddr>,
    via_get: bool,
) -> Result<Option<OperationType>, Refusal> {
    let limits = &state.limits;
    if request.query.is_empty() {
        return Err(Refusal::bad_request("BAD_REQUEST", super::NO_QUERY));
    }
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
    if let Some(missing) =
        super::variables::missing(document, operation_name.as_deref(), &variables)
    {
        return Err(Refusal::input(missing));
    }
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
