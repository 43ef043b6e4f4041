//! The WebSocket transport under the HTTP path's protections: the same document checks, time
//! limit and answer-size cap for a query sent as a subscribe message, a rate token per
//! subscribe, a cap on connections per address, and the close codes `graphql-transport-ws`
//! prescribes. Each is shown with a real client (tungstenite) against the real server, which
//! serves afterwards.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::expansion::{fragment_chain, many_fields, many_spreads};
use super::still_serves;
use crate::on_both_backends;
use crate::support::TestApp;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A connection offering `graphql-transport-ws`, or the HTTP status it was refused with.
async fn connect(app: &TestApp) -> Result<Ws, u16> {
    let url = app.address.replacen("http://", "ws://", 1) + "/graphql";
    let mut request = url.into_client_request().unwrap_or_else(|e| panic!("{e}"));
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws"
            .parse()
            .unwrap_or_else(|e| panic!("{e}")),
    );
    match tokio_tungstenite::connect_async(request).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
        Err(e) => panic!("connect: {e}"),
    }
}

pub(crate) async fn send(ws: &mut Ws, message: Value) {
    ws.send(Message::text(message.to_string()))
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
}

/// The next protocol message's text as sent (its keys in the server's order).
pub(crate) async fn next_text(ws: &mut Ws) -> String {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .unwrap_or_else(|_| panic!("no message within 10 s"));
        match message {
            Some(Ok(Message::Text(t))) => return t.to_string(),
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => panic!("closed"),
            Some(Ok(_)) => continue,
        }
    }
}

/// The next protocol message, or `{"close": code}` when the server closes; pings skipped.
pub(crate) async fn next(ws: &mut Ws) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .unwrap_or_else(|_| panic!("no message within 10 s"));
        match message {
            Some(Ok(Message::Text(t))) => {
                return serde_json::from_str(&t).unwrap_or_else(|e| panic!("{e}: {t}"))
            }
            Some(Ok(Message::Close(frame))) => {
                return json!({ "close": frame.map(|f| u16::from(f.code)).unwrap_or(0) })
            }
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return json!({ "close": 0 }),
        }
    }
}

/// A connection past `connection_init` and its acknowledgement.
pub(crate) async fn ready(app: &TestApp) -> Ws {
    let mut ws = connect(app)
        .await
        .unwrap_or_else(|s| panic!("refused: {s}"));
    send(&mut ws, json!({ "type": "connection_init" })).await;
    assert_eq!(next(&mut ws).await["type"], "connection_ack");
    ws
}

/// The error code of the answer to subscribe `id` (from an `error` or a `next` message).
async fn answer_code(ws: &mut Ws, id: &str, query: &str) -> String {
    send(
        ws,
        json!({ "id": id, "type": "subscribe", "payload": { "query": query } }),
    )
    .await;
    let m = next(ws).await;
    assert_eq!(m["id"], id, "{m}");
    if m["type"] == "next" {
        let complete = next(ws).await;
        assert_eq!(complete, json!({ "id": id, "type": "complete" }));
    }
    let errors = if m["type"] == "error" {
        &m["payload"]
    } else {
        &m["payload"]["errors"]
    };
    errors[0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

on_both_backends!(
    websocket_operations_pass_the_http_checks,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let mut ws = ready(&app).await;
        for (id, query) in [
            ("chain", fragment_chain("query", 67, 30)),
            ("spreads", many_spreads(5_000)),
            ("fields", many_fields(5_000)),
            ("subscription chain", fragment_chain("subscription", 67, 30)),
        ] {
            assert_eq!(
                answer_code(&mut ws, id, &query).await,
                "LIMIT_EXCEEDED",
                "{id}"
            );
        }
        // A validation error is the protocol's `error` message, with the API's code, for a
        // query and for a subscription alike.
        for (id, query) in [
            ("v1", "{ nosuchfield }"),
            ("v2", "subscription { nosuchfield }"),
        ] {
            send(
                &mut ws,
                json!({ "id": id, "type": "subscribe", "payload": { "query": query } }),
            )
            .await;
            let m = next(&mut ws).await;
            assert_eq!(
                (m["type"].as_str(), m["id"].as_str()),
                (Some("error"), Some(id)),
                "{m}"
            );
            assert_eq!(
                m["payload"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
                "{m}"
            );
        }
        // asOf is HTTP's: refused here with the same code, not answered as of now.
        send(&mut ws, json!({ "id": "past", "type": "subscribe", "payload": { "query": "{ plans { code } }", "extensions": { "asOf": "2026-01-01T00:00:00Z" } } })).await;
        let m = next(&mut ws).await;
        let errors = if m["type"] == "error" {
            &m["payload"]
        } else {
            &m["payload"]["errors"]
        };
        assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT", "{m}");
        if m["type"] == "next" {
            assert_eq!(next(&mut ws).await["type"], "complete");
        }
        // A normal query over the same connection is answered.
        send(&mut ws, json!({ "id": "ok", "type": "subscribe", "payload": { "query": "{ plans { code } }" } })).await;
        let m = next(&mut ws).await;
        assert_eq!(
            m["payload"]["data"]["plans"][3]["code"], "earthquake",
            "{m}"
        );
        assert_eq!(next(&mut ws).await["type"], "complete");
        still_serves(&app).await;
    }
);

on_both_backends!(
    websocket_queries_keep_the_time_limit_and_the_answer_cap,
    |backend| async move {
        let Some(small) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.limits.response_bytes = 300;
        })
        .await
        else {
            return;
        };
        let mut ws = ready(&small).await;
        let code = answer_code(&mut ws, "big", "{ plans { code title noticeTitle } }").await;
        assert_eq!(code, "LIMIT_EXCEEDED");
        let Some(slow) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.limits.timeout = Duration::from_millis(1);
        })
        .await
        else {
            return;
        };
        let mut ws = ready(&slow).await;
        let deep = "{ plans { domains { goals(first: 100) { nodes { text departments { department { name } } } } } } }";
        assert_eq!(answer_code(&mut ws, "slow", deep).await, "TIMEOUT");
        // The same limit over HTTP, for comparison: one path.
        assert_eq!(crate::support::code(&slow.query(deep).await), "TIMEOUT");
        still_serves(&small).await;
    }
);

on_both_backends!(
    a_burst_of_websocket_work_from_one_address_is_bounded,
    |backend| async move {
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = true;
            s.rate.burst = 30.0;
            s.rate.per_second = 1.0;
            s.ws_per_address = 3;
        })
        .await
        else {
            return;
        };
        let mut open = Vec::new();
        for _ in 0..3 {
            open.push(ready(&app).await);
        }
        assert_eq!(connect(&app).await.err(), Some(429), "a fourth connection");
        // Subscribes take rate tokens: of 40 at once, those past the bucket are refused alone.
        let ws = &mut open[0];
        let mut refused = 0;
        for n in 0..40 {
            let code = answer_code(ws, &format!("q{n}"), "{ plans { code } }").await;
            if code == "RATE_LIMITED" {
                refused += 1;
            } else {
                assert_eq!(code, "", "q{n}");
            }
        }
        assert!(refused >= 10, "{refused} of 40 refused");
        // Closed connections give their places back.
        for mut ws in open.drain(..) {
            let _ = ws.close(None).await;
        }
        let started = Instant::now();
        loop {
            match connect(&app).await {
                Ok(_) => break,
                Err(status) if started.elapsed() < Duration::from_secs(5) => {
                    assert!(status == 429, "{status}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(status) => panic!("still refused after 5 s: {status}"),
            }
        }
    }
);

on_both_backends!(
    the_protocol_closes_with_its_own_codes,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let subscribe = |id: &str| json!({ "id": id, "type": "subscribe", "payload": { "query": "subscription { valuePublished { year } }" } });
        // A subscribe before connection_init: 4401.
        let mut ws = connect(&app).await.unwrap_or_else(|s| panic!("{s}"));
        send(&mut ws, subscribe("1")).await;
        assert_eq!(next(&mut ws).await["close"], 4401);
        // An id already in use: 4409.
        let mut ws = ready(&app).await;
        send(&mut ws, subscribe("1")).await;
        send(&mut ws, subscribe("1")).await;
        assert_eq!(next(&mut ws).await["close"], 4409);
        // Not a protocol message: 4400.
        let mut ws = ready(&app).await;
        ws.send(Message::text("{\"type\":\"nonsense\"}"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(next(&mut ws).await["close"], 4400);
        // A second connection_init: 4429.
        let mut ws = ready(&app).await;
        send(&mut ws, json!({ "type": "connection_init" })).await;
        assert_eq!(next(&mut ws).await["close"], 4429);
        // No connection_init within the wait: 4408.
        let mut ws = connect(&app).await.unwrap_or_else(|s| panic!("{s}"));
        let started = Instant::now();
        assert_eq!(next(&mut ws).await["close"], 4408);
        assert!(
            started.elapsed() >= Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        still_serves(&app).await;
    }
);
