//! Attacks on the public API, performed against the real server: each is refused with its
//! status and `extensions.code`, and the server answers a normal query afterwards.
//!
//! These run in the debug build, whose stack frames are larger than release ones: a parser
//! that recursed into 100,000 levels would abort this test process, so passing here shows the
//! nesting is refused before any parser sees it, not saved by a large stack.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::on_both_backends;
use crate::support::{code, TestApp};

mod expansion;
mod headers;
pub(crate) mod websocket;

const LEVELS: usize = 100_000;
const NORMAL: &str = "{ plans { code } }";

async fn post(app: &TestApp, body: String) -> (u16, Value) {
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST: {e}"));
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

async fn get(app: &TestApp, params: &[(&str, &str)]) -> (u16, Value) {
    let r = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(params)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET: {e}"));
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

/// The server still answers a normal query, correctly.
pub(crate) async fn still_serves(app: &TestApp) {
    let body = app.query(NORMAL).await;
    assert_eq!(body["data"]["plans"][3]["code"], "earthquake", "{body}");
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("healthz: {e}"));
    assert_eq!(health.status().as_u16(), 200);
}

fn assert_too_deep(status: u16, body: &Value, what: &str) {
    assert_eq!(status, 400, "{what}: {body}");
    assert_eq!(code(body), "LIMIT_EXCEEDED", "{what}: {body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("nests brackets"), "{what}: {message}");
}

fn nested_object(levels: usize) -> String {
    format!("{}1{}", "{a:".repeat(levels), "}".repeat(levels))
}

fn nested_list(levels: usize) -> String {
    format!("{}\"x\"{}", "[".repeat(levels), "]".repeat(levels))
}

on_both_backends!(
    deeply_nested_input_is_refused_on_every_path,
    |backend| async move {
        // Bodies of 100,000 levels are larger than the default 64 KiB; a larger body limit
        // lets them reach the nesting check itself.
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.limits.body_bytes = 4 * 1024 * 1024;
        })
        .await
        else {
            return;
        };
        let statements = app.statements.load(Ordering::SeqCst);
        let object = nested_object(LEVELS);
        let list = nested_list(LEVELS);
        let queries = [
            (
                "argument object",
                format!("{{ plans(x: {object}) {{ code }} }}"),
            ),
            ("id list", format!("{{ nodes(ids: {list}) {{ id }} }}")),
            (
                "variable default",
                format!("query Q($x: String = {object}) {{ plans {{ code }} }}"),
            ),
            (
                "directive argument",
                format!("{{ plans @include(if: {object}) {{ code }} }}"),
            ),
            (
                "selection sets",
                format!("{}{}", "{ plans ".repeat(LEVELS), "}".repeat(LEVELS)),
            ),
        ];
        for (what, query) in &queries {
            let (status, body) = post(&app, json!({ "query": query }).to_string()).await;
            assert_too_deep(status, &body, what);
        }
        assert_eq!(
            app.statements.load(Ordering::SeqCst),
            statements,
            "a refusal ran SQL"
        );
        for (what, query) in &queries {
            // the same inside a batch, beside a query that runs
            let (status, body) = post(
                &app,
                json!([{ "query": NORMAL }, { "query": query }]).to_string(),
            )
            .await;
            assert_eq!(status, 200, "batch {what}");
            assert_eq!(body[0]["data"]["plans"][0]["code"], "women");
            assert_eq!(body[1]["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
        }
        // variables JSON, and batch JSON itself
        let deep_json = format!("{}1{}", "[".repeat(LEVELS), "]".repeat(LEVELS));
        let variables = format!(
            r#"{{"query":"query Q($x: [ID!]) {{ nodes(ids: $x) {{ id }} }}","variables":{{"x":{deep_json}}}}}"#
        );
        let (status, body) = post(&app, variables).await;
        assert_too_deep(status, &body, "variables");
        let (status, body) = post(&app, deep_json.clone()).await;
        assert_too_deep(status, &body, "batch JSON");
        let (status, body) = post(
            &app,
            format!("[{{\"query\":\"{{ plans {{ code }} }}\"}}, {deep_json}]"),
        )
        .await;
        assert_too_deep(status, &body, "batch member");
        // GET: the largest request line actix reads (32 KiB) holds 4,000 levels of `[` once
        // encoded, three times what overflowed a release build's stack
        let get_levels = 4_000;
        let (status, body) = get(
            &app,
            &[(
                "query",
                &format!("{{ nodes(ids: {}) {{ id }} }}", nested_list(get_levels)),
            )],
        )
        .await;
        assert_too_deep(status, &body, "GET query");
        let (status, body) = get(
            &app,
            &[
                ("query", "query Q($x: [ID!]) { nodes(ids: $x) { id } }"),
                (
                    "variables",
                    &format!("{{\"x\":{}}}", nested_list(get_levels)),
                ),
            ],
        )
        .await;
        assert_too_deep(status, &body, "GET variables");
        // and at 100,000 levels actix itself refuses the request line (or drops it)
        let r = app
            .client
            .get(format!("{}/graphql", app.address))
            .query(&[("query", &format!("{{ plans(x: {object}) {{ code }} }}"))])
            .send()
            .await;
        if let Ok(r) = r {
            assert!(r.status().is_client_error(), "{}", r.status());
        }
        // just past the limit is refused by the limit, not by the size of anything
        let (status, body) = post(
            &app,
            json!({ "query": format!("{{ plans(x: {}) {{ code }} }}", nested_object(64)) })
                .to_string(),
        )
        .await;
        assert_too_deep(status, &body, "65 levels");
        still_serves(&app).await;
    }
);

/// `plans { domains { plan { domains … } } }`: depth 13, within the depth limit, multiplied.
fn fan_out(levels: usize) -> String {
    let mut q = String::from("{ plans { ");
    for n in 0..levels {
        q.push_str(if n % 2 == 0 { "domains { " } else { "plan { " });
    }
    q.push_str("title ");
    q.push_str(&"} ".repeat(levels + 1));
    q.push('}');
    q
}

// Parsed documents are remembered by their text (http::documents); the limits are not: the
// same text is checked again with each request's variables.
on_both_backends!(
    a_remembered_query_is_checked_again_with_its_variables,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let text = "query Q($n: Int) { departments(first: $n) { nodes { name goals(first: $n) { nodes { targets(first: $n) { nodes { departments { department { goals(first: $n) { totalCount } } } } } } } } } }";
        let ask = |n: i64| {
            let app = &app;
            async move {
                post(
                    app,
                    json!({ "query": text, "variables": { "n": n } }).to_string(),
                )
                .await
            }
        };
        for (n, shown) in [(1, 1), (2, 2)] {
            let (status, body) = ask(n).await;
            assert_eq!(status, 200, "{body}");
            assert!(body["errors"].is_null(), "{body}");
            let departments = body["data"]["departments"]["nodes"]
                .as_array()
                .expect("nodes");
            assert_eq!(departments.len(), shown, "{body}");
            // What the cheap request was answered from does not let the dear one through.
            let (_, body) = ask(100).await;
            assert_eq!(code(&body), "LIMIT_EXCEEDED", "{body}");
        }
    }
);

on_both_backends!(fan_out_is_refused_before_any_work, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let statements = app.statements.load(Ordering::SeqCst);
    let started = Instant::now();
    let (status, body) = post(&app, json!({ "query": fan_out(12) }).to_string()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(code(&body), "LIMIT_EXCEEDED", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or("");
    // 4 plans × 11 domains × 1 plan × 11 domains … as the store holds them
    assert!(message.contains("would cost 22675976;"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        app.statements.load(Ordering::SeqCst),
        statements,
        "the refusal ran SQL"
    );
    // a list of connections multiplies by every page size too
    let pages = "{ departments(first: 100) { nodes { goals(first: 100) { nodes { targets(first: 100) { nodes { departments { department { goals(first: 100) { totalCount } } } } } } } } } }";
    let (_, body) = post(&app, json!({ "query": pages }).to_string()).await;
    assert_eq!(code(&body), "LIMIT_EXCEEDED", "{body}");
    // the whole corpus in one query is well within the limit
    let (status, body) = post(
            &app,
            json!({ "query": "{ plans { code domains { title goals(first: 100) { nodes { kind number text departments { role department { name } } groups } } } } }" })
                .to_string(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body.get("errors"), None, "{body}");
    still_serves(&app).await;
});

on_both_backends!(
    answers_are_bounded_in_bytes_and_time,
    |backend| async move {
        let whole = "{ plans { code domains { title goals(first: 100) { nodes { kind number text departments { role department { name aliases } } } } } } }";
        // bytes
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.limits.response_bytes = 20_000;
        })
        .await
        else {
            return;
        };
        let (_, body) = post(&app, json!({ "query": whole }).to_string()).await;
        assert_eq!(code(&body), "LIMIT_EXCEEDED", "{body}");
        assert!(body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("at most 20000 are allowed"));
        still_serves(&app).await;

        // time: the work is cancelled and the client told so
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.limits.timeout = Duration::from_millis(5);
            s.limits.cache_bytes = 0;
        })
        .await
        else {
            return;
        };
        let heavy = "{ plans { targets(first: 100) { nodes { status progress statusReason trajectory { expected } indicator { values { value } targets { status statusReason(language: EN) } } } } domains { goals(first: 50) { nodes { text departments { department { name } } } } } } }";
        let started = Instant::now();
        let r = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": heavy }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap_or_default();
        assert_eq!(status, 503, "{body}");
        assert_eq!(code(&body), "TIMEOUT", "{body}");
        assert!(started.elapsed() < Duration::from_secs(2));
        let body = app.query("{ __typename }").await;
        assert_eq!(body["data"]["__typename"], "Query");
    }
);

on_both_backends!(
    a_flood_of_uncached_queries_takes_turns,
    |backend| async move {
        // One execution at a time, no cache: sixty different deep queries at once. Each waits
        // for its turn holding only its text (what bounds the memory of a flood); those still
        // waiting when their time is up are told the server was busy, not left hanging.
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.limits.cache_bytes = 0;
            s.limits.executions = 1;
            s.limits.timeout = Duration::from_millis(1000);
        })
        .await
        else {
            return;
        };
        let answers = futures_util::future::join_all((0..60).map(|n| {
            let query = format!(
                "{{ plans {{ code domains {{ goals(first: {}) {{ nodes {{ text departments {{ department {{ name }} }} }} }} }} }} }}",
                41 + n
            );
            post(&app, json!({ "query": query }).to_string())
        }))
        .await;
        let (mut answered, mut busy) = (0, 0);
        for (status, body) in &answers {
            if *status == 200 {
                assert_eq!(body["data"]["plans"][3]["code"], "earthquake", "{body}");
                answered += 1;
            } else {
                assert_eq!((*status, code(body)), (503, "TIMEOUT"), "{body}");
                // Waiting spends the request's time: one that got its turn late may run out.
                let message = body["errors"][0]["message"].as_str().unwrap_or("");
                if message.contains("too busy") {
                    busy += 1;
                } else {
                    assert!(message.contains("took longer"), "{message}");
                }
            }
        }
        assert!(answered > 0, "no query got a turn");
        assert!(
            busy > 0,
            "sixty deep queries in 1 s on one turn: some must have waited"
        );
        still_serves(&app).await;
    }
);

on_both_backends!(bodies_are_bounded_in_size_and_time, |backend| async move {
    let Some(app) = TestApp::spawn_with(backend, |s| {
        s.rate.enabled = false;
        s.limits.body_timeout = Duration::from_millis(500);
    })
    .await
    else {
        return;
    };
    // too large: the same JSON error shape as every other refusal, declared or streamed
    let big = json!({ "query": format!("{NORMAL} #{}", "x".repeat(70 * 1024)) }).to_string();
    let (status, body) = post(&app, big.clone()).await;
    assert_eq!(status, 413);
    assert_eq!(code(&body), "PAYLOAD_TOO_LARGE", "{body}");
    // streamed in chunks with no length declared: counted as it arrives
    let address = app.address.trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&address)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let sender = tokio::spawn(async move {
        let _ = writer.write_all(head.as_bytes()).await;
        for chunk in big.as_bytes().chunks(8 * 1024) {
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
            if writer.write_all(&framed).await.is_err() {
                return;
            }
        }
        let _ = writer.write_all(b"0\r\n\r\n").await;
    });
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(3), reader.read(&mut answer))
        .await
        .unwrap_or_else(|_| panic!("no answer to a chunked body"))
        .unwrap_or(0);
    sender.abort();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "chunked: {answer}");
    assert!(answer.contains("PAYLOAD_TOO_LARGE"), "chunked: {answer}");
    // a body trickled a byte at a time is cut off at the body timeout
    let stream = tokio::net::TcpStream::connect(&address)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut reader, mut writer) = stream.into_split();
    let started = Instant::now();
    writer
        .write_all(
            format!(
                "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
            )
            .as_bytes(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let trickle = tokio::spawn(async move {
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if writer.write_all(b" ").await.is_err() {
                break;
            }
        }
    });
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(3), reader.read(&mut answer))
        .await
        .unwrap_or_else(|_| panic!("no answer to a trickled body"))
        .unwrap_or(0);
    trickle.abort();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("REQUEST_TIMEOUT"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(2));
    still_serves(&app).await;
});

on_both_backends!(
    one_address_is_rate_limited_and_others_are_not,
    |backend| async move {
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.per_second = 5.0;
            s.rate.burst = 20.0;
            s.rate.mutation_cost = 10.0;
            s.trusted_proxies = vec!["127.0.0.1".parse().unwrap_or_else(|e| panic!("{e}"))];
        })
        .await
        else {
            return;
        };
        let from = |address: &'static str| {
            let client = app.client.clone();
            let url = format!("{}/graphql", app.address);
            async move {
                client
                    .post(url)
                    .header("x-forwarded-for", address)
                    .json(&json!({ "query": NORMAL }))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
            }
        };
        let mut statuses = Vec::new();
        for _ in 0..30 {
            statuses.push(from("203.0.113.7").await.status().as_u16());
        }
        let ok = statuses.iter().filter(|s| **s == 200).count();
        assert!((20..=23).contains(&ok), "{statuses:?}");
        let refused = from("203.0.113.7").await;
        assert_eq!(refused.status().as_u16(), 429);
        let retry: u64 = refused
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert!((1..=2).contains(&retry), "Retry-After {retry}");
        let body: Value = refused.json().await.unwrap_or_default();
        assert_eq!(code(&body), "RATE_LIMITED");
        // another client behind the same proxy is not affected
        assert_eq!(from("198.51.100.9").await.status().as_u16(), 200);
        // a mutation costs ten: two fit in a fresh burst of twenty, a third does not
        let mutate = |address: &'static str| {
            let client = app.client.clone();
            let url = format!("{}/graphql", app.address);
            async move {
                client
                    .post(url)
                    .header("x-forwarded-for", address)
                    .json(&json!({ "query": "mutation { revokeMyTokens { revoked } }" }))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(mutate("192.0.2.1").await, 200);
        assert_eq!(mutate("192.0.2.1").await, 200);
        assert_eq!(mutate("192.0.2.1").await, 429);
        // the refill: 5 per second
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        assert_eq!(from("203.0.113.7").await.status().as_u16(), 200);
        // /healthz is never limited (load balancers poll it)
        for _ in 0..50 {
            let r = app
                .client
                .get(format!("{}/healthz", app.address))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.status().as_u16(), 200);
        }
    }
);

on_both_backends!(
    a_forwarded_address_counts_only_from_a_trusted_proxy,
    |backend| async move {
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.per_second = 1.0;
            s.rate.burst = 3.0;
        })
        .await
        else {
            return;
        };
        let mut last = 0;
        for n in 0..5 {
            last = app
                .client
                .post(format!("{}/graphql", app.address))
                .header("x-forwarded-for", format!("10.9.9.{n}"))
                .json(&json!({ "query": NORMAL }))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .status()
                .as_u16();
        }
        assert_eq!(last, 429, "a client chose its own address");
    }
);

on_both_backends!(
    cursors_of_another_order_and_nul_bytes_are_bad_input,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let cursor = |order: &str| {
            let q = format!(
                "{{ indicators(first: 1, orderBy: {{ field: {order} }}) {{ pageInfo {{ endCursor }} }} }}"
            );
            let app = &app;
            async move {
                let body = app.query(&q).await;
                body["data"]["indicators"]["pageInfo"]["endCursor"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{body}"))
                    .to_string()
            }
        };
        let by_name = cursor("NAME").await;
        let by_position = cursor("POSITION").await;
        for (order, foreign) in [("POSITION", &by_name), ("NAME", &by_position)] {
            for direction in ["after", "before"] {
                let body = app
                    .query(&format!(
                        "{{ indicators(first: 2, {direction}: \"{foreign}\", orderBy: {{ field: {order} }}) {{ totalCount }} }}"
                    ))
                    .await;
                assert_eq!(code(&body), "BAD_USER_INPUT", "{order} {direction}: {body}");
            }
        }
        // a goal's cursor (a position) on the departments (names)
        let body = app
            .query("{ goals(first: 1) { pageInfo { endCursor } } }")
            .await;
        let goal_cursor = body["data"]["goals"]["pageInfo"]["endCursor"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let body = app
            .query(&format!(
                "{{ departments(after: \"{goal_cursor}\") {{ totalCount }} }}"
            ))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        // a well-formed cursor forged to hold a NUL
        use async_graphql::connection::CursorType;
        let forged = async_graphql::connection::OpaqueCursor(plangraph::repo::page::SortKey::Text(
            "a\u{0}b".into(),
            1,
        ))
        .encode_cursor();
        let body = app
            .query(&format!(
                "{{ departments(after: \"{forged}\") {{ totalCount }} }}"
            ))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        // NUL in any string argument, literal or variable, query or mutation
        for query in [
            r#"{ search(text: "婴儿\u0000") { totalCount } }"#,
            r#"{ department(name: "县\u0000卫健局") { name } }"#,
            r#"{ indicators(filter: { text: "\u0000" }) { totalCount } }"#,
            r#"{ plan(code: "health\u0000") { code } }"#,
            r#"mutation { login(input: { username: "a\u0000", password: "b" }) { token } }"#,
        ] {
            let body = app.query(query).await;
            assert_eq!(code(&body), "BAD_USER_INPUT", "{query}: {body}");
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("NUL"),
                "{body}"
            );
        }
        let body = app
            .query_as(
                None,
                "query Q($t: String!) { search(text: $t) { totalCount } }",
                json!({ "t": "a\u{0}" }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        still_serves(&app).await;
    }
);

/// A server on a new PostgreSQL store reached through a chaos proxy: the store (dropped with
/// it), the proxy and the server's base URL. None where there is no PostgreSQL.
async fn behind_proxy() -> Option<(crate::support::TestDb, crate::support::ChaosProxy, String)> {
    let store = crate::support::TestDb::new(crate::support::Backend::Postgres).await?;
    let (address, template) = crate::support::authority(&store.url);
    let proxy = crate::support::ChaosProxy::start(address).await;
    let through = template.replace("{}", &format!("127.0.0.1:{}", proxy.port));
    let mut settings = plangraph::config::Settings::new(through, "127.0.0.1:0");
    settings.rate.enabled = false;
    let app = plangraph::startup::Application::build(&settings)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    Some((store, proxy, base))
}

/// PostgreSQL only: a SQLite store is a file that cannot go away while the server has it open.
#[tokio::test]
async fn an_outage_is_answered_at_once_and_recovered_from() {
    let Some((_store, proxy, base)) = behind_proxy().await else {
        return;
    };
    let client = reqwest::Client::new();
    let ask = |query: &str| {
        let (client, base, query) = (client.clone(), base.clone(), query.to_string());
        async move {
            let started = Instant::now();
            let r = client
                .post(format!("{base}/graphql"))
                .json(&json!({ "query": query }))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or_default();
            (status, body, started.elapsed())
        }
    };
    let (status, body, _) = ask(NORMAL).await;
    assert_eq!((status, code(&body)), (200, ""), "{body}");
    proxy.cut();
    // Requests the cache has not answered (a cached answer may be served until the process
    // learns that its notifications stopped: nobody can change the data it came from then).
    for query in [
        format!("{NORMAL} "),
        format!("{NORMAL}  "),
        "mutation { revokeMyTokens { revoked } }".to_string(),
        format!("{NORMAL}   "),
    ] {
        let (status, body, took) = ask(&query).await;
        assert_eq!(status, 503, "{query}: {body}");
        assert_eq!(code(&body), "SERVICE_UNAVAILABLE", "{body}");
        assert!(took < Duration::from_secs(1), "{query} took {took:?}");
    }
    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health.status().as_u16(), 503);
    proxy.restore();
    let back = Instant::now();
    loop {
        let (status, body, _) = ask(NORMAL).await;
        if status == 200 {
            assert_eq!(body["data"]["plans"][0]["code"], "women", "{body}");
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(2),
            "not recovered 2 s after the store came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

on_both_backends!(
    discovery_can_be_turned_off_and_the_api_still_answers,
    |backend| async move {
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.discovery = false;
        })
        .await
        else {
            return;
        };
        let ide = app
            .client
            .get(format!("{}/graphiql", app.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ide.status().as_u16(), 404, "GraphiQL is off");
        let landing = app
            .client
            .get(format!("{}/", app.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            landing.status().as_u16(),
            200,
            "the plans are not discovery"
        );
        let body = app.query("{ __schema { types { name } } }").await;
        assert_eq!(
            body["data"]["__schema"],
            Value::Null,
            "introspection is off: {body}"
        );
        let body = app.query("{ plans { cod } }").await;
        let message = body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(!message.contains("Did you mean"), "{message}");
        still_serves(&app).await;
        // on by default
        let Some(open) = TestApp::spawn(backend).await else {
            return;
        };
        let body = open.query("{ plans { cod } }").await;
        let message = body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains("Did you mean"), "{message}");
    }
);

on_both_backends!(
    the_bearer_scheme_is_case_insensitive,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        crate::workflow::user(&app, "stats.dai", plangraph::auth::UserRole::Reviewer, None).await;
        let token = crate::workflow::login(&app, "stats.dai").await;
        for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
            let body: Value = app
                .client
                .post(format!("{}/graphql", app.address))
                .header("authorization", format!("{scheme} {token}"))
                .json(&json!({ "query": "{ me { username } }" }))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .json()
                .await
                .unwrap_or_default();
            assert_eq!(
                body["data"]["me"]["username"], "stats.dai",
                "{scheme}: {body}"
            );
        }
        let body: Value = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("authorization", format!("Basic {token}"))
            .json(&json!({ "query": "{ me { username } }" }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        assert_eq!(code(&body), "UNAUTHENTICATED", "another scheme");
    }
);

/// The SQLite store holds password hashes: only its owner may read it.
#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_store_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let Some(app) = TestApp::spawn(crate::support::Backend::Sqlite).await else {
        return;
    };
    crate::workflow::user(&app, "stats.dai", plangraph::auth::UserRole::Reviewer, None).await;
    let path = app
        .url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    for file in [path.clone(), format!("{path}-wal")] {
        let mode = std::fs::metadata(&file)
            .unwrap_or_else(|e| panic!("{file}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
}

/// Another process holding a SQLite store's write lock (the CLI importing, a backup) makes
/// writes wait, never past the time limit, and is not taken for an outage: reads and
/// `/healthz` go on answering, and writes work again once the lock is let go.
#[tokio::test]
async fn a_sqlite_write_lock_held_elsewhere_keeps_the_time_limit() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let Some(app) = TestApp::spawn(crate::support::Backend::Sqlite).await else {
        return;
    };
    crate::workflow::user(&app, "stats.dai", plangraph::auth::UserRole::Reviewer, None).await;
    let other = sea_orm::Database::connect(app.url.as_str())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let held = other.begin().await.unwrap_or_else(|e| panic!("{e}"));
    held.execute_unprepared("CREATE TABLE lock_holder (x INTEGER)")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let login = "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }";
    let vars = json!({ "u": "stats.dai", "p": crate::workflow::PASSWORD });
    let started = Instant::now();
    let body = app.query_as(None, login, vars.clone()).await;
    let took = started.elapsed();
    // The store gives up on the lock (4 s) and the answer comes by the 5 s limit: 503, try
    // again (what follows the write is cut off at the limit).
    assert_eq!(code(&body), "SERVICE_UNAVAILABLE", "{body}");
    assert!(
        took < Duration::from_millis(5_500),
        "the write waited {took:?}"
    );
    // Not an outage: reads and the health check answer while the lock is held.
    still_serves(&app).await;
    held.rollback().await.unwrap_or_else(|e| panic!("{e}"));
    // Once the lock is let go, writes go through again (the store's own wait may still be
    // running out for the cancelled one).
    let started = Instant::now();
    loop {
        let body = app.query_as(None, login, vars.clone()).await;
        if body["data"]["login"]["token"].is_string() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// PostgreSQL only: a network that drops packets (the proxy holds every connection open and
/// forwards nothing) gets `/healthz` a 503 within its bound, not after TCP gives up; the
/// server answers again once the network is back.
#[tokio::test]
async fn a_silent_store_gets_a_bounded_health_check() {
    let Some((_store, proxy, base)) = behind_proxy().await else {
        return;
    };
    // A client that gives up, so that an unbounded check fails the test instead of hanging it.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let health = || async {
        let started = Instant::now();
        let status = client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or_else(|e| panic!("{e}"));
        (status, started.elapsed())
    };
    assert_eq!(health().await.0, 200);
    proxy.stall();
    let (status, took) = health().await;
    assert_eq!(status, 503);
    assert!(
        took < Duration::from_secs(3),
        "the health check took {took:?}"
    );
    proxy.restore();
    let back = Instant::now();
    while health().await.0 != 200 {
        assert!(
            back.elapsed() < Duration::from_secs(10),
            "not back 10 s after the network"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
