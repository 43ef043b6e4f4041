//! A store written before indicators became series (one indicator per clause) upgrades in
//! place at start: reported values, their history and reporter assignments move to the merged
//! indicators, nothing is lost, and the old global IDs still resolve.
//!
//! The fixtures are dumps of such a store after a reporting round on 婴儿死亡率's three copies
//! (see `tests/fixtures/make-pre-series.sh`): the children plan's copy got 2.1 for 2021
//! approved, the 表1 copy 2.0 for 2022 and then 2.2 for 2021 approved, the 具体目标 copy 9.9 for
//! 2023 rejected, and 1.9 for 2023 waits on the children copy; 县卫健局 was assigned to the two
//! health copies.

use sea_orm::{ConnectionTrait, Database};
use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, TestApp, TestDb};
use crate::workflow::{login, scalar};

const SQLITE_FIXTURE: &str = include_str!("../fixtures/pre-series.sqlite.sql");
const POSTGRES_FIXTURE: &str = include_str!("../fixtures/pre-series.postgres.sql");

/// Loads a fixture into the empty store through a connection of its own (the PostgreSQL dump
/// sets the session's search path).
async fn load(store: &TestDb, backend: Backend) {
    let db = Database::connect(&store.url)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let script = match backend {
        Backend::Sqlite => SQLITE_FIXTURE,
        Backend::Postgres => POSTGRES_FIXTURE,
    };
    db.execute_unprepared(script)
        .await
        .unwrap_or_else(|e| panic!("load fixture: {e}"));
    let _ = db.close().await;
}

fn id(kind: &str, n: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{n}"))
}

on_both_backends!(
    a_store_from_before_series_upgrades_in_place,
    |backend| async move {
        let Some(store) = TestDb::new(backend).await else {
            return;
        };
        load(&store, backend).await;
        // What the old store holds, read before the upgrade.
        let before = {
            let db = Database::connect(&store.url)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let one = |sql: &'static str| {
                let db = db.clone();
                async move {
                    let row = db
                        .query_one_raw(sea_orm::Statement::from_string(
                            db.get_database_backend(),
                            sql,
                        ))
                        .await
                        .unwrap_or_else(|e| panic!("{sql}: {e}"))
                        .unwrap_or_else(|| panic!("{sql}: no row"));
                    row.try_get_by_index::<i64>(0)
                        .unwrap_or_else(|e| panic!("{sql}: {e}"))
                }
            };
            let counts = (
                one("SELECT COUNT(*) FROM indicator").await,
                one("SELECT COUNT(*) FROM indicator_value WHERE origin = 'submission'").await,
                one("SELECT COUNT(*) FROM value_event").await,
                one("SELECT COUNT(*) FROM audit_log").await,
                one("SELECT CAST(id AS BIGINT) FROM indicator WHERE key = 'children/d1/goal/4/t2'")
                    .await,
                one("SELECT CAST(id AS BIGINT) FROM indicator WHERE key = 'health/table1/4'").await,
            );
            let _ = db.close().await;
            counts
        };
        let (indicators, submissions, events, audits, children_copy, table_copy) = before;
        assert_eq!((indicators, submissions), (114, 7), "the fixture as made");

        let app = TestApp::spawn_on(store, |s| s.rate.enabled = false).await;
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicator").await, 160);
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM target").await, 184);
        assert_eq!(
            scalar(
                &app,
                "SELECT CAST(MIN(model_version) AS BIGINT) FROM document"
            )
            .await,
            2
        );
        // nothing reported is lost; the history only grows (the import's own supersession)
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM indicator_value WHERE origin = 'submission'"
            )
            .await,
            submissions
        );
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM value_event WHERE actor_name <> 'plangraph import'"
            )
            .await,
            events
        );
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM value_event WHERE actor_name = 'plangraph import'"
            )
            .await,
            1,
            "the children copy's 2021 value gave way to the later approval on the 表1 copy"
        );
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM audit_log").await, audits);

        // The old IDs of both copies reach the one indicator, and their clauses as targets.
        let query = format!(
            r#"{{ a: node(id: "{}") {{ ... on Indicator {{ id name }} }}
             b: node(id: "{}") {{ ... on Indicator {{ id name values {{ year value origin }} series {{ year value }} targets {{ plan {{ code }} source {{ lineStart }} status }} reporters {{ name }} }} }}
             t: node(id: "{}") {{ ... on Target {{ raw source {{ lineStart }} indicator {{ name }} }} }} }}"#,
            id("Indicator", children_copy),
            id("Indicator", table_copy),
            id("Target", children_copy)
        );
        let body = app.query(&query).await;
        assert_eq!(body.get("errors"), None, "{body}");
        let (a, b) = (&body["data"]["a"], &body["data"]["b"]);
        assert_eq!(a["name"], "婴儿死亡率");
        assert_eq!(a["id"], b["id"], "one indicator");
        assert_eq!(
            b["values"],
            json!([
                { "year": 2020, "value": 2.27, "origin": "DOCUMENT" },
                { "year": 2021, "value": 2.2, "origin": "REPORT" },
                { "year": 2022, "value": 2.0, "origin": "REPORT" }
            ])
        );
        assert_eq!(
            b["series"],
            json!([
                { "year": 2020, "value": 2.27 },
                { "year": 2021, "value": 2.2 },
                { "year": 2022, "value": 2.0 }
            ])
        );
        assert_eq!(
            b["targets"],
            json!([
                { "plan": { "code": "children" }, "source": { "lineStart": 277 }, "status": "ACHIEVED" },
                { "plan": { "code": "health" }, "source": { "lineStart": 481 }, "status": "ACHIEVED" },
                { "plan": { "code": "health" }, "source": { "lineStart": 521 }, "status": "ACHIEVED" }
            ])
        );
        assert_eq!(
            b["reporters"],
            json!([{ "name": "县卫健局" }, { "name": "县发改局" }])
        );
        assert_eq!(
            body["data"]["t"],
            json!({ "raw": "分别控制在3‰、3.3‰和4‰以下", "source": { "lineStart": 277 }, "indicator": { "name": "婴儿死亡率" } })
        );
        // the two assignments to the health copies are one now
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_assignment").await,
            1
        );

        // The accounts still log in; the pending and rejected values are where reviewers look.
        let dai = login(&app, "stats.dai").await;
        let body = app
        .query_as(
            Some(&dai),
            r#"query($i: ID!) { reportedValues(filter: { indicatorId: $i }, first: 20) { totalCount nodes { year value status history { action actor } } } }"#,
            json!({ "i": b["id"] }),
        )
        .await;
        assert_eq!(body.get("errors"), None, "{body}");
        let rows: Vec<(i64, f64, String)> = body["data"]["reportedValues"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| {
                (
                    n["year"].as_i64().unwrap_or(0),
                    n["value"].as_f64().unwrap_or(0.0),
                    n["status"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let mut rows = rows;
        rows.sort_by_key(|x| (x.0, x.2.clone()));
        assert_eq!(
            rows,
            [
                (2021, 2.2, "PUBLISHED".to_string()),
                (2021, 2.1, "SUPERSEDED".to_string()),
                (2022, 2.0, "PUBLISHED".to_string()),
                (2023, 9.9, "REJECTED".to_string()),
                (2023, 1.9, "SUBMITTED".to_string()),
            ],
            "{body}"
        );
        // and the next value serves all three targets at once
        let ann = login(&app, "wj.ann").await;
        let body = app
            .query_as(
                Some(&ann),
                crate::workflow::SUBMIT,
                json!({ "i": b["id"], "y": 2024, "v": 3.5, "e": 0 }),
            )
            .await;
        assert_eq!(
            body["data"]["submitValue"]["value"]["status"], "SUBMITTED",
            "{body}"
        );
        // a restart finds the store current and changes nothing
        let version = scalar(&app, "SELECT version FROM data_version").await;
        let settings = plangraph::config::Settings::new(app.url.clone(), "127.0.0.1:0");
        plangraph::startup::Application::build(&settings)
            .await
            .unwrap_or_else(|e| panic!("restart: {e:#}"));
        assert_eq!(
            scalar(&app, "SELECT version FROM data_version").await,
            version
        );
    }
);
