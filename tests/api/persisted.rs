//! Automatic persisted queries as Apollo Client's and urql's links send them: the hash alone
//! first, the text with its hash when the server does not know it, the hash alone again (by
//! POST, in a batch, and by GET with only `extensions` in the URL), and Apollo Client's own link
//! doing so (tests/node/persisted.mjs); and a flood of distinct texts kept within the server's
//! bound while it goes on serving.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::on_both_backends;
use crate::support::TestApp;

const HEALTH: &str = r#"{ plan(code: "health") { title period { start end } } }"#;

fn sha(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

fn extension(text: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": sha(text) } })
}

async fn post(app: &TestApp, body: &Value, accept: &str) -> (u16, Value, String) {
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept", accept)
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = r.status().as_u16();
    let cache = r
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok());
    let cache = cache.unwrap_or("").to_string();
    (status, r.json().await.unwrap_or_default(), cache)
}

fn not_found() -> Value {
    json!({ "errors": [{ "message": "PersistedQueryNotFound", "extensions": { "code": "PERSISTED_QUERY_NOT_FOUND" } }] })
}

fn health() -> Value {
    json!({ "data": { "plan": { "title": "昌乐县“十四五”卫生与健康规划", "period": { "start": 2021, "end": 2025 } } } })
}

on_both_backends!(
    persisted_queries_answer_by_hash_after_one_text,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let by_hash = json!({ "extensions": extension(HEALTH) });
        // unknown: 200 with the message the clients look for, under either response type
        for accept in ["application/json", "application/graphql-response+json"] {
            let (status, body, cache) = post(&app, &by_hash, accept).await;
            assert_eq!((status, body), (200, not_found()), "{accept}");
            assert_eq!(cache, "no-store");
        }
        // a text that does not parse is not kept
        let broken = "{ plan(code: \"health\") { title ";
        let sent = json!({ "query": broken, "extensions": extension(broken) });
        let (_, body, _) = post(&app, &sent, "application/json").await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "GRAPHQL_PARSE_FAILED"
        );
        let again = json!({ "extensions": extension(broken) });
        assert_eq!(post(&app, &again, "application/json").await.1, not_found());
        // a text whose hash is not its own is refused
        let lying = json!({ "query": HEALTH, "extensions": extension("{ plans { code } }") });
        let (status, body, _) = post(&app, &lying, "application/json").await;
        assert_eq!(status, 400);
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "PERSISTED_QUERY_HASH_MISMATCH"
        );
        // the text with its hash is answered and kept; the hash alone then answers
        let full = json!({ "query": HEALTH, "extensions": extension(HEALTH) });
        assert_eq!(post(&app, &full, "application/json").await.1, health());
        assert_eq!(post(&app, &by_hash, "application/json").await.1, health());
        // in a batch, each on its own
        let unknown = json!({ "extensions": extension("{ plans { title } }") });
        let (status, body, _) = post(&app, &json!([by_hash, unknown]), "application/json").await;
        assert_eq!((status, body), (200, json!([health(), not_found()])));
        // by GET, with only `extensions` in the URL: cacheable and revalidated like any query
        let url = format!("{}/graphql", app.address);
        let ext = extension(HEALTH).to_string();
        let r = app
            .client
            .get(&url)
            .header("accept", "application/json")
            .query(&[("extensions", ext.as_str())])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status().as_u16(), 200);
        let tag = r
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(tag.starts_with("\"v"), "{tag}");
        assert_eq!(r.json::<Value>().await.unwrap_or_default(), health());
        let r = app
            .client
            .get(&url)
            .header("if-none-match", &tag)
            .query(&[("extensions", ext.as_str())])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status().as_u16(), 304);
        // a version the protocol does not have
        let v2 = json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": sha(HEALTH) } } });
        let (status, body, _) = post(&app, &v2, "application/json").await;
        assert_eq!(status, 400);
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "PERSISTED_QUERY_NOT_SUPPORTED"
        );
    }
);

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Noise(u64);

impl Noise {
    fn text(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                char::from(b'a' + (self.0 % 26) as u8)
            })
            .collect()
    }
}

on_both_backends!(
    a_flood_of_persisted_texts_stays_within_the_bound,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // 300 distinct texts of ~20 KB (6 MB) against a bound of 4 MiB
        let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
        let mut texts = Vec::new();
        for _ in 0..300 {
            let text = format!("{{ plans {{ code }} }}\n# {}", noise.text(20_000));
            let sent = json!({ "query": text, "extensions": extension(&text) });
            let (status, body, _) = post(&app, &sent, "application/json").await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["data"]["plans"][0]["code"], "women");
            texts.push(text);
        }
        let mut found = 0;
        for text in &texts {
            let by_hash = json!({ "extensions": extension(text) });
            let (_, body, _) = post(&app, &by_hash, "application/json").await;
            if body["errors"].is_null() {
                found += 1;
            } else {
                assert_eq!(body, not_found());
            }
        }
        let bound = plangraph::config::Limits::default().persisted_bytes;
        assert!(
            found > 0 && found * 20_000 <= bound,
            "{found} of 300 texts of 20 KB kept"
        );
        // and the server goes on serving, by text and by hash
        let full = json!({ "query": HEALTH, "extensions": extension(HEALTH) });
        assert_eq!(post(&app, &full, "application/json").await.1, health());
        let by_hash = json!({ "extensions": extension(HEALTH) });
        assert_eq!(post(&app, &by_hash, "application/json").await.1, health());
    }
);

on_both_backends!(
    a_server_set_to_keep_no_texts_answers_every_hash_not_found,
    |backend| async move {
        let Some(app) = TestApp::spawn_with(backend, |s| s.limits.persisted_bytes = 0).await else {
            return;
        };
        let full = json!({ "query": HEALTH, "extensions": extension(HEALTH) });
        let by_hash = json!({ "extensions": extension(HEALTH) });
        for _ in 0..2 {
            assert_eq!(post(&app, &full, "application/json").await.1, health());
            assert_eq!(
                post(&app, &by_hash, "application/json").await.1,
                not_found()
            );
        }
    }
);

/// Apollo Client's answers and the requests its persisted-query link made, in `mode` (`post`,
/// or `get` for `useGETForHashedQueries`); None when the client cannot run here.
async fn apollo(app: &TestApp, mode: &str) -> Option<Value> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    if let Err(why) = crate::browser::ready(&dir) {
        crate::support::skipped(
            &format!("*** SKIPPED: Apollo Client's persisted-query link: {why}"),
            "PLANGRAPH_REQUIRE_BROWSER",
        );
        return None;
    }
    let out = tokio::process::Command::new("node")
        .arg("persisted.mjs")
        .arg(format!("{}/graphql", app.address))
        .arg(mode)
        .current_dir(&dir)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), out)
        .await
        .unwrap_or_else(|_| panic!("persisted.mjs ran for a minute"))
        .unwrap_or_else(|e| panic!("node: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    Some(serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}")))
}

on_both_backends!(
    apollo_clients_persisted_query_link_is_answered,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // by GET first (the text unknown): the hash by GET, the text by POST, then the hash
        // alone by GET for the second client
        let Some(got) = apollo(&app, "get").await else {
            return;
        };
        let answer = json!({ "plan": { "__typename": "Plan", "title": "昌乐县“十四五”卫生与健康规划", "period": { "__typename": "Period", "start": 2021, "end": 2025 } } });
        assert_eq!(got["answers"], json!([answer, answer]), "{got}");
        let sent = |method: &str, text: bool| json!({ "method": method, "withText": text });
        assert_eq!(
            got["sent"],
            json!([sent("GET", false), sent("POST", true), sent("GET", false)]),
            "{got}"
        );
        // by POST, the text now known: the hash alone, each time
        let Some(posted) = apollo(&app, "post").await else {
            return;
        };
        assert_eq!(posted["answers"], json!([answer, answer]), "{posted}");
        assert_eq!(
            posted["sent"],
            json!([sent("POST", false), sent("POST", false)])
        );
    }
);

on_both_backends!(
    a_subscribe_message_takes_a_persisted_query_as_a_post_does,
    |backend| async move {
        use crate::attacks::websocket::{next, ready, send};
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let mut ws = ready(&app).await;
        let subscribe =
            |id: &str, payload: Value| json!({ "id": id, "type": "subscribe", "payload": payload });
        // unknown hash: the protocol's error, with what the persisted-query links look for
        send(
            &mut ws,
            subscribe("a", json!({ "extensions": extension(HEALTH) })),
        )
        .await;
        let m = next(&mut ws).await;
        assert_eq!(
            m,
            json!({ "id": "a", "type": "error", "payload": not_found()["errors"] })
        );
        // the text with its hash is answered, and kept
        let with_text = json!({ "query": HEALTH, "extensions": extension(HEALTH) });
        send(&mut ws, subscribe("b", with_text)).await;
        let m = next(&mut ws).await;
        assert_eq!(m["payload"], health(), "{m}");
        assert_eq!(
            next(&mut ws).await,
            json!({ "id": "b", "type": "complete" })
        );
        // then the hash alone, over this connection and by POST
        send(
            &mut ws,
            subscribe("c", json!({ "extensions": extension(HEALTH) })),
        )
        .await;
        assert_eq!(next(&mut ws).await["payload"], health());
        assert_eq!(next(&mut ws).await["type"], "complete");
        let by_hash = json!({ "extensions": extension(HEALTH) });
        assert_eq!(post(&app, &by_hash, "application/json").await.1, health());
        // a text whose hash is not its own is refused
        let lying = json!({ "query": HEALTH, "extensions": extension("{ plans { code } }") });
        send(&mut ws, subscribe("d", lying)).await;
        let m = next(&mut ws).await;
        assert_eq!(m["type"], "error", "{m}");
        assert_eq!(
            m["payload"][0]["extensions"]["code"],
            "PERSISTED_QUERY_HASH_MISMATCH"
        );
        // no query and no hash: told so, as over HTTP
        send(&mut ws, subscribe("e", json!({}))).await;
        let m = next(&mut ws).await;
        assert_eq!(m["payload"][0]["extensions"]["code"], "BAD_REQUEST", "{m}");
        assert_eq!(
            m["payload"][0]["message"],
            "the request has no query: send { \"query\": \"{ … }\" } (with variables and \
             operationName when it needs them)"
        );
        // a payload that is no request closes the connection as the protocol says
        let variables = json!({ "query": HEALTH, "variables": "{}" });
        send(&mut ws, subscribe("f", variables)).await;
        assert_eq!(next(&mut ws).await, json!({ "close": 4400 }));
    }
);
