//! The request limits as an async-graphql extension, so every way into the schema obeys them:
//! before execution, nesting, depth, aliases, cost and NUL characters; during execution, the
//! fields resolved and the time taken. Refusals carry their `extensions.code` from here.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextResolve,
    ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensionValues, Response, ServerError, ServerResult, Value, Variables};

use super::bounds::LiveBounds;
use super::cost::{self, TypeTable};
use super::{nesting, LIMIT_EXCEEDED, TIMEOUT};
use crate::config::Limits;

/// An error with its code, as the limits raise them.
pub fn refusal(code: &str, message: impl Into<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// A request the checks refuse, with its code.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
}

impl Refused {
    fn limit(message: String) -> Refused {
        Refused {
            code: LIMIT_EXCEEDED,
            message,
        }
    }
}

impl From<Refused> for ServerError {
    fn from(r: Refused) -> Self {
        refusal(r.code, r.message)
    }
}

/// The checks made on a parsed document before it runs, shared by the extension and the HTTP
/// layer (which makes them before it touches the store at all).
pub struct Checker {
    pub limits: Limits,
    /// Filled once the schema exists (the table is read from its own SDL).
    table: OnceLock<TypeTable>,
    pub bounds: Arc<LiveBounds>,
}

impl Checker {
    pub fn new(limits: Limits, bounds: Arc<LiveBounds>) -> Checker {
        Checker {
            limits,
            table: OnceLock::new(),
            bounds,
        }
    }

    /// Reads the schema's types from its SDL; the cost of a query follows them.
    pub fn learn_schema(&self, sdl: &str) {
        let _ = self.table.set(TypeTable::from_sdl(sdl).unwrap_or_default());
    }

    /// Nesting of the raw text, checked before any parser recurses into it.
    pub fn check_text(&self, query: &str) -> Result<(), Refused> {
        if nesting::graphql_depth(query, self.limits.nesting) > self.limits.nesting {
            return Err(Refused::limit(super::nesting_message(self.limits.nesting)));
        }
        Ok(())
    }

    /// Depth, aliases, cost and NUL characters of a parsed document.
    pub fn check(
        &self,
        document: &ExecutableDocument,
        variables: &Variables,
    ) -> Result<(), Refused> {
        let limits = &self.limits;
        let table = self.table.get_or_init(TypeTable::default);
        let m = cost::measure(document, variables, table, &self.bounds.get());
        if m.depth > limits.depth {
            return Err(Refused::limit(format!(
                "the query nests fields {} levels deep; at most {} are allowed",
                m.depth, limits.depth
            )));
        }
        if m.aliases > limits.aliases {
            return Err(Refused::limit(format!(
                "the query uses {} aliases; at most {} are allowed",
                m.aliases, limits.aliases
            )));
        }
        if m.cost > limits.cost {
            return Err(Refused::limit(format!(
                "the query would cost {}; at most {} is allowed (each field costs 1, and a \
                     list multiplies what it holds by its page size or the most it can hold): \
                     ask for smaller pages (first/last) or fewer nested lists",
                m.cost, limits.cost
            )));
        }
        if cost::carries_nul(document, variables) {
            return Err(Refused {
                code: "BAD_USER_INPUT",
                message: "strings may not contain the NUL character (U+0000)".into(),
            });
        }
        Ok(())
    }
}

/// Creates one [`Guard`] per request.
pub struct RequestLimits {
    checker: Arc<Checker>,
}

impl RequestLimits {
    pub fn new(checker: Arc<Checker>) -> Self {
        RequestLimits { checker }
    }
}

impl ExtensionFactory for RequestLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Guard {
            checker: Arc::clone(&self.checker),
            fields: AtomicUsize::new(0),
            over: AtomicBool::new(false),
        })
    }
}

/// The limits of one request.
pub struct Guard {
    checker: Arc<Checker>,
    fields: AtomicUsize,
    over: AtomicBool,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Guard {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = match tokio::time::timeout(self.checker.limits.timeout, next.run(ctx)).await
        {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(
                    timeout_ms = self.checker.limits.timeout.as_millis(),
                    "request cancelled: out of time"
                );
                return Response::from_errors(vec![refusal(
                    TIMEOUT,
                    format!(
                        "the request took longer than {} ms and was cancelled; ask for less",
                        self.checker.limits.timeout.as_millis()
                    ),
                )]);
            }
        };
        if self.over.load(Ordering::Relaxed) {
            // A partial answer would still carry up to the limit's worth of data and one error
            // per field cut off: one error says it better.
            return Response::from_errors(vec![refusal(
                LIMIT_EXCEEDED,
                format!(
                    "the answer would hold more than {} fields; ask for smaller pages (first/last) \
                     or fewer nested lists",
                    self.checker.limits.fields
                ),
            )]);
        }
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // The HTTP layer checks before it parses; other ways in come through here.
        self.checker.check_text(query)?;
        let document = next.run(ctx, query, variables).await?;
        self.checker.check(&document, variables)?;
        Ok(document)
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if self.fields.fetch_add(1, Ordering::Relaxed) >= self.checker.limits.fields {
            self.over.store(true, Ordering::Relaxed);
            return Err(refusal(LIMIT_EXCEEDED, "too many fields"));
        }
        next.run(ctx, info).await
    }
}
