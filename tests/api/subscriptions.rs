//! Subscriptions over `graphql-transport-ws` with a real client (the `graphql-ws` library, in
//! tests/node/subscribe.mjs): an approval made through another server process on the same
//! store reaches a subscriber of this one within a second; nothing unpublished is sent; a
//! subscription is checked like any request.

use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use plangraph::auth::UserRole;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::workflow::{user, PASSWORD, REVIEW, SUBMIT};

fn node_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node")
}

/// The node client is there, or the test says loudly why not (a failure when required).
fn client_ready() -> bool {
    match crate::browser::ready(&node_dir()) {
        Ok(()) => true,
        Err(why) => {
            crate::support::skipped(
                &format!("*** SKIPPED: the graphql-ws subscription client: {why}"),
                "PLANGRAPH_REQUIRE_BROWSER",
            );
            false
        }
    }
}

/// A client subscribed with `query`; returns it once the server acknowledged the connection.
type Output = tokio::io::Lines<BufReader<tokio::process::ChildStdout>>;

async fn subscribe(app: &TestApp, query: &str, count: usize) -> (Child, Output) {
    subscribe_copies(app, query, count, 1).await
}

/// Like [`subscribe`], with the subscription made `copies` times over one connection.
async fn subscribe_copies(
    app: &TestApp,
    query: &str,
    count: usize,
    copies: usize,
) -> (Child, Output) {
    let url = app.address.replacen("http://", "ws://", 1) + "/graphql";
    let mut child = Command::new("node")
        .arg("subscribe.mjs")
        .arg(url)
        .arg(query)
        .arg(count.to_string())
        .arg("15000")
        .arg(copies.to_string())
        .current_dir(node_dir())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("node: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let first = next(&mut lines).await;
    assert_eq!(first, json!({ "ready": true }));
    // The subscribe message follows the acknowledgement; give the server a moment to start it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    (child, lines)
}

async fn next(lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>) -> Value {
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap_or_else(|_| panic!("the client printed nothing for 20 s"))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("the client ended"));
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// A second `plangraph serve` process on the same store.
struct OtherProcess {
    child: Child,
    address: String,
}

async fn other_process(app: &TestApp) -> OtherProcess {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let child = Command::new(env!("CARGO_BIN_EXE_plangraph"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", &app.url)
        .env(
            "PLANGRAPH_JWT_SECRET",
            "another-process-secret-of-at-least-32-bytes!",
        )
        .env("PLANGRAPH_RATE_LIMIT", "off")
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("plangraph serve: {e}"));
    let address = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if app
            .client
            .get(format!("{address}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return OtherProcess { child, address };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the second server did not start");
}

async fn post(
    app: &TestApp,
    address: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Value {
    let mut request = app
        .client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

on_both_backends!(
    an_approval_through_another_process_reaches_subscribers_within_a_second,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        if !client_ready() {
            return;
        }
        let mut other = other_process(&app).await;
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let login = "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }";
        let mut tokens = Vec::new();
        for name in ["wj.ann", "stats.dai"] {
            let body = post(
                &app,
                &other.address,
                None,
                login,
                json!({ "u": name, "p": PASSWORD }),
            )
            .await;
            tokens.push(
                body["data"]["login"]["token"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{body}"))
                    .to_string(),
            );
        }
        let body = app
            .query(r#"{ indicators(filter: { text: "婴儿死亡率" }) { nodes { id } } }"#)
            .await;
        let infant = body["data"]["indicators"]["nodes"][0]["id"].clone();

        let (mut client, mut lines) = subscribe(
            &app,
            "subscription { valuePublished { indicator { id name } year value } }",
            1,
        )
        .await;
        // A submission is not public: nothing is sent for it.
        let body = post(
            &app,
            &other.address,
            Some(&tokens[0]),
            SUBMIT,
            json!({ "i": infant, "y": 2023, "v": 3.5, "e": 0 }),
        )
        .await;
        let value = body["data"]["submitValue"]["value"]["id"].clone();
        assert!(value.is_string(), "{body}");
        tokio::time::sleep(Duration::from_millis(800)).await;
        let body = post(
            &app,
            &other.address,
            Some(&tokens[1]),
            REVIEW,
            json!({ "id": value, "d": "APPROVE" }),
        )
        .await;
        assert_eq!(
            body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
            "{body}"
        );
        let approved = now_ms();

        let event = next(&mut lines).await;
        assert_eq!(
            event["result"],
            json!({ "data": { "valuePublished": { "indicator": { "id": infant, "name": "婴儿死亡率" }, "year": 2023, "value": 3.5 } } }),
            "the first event is the approval, not the submission"
        );
        let at = event["at"].as_u64().map_or(0, u128::from);
        let delay = at.saturating_sub(approved);
        eprintln!("{backend:?}: approval to subscriber in {delay} ms");
        assert!(delay < 1000, "{delay} ms");
        let _ = client.wait().await;
        let _ = other.child.kill().await;

        // A subscription is checked like a request: too deep is refused, with its code.
        let deep = format!(
            "subscription {{ valuePublished {{ indicator {{ {}id{} }} }} }}",
            "targets { indicator { ".repeat(40),
            " } }".repeat(40)
        );
        let (mut client, mut lines) = subscribe(&app, &deep, 1).await;
        // Refused before it runs: the protocol's `error` message, which the client reports as
        // an error (not as a result), with the API's code.
        let refused = next(&mut lines).await;
        assert_eq!(
            refused["error"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
            "{refused}"
        );
        let _ = client.kill().await;

        // A connection holds at most 10 subscriptions: the eleventh is refused, with its code.
        let (mut client, mut lines) =
            subscribe_copies(&app, "subscription { documentImported { number } }", 1, 11).await;
        let refused = next(&mut lines).await;
        assert_eq!(refused["copy"], 10, "{refused}");
        assert_eq!(
            refused["error"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
            "{refused}"
        );
        assert!(refused["error"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("a connection may hold 10 subscriptions"));
        let _ = client.kill().await;
        // and the server still serves
        let body = app.query("{ plans { code } }").await;
        assert_eq!(body["data"]["plans"][0]["code"], "women");
    }
);

on_both_backends!(
    a_subscriber_that_reconnects_with_its_last_seq_misses_nothing,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        if !client_ready() {
            return;
        }
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.eve", UserRole::Reviewer, None).await;
        let ann = crate::workflow::login(&app, "wj.ann").await;
        let eve = crate::workflow::login(&app, "stats.eve").await;
        // Published while nobody listened: publications 3 and 5 (each submission is one too).
        crate::evaluations::publish(&app, &ann, &eve, "重大慢性病过早死亡率", 15.0).await;
        crate::evaluations::publish(&app, &ann, &eve, "婴儿死亡率", 2.1).await;

        // From publication 1 on: what was missed first, in order, then what happens live.
        let (mut client, mut lines) = subscribe(
            &app,
            "subscription { changes(afterSeq: 1) { seq kind value { value version } } }",
            4,
        )
        .await;
        let change = |seq: i64, kind: &str, value: Value, version: i64| json!({ "data": { "changes": { "seq": seq, "kind": kind, "value": { "value": value, "version": version } } } });
        assert_eq!(
            next(&mut lines).await["result"],
            change(3, "VALUE_PUBLISHED", json!(15), 1)
        );
        assert_eq!(
            next(&mut lines).await["result"],
            change(5, "VALUE_PUBLISHED", json!(2.1), 1)
        );
        // A correction: one publication, the old value superseded and the new one published.
        crate::evaluations::publish(&app, &ann, &eve, "重大慢性病过早死亡率", 14.2).await;
        let mut live = vec![
            next(&mut lines).await["result"].clone(),
            next(&mut lines).await["result"].clone(),
        ];
        live.sort_by_key(|r| r["data"]["changes"]["kind"].as_str().map(String::from));
        assert_eq!(
            live,
            vec![
                change(7, "VALUE_PUBLISHED", json!(14.2), 2),
                change(7, "VALUE_SUPERSEDED", json!(15), 1)
            ]
        );
        let _ = client.wait().await;

        // The older subscriptions take `afterSeq` too: after 5, the correction's new value.
        let (mut client, mut lines) = subscribe(
            &app,
            "subscription { valuePublished(afterSeq: 5) { value seq } }",
            1,
        )
        .await;
        assert_eq!(
            next(&mut lines).await["result"],
            json!({ "data": { "valuePublished": { "value": 14.2, "seq": 7 } } })
        );
        let _ = client.wait().await;
    }
);

on_both_backends!(
    a_subscriber_hears_the_cells_only_when_it_asks,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        if !client_ready() {
            return;
        }
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.eve", UserRole::Reviewer, None).await;
        let ann = crate::workflow::login(&app, "wj.ann").await;
        let eve = crate::workflow::login(&app, "stats.eve").await;
        let infant = crate::quality::indicator(&app, "婴儿死亡率").await;
        let submit = "mutation($i: ID!, $y: Int!, $v: Float!, $b: [BreakdownInput!]) { submitValue(input: { indicatorId: $i, year: $y, value: $v, breakdown: $b }) { value { id } } }";
        let publish = |year: i32, value: f64, code: Option<&'static str>| {
            let (app, ann, eve, infant) = (&app, &ann, &eve, &infant);
            async move {
                let cell = code.map(|c| json!([{ "dimension": "SEX", "code": c }]));
                let vars = json!({ "i": infant, "y": year, "v": value, "b": cell });
                let body = app.query_as(Some(ann), submit, vars).await;
                let id = body["data"]["submitValue"]["value"]["id"].clone();
                let review = json!({ "id": id, "d": "APPROVE", "c": "分性别数据另行核实" });
                let body = app.query_as(Some(eve), REVIEW, review).await;
                assert_eq!(
                    body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
                    "{body}"
                );
            }
        };
        // Published while nobody listened: girls' figure, then the total.
        publish(2021, 2.0, Some("F")).await;
        publish(2021, 2.3, None).await;
        let fields = "{ value year breakdown { code } }";
        let (mut totals, mut totals_out) = subscribe(
            &app,
            &format!("subscription {{ valuePublished(afterSeq: 1) {fields} }}"),
            2,
        )
        .await;
        let (mut all, mut all_out) = subscribe(
            &app,
            &format!("subscription {{ valuePublished(afterSeq: 1, includeCells: true) {fields} }}"),
            3,
        )
        .await;
        // The JavaScript client prints 2.0 as 2.
        let heard = |value: Value, year: i32, codes: Value| json!({ "data": { "valuePublished": { "value": value, "year": year, "breakdown": codes } } });
        // Caught up from the store.
        assert_eq!(
            next(&mut totals_out).await["result"],
            heard(json!(2.3), 2021, json!([]))
        );
        assert_eq!(
            next(&mut all_out).await["result"],
            heard(json!(2), 2021, json!([{ "code": "F" }]))
        );
        assert_eq!(
            next(&mut all_out).await["result"],
            heard(json!(2.3), 2021, json!([]))
        );
        // Live: boys' figure reaches only the subscriber that asked; the next total both.
        publish(2021, 2.5, Some("M")).await;
        publish(2022, 2.2, None).await;
        assert_eq!(
            next(&mut all_out).await["result"],
            heard(json!(2.5), 2021, json!([{ "code": "M" }]))
        );
        assert_eq!(
            next(&mut totals_out).await["result"],
            heard(json!(2.2), 2022, json!([]))
        );
        let _ = totals.wait().await;
        let _ = all.wait().await;
    }
);
