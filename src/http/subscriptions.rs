//! GraphQL subscriptions over WebSocket on `/graphql`: `graphql-transport-ws` (what Apollo
//! Client and `graphql-ws` speak), and the older `graphql-ws` of subscriptions-transport-ws.
//!
//! Every subscription passes the checks an HTTP request passes — nesting of the text, the
//! parsed document's depth, aliases and cost — before it starts; a connection holds a bounded
//! number of them, frames are bounded in size, mutations are refused (they go over POST, with a
//! token and an audit), and a connection that is silent past the keepalive is closed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::http::{WebSocket, WsMessage};
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response};
use futures_util::stream::{self, BoxStream};
use futures_util::StreamExt;

use super::graphql::GraphqlState;
use crate::graphql::AppSchema;
use crate::limits::check::refusal;
use crate::limits::{cost, nesting, LIMIT_EXCEEDED};

/// How long a connection may stay silent (the client pings) before it is closed.
const KEEPALIVE: Duration = Duration::from_secs(60);

/// The schema behind the checks, for one connection.
#[derive(Clone)]
struct Checked {
    state: web::Data<GraphqlState<AppSchema>>,
    active: Arc<AtomicUsize>,
    max: usize,
}

/// Counts a subscription as active until its stream is dropped.
struct Active(Arc<AtomicUsize>);

impl Drop for Active {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn refused(code: &str, message: impl Into<String>) -> BoxStream<'static, Response> {
    let response = Response::from_errors(vec![refusal(code, message)]);
    stream::once(async move { response }).boxed()
}

impl Checked {
    /// The checks of the HTTP path, on a subscribe message.
    fn check(&self, request: &mut Request) -> Result<(), BoxStream<'static, Response>> {
        let limits = &self.state.limits;
        if nesting::graphql_depth(&request.query, limits.nesting) > limits.nesting {
            return Err(refused(
                LIMIT_EXCEEDED,
                crate::limits::nesting_message(limits.nesting),
            ));
        }
        let operation_name = request.operation_name.clone();
        let variables = request.variables.clone();
        let document = request
            .parsed_query()
            .map_err(|e| refused("GRAPHQL_PARSE_FAILED", e.message.clone()))?;
        self.state
            .checker
            .check(document, &variables)
            .map_err(|e| refused(e.code, e.message))?;
        if cost::selected_operation(document, operation_name.as_deref())
            == Some(OperationType::Mutation)
        {
            return Err(refused(
                "METHOD_NOT_ALLOWED",
                "mutations are sent with POST to /graphql, not over a subscription connection",
            ));
        }
        Ok(())
    }
}

impl Executor for Checked {
    async fn execute(&self, mut request: Request) -> Response {
        match self.check(&mut request) {
            Ok(()) => self.state.executor.execute(request).await,
            Err(mut refusal) => refusal.next().await.unwrap_or_default(),
        }
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        if let Err(refusal) = self.check(&mut request) {
            return refusal;
        }
        if self.active.fetch_add(1, Ordering::SeqCst) >= self.max {
            self.active.fetch_sub(1, Ordering::SeqCst);
            return refused(
                LIMIT_EXCEEDED,
                format!(
                    "a connection may hold {} subscriptions at once; complete one first",
                    self.max
                ),
            );
        }
        let guard = Active(Arc::clone(&self.active));
        let inner = self
            .state
            .executor
            .execute_stream_with_session_data(request, session_data.unwrap_or_default());
        inner
            .map(move |response| {
                let _held = &guard;
                response
            })
            .boxed()
    }
}

/// How many subscriptions one connection may hold.
#[derive(Clone, Copy)]
pub struct MaxSubscriptions(pub usize);

/// `GET /graphql` with `Upgrade: websocket`.
pub async fn websocket(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<GraphqlState<AppSchema>>,
    max: web::Data<MaxSubscriptions>,
) -> actix_web::Result<HttpResponse> {
    let offered = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let protocol = offered
        .split(',')
        .map(str::trim)
        .find_map(|p| p.parse::<async_graphql::http::WebSocketProtocols>().ok());
    let Some(protocol) = protocol else {
        return Ok(HttpResponse::BadRequest()
            .content_type("text/plain; charset=utf-8")
            .body("offer the graphql-transport-ws subprotocol (Sec-WebSocket-Protocol)\n"));
    };
    let (mut response, mut session, messages) = actix_ws::handle(&req, body)?;
    response.headers_mut().insert(
        header::SEC_WEBSOCKET_PROTOCOL,
        HeaderValue::from_static(protocol.sec_websocket_protocol()),
    );
    let messages = messages.max_frame_size(state.limits.body_bytes);
    let executor = Checked {
        state: state.clone(),
        active: Arc::new(AtomicUsize::new(0)),
        max: max.0,
    };
    // Text and binary frames carry the protocol's JSON; pings are answered here, and a close
    // or a broken frame ends the input (which ends the protocol stream).
    let (pongs, mut pong_rx) = tokio::sync::mpsc::unbounded_channel::<web::Bytes>();
    let input = messages
        .take_while(|m| {
            futures_util::future::ready(matches!(
                m,
                Ok(actix_ws::Message::Text(_)
                    | actix_ws::Message::Binary(_)
                    | actix_ws::Message::Ping(_)
                    | actix_ws::Message::Pong(_))
            ))
        })
        .filter_map(move |m| {
            let pongs = pongs.clone();
            async move {
                match m {
                    Ok(actix_ws::Message::Text(t)) => Some(t.into_bytes()),
                    Ok(actix_ws::Message::Binary(b)) => Some(b),
                    Ok(actix_ws::Message::Ping(p)) => {
                        let _ = pongs.send(p);
                        None
                    }
                    _ => None,
                }
            }
        });
    // actix's payload is not Send: the connection's task stays on this worker.
    let mut output = WebSocket::new(executor, input, protocol)
        .keepalive_timeout(KEEPALIVE)
        .boxed_local();
    actix_web::rt::spawn(async move {
        loop {
            tokio::select! {
                message = output.next() => match message {
                    Some(WsMessage::Text(text)) => {
                        if session.text(text).await.is_err() {
                            return;
                        }
                    }
                    Some(WsMessage::Close(code, reason)) => {
                        let _ = session
                            .close(Some(actix_ws::CloseReason {
                                code: code.into(),
                                description: Some(reason),
                            }))
                            .await;
                        return;
                    }
                    None => {
                        let _ = session.close(None).await;
                        return;
                    }
                },
                Some(ping) = pong_rx.recv() => {
                    if session.pong(&ping).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    Ok(response)
}
