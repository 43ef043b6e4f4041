//! Cached answers and ETags never outlive a change: every public field a mutation can change
//! is read anonymously (cached, tagged), changed through the API, and read again. And the
//! tables behind them all bump the data version, by one rule.

use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::{code, TestApp};
use crate::workflow::{indicator_id, login, scalar, user, REVIEW, SCREENING, SUBMIT, UNNAMED};
use plangraph::auth::UserRole;

/// GETs a query as the public; returns the ETag and the data.
async fn read(app: &TestApp, query: &str, etag: Option<&str>) -> (u16, String, Value) {
    let mut request = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", query)]);
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    let r = request.send().await.unwrap_or_else(|e| panic!("GET: {e}"));
    let status = r.status().as_u16();
    let etag = r
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = if status == 304 {
        Value::Null
    } else {
        r.json().await.unwrap_or_default()
    };
    (status, etag, body["data"].clone())
}

/// Reads, checks the cache answers 304 while nothing changed, runs `change`, and returns the
/// data before and after — after having checked that the old ETag no longer matches.
async fn around<F, Fut>(app: &TestApp, query: &str, change: F) -> (Value, Value)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (_, etag, before) = read(app, query, None).await;
    assert!(!etag.is_empty(), "no ETag for {query}");
    let (status, _, _) = read(app, query, Some(&etag)).await;
    assert_eq!(status, 304, "unchanged data answers 304");
    change().await;
    let (status, new_etag, after) = read(app, query, Some(&etag)).await;
    assert_eq!(status, 200, "a stale ETag matched after a change: {query}");
    assert_ne!(new_etag, etag);
    (before, after)
}

on_both_backends!(
    every_public_field_a_mutation_changes_is_fresh,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        user(&app, "admin.fu", UserRole::Admin, None).await;
        let (ann, dai, fu) = (
            login(&app, "wj.ann").await,
            login(&app, "stats.dai").await,
            login(&app, "admin.fu").await,
        );
        let unnamed = indicator_id(&app, UNNAMED).await;
        let screening = indicator_id(&app, SCREENING).await;
        let fields = "name unit direction reporters { name } values { year value } latestValue { year value } targets { status progress statusReason } publicationHistory { year value }";

        // assignReporter → Indicator.reporters (a table that bumped no version before)
        let query = format!(r#"{{ node(id: "{unnamed}") {{ ... on Indicator {{ {fields} }} }} }}"#);
        let (before, after) = around(&app, &query, || async {
            let body = app.query_as(Some(&fu), "mutation($i: ID!) { assignReporter(input: { indicatorId: $i, department: \"卫健局\" }) { indicator { id } } }", json!({ "i": unnamed })).await;
            assert_eq!(body.get("errors"), None, "{body}");
        })
        .await;
        assert_eq!(before["node"]["reporters"], json!([]));
        assert_eq!(after["node"]["reporters"], json!([{ "name": "县卫健局" }]));

        // updateIndicator → name, unit, direction
        let (before, after) = around(&app, &query, || async {
            let body = app.query_as(Some(&fu), "mutation($i: ID!) { updateIndicator(input: { id: $i, unit: \"‰\", direction: KEEP }) { indicator { id } } }", json!({ "i": unnamed })).await;
            assert_eq!(body.get("errors"), None, "{body}");
        })
        .await;
        assert_eq!(before["node"]["unit"], "%");
        assert_eq!(before["node"]["direction"], "HIGHER_IS_BETTER");
        assert_eq!(after["node"]["unit"], "‰");
        assert_eq!(after["node"]["direction"], "KEEP");

        // a submission changes nothing public (and may leave the ETag as it was or not);
        // its approval changes values, the latest value, progress, status and history
        let query =
            format!(r#"{{ node(id: "{screening}") {{ ... on Indicator {{ {fields} }} }} }}"#);
        let submitted = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": screening, "y": 2021, "v": 90.0, "e": 0 }),
            )
            .await;
        let id = submitted["data"]["submitValue"]["value"]["id"].clone();
        assert!(id.is_string(), "{submitted}");
        let (before, after) = around(&app, &query, || async {
            let body = app
                .query_as(Some(&dai), REVIEW, json!({ "id": id, "d": "APPROVE" }))
                .await;
            assert_eq!(
                body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
                "{body}"
            );
        })
        .await;
        assert_eq!(before["node"]["latestValue"], Value::Null);
        assert_eq!(before["node"]["targets"][0]["status"], "NO_DATA");
        assert_eq!(after["node"]["targets"][0]["status"], "ACHIEVED");
        assert_eq!(
            after["node"]["latestValue"],
            json!({ "year": 2021, "value": 90.0 })
        );
        assert_eq!(
            after["node"]["values"],
            json!([{ "year": 2021, "value": 90.0 }])
        );
        assert_eq!(
            after["node"]["publicationHistory"],
            json!([{ "year": 2021, "value": 90.0 }])
        );

        // the early-warning list and the status filter follow the same values
        let warnings = r#"{ earlyWarnings(planCode: "women") { nodes { id } } targets(filter: { planCode: "women", status: [NO_DATA] }) { totalCount } }"#;
        let (before, after) = around(&app, warnings, || async {
            let body = app
                .query_as(
                    Some(&ann),
                    SUBMIT,
                    json!({ "i": screening, "y": 2022, "v": 1.0, "e": 0 }),
                )
                .await;
            let id = body["data"]["submitValue"]["value"]["id"].clone();
            // A fall from 90% to 1% is a fluctuation: approving it needs a comment.
            let why = "筛查口径调整，经核实";
            let body = app
                .query_as(
                    Some(&dai),
                    REVIEW,
                    json!({ "id": id, "d": "APPROVE", "c": why }),
                )
                .await;
            assert_eq!(code(&body), "", "{body}");
        })
        .await;
        assert_ne!(before, after, "a fall to 1% is an early warning");

        // the public changes follow values: an approval adds one
        let changes = "{ changes(afterSeq: 1) { totalCount } }";
        let (before, after) = around(&app, changes, || async {
            let body = app
                .query_as(
                    Some(&ann),
                    SUBMIT,
                    json!({ "i": screening, "y": 2023, "v": 1.1, "e": 0 }),
                )
                .await;
            let id = body["data"]["submitValue"]["value"]["id"].clone();
            let body = app
                .query_as(Some(&dai), REVIEW, json!({ "id": id, "d": "APPROVE" }))
                .await;
            assert_eq!(code(&body), "", "{body}");
        })
        .await;
        assert_eq!(before["changes"]["totalCount"], 2);
        assert_eq!(after["changes"]["totalCount"], 3);

        // and so do the frozen evaluations: a freeze adds one
        let evaluations = "{ evaluations { totalCount } }";
        let (before, after) = around(&app, evaluations, || async {
            let body = app
                .query_as(
                    Some(&dai),
                    crate::evaluations::FREEZE,
                    json!({ "k": "ANNUAL", "p": "women", "y": 2023 }),
                )
                .await;
            assert_eq!(code(&body), "", "{body}");
        })
        .await;
        assert_eq!(before["evaluations"]["totalCount"], 0);
        assert_eq!(after["evaluations"]["totalCount"], 1);
    }
);

on_both_backends!(
    every_table_is_versioned_or_exempt_by_name,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let missing = migration::versioning::missing(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            missing.is_empty(),
            "tables without version triggers: {missing:?}"
        );
        let versioned = migration::versioning::versioned(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for table in [
            "indicator_assignment",
            "value_event",
            "indicator",
            "indicator_value",
        ] {
            assert!(
                versioned.iter().any(|t| t == table),
                "{table} is not versioned"
            );
        }
        for table in ["audit_log", "app_user"] {
            assert!(
                !versioned.iter().any(|t| t == table),
                "{table} is versioned"
            );
        }
        // a new table, as a future migration would add it, is versioned at the next start
        let create = "CREATE TABLE future_table (id INTEGER PRIMARY KEY)";
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, create)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let missing = migration::versioning::missing(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(missing, ["future_table"]);
        migration::versioning::ensure(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let version = scalar(&app, "SELECT version FROM data_version").await;
        sea_orm::ConnectionTrait::execute_unprepared(
            &app.db,
            "INSERT INTO future_table (id) VALUES (1)",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(scalar(&app, "SELECT version FROM data_version").await > version);
    }
);

on_both_backends!(histories_are_append_only, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
    let ann = login(&app, "wj.ann").await;
    let screening = indicator_id(&app, SCREENING).await;
    let body = app
        .query_as(
            Some(&ann),
            SUBMIT,
            json!({ "i": screening, "y": 2021, "v": 90.0, "e": 0 }),
        )
        .await;
    assert_eq!(code(&body), "", "{body}");
    let mut attempts = vec![
        "UPDATE value_event SET new_value = 1",
        "DELETE FROM value_event",
        "UPDATE audit_log SET outcome = 'ok'",
        "DELETE FROM audit_log",
    ];
    if backend == crate::support::Backend::Postgres {
        attempts.extend(["TRUNCATE value_event", "TRUNCATE audit_log"]);
    }
    let events = scalar(&app, "SELECT COUNT(*) FROM value_event").await;
    let audits = scalar(&app, "SELECT COUNT(*) FROM audit_log").await;
    assert!(events > 0 && audits > 0);
    for sql in attempts {
        let result = sea_orm::ConnectionTrait::execute_unprepared(&app.db, sql).await;
        let err = result.err().unwrap_or_else(|| panic!("{sql} was allowed"));
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM value_event").await,
        events
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM audit_log").await, audits);
});

on_both_backends!(
    a_cached_answer_costs_no_statement_where_the_store_notifies,
    |backend| async move {
        use std::sync::atomic::Ordering;
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let query = r#"{ statusCounts(filter: { planCode: "health" }) { status count } }"#;
        let achieved = |body: &Value| {
            body["data"]["statusCounts"]
                .as_array()
                .and_then(|a| a.iter().find(|c| c["status"] == "ACHIEVED"))
                .and_then(|c| c["count"].as_i64())
                .unwrap_or(-1)
        };
        assert_eq!(achieved(&app.query(query).await), 4);
        let before = app.statements.load(Ordering::SeqCst);
        for _ in 0..20 {
            assert_eq!(achieved(&app.query(query).await), 4);
        }
        let spent = app.statements.load(Ordering::SeqCst) - before;
        match backend {
            // PostgreSQL notifies every change: a cached answer asks the store nothing.
            crate::support::Backend::Postgres => assert_eq!(spent, 0),
            // SQLite cannot notify another process: each request reads the version.
            crate::support::Backend::Sqlite => assert_eq!(spent, 20),
        }
        // A write the server did not make (another process, as far as it knows): 每千人口
        // 医疗卫生机构床位数 reaches 6.6 > 6.5, a fifth ACHIEVED. The next answers follow it
        // within the notification's delivery.
        crate::support::publish(&app.db, "health/table1/17", 2023, 6.6).await;
        statements_once_learned(&app, query, |body| {
            let now = achieved(body);
            assert!(
                now == 4 || now == 5,
                "ACHIEVED {now}, neither before nor after"
            );
            now == 5
        })
        .await;
    }
);

on_both_backends!(
    processes_sharing_a_store_answer_alike_after_a_write,
    |backend| async move {
        use std::sync::atomic::Ordering;
        let Some(a) = TestApp::spawn(backend).await else {
            return;
        };
        // Three servers over one store, each with its own cache: a deployment of three
        // processes behind a proxy.
        let (b, c) = (a.beside().await, a.beside().await);
        user(&a, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&a, "stats.dai", UserRole::Reviewer, None).await;
        let screening = indicator_id(&a, SCREENING).await;
        let query = format!(
            r#"{{ node(id: "{screening}") {{ ... on Indicator {{ latestValue {{ year value }} }} }} }}"#
        );
        let before = a.query(&query).await;
        assert_eq!(before.get("errors"), None, "{before}");
        for app in [&b, &c] {
            assert_eq!(app.query(&query).await, before);
        }
        if backend == crate::support::Backend::Postgres {
            // Cached everywhere, and no process asks the store whether its copy is current.
            // A process also works after its first answer (it makes the store's history
            // indexes then), and that work may fall inside one request: of three cached
            // requests, the one with the fewest statements must have run none.
            for app in [&a, &b, &c] {
                let mut fewest = u64::MAX;
                for _ in 0..3 {
                    let spent = app.statements.load(Ordering::SeqCst);
                    assert_eq!(app.query(&query).await, before);
                    fewest = fewest.min(app.statements.load(Ordering::SeqCst) - spent);
                }
                assert_eq!(fewest, 0);
            }
        }
        // Submitted through one process, approved through another (a token one process issued
        // is good at the other), read through the third and the first.
        let ann = login(&a, "wj.ann").await;
        let dai = login(&b, "stats.dai").await;
        let submitted = a
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": screening, "y": 2024, "v": 93.5 }),
            )
            .await;
        let id = submitted["data"]["submitValue"]["value"]["id"].clone();
        assert!(id.is_string(), "{submitted}");
        let reviewed = b
            .query_as(Some(&dai), REVIEW, json!({ "id": id, "d": "APPROVE" }))
            .await;
        assert_eq!(
            reviewed["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
            "{reviewed}"
        );
        let expected = json!({ "year": 2024, "value": 93.5 });
        for app in [&c, &a, &b] {
            statements_once_learned(app, &query, |now| {
                if now["data"]["node"]["latestValue"] == expected {
                    return true;
                }
                assert_eq!(now, &before, "neither the old answer nor the new");
                false
            })
            .await;
        }
    }
);

on_both_backends!(
    answers_that_read_no_value_outlive_submissions_and_approvals,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        user(&app, "admin.fu", UserRole::Admin, None).await;
        let (ann, dai, fu) = (
            login(&app, "wj.ann").await,
            login(&app, "stats.dai").await,
            login(&app, "admin.fu").await,
        );
        let screening = indicator_id(&app, SCREENING).await;
        let outline = format!(
            r#"{{ node(id: "{screening}") {{ ... on Indicator {{ name unit targets {{ name value plan {{ code }} }} }} }} }}"#
        );
        let values = format!(
            r#"{{ node(id: "{screening}") {{ ... on Indicator {{ name latestValue {{ year value }} targets {{ status }} }} }} }}"#
        );
        let (_, outline_tag, outline_before) = read(&app, &outline, None).await;
        let (_, values_tag, values_before) = read(&app, &values, None).await;
        // A submission and its approval: the latest value changes, the outline does not.
        let submitted = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": screening, "y": 2024, "v": 93.5 }),
            )
            .await;
        let id = submitted["data"]["submitValue"]["value"]["id"].clone();
        let reviewed = app
            .query_as(Some(&dai), REVIEW, json!({ "id": id, "d": "APPROVE" }))
            .await;
        assert_eq!(reviewed.get("errors"), None, "{reviewed}");
        let (status, _, _) = read(&app, &outline, Some(&outline_tag)).await;
        assert_eq!(status, 304, "the outline was invalidated by an approval");
        let (status, _, after) = read(&app, &values, Some(&values_tag)).await;
        assert_eq!(status, 200);
        assert_eq!(
            after["node"]["latestValue"],
            json!({ "year": 2024, "value": 93.5 })
        );
        // The approval restated the target's status: an update of `target` that is not a
        // change of structure.
        assert_ne!(after["node"]["targets"], values_before["node"]["targets"]);
        // An admin's edit of the indicator is a change of structure: the outline follows it.
        let body = app
            .query_as(
                Some(&fu),
                "mutation($i: ID!) { updateIndicator(input: { id: $i, unit: \"‰\" }) { indicator { id } } }",
                json!({ "i": screening }),
            )
            .await;
        assert_eq!(body.get("errors"), None, "{body}");
        let (status, _, now) = read(&app, &outline, Some(&outline_tag)).await;
        assert_eq!(status, 200, "an edit of structure left the outline cached");
        assert_eq!(now["node"]["unit"], "‰");
        assert_ne!(now["node"]["unit"], outline_before["node"]["unit"]);
    }
);

/// Asks `query` (answered and cached before the change) until its answer satisfies `learned`:
/// the cache answers it as before until the server learns of a change made straight in the
/// store (on PostgreSQL by notification, on SQLite at the next request). Returns the statements
/// the request that first answered anew ran.
async fn statements_once_learned(
    app: &TestApp,
    query: &str,
    learned: impl Fn(&Value) -> bool,
) -> u64 {
    use std::sync::atomic::Ordering;
    let started = std::time::Instant::now();
    loop {
        let before = app.statements.load(Ordering::SeqCst);
        let body = app.query(query).await;
        let spent = app.statements.load(Ordering::SeqCst) - before;
        if learned(&body) {
            return spent;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "the change did not reach the server within 2 s: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

on_both_backends!(
    list_bounds_are_measured_again_for_a_change_of_structure_not_of_values,
    |backend| async move {
        use crate::statements::statements_for;
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // Asked first with nothing changed (and cached): what each costs in statements.
        let counts = r#"{ statusCounts(filter: { planCode: "health" }) { status count } }"#;
        let titles = r#"{ plans { code title } }"#;
        let (counts_cost, titles_cost) = (
            statements_for(&app, None, counts).await,
            statements_for(&app, None, titles).await,
        );
        // A value published (as another process would): a fifth target ACHIEVED. The request
        // that first answers it measures nothing more than before: reported values move the
        // bounds again only every 10 s (limits::bounds), not a pass over the store per write.
        crate::support::publish(&app.db, "health/table1/17", 2023, 6.6).await;
        let achieved = |body: &Value| {
            body["data"]["statusCounts"]
                .as_array()
                .and_then(|a| a.iter().find(|c| c["status"] == "ACHIEVED"))
                .and_then(|c| c["count"].as_i64())
                == Some(5)
        };
        assert_eq!(
            statements_once_learned(&app, counts, achieved).await,
            counts_cost
        );
        // A plan retitled: the first request to see it measures the bounds again, one
        // statement more.
        sea_orm::ConnectionTrait::execute_unprepared(
            &app.db,
            "UPDATE plan SET title = title || '（修订）' WHERE code = 'earthquake'",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let retitled = |body: &Value| {
            body["data"]["plans"].as_array().is_some_and(|plans| {
                plans
                    .iter()
                    .any(|p| p["title"].as_str().is_some_and(|t| t.ends_with("（修订）")))
            })
        };
        assert_eq!(
            statements_once_learned(&app, titles, retitled).await,
            titles_cost + 1
        );
    }
);
