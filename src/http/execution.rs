//! The one way an operation runs, whichever transport brought it: a turn among
//! `Limits::executions`, the time limit (counting the wait for the turn), panics caught, and
//! the answer's size capped. HTTP and WebSocket both come through here, so neither can run
//! work the other would bound.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::{Executor, Request, Response};
use futures_util::FutureExt;

use crate::config::Limits;
use crate::limits::check::refusal;
use crate::limits::{LIMIT_EXCEEDED, TIMEOUT};

/// A resolver panicked; the server carries on.
#[derive(Debug)]
pub struct Panicked;

/// The answer a timed-out operation gets.
fn out_of_time(limits: &Limits, ran: bool) -> Response {
    let ms = limits.timeout.as_millis();
    let message = if ran {
        format!("the request took longer than {ms} ms and was cancelled; ask for less")
    } else {
        format!("the server was too busy to start the request within {ms} ms; try again later")
    };
    Response::from_errors(vec![refusal(TIMEOUT, message)])
}

/// Runs one operation within the time limit (past it the work is dropped, which cancels it).
pub async fn run<E: Executor>(
    executor: &E,
    mut request: Request,
    limits: &Limits,
    running: &tokio::sync::Semaphore,
) -> Result<Response, Panicked> {
    // The document, to put the answer's fields in the query's order (parsed here if no
    // check parsed it before; the executor then uses it).
    let document = request.parsed_query().ok().cloned();
    let operation = request.operation_name.clone();
    let started = AtomicBool::new(false);
    // The time limit counts the wait for a turn too: a client's budget is its whole request.
    let turn = async {
        let _turn = running.acquire().await;
        started.store(true, Ordering::Relaxed);
        AssertUnwindSafe(executor.execute(request))
            .catch_unwind()
            .await
    };
    match tokio::time::timeout(limits.timeout, turn).await {
        Ok(Ok(mut response)) => {
            if let Some(doc) = &document {
                super::field_order::reorder(&mut response.data, doc, operation.as_deref());
            }
            Ok(response)
        }
        Ok(Err(_)) => {
            tracing::error!("a resolver panicked");
            Err(Panicked)
        }
        Err(_) => {
            let ran = started.load(Ordering::Relaxed);
            crate::refusal_log!(
                "timeout",
                "any",
                timeout_ms = limits.timeout.as_millis(),
                ran,
                "request cancelled: out of time"
            );
            Ok(out_of_time(limits, ran))
        }
    }
}

/// The error that replaces an answer of `bytes` bytes (at least, when counting stopped at
/// the limit), past the limit.
pub fn too_large(bytes: usize, limits: &Limits) -> async_graphql::ServerError {
    crate::refusal_log!("too_large", "any", bytes, "answer refused: too large");
    refusal(
        LIMIT_EXCEEDED,
        format!(
            "the answer would be at least {bytes} bytes; at most {} are allowed: ask for smaller \
             pages (first/last)",
            limits.response_bytes
        ),
    )
}

/// Counts what serde writes without keeping it, and stops serde once past `limit`.
struct Counter {
    written: usize,
    limit: usize,
}

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.written += buf.len();
        if self.written > self.limit {
            return Err(std::io::Error::other("past the byte limit"));
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The answer, or an error in its place when its JSON would pass the byte limit (for a
/// transport that serializes later itself). Counting stops at the limit: an oversized answer
/// is not written out in full only to be refused.
pub fn capped(response: Response, limits: &Limits) -> Response {
    let mut counter = Counter {
        written: 0,
        limit: limits.response_bytes,
    };
    if serde_json::to_writer(&mut counter, &response).is_err() {
        return Response::from_errors(vec![too_large(counter.written, limits)]);
    }
    response
}
