//! What one request may cost, checked before the work is done: bracket nesting on the raw
//! text, then depth, aliases and estimated cost on the parsed document; while it runs, the time
//! it takes (and the size of its answer, in the HTTP layer); per client address, how often it
//! may ask.

pub mod bounds;
pub mod check;
pub mod cost;
pub mod expand;
#[cfg(test)]
pub mod hostile;
pub mod nesting;
pub mod rate;

/// A refusal's `extensions.code`: the request asks for more than a limit allows.
pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";
/// The request ran out of time and was cancelled.
pub const TIMEOUT: &str = "TIMEOUT";

/// The message for a request nested too deeply.
pub fn nesting_message(limit: usize) -> String {
    format!("the request nests brackets more than {limit} levels deep; at most {limit} are allowed")
}
