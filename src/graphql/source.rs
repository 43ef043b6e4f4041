//! Provenance as the API shows it.

use async_graphql::SimpleObject;

/// Where a fact comes from in the source document.
#[derive(SimpleObject, Debug, Clone)]
pub struct Source {
    /// First line (1-based) of the source file the fact comes from.
    pub line_start: i32,
    /// Last line (1-based) of the source file the fact comes from.
    pub line_end: i32,
    /// The source text as published (export debris such as bookmarks removed).
    pub text: String,
}

impl Source {
    pub fn new(line_start: i32, line_end: i32, text: &str) -> Self {
        Source {
            line_start,
            line_end,
            text: text.to_string(),
        }
    }
}
