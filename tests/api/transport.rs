//! GraphQL over HTTP: methods, media types, status codes, limits, caching, the IDE, failures.

use std::net::TcpListener;

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};
use plangraph::config::Limits;
use plangraph::http::graphql::{routes, GraphqlState};
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::{code, publish, Backend, TestApp, TestDb};

const DASHBOARD: &str =
    r#"{ plan(code: "health") { indicators(first: 5) { nodes { name latestValue { value } } } } }"#;

/// The introspection query GraphiQL sends (graphql-js getIntrospectionQuery, all options on).
const IDE_INTROSPECTION: &str = r#"query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
  types { ...FullType } directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } } } }
fragment FullType on __Type { kind name description specifiedByURL
  fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields(includeDeprecated: true) { ...InputValue } interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } } }"#;

async fn get(app: &TestApp, query: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", query)]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap_or_else(|e| panic!("GET: {e}"))
}

async fn post_raw(app: &TestApp, body: String, accept: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST: {e}"))
}

on_both_backends!(
    get_runs_queries_and_refuses_mutations,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let r = get(&app, "{ plans { code } }", &[]).await;
        assert_eq!(r.status().as_u16(), 200);
        let body: Value = r.json().await.unwrap_or_default();
        assert_eq!(body["data"]["plans"][0]["code"], "women");
        let r = get(&app, "mutation { submitValue }", &[]).await;
        assert_eq!(r.status().as_u16(), 405);
        assert_eq!(
            r.headers().get("allow").and_then(|v| v.to_str().ok()),
            Some("POST")
        );
        let r = app
            .client
            .put(format!("{}/graphql", app.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status().as_u16(), 405);
        let r = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status().as_u16(), 415);
    }
);

on_both_backends!(media_types_and_status_codes, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let invalid = json!({ "query": "{ plans { nope } }" }).to_string();
    let r = post_raw(&app, invalid.clone(), "application/graphql-response+json").await;
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/graphql-response+json")
    );
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED");
    let r = post_raw(&app, invalid, "application/json").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let r = post_raw(&app, "{ not json".into(), "application/json").await;
    assert_eq!(r.status().as_u16(), 400);
    let r = post_raw(
        &app,
        json!({ "query": "{ plans { code" }).to_string(),
        "application/graphql-response+json",
    )
    .await;
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(code(&body), "GRAPHQL_PARSE_FAILED");
    // a field error is still 200 with data
    let r = post_raw(
        &app,
        json!({ "query": "{ indicators(first: 500) { totalCount } }" }).to_string(),
        "application/graphql-response+json",
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(code(&body), "BAD_USER_INPUT");
});

on_both_backends!(limits_reject_before_the_database, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let limits = Limits::default();
    // depth
    let levels = limits.depth; // plans + `levels` more levels of domains/plan, then code
    let mut deep = String::from("plans { ");
    for n in 0..levels {
        deep.push_str(if n % 2 == 0 { "domains { " } else { "plan { " });
    }
    deep.push_str("title ");
    deep.push_str(&"} ".repeat(levels + 1));
    let body: Value = post_raw(
        &app,
        json!({ "query": format!("{{ {deep} }}") }).to_string(),
        "application/json",
    )
    .await
    .json()
    .await
    .unwrap_or_default();
    assert_eq!(code(&body), "LIMIT_EXCEEDED", "{body}");
    // aliases
    let aliases: String = (0..=limits.aliases)
        .map(|i| format!("a{i}: plans {{ code }} "))
        .collect();
    let body: Value = post_raw(
        &app,
        json!({ "query": format!("{{ {aliases} }}") }).to_string(),
        "application/json",
    )
    .await
    .json()
    .await
    .unwrap_or_default();
    assert_eq!(code(&body), "LIMIT_EXCEEDED", "{body}");
    // body size: refused with 413 before parsing
    let big =
        json!({ "query": format!("{{ plans {{ code }} }} #{}", "x".repeat(limits.body_bytes)) })
            .to_string();
    assert_eq!(
        post_raw(&app, big, "application/json")
            .await
            .status()
            .as_u16(),
        413
    );
    // batches
    let one = json!({ "query": "{ plans { code } }" });
    let too_many = Value::Array(vec![one.clone(); limits.batch + 1]).to_string();
    let body: Value = post_raw(&app, too_many, "application/json")
        .await
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(code(&body), "LIMIT_EXCEEDED", "{body}");
    let two: Value = post_raw(
        &app,
        Value::Array(vec![one.clone(), one]).to_string(),
        "application/json",
    )
    .await
    .json()
    .await
    .unwrap_or_default();
    assert_eq!(two[1]["data"]["plans"][3]["code"], "earthquake");
    // the IDE's own introspection query passes
    let body: Value = post_raw(
        &app,
        json!({ "query": IDE_INTROSPECTION }).to_string(),
        "application/json",
    )
    .await
    .json()
    .await
    .unwrap_or_default();
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
});

/// Rejections are decided before any statement: they still answer with the store closed.
#[tokio::test]
async fn rejections_need_no_database() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    app.db
        .clone()
        .close()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let aliases: String = (0..=Limits::default().aliases)
        .map(|i| format!("a{i}: plans {{ code }} "))
        .collect();
    let body: Value = post_raw(
        &app,
        json!({ "query": format!("{{ {aliases} }}") }).to_string(),
        "application/json",
    )
    .await
    .json()
    .await
    .unwrap_or_default();
    assert_eq!(code(&body), "LIMIT_EXCEEDED");
    assert_eq!(
        get(&app, "mutation { x }", &[]).await.status().as_u16(),
        405
    );
    // and a store failure reaches the client as a fixed message with a code, no SQL
    let r = post_raw(
        &app,
        json!({ "query": "{ plans { code } }" }).to_string(),
        "application/json",
    )
    .await;
    let text = r.text().await.unwrap_or_default();
    assert!(
        text.contains("SERVICE_UNAVAILABLE") || text.contains("INTERNAL_SERVER_ERROR"),
        "{text}"
    );
    for leak in ["SELECT", "data_version", "sqlx", "pool", "plan"] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
}

on_both_backends!(etags_and_cache_follow_the_data, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let first = get(&app, DASHBOARD, &[]).await;
    let etag = first
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(etag.starts_with("\"v"), "{etag}");
    assert_eq!(
        first
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=0, must-revalidate")
    );
    let again = get(&app, DASHBOARD, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status().as_u16(), 304);
    // a value published through the store shows up, with a new ETag, as soon as the server
    // learns of it: at once on SQLite (read per request), by notification on PostgreSQL (a 304
    // until it arrives, milliseconds later)
    publish(&app.db, "health/plan/goal/1/t1", 2023, 80.3).await;
    let published = std::time::Instant::now();
    let after = loop {
        let r = get(&app, DASHBOARD, &[("if-none-match", &etag)]).await;
        if r.status().as_u16() != 304 {
            break r;
        }
        assert!(
            published.elapsed() < std::time::Duration::from_secs(2),
            "the change was not learned within 2 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert_eq!(after.status().as_u16(), 200);
    assert_ne!(
        after.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some(etag.as_str())
    );
    let body: Value = after.json().await.unwrap_or_default();
    assert_eq!(
        body["data"]["plan"]["indicators"]["nodes"][0]["latestValue"]["value"],
        80.3
    );
});

/// Two server processes on one PostgreSQL database: a change made next to both is seen by both.
#[tokio::test]
async fn two_servers_on_one_postgres_database_both_see_a_change() {
    let Some(store) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let spawn = || async {
        let app = plangraph::startup::Application::build(&plangraph::config::Settings::new(
            store.url.clone(),
            "127.0.0.1:0",
        ))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
        let address = format!("http://127.0.0.1:{}/graphql", app.port());
        tokio::spawn(app.run_until_stopped());
        address
    };
    let (a, b) = (spawn().await, spawn().await);
    let client = reqwest::Client::new();
    let read = |address: String| {
        let client = client.clone();
        async move {
            let body: Value = client
                .post(address)
                .json(&json!({ "query": DASHBOARD }))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .json()
                .await
                .unwrap_or_default();
            body["data"]["plan"]["indicators"]["nodes"][0]["latestValue"]["value"].clone()
        }
    };
    assert_eq!(read(a.clone()).await, json!(80.11));
    assert_eq!(read(b.clone()).await, json!(80.11));
    let db = store.connect().await;
    publish(&db, "health/plan/goal/1/t1", 2024, 80.2).await;
    assert_eq!(read(a).await, json!(80.2));
    assert_eq!(read(b).await, json!(80.2));
}

struct Boom;

#[Object]
impl Boom {
    /// Panics.
    async fn boom(&self) -> i32 {
        "not a number"
            .parse::<i32>()
            .unwrap_or_else(|_| panic!("resolver bug"))
    }

    /// Works.
    async fn fine(&self) -> i32 {
        1
    }
}

/// A panic in a resolver answers 500 and the server keeps serving.
#[tokio::test]
async fn a_panicking_resolver_answers_500_and_the_server_carries_on() {
    let schema = Schema::build(Boom, EmptyMutation, EmptySubscription).finish();
    let state = actix_web::web::Data::new(GraphqlState {
        executor: schema,
        limits: Limits::default(),
        store: None,
        health: None,
        cache: None,
        inflight: Default::default(),
        version: plangraph::version::DataVersion::polled(plangraph::repo::Stamp {
            version: 1,
            changed_at: 0,
            structure: 1,
        }),
        checker: std::sync::Arc::new(plangraph::limits::check::Checker::new(
            Limits::default(),
            Default::default(),
        )),
        rate: std::sync::Arc::new(plangraph::limits::rate::RateLimiter::new(Default::default())),
        running: std::sync::Arc::new(tokio::sync::Semaphore::new(1)),
        documents: Default::default(),
        persisted: plangraph::http::persisted::PersistedQueries::new(
            Limits::default().persisted_bytes,
        ),
        snapshots: None,
    });
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new().configure(|cfg| routes(cfg, state.clone()))
    })
    .workers(1)
    .listen(listener)
    .unwrap_or_else(|e| panic!("{e}"))
    .run();
    tokio::spawn(server);
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/graphql");
    let r = client
        .post(&url)
        .json(&json!({ "query": "{ boom }" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status().as_u16(), 500);
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(
        body,
        json!({ "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL_SERVER_ERROR" } }] })
    );
    let r = client
        .post(&url)
        .json(&json!({ "query": "{ fine }" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status().as_u16(), 200);
}

on_both_backends!(
    the_ide_works_offline_and_cors_is_open,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let page = app
            .client
            .get(format!("{}/graphiql", app.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .text()
            .await
            .unwrap_or_default();
        assert!(page.contains(r#"<script src="/ide/graphiql.min.js"></script>"#));
        assert!(
            !page.contains("https://"),
            "the IDE must not load anything from the internet"
        );
        // The query the IDE opens with, the first thing a visitor runs, runs without errors.
        let query = plangraph::http::ide::DEFAULT_QUERY;
        assert!(page.contains(query), "the page's default query");
        let body = app.query(query).await;
        assert_eq!(body.get("errors"), None, "{body}");
        let plans = &body["data"]["plans"];
        assert_eq!(plans[0]["code"], "women", "{body}");
        assert_eq!(plans[0]["title"], "昌乐县“十四五”妇女发展规划", "{body}");
        assert_eq!(
            plans[0]["indicators"]["nodes"].as_array().map(Vec::len),
            Some(5)
        );
        for asset in [
            "graphiql.min.js",
            "graphiql.min.css",
            "react.production.min.js",
            "react-dom.production.min.js",
        ] {
            let r = app
                .client
                .get(format!("{}/ide/{asset}", app.address))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.status().as_u16(), 200, "{asset}");
            assert!(
                r.bytes().await.map(|b| b.len()).unwrap_or(0) > 10_000,
                "{asset}"
            );
        }
        let r = app
            .client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", "https://data.example.org")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(r.status().is_success());
        assert_eq!(
            r.headers()
                .get("access-control-allow-origin")
                .and_then(|v| v.to_str().ok()),
            Some("*")
        );
    }
);

on_both_backends!(
    too_many_fields_are_refused_before_running,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // No aliases, shallow, small body — but a fragment of 21 fields spread 10,000 times
        // over every plan: 840,000 fields by the estimate, and 220,001 selections once the
        // spreads are written out, which is refused first.
        let spreads = "...F ".repeat(10_000);
        let fields = "code title ".repeat(10);
        let query = format!("{{ plans {{ {spreads} }} }} fragment F on Plan {{ {fields} id }}");
        let before = app.statements.load(std::sync::atomic::Ordering::SeqCst);
        let body: Value = post_raw(
            &app,
            json!({ "query": query }).to_string(),
            "application/json",
        )
        .await
        .json()
        .await
        .unwrap_or_default();
        assert_eq!(code(&body), "LIMIT_EXCEEDED", "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap_or("")
                .contains("220001 selections"),
            "{body}"
        );
        assert_eq!(
            app.statements.load(std::sync::atomic::Ordering::SeqCst),
            before,
            "a rejection ran SQL"
        );
    }
);

on_both_backends!(
    the_batch_loaders_wait_on_the_servers_own_runtime,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // The deep query batches every level through the request's loaders. async-graphql's,
        // which waited for a level's keys on a timer, used async-io's timer thread without its
        // `tokio-timer` feature: a helper thread woken for every batch, which then woke the
        // server's worker (two context switches per batch on a loaded core, issue 11). No
        // timer of ours or async-graphql's may run beside the server's runtime.
        let body = app.query(crate::statements::DEEP).await;
        assert_eq!(
            body["data"]["plans"].as_array().map(Vec::len),
            Some(4),
            "{body}"
        );
        let threads: Vec<String> = std::fs::read_dir("/proc/self/task")
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
                    .map(|name| name.trim().to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert!(!threads.is_empty(), "no threads read from /proc/self/task");
        assert!(
            !threads.iter().any(|name| name == "async-io"),
            "a timer thread beside the runtime: {threads:?}"
        );
    }
);

on_both_backends!(
    a_connection_in_use_is_not_pinged_before_each_statement,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // sqlx's default pings a pooled connection at every checkout: a round trip before
        // every statement. The pool pings only connections idle for a while (a hook, not
        // this flag).
        let tested = match backend {
            Backend::Postgres => app
                .db
                .get_postgres_connection_pool()
                .options()
                .get_test_before_acquire(),
            Backend::Sqlite => app
                .db
                .get_sqlite_connection_pool()
                .options()
                .get_test_before_acquire(),
        };
        assert!(!tested, "every checkout pings the store");
        let body = app.query("{ plans { code } }").await;
        assert_eq!(body["data"]["plans"][0]["code"], "women", "{body}");
    }
);

on_both_backends!(
    a_statement_keeps_its_plan_whatever_is_bound,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // Without the planner's stability guarantee SQLite prepares a statement again on
        // every run when a bound value might change its plan: every `LIKE ?`, and on an
        // analysed store every condition on an indexed column. PostgreSQL, choosing plans
        // for each run's values, planned a plan's indicators at every request at 100× the data.
        let kept = plangraph::db::keeps_plans(&app.db).await;
        assert!(
            matches!(kept, Ok(true)),
            "{backend:?}: plans follow bound values ({kept:?})"
        );
        let body = app
            .query(r#"{ search(text: "婴儿死亡率") { totalCount } }"#)
            .await;
        assert_eq!(body["data"]["search"]["totalCount"], 2, "{body}");
    }
);

on_both_backends!(
    a_statement_given_up_leaves_its_connection_clean,
    |backend| async move {
        use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
        use std::time::Duration;
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // A connection goes back to the pool settled, not pinged (vendor/README.md): what a
        // statement given up part-way still owes is read, and a transaction dropped unfinished
        // is rolled back, before the connection serves anyone else.
        let store = app.db.get_database_backend();
        let raw = |sql: String| Statement::from_string(store, sql);
        let slow = match store {
            DbBackend::Postgres => "SELECT 1 FROM pg_sleep(0.3)",
            _ => {
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) \
                  SELECT count(*) FROM c"
            }
        };
        for _ in 0..3 {
            let given_up = tokio::time::timeout(
                Duration::from_millis(20),
                app.db.query_all_raw(raw(slow.into())),
            )
            .await;
            assert!(
                given_up.is_err(),
                "{store:?}: the slow statement took < 20 ms"
            );
        }
        {
            let txn = app.db.begin().await.unwrap_or_else(|e| panic!("{e}"));
            txn.execute_unprepared("UPDATE plan SET title = 'dropped' WHERE code = 'women'")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            // Dropped without a commit.
        }
        if store == DbBackend::Postgres {
            // Rolled back at once, not when the connection is next used: until then it would
            // sit idle in its transaction, holding the row's lock against every writer.
            let other = sea_orm::Database::connect(&app.url)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut open = -1;
            for _ in 0..40 {
                open = other
                    .query_one_raw(raw(
                        "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() \
                         AND state LIKE 'idle in transaction%'"
                            .into(),
                    ))
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
                    .and_then(|row| row.try_get_by_index::<i32>(0).ok())
                    .unwrap_or(-1);
                if open == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert_eq!(open, 0, "a dropped transaction was left open");
        }
        // Every statement after them gets its own answer, whichever connection runs it.
        let answers = futures_util::future::join_all((0..40).map(|n| {
            let db = app.db.clone();
            let statement = raw(format!("SELECT {n} AS n"));
            async move { db.query_one_raw(statement).await }
        }))
        .await;
        for (n, answer) in answers.into_iter().enumerate() {
            let got = answer
                .unwrap_or_else(|e| panic!("{store:?}: statement {n}: {e}"))
                .and_then(|row| row.try_get_by_index::<i32>(0).ok());
            assert_eq!(got, i32::try_from(n).ok(), "{store:?}");
        }
        let row = app
            .db
            .query_one_raw(raw("SELECT title FROM plan WHERE code = 'women'".into()))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .and_then(|row| row.try_get_by_index::<String>(0).ok());
        assert_eq!(
            row.as_deref(),
            Some("昌乐县“十四五”妇女发展规划"),
            "{store:?}"
        );
        let body = app.query("{ plans { code } }").await;
        assert_eq!(body["data"]["plans"][3]["code"], "earthquake", "{body}");
    }
);

on_both_backends!(
    a_body_that_is_no_graphql_request_is_told_what_is_wrong,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let no_query = "the request has no query: send { \"query\": \"{ … }\" } (with variables \
                        and operationName when it needs them)";
        let not_an_object =
            "the body must be a JSON object { \"query\": … } (or an array of them for a batch)";
        let variables = "`variables` must be a JSON object of the variables' values (or null)";
        let query = "`query` must be a string holding the GraphQL document (left out when a \
                     persisted query's hash stands for it)";
        let cases = [
            ("{}", no_query.to_string()),
            (r#"{"query":""}"#, no_query.to_string()),
            ("[]", "a batch must hold at least one operation".to_string()),
            ("null", not_an_object.to_string()),
            (r#""{ plans { code } }""#, not_an_object.to_string()),
            (
                r#"["{ plans { code } }"]"#,
                "operation 0 of the batch: it is not a JSON object { \"query\": … }".to_string(),
            ),
            (
                r#"{"query":"{ plans { code } }","variables":"{}"}"#,
                variables.to_string(),
            ),
            (r#"{"query":null}"#, query.to_string()),
            (
                r#"[{"query":"{ plans { code } }"},{"query":"{ plans { code } }","variables":[]}]"#,
                format!("operation 1 of the batch: {variables}"),
            ),
        ];
        for (sent, said) in cases {
            let r = post_raw(&app, sent.to_string(), "application/json").await;
            assert_eq!(r.status().as_u16(), 400, "{sent}");
            let body: Value = r.json().await.unwrap_or_default();
            assert_eq!(code(&body), "BAD_REQUEST", "{sent}: {body}");
            assert_eq!(body["errors"][0]["message"], said, "{sent}");
        }
        // inside a batch, the member with no query is refused on its own
        let r = post_raw(
            &app,
            r#"[{"query":"{ plans { code } }"},{}]"#.to_string(),
            "application/json",
        )
        .await;
        let body: Value = r.json().await.unwrap_or_default();
        assert_eq!(body[0]["data"]["plans"][0]["code"], "women", "{body}");
        assert_eq!(body[1]["errors"][0]["message"], no_query, "{body}");
    }
);

on_both_backends!(
    a_required_variable_left_out_is_a_request_error_on_every_transport,
    |backend| async move {
        use crate::attacks::websocket::{next, ready, send};
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let query = "query Plan($code: String!) { plan(code: $code) { code } }";
        let left_out = "Variable \"$code\" of required type \"String!\" was not provided.";
        let null = "Variable \"$code\" of non-null type \"String!\" must not be null.";
        for (variables, said) in [(json!({}), left_out), (json!({ "code": null }), null)] {
            let sent = json!({ "query": query, "variables": variables }).to_string();
            for (accept, status) in [
                ("application/json", 200),
                ("application/graphql-response+json", 400),
            ] {
                let r = post_raw(&app, sent.clone(), accept).await;
                assert_eq!(r.status().as_u16(), status, "{sent} {accept}");
                let body: Value = r.json().await.unwrap_or_default();
                assert_eq!(
                    body,
                    json!({ "errors": [{ "message": said, "extensions": { "code": "BAD_USER_INPUT" } }] }),
                    "{sent} {accept}"
                );
            }
        }
        let r = get(&app, query, &[]).await;
        let body: Value = r.json().await.unwrap_or_default();
        assert_eq!(body["errors"][0]["message"], left_out, "{body}");
        // variables that are no object are refused by GET as by POST
        for variables in [r#""health""#, "[1]", "7"] {
            let r = app
                .client
                .get(format!("{}/graphql", app.address))
                .query(&[("query", query), ("variables", variables)])
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET: {e}"));
            assert_eq!(r.status().as_u16(), 400, "{variables}");
            let body: Value = r.json().await.unwrap_or_default();
            assert_eq!(
                body["errors"][0]["message"],
                "`variables` must be a JSON object of the variables' values (or null)",
                "{variables}"
            );
        }
        let mut ws = ready(&app).await;
        let payload = json!({ "query": query, "variables": { "code": null } });
        send(
            &mut ws,
            json!({ "id": "v", "type": "subscribe", "payload": payload }),
        )
        .await;
        let m = next(&mut ws).await;
        assert_eq!(m["type"], "error", "{m}");
        assert_eq!(m["payload"][0]["message"], null);
        // given, the operation runs
        let sent = json!({ "query": query, "variables": { "code": "health" } }).to_string();
        let body: Value = post_raw(&app, sent, "application/json")
            .await
            .json()
            .await
            .unwrap_or_default();
        assert_eq!(body, json!({ "data": { "plan": { "code": "health" } } }));
    }
);
