//! The public changes in publication order (issue 32, item 1): `Query.changes` lists what each
//! publication made public or took back — once, with the value as it stood then — from a
//! publication, an instant or a cursor; a submission or a rejection is a publication with no
//! public change; under `asOf` the list ends at that instant's publication; the Atom feed
//! reads the same list.

use std::time::Duration;

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::evaluations::publish;
use crate::on_both_backends;
use crate::support::{code, TestApp};
use crate::workflow::{login, user, REVIEW, SUBMIT};

const CHANGES: &str = "query($s: Int, $t: DateTime, $a: String, $n: Int) { changes(afterSeq: $s, updatedAfter: $t, after: $a, first: $n) { totalCount pageInfo { hasNextPage endCursor } nodes { seq kind value { indicator { name } year value version seq } document { number seq } } } }";

/// Each change as (seq, kind, indicator, value, version) — the document's as its number.
fn listed(body: &Value) -> Vec<(i64, String, String, f64, i64)> {
    body["data"]["changes"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|n| {
            let v = &n["value"];
            (
                n["seq"].as_i64().unwrap_or(-1),
                n["kind"].as_str().unwrap_or("").to_string(),
                v["indicator"]["name"]
                    .as_str()
                    .or(n["document"]["number"].as_str())
                    .unwrap_or("")
                    .to_string(),
                v["value"].as_f64().unwrap_or(0.0),
                v["version"].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

async fn changes(app: &TestApp, variables: Value) -> Value {
    app.query_as(None, CHANGES, variables).await
}

fn row(
    seq: i64,
    kind: &str,
    name: &str,
    value: f64,
    version: i64,
) -> (i64, String, String, f64, i64) {
    (seq, kind.into(), name.into(), value, version)
}

on_both_backends!(
    public_changes_follow_the_publication_sequence,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.eve", UserRole::Reviewer, None).await;
        let ann = login(&app, "wj.ann").await;
        let eve = login(&app, "stats.eve").await;

        // The import is the first publication and its only change.
        let body = changes(&app, json!({})).await;
        assert_eq!(
            listed(&body),
            vec![row(1, "DOCUMENT_IMPORTED", "乐政字〔2022〕16号", 0.0, 0)]
        );
        assert_eq!(body["data"]["changes"]["totalCount"], 1);

        // A submission and its approval are a publication each; only the approval is public.
        publish(&app, &ann, &eve, "重大慢性病过早死亡率", 15.0).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        let between = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        tokio::time::sleep(Duration::from_millis(5)).await;
        // A correction: the approval publishes 14.2 and supersedes 15 in one publication.
        publish(&app, &ann, &eve, "重大慢性病过早死亡率", 14.2).await;
        publish(&app, &ann, &eve, "婴儿死亡率", 2.1).await;

        let expected = vec![
            row(3, "VALUE_PUBLISHED", "重大慢性病过早死亡率", 15.0, 1),
            row(5, "VALUE_SUPERSEDED", "重大慢性病过早死亡率", 15.0, 1),
            row(5, "VALUE_PUBLISHED", "重大慢性病过早死亡率", 14.2, 2),
            row(7, "VALUE_PUBLISHED", "婴儿死亡率", 2.1, 1),
        ];
        let body = changes(&app, json!({ "s": 1 })).await;
        assert_eq!(listed(&body), expected, "{body}");
        assert_eq!(body["data"]["changes"]["totalCount"], 4);
        assert_eq!(body["data"]["changes"]["nodes"][0]["value"]["seq"], 3);

        // Paged on with the cursor: the same list, nothing twice.
        let first = changes(&app, json!({ "s": 1, "n": 2 })).await;
        assert_eq!(listed(&first), expected[..2].to_vec());
        assert_eq!(first["data"]["changes"]["pageInfo"]["hasNextPage"], true);
        let cursor = first["data"]["changes"]["pageInfo"]["endCursor"].clone();
        let rest = changes(&app, json!({ "a": cursor, "n": 2 })).await;
        assert_eq!(listed(&rest), expected[2..].to_vec());
        assert_eq!(rest["data"]["changes"]["pageInfo"]["hasNextPage"], false);

        // After an instant: the publications committed after it.
        let body = changes(&app, json!({ "t": between })).await;
        assert_eq!(listed(&body), expected[1..].to_vec(), "{body}");

        // A submission and its rejection change nothing public: two publications, no change.
        let infant = crate::evaluations::indicator(&app, "婴儿死亡率").await;
        let body = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": infant, "y": 2023, "v": 2.0 }),
            )
            .await;
        let pending = body["data"]["submitValue"]["value"]["id"].clone();
        let body = app
            .query_as(
                Some(&eve),
                REVIEW,
                json!({ "id": pending, "d": "REJECT", "c": "口径不符" }),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
        let body = changes(&app, json!({ "s": 7 })).await;
        assert_eq!(listed(&body), vec![], "{body}");
        let last = crate::workflow::scalar(&app, "SELECT MAX(seq) FROM publication").await;
        assert_eq!(last, 9);

        // As of the instant between the corrections: the list then, and nothing later.
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": CHANGES, "variables": {}, "extensions": { "asOf": between } }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let body: Value = response.json().await.unwrap_or_default();
        assert_eq!(
            listed(&body),
            vec![
                row(1, "DOCUMENT_IMPORTED", "乐政字〔2022〕16号", 0.0, 0),
                expected[0].clone()
            ],
            "{body}"
        );
        assert_eq!(body["extensions"]["asOf"]["resolvedSeq"], 3);

        // Ways to ask wrongly, each with its code; the server still serves.
        for (variables, why) in [
            (
                json!({ "a": "bm90IGEgY3Vyc29y" }),
                "not a cursor of this list",
            ),
            (json!({ "s": 1, "t": between }), "give one of"),
            (json!({ "n": 0 }), "between 1 and 100"),
            (json!({ "n": 101 }), "between 1 and 100"),
        ] {
            let body = changes(&app, variables.clone()).await;
            assert_eq!(code(&body), "BAD_USER_INPUT", "{variables}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap_or("");
            assert!(message.contains(why), "{variables}: {message}");
        }
        let body = changes(&app, json!({ "s": 7 })).await;
        assert!(body["errors"].is_null(), "{body}");

        // The Atom feed: the same changes, newest first, each naming its publication.
        let feed = app
            .client
            .get(format!("{}/feed.atom", app.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .text()
            .await
            .unwrap_or_default();
        let titles: Vec<&str> = feed
            .split("<title>")
            .skip(2)
            .filter_map(|t| t.split("</title>").next())
            .collect();
        assert_eq!(
            titles,
            vec![
                "婴儿死亡率：2022年2.1‰",
                "重大慢性病过早死亡率：2022年14.2%",
                "重大慢性病过早死亡率：2022年15%（已被更正）",
                "重大慢性病过早死亡率：2022年15%",
                "乐政字〔2022〕16号导入",
            ],
            "{feed}"
        );
        assert!(feed.contains("第7次发布"), "{feed}");
    }
);
