//! GraphQL subscriptions over WebSocket on `/graphql`: `graphql-transport-ws` (what Apollo
//! Client and `graphql-ws` speak), and the older `graphql-ws` of subscriptions-transport-ws.
//!
//! Every operation passes the checks an HTTP request passes — nesting of the text, the
//! expanded document, depth, aliases and cost — before it starts, and a query runs through the
//! HTTP path's own execution (`execution::run`: a turn among the executions at once, the time
//! limit, panics caught, the answer's size capped). Each subscribe takes a rate token from its
//! address; an address holds a bounded number of connections and a connection a bounded number
//! of subscriptions; frames are bounded in size; mutations are refused (they go over POST, with
//! a token and an audit); the protocol's order is kept (`ws_guard`), a connection that sends no
//! `connection_init` in time is closed with 4408, one silent past the keepalive with 3008.

use std::cell::RefCell;
use std::net::IpAddr;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::http::{WebSocket, WsMessage};
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response};
use futures_util::stream::{self, BoxStream};
use futures_util::StreamExt;

use super::client;
use super::execution;
use super::graphql::{with_codes, GraphqlState};
use super::ws_guard::{Connections, Guard, Verdict};
use crate::graphql::session::Caller;
use crate::graphql::AppSchema;
use crate::limits::check::refusal;
use crate::limits::rate::Decision;
use crate::limits::{cost, LIMIT_EXCEEDED};

/// How long a connection may stay silent (the client pings) before it is closed.
const KEEPALIVE: Duration = Duration::from_secs(60);
/// How long a new connection has to send `connection_init` (graphql-ws's own server waits 3 s).
const INIT_TIMEOUT: Duration = Duration::from_secs(3);

/// The schema behind the checks, for one connection.
#[derive(Clone)]
struct Checked {
    state: web::Data<GraphqlState<AppSchema>>,
    active: Arc<AtomicUsize>,
    max: usize,
    /// The client's address, which the resolvers see as an HTTP request's.
    address: Option<IpAddr>,
}

/// Counts a subscription as active until its stream is dropped.
struct Active(Arc<AtomicUsize>);

impl Drop for Active {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What a client is told of a panic (the cause goes to the log only).
fn internal_error() -> Response {
    Response::from_errors(vec![refusal("INTERNAL_SERVER_ERROR", "internal error")])
}

fn refused(code: &str, message: impl Into<String>) -> BoxStream<'static, Response> {
    let response = Response::from_errors(vec![refusal(code, message)]);
    stream::once(async move { response }).boxed()
}

impl Checked {
    /// The checks of the HTTP path, on a subscribe message.
    fn check(
        &self,
        request: &mut Request,
    ) -> Result<Option<OperationType>, BoxStream<'static, Response>> {
        if request.extensions.0.contains_key("asOf") {
            return Err(refused(
                "BAD_USER_INPUT",
                "asOf is answered over HTTP only (POST or GET /graphql), where the answer can be \
                 cached for good",
            ));
        }
        let persisted = &self.state.persisted;
        let asked = super::graphql::persisted::resolve_subscribe(persisted, request)
            .map_err(|(code, message)| refused(code, message))?;
        if request.query.is_empty() {
            return Err(refused("BAD_REQUEST", super::graphql::NO_QUERY));
        }
        let checker = &self.state.checker;
        checker
            .check_text(&request.query)
            .map_err(|e| refused(e.code, e.message))?;
        let operation_name = request.operation_name.clone();
        let variables = request.variables.clone();
        let document = request
            .parsed_query()
            .map_err(|e| refused("GRAPHQL_PARSE_FAILED", e.message.clone()))?;
        checker
            .check(document, &variables)
            .map_err(|e| refused(e.code, e.message))?;
        let name = operation_name.as_deref();
        if let Some(missing) = super::graphql::variables::missing(document, name, &variables) {
            return Err(refused("BAD_USER_INPUT", missing));
        }
        let operation = cost::selected_operation(document, name);
        if operation == Some(OperationType::Mutation) {
            return Err(refused(
                "METHOD_NOT_ALLOWED",
                "mutations are sent with POST to /graphql, not over a subscription connection",
            ));
        }
        super::graphql::persisted::keep(persisted, asked, &request.query);
        Ok(operation)
    }
}

impl Checked {
    /// A query, through the HTTP path's execution: one answer, then the stream ends.
    fn query(&self, request: Request) -> BoxStream<'static, Response> {
        let state = self.state.clone();
        stream::once(async move {
            let limits = &state.limits;
            match execution::run(&state.executor, request, limits, &state.running).await {
                Ok(response) => execution::capped(with_codes(response), limits),
                Err(execution::Panicked) => internal_error(),
            }
        })
        .boxed()
    }

    /// A subscription: each event's answer capped in size; a panic ends it with an error.
    fn subscription(&self, mut request: Request, data: Arc<Data>) -> BoxStream<'static, Response> {
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
        let limits = self.state.limits.clone();
        let document = request.parsed_query().ok().cloned();
        let operation = request.operation_name.clone();
        let inner = self
            .state
            .executor
            .execute_stream_with_session_data(request, data);
        // A panic is the stream's last item: `catch_unwind` ends it there.
        AssertUnwindSafe(inner)
            .catch_unwind()
            .map(move |item| {
                let _held = &guard;
                match item {
                    Ok(mut response) => {
                        if let Some(doc) = &document {
                            crate::http::field_order::reorder(
                                &mut response.data,
                                doc,
                                operation.as_deref(),
                            );
                        }
                        execution::capped(with_codes(response), &limits)
                    }
                    Err(_) => {
                        tracing::error!("a subscription panicked");
                        internal_error()
                    }
                }
            })
            .boxed()
    }
}

impl Executor for Checked {
    async fn execute(&self, request: Request) -> Response {
        let mut stream = self.execute_stream(request, None);
        stream.next().await.unwrap_or_default()
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let operation = match self.check(&mut request) {
            Ok(operation) => operation,
            Err(refusal) => return refusal,
        };
        let request = request.data(Caller {
            address: self.address.map(|a| a.to_string()),
            ..Caller::default()
        });
        if operation == Some(OperationType::Subscription) {
            return self.subscription(request, session_data.unwrap_or_default());
        }
        let request = match &self.state.store {
            Some(db) => request.data(crate::repo::loaders::for_request(
                db.clone(),
                true,
                self.state.limits.batch_delay,
            )),
            None => request,
        };
        self.query(request)
    }
}

/// What the WebSocket route shares across workers: the subscriptions one connection may hold,
/// and the connections each address holds.
#[derive(Clone)]
pub struct WsLimits {
    pub max_subscriptions: usize,
    pub connections: Arc<Connections>,
}

/// What the connection's task is told to send besides the protocol's own messages.
enum Control {
    Pong(web::Bytes),
    Text(String),
    Close(u16, String),
}

/// The refusal of a connection past its address's cap.
fn too_many_connections() -> HttpResponse {
    let mut r = HttpResponse::TooManyRequests().json(serde_json::json!({
        "errors": [{
            "message": "too many WebSocket connections from this address; close one first",
            "extensions": { "code": "RATE_LIMITED" }
        }]
    }));
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

/// `GET /graphql` with `Upgrade: websocket`.
pub async fn websocket(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<GraphqlState<AppSchema>>,
    ws: web::Data<WsLimits>,
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
    let address = client::address_of(&req);
    let held = match address.map(|a| ws.connections.open(a)) {
        Some(None) => {
            let address = address.map_or_else(String::new, |a| a.to_string());
            crate::refusal_log!(
                "ws_refused",
                address,
                "connection refused: too many from this address"
            );
            return Ok(too_many_connections());
        }
        Some(Some(held)) => Some(held),
        None => None,
    };
    let (mut response, session, messages) = actix_ws::handle(&req, body)?;
    response.headers_mut().insert(
        header::SEC_WEBSOCKET_PROTOCOL,
        HeaderValue::from_static(protocol.sec_websocket_protocol()),
    );
    let messages = messages.max_frame_size(state.limits.body_bytes);
    let executor = Checked {
        state: state.clone(),
        active: Arc::new(AtomicUsize::new(0)),
        max: ws.max_subscriptions,
        address,
    };
    let transport_ws = protocol == async_graphql::http::WebSocketProtocols::GraphQLWS;
    let guard = Rc::new(RefCell::new(Guard::new(transport_ws)));
    let (control, control_rx) = tokio::sync::mpsc::unbounded_channel::<Control>();
    let input = judged(
        messages,
        Rc::clone(&guard),
        control,
        Arc::clone(&state.rate),
        address,
    );
    // actix's payload is not Send: the connection's task stays on this worker.
    let output = WebSocket::new(executor, input, protocol)
        .keepalive_timeout(KEEPALIVE)
        .boxed_local();
    actix_web::rt::spawn(serve(output, session, control_rx, guard, held));
    Ok(response)
}

/// The client's frames as the protocol handler gets them: text and binary frames carry the
/// protocol's JSON, judged by the guard first (a refused subscribe is answered, a breach of the
/// protocol closes); pings are answered on `control`; a close or a broken frame ends the input,
/// which ends the protocol stream.
fn judged(
    messages: actix_ws::MessageStream,
    guard: Rc<RefCell<Guard>>,
    control: tokio::sync::mpsc::UnboundedSender<Control>,
    rate: Arc<crate::limits::rate::RateLimiter>,
    address: Option<IpAddr>,
) -> impl futures_util::Stream<Item = web::Bytes> {
    messages
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
            let frame = match m {
                Ok(actix_ws::Message::Text(t)) => Some(t.into_bytes()),
                Ok(actix_ws::Message::Binary(b)) => Some(b),
                Ok(actix_ws::Message::Ping(p)) => {
                    let _ = control.send(Control::Pong(p));
                    None
                }
                _ => None,
            };
            let passed = frame.and_then(|frame| {
                let allowed = || {
                    address.is_none_or(|a| {
                        matches!(rate.take(a, 1.0, Instant::now()), Decision::Allow)
                    })
                };
                match guard.borrow_mut().inbound(&frame, allowed) {
                    Verdict::Pass => Some(frame),
                    Verdict::Answer(text) => {
                        let _ = control.send(Control::Text(text));
                        None
                    }
                    Verdict::Close(code, reason) => {
                        let _ = control.send(Control::Close(code, reason));
                        None
                    }
                }
            });
            futures_util::future::ready(passed)
        })
}

/// Sends the protocol's messages and the guard's until either side ends the connection, or
/// no `connection_init` came in time.
async fn serve(
    mut output: futures_util::stream::LocalBoxStream<'static, WsMessage>,
    mut session: actix_ws::Session,
    mut control: tokio::sync::mpsc::UnboundedReceiver<Control>,
    guard: Rc<RefCell<Guard>>,
    _held: Option<super::ws_guard::Held>,
) {
    let close = |code: u16, reason: String| actix_ws::CloseReason {
        code: code.into(),
        description: Some(reason),
    };
    let deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(deadline);
    loop {
        let waiting_for_init = !guard.borrow().initialised();
        tokio::select! {
            message = output.next() => match message {
                Some(WsMessage::Text(text)) => {
                    let Some(text) = guard.borrow_mut().outgoing(text) else {
                        continue;
                    };
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    let _ = session.close(Some(close(code, reason))).await;
                    return;
                }
                None => {
                    let _ = session.close(None).await;
                    return;
                }
            },
            Some(message) = control.recv() => match message {
                Control::Pong(ping) => {
                    if session.pong(&ping).await.is_err() {
                        return;
                    }
                }
                Control::Text(text) => {
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                Control::Close(code, reason) => {
                    let _ = session.close(Some(close(code, reason))).await;
                    return;
                }
            },
            _ = &mut deadline, if waiting_for_init => {
                let reason = "Connection initialisation timeout".to_string();
                let _ = session.close(Some(close(4408, reason))).await;
                return;
            }
        }
    }
}
