//! The checks every request passes before it runs, whichever way it comes in: nesting of the
//! raw text, then depth, aliases, estimated cost and NUL characters of the parsed document.
//! Refusals carry their `extensions.code` from here.
//!
//! Not an async-graphql extension on purpose: with any extension installed, async-graphql
//! sends every field of every answer through the extension chain (a boxed future per field),
//! which cost a tenth of the uncached throughput; the estimate covers introspection too, so no
//! per-field count is needed.

use std::sync::{Arc, OnceLock};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensionValues, ServerError, Variables};

use super::bounds::LiveBounds;
use super::cost::{self, TypeTable};
use super::expand::{self, Unbounded};
use super::{nesting, LIMIT_EXCEEDED};
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
    /// Given once by whoever serves the schema ([`Checker::learn_table`]).
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

    /// The schema's types, read from its SDL (`graphql::cost_table`); the cost of a query
    /// follows them (a checker never told them knows no field to be a list).
    pub fn learn_table(&self, table: TypeTable) {
        let _ = self.table.set(table);
    }

    /// Nesting of the raw text, checked before any parser recurses into it.
    pub fn check_text(&self, query: &str) -> Result<(), Refused> {
        if nesting::graphql_depth(query, self.limits.nesting) > self.limits.nesting {
            return Err(Refused::limit(super::nesting_message(self.limits.nesting)));
        }
        Ok(())
    }

    /// The document as its spreads expand it: nesting and selections, measured without
    /// recursion before any walk that recurses (the cost estimate, async-graphql's
    /// validation) may see it.
    pub fn check_expansion(&self, document: &ExecutableDocument) -> Result<(), Refused> {
        let limits = &self.limits;
        let e = expand::measure(document).map_err(|Unbounded::Cycle(name)| Refused {
            code: "GRAPHQL_VALIDATION_FAILED",
            message: format!("cannot spread fragment \"{name}\" within itself"),
        })?;
        if e.depth > limits.nesting {
            return Err(Refused::limit(format!(
                "with its fragments spread in place the query nests {} levels deep; at most {} \
                 are allowed",
                e.depth, limits.nesting
            )));
        }
        if e.selections > limits.selections {
            return Err(Refused::limit(format!(
                "with its fragments spread in place the query has {} selections; at most {} are \
                 allowed (each use of a fragment counts its selections again)",
                if e.selections == usize::MAX {
                    "countless".to_string()
                } else {
                    e.selections.to_string()
                },
                limits.selections
            )));
        }
        Ok(())
    }

    /// Expansion, depth, aliases, cost and NUL characters of a parsed document.
    pub fn check(
        &self,
        document: &ExecutableDocument,
        variables: &Variables,
    ) -> Result<(), Refused> {
        let limits = &self.limits;
        self.check_expansion(document)?;
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
