//! What a WebSocket connection may do before async-graphql's protocol handler sees a frame:
//! the `graphql-transport-ws` rules async-graphql 7.2.1 does not keep (close 4400 on a message
//! that is not the protocol's, 4401 on a subscribe before `connection_init`, 4409 on an id
//! already in use, 4408 when no `connection_init` comes in time), a rate token per subscribe,
//! and a cap on the connections one address holds at once.
//!
//! Pure bookkeeping: the handler in `subscriptions.rs` feeds it each frame in and each message
//! out, and carries out what it says.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use serde::Deserialize;

/// What to do with a frame from the client.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Hand it to the protocol handler.
    Pass,
    /// Drop it and tell the client this protocol error message (a subscribe refused alone).
    Answer(String),
    /// Close the connection with this code and reason.
    Close(u16, String),
}

/// The two messages of the protocol whose order and ids matter here.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
    /// A subscribe's request (read for its shape only; async-graphql decodes it again).
    payload: Option<serde_json::Value>,
}

/// One connection's protocol state.
#[derive(Debug, Default)]
pub struct Guard {
    /// The newer protocol (`graphql-transport-ws`); the older one is only rate limited.
    pub transport_ws: bool,
    initialised: bool,
    active: HashSet<String>,
    /// Operations answered with the protocol's `error` message, whose `complete` is dropped.
    errored: HashSet<String>,
}

/// The messages of `graphql-transport-ws` a client may send.
const CLIENT_TYPES: &[&str] = &["connection_init", "ping", "pong", "subscribe", "complete"];

/// An error message for one subscribe, in the protocol's shape and the API's error shape.
pub fn error_message(id: &str, code: &str, message: &str) -> String {
    serde_json::json!({
        "id": id,
        "type": "error",
        "payload": [{ "message": message, "extensions": { "code": code } }],
    })
    .to_string()
}

impl Guard {
    pub fn new(transport_ws: bool) -> Guard {
        Guard {
            transport_ws,
            ..Guard::default()
        }
    }

    /// Whether `connection_init` has arrived (the init timeout stops then).
    pub fn initialised(&self) -> bool {
        self.initialised
    }

    /// Judges a frame from the client; `allowed` takes a rate token when asked.
    pub fn inbound(&mut self, frame: &[u8], allowed: impl FnOnce() -> bool) -> Verdict {
        let Ok(envelope) = serde_json::from_slice::<Envelope>(frame) else {
            return self.invalid("Invalid message received");
        };
        let kind = envelope.kind.as_str();
        if !self.transport_ws {
            if kind == "connection_init" {
                self.initialised = true;
            }
            if kind == "start" && !allowed() {
                return Verdict::Answer(
                    serde_json::json!({
                        "id": envelope.id.unwrap_or_default(),
                        "type": "error",
                        "payload": { "message": "too many requests from this address; try again shortly",
                                     "extensions": { "code": "RATE_LIMITED" } },
                    })
                    .to_string(),
                );
            }
            return Verdict::Pass;
        }
        if !CLIENT_TYPES.contains(&kind) {
            return self.invalid(&format!("Invalid message type \"{kind}\""));
        }
        match kind {
            "connection_init" => self.initialised_now(),
            "subscribe" => self.subscribe(envelope.id, envelope.payload.as_ref(), allowed),
            "complete" => {
                if let Some(id) = envelope.id {
                    self.active.remove(&id);
                }
                Verdict::Pass
            }
            _ => Verdict::Pass,
        }
    }

    fn invalid(&self, reason: &str) -> Verdict {
        if self.transport_ws {
            Verdict::Close(4400, reason.to_string())
        } else {
            Verdict::Close(1002, reason.to_string())
        }
    }

    fn initialised_now(&mut self) -> Verdict {
        if self.initialised {
            return Verdict::Close(4429, "Too many initialisation requests".into());
        }
        self.initialised = true;
        Verdict::Pass
    }

    fn subscribe(
        &mut self,
        id: Option<String>,
        payload: Option<&serde_json::Value>,
        allowed: impl FnOnce() -> bool,
    ) -> Verdict {
        let Some(id) = id.filter(|id| !id.is_empty()) else {
            return Verdict::Close(
                4400,
                "Invalid message received: subscribe needs an id".into(),
            );
        };
        if !self.initialised {
            return Verdict::Close(4401, "Unauthorized".into());
        }
        if let Some(fault) = subscribe_fault(payload) {
            return Verdict::Close(4400, format!("Invalid message received: {fault}"));
        }
        if self.active.contains(&id) {
            return Verdict::Close(4409, format!("Subscriber for {id} already exists"));
        }
        if !allowed() {
            return Verdict::Answer(error_message(
                &id,
                "RATE_LIMITED",
                "too many requests from this address; try again shortly",
            ));
        }
        self.active.insert(id);
        Verdict::Pass
    }

    /// A message to the client, as the protocol wants it, or None to drop it. An operation's
    /// `complete` or `error` frees its id. A `next` that carries only a request error (refused
    /// before execution: parse, validation, limits) becomes the protocol's `error` message,
    /// and the `complete` async-graphql sends after it is dropped (`error` ends an operation).
    pub fn outgoing(&mut self, text: String) -> Option<String> {
        if !self.transport_ws {
            return Some(text);
        }
        // async-graphql writes the type first, then the id, then the payload.
        if text.starts_with("{\"type\":\"complete\"") || text.starts_with("{\"type\":\"error\"") {
            let id = serde_json::from_str::<Envelope>(&text)
                .ok()
                .and_then(|e| e.id)?;
            self.active.remove(&id);
            return (!self.errored.remove(&id)).then_some(text);
        }
        if text.starts_with("{\"type\":\"next\"")
            && text.contains("\"payload\":{\"data\":null,\"errors\":[")
        {
            if let Some((id, error)) = request_error(&text) {
                self.active.remove(&id);
                self.errored.insert(id);
                return Some(error);
            }
        }
        Some(text)
    }
}

/// What is wrong with a subscribe's payload, if its shape is not a request's: the protocol
/// closes with 4400 for it, where async-graphql would close with 1002 and serde's words.
fn subscribe_fault(payload: Option<&serde_json::Value>) -> Option<&'static str> {
    match payload {
        None => Some("subscribe needs a payload { \"query\": … }"),
        Some(payload) => crate::http::graphql::malformed::fault(payload),
    }
}

/// The `error` message for a `next` whose payload is only errors with no path.
fn request_error(text: &str) -> Option<(String, String)> {
    let message: serde_json::Value = serde_json::from_str(text).ok()?;
    let id = message["id"].as_str()?.to_string();
    let errors = message["payload"]["errors"].as_array()?;
    if !message["payload"]["data"].is_null() || errors.iter().any(|e| e.get("path").is_some()) {
        return None;
    }
    let error = serde_json::json!({ "id": id, "type": "error", "payload": errors });
    Some((id, error.to_string()))
}

/// The WebSocket connections each address holds, capped.
#[derive(Debug)]
pub struct Connections {
    per_address: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection, counted until dropped.
#[derive(Debug)]
pub struct Held {
    connections: Arc<Connections>,
    address: IpAddr,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = self
            .connections
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.address);
            }
        }
    }
}

impl Connections {
    pub fn new(per_address: usize) -> Arc<Connections> {
        Arc::new(Connections {
            per_address,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A place for one more connection from `address`, or None past the cap.
    pub fn open(self: &Arc<Self>, address: IpAddr) -> Option<Held> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(address).or_insert(0);
        if *n >= self.per_address {
            return None;
        }
        *n += 1;
        Some(Held {
            connections: Arc::clone(self),
            address,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(v: serde_json::Value) -> Vec<u8> {
        v.to_string().into_bytes()
    }

    fn subscribe(id: &str) -> Vec<u8> {
        frame(
            serde_json::json!({ "id": id, "type": "subscribe", "payload": { "query": "{ plans { code } }" } }),
        )
    }

    #[test]
    fn keeps_the_protocols_order_and_ids() {
        let mut g = Guard::new(true);
        assert_eq!(
            g.inbound(&subscribe("1"), || true),
            Verdict::Close(4401, "Unauthorized".into())
        );
        let init = frame(serde_json::json!({ "type": "connection_init" }));
        assert_eq!(g.inbound(&init, || true), Verdict::Pass);
        assert!(g.initialised());
        assert_eq!(g.inbound(&subscribe("1"), || true), Verdict::Pass);
        assert_eq!(
            g.inbound(&subscribe("1"), || true),
            Verdict::Close(4409, "Subscriber for 1 already exists".into())
        );
        // The server completing it frees the id.
        assert!(g
            .outgoing(r#"{"type":"complete","id":"1"}"#.into())
            .is_some());
        assert_eq!(g.inbound(&subscribe("1"), || true), Verdict::Pass);
        // So does the client's complete.
        let complete = frame(serde_json::json!({ "type": "complete", "id": "1" }));
        assert_eq!(g.inbound(&complete, || true), Verdict::Pass);
        assert_eq!(g.inbound(&subscribe("1"), || true), Verdict::Pass);
        assert_eq!(
            g.inbound(&init, || true),
            Verdict::Close(4429, "Too many initialisation requests".into())
        );
    }

    #[test]
    fn a_request_error_is_the_protocols_error_message() {
        let mut g = Guard::new(true);
        g.inbound(
            &frame(serde_json::json!({ "type": "connection_init" })),
            || true,
        );
        assert_eq!(g.inbound(&subscribe("v"), || true), Verdict::Pass);
        let next = r#"{"type":"next","id":"v","payload":{"data":null,"errors":[{"message":"Unknown field","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}}"#;
        let error: serde_json::Value =
            serde_json::from_str(&g.outgoing(next.into()).unwrap()).unwrap();
        assert_eq!(error["type"], "error");
        assert_eq!(error["id"], "v");
        assert_eq!(
            error["payload"][0]["extensions"]["code"],
            "GRAPHQL_VALIDATION_FAILED"
        );
        // The complete that follows is dropped, and the id is free again.
        assert_eq!(g.outgoing(r#"{"type":"complete","id":"v"}"#.into()), None);
        assert_eq!(g.inbound(&subscribe("v"), || true), Verdict::Pass);
        // An error inside the data (a field's) stays a `next`.
        let field = r#"{"type":"next","id":"v","payload":{"data":{"a":null},"errors":[{"message":"x","path":["a"]}]}}"#;
        assert_eq!(g.outgoing(field.into()).as_deref(), Some(field));
    }

    #[test]
    fn refuses_what_is_not_the_protocol() {
        let mut g = Guard::new(true);
        assert!(matches!(
            g.inbound(b"not json", || true),
            Verdict::Close(4400, _)
        ));
        assert!(matches!(
            g.inbound(b"{\"type\":\"start\"}", || true),
            Verdict::Close(4400, _)
        ));
        assert!(matches!(
            g.inbound(b"[1,2]", || true),
            Verdict::Close(4400, _)
        ));
    }

    #[test]
    fn a_subscribe_whose_payload_is_no_request_closes_with_4400() {
        let mut g = Guard::new(true);
        g.inbound(
            &frame(serde_json::json!({ "type": "connection_init" })),
            || true,
        );
        let sent = |payload: Option<serde_json::Value>| {
            let mut message = serde_json::json!({ "id": "p", "type": "subscribe" });
            if let Some(payload) = payload {
                message["payload"] = payload;
            }
            frame(message)
        };
        let closed =
            |reason: &str| Verdict::Close(4400, format!("Invalid message received: {reason}"));
        assert_eq!(
            g.inbound(&sent(None), || true),
            closed("subscribe needs a payload { \"query\": … }")
        );
        assert_eq!(
            g.inbound(&sent(Some(serde_json::json!("{ plans { code } }"))), || {
                true
            }),
            closed("it is not a JSON object { \"query\": … }")
        );
        let variables = serde_json::json!({ "query": "{ plans { code } }", "variables": "{}" });
        assert_eq!(
            g.inbound(&sent(Some(variables)), || true),
            closed("`variables` must be a JSON object of the variables' values (or null)")
        );
        // a payload with no query is the protocol's: the check of the request answers it
        let hash_only = serde_json::json!({ "extensions": { "persistedQuery": {} } });
        assert_eq!(g.inbound(&sent(Some(hash_only)), || true), Verdict::Pass);
    }

    #[test]
    fn a_subscribe_without_a_token_is_answered_alone() {
        let mut g = Guard::new(true);
        g.inbound(
            &frame(serde_json::json!({ "type": "connection_init" })),
            || true,
        );
        match g.inbound(&subscribe("7"), || false) {
            Verdict::Answer(text) => {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(v["id"], "7");
                assert_eq!(v["payload"][0]["extensions"]["code"], "RATE_LIMITED");
            }
            other => panic!("{other:?}"),
        }
        // The refused id was never taken.
        assert_eq!(g.inbound(&subscribe("7"), || true), Verdict::Pass);
    }

    #[test]
    fn connections_per_address_are_capped_and_given_back() {
        let c = Connections::new(2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let first = c.open(a).unwrap();
        let _second = c.open(a).unwrap();
        assert!(c.open(a).is_none());
        assert!(c.open(b).is_some());
        drop(first);
        assert!(c.open(a).is_some());
    }
}
