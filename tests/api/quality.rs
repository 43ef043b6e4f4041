//! The statistics bureau's quality review (issue 31, items 3 and 4): a planted fluctuation is
//! flagged on submission, needs a comment to be approved, and then appears in
//! `earlyWarnings` with its kind; a steady series is not flagged.

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::workflow::{login, user, REVIEW, SUBMIT};

const CHECKS: &str =
    "query($id: ID!) { reportedValue(id: $id) { value checks { code severity message } } }";
const WARNINGS: &str = r#"{ earlyWarnings(planCode: "health", first: 100) { nodes { indicator { name } warnings { kind year reason } } } }"#;

/// The global ID of the indicator named exactly `name`.
pub(crate) async fn indicator(app: &TestApp, name: &str) -> Value {
    let body = app
        .query(&format!(
            r#"{{ indicators(filter: {{ text: "{name}" }}) {{ nodes {{ id name }} }} }}"#
        ))
        .await;
    body["data"]["indicators"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|n| n["name"] == name)
        .map(|n| n["id"].clone())
        .unwrap_or_else(|| panic!("no {name}: {body}"))
}

/// The warnings `earlyWarnings` gives for the indicator `name`.
async fn warned(app: &TestApp, name: &str) -> Vec<Value> {
    let body = app.query(WARNINGS).await;
    body["data"]["earlyWarnings"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .filter(|n| n["indicator"]["name"] == name)
        .flat_map(|n| n["warnings"].as_array().cloned().unwrap_or_default())
        .collect()
}

on_both_backends!(
    a_fluctuation_is_flagged_reviewed_and_warned,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let (ann, dai) = (login(&app, "wj.ann").await, login(&app, "stats.dai").await);
        let (infant, under5) = (
            indicator(&app, "婴儿死亡率").await,
            indicator(&app, "5岁以下儿童死亡率").await,
        );
        assert!(warned(&app, "婴儿死亡率").await.is_empty());

        // 2.27‰ in 2020, 3.1‰ reported for 2021: +37% in a year.
        let submit = |id: Value, value: f64| json!({ "i": id, "y": 2021, "v": value, "e": 0 });
        let body = app.query_as(Some(&ann), SUBMIT, submit(infant, 3.1)).await;
        let jump = body["data"]["submitValue"]["value"]["id"].clone();
        let body = app
            .query_as(Some(&dai), CHECKS, json!({ "id": jump }))
            .await;
        assert_eq!(
            body["data"]["reportedValue"]["checks"],
            json!([{
                "code": "FLUCTUATION",
                "severity": "WARNING",
                "message": "波动较大：2021年 3.1‰，2020年 2.27‰，每年变化 0.83，超过上一数值的 30%（±0.681）"
            }]),
            "{body}"
        );
        // 3.64‰ in 2020, 3.5‰ for 2021: steady.
        let body = app.query_as(Some(&ann), SUBMIT, submit(under5, 3.5)).await;
        let steady = body["data"]["submitValue"]["value"]["id"].clone();
        let body = app
            .query_as(Some(&dai), CHECKS, json!({ "id": steady }))
            .await;
        assert_eq!(body["data"]["reportedValue"]["checks"], json!([]), "{body}");

        // Approving the jump needs a comment saying why it stands; the steady value does not.
        let body = app
            .query_as(Some(&dai), REVIEW, json!({ "id": jump, "d": "APPROVE" }))
            .await;
        assert_eq!(crate::support::code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["details"][0]["code"],
            "COMMENT_REQUIRED"
        );
        let comment = "县妇幼保健院核实：2021年出生数减少，死亡例数未变";
        let body = app
            .query_as(
                Some(&dai),
                REVIEW,
                json!({ "id": jump, "d": "APPROVE", "c": comment }),
            )
            .await;
        assert_eq!(
            body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
            "{body}"
        );
        let body = app
            .query_as(Some(&dai), REVIEW, json!({ "id": steady, "d": "APPROVE" }))
            .await;
        assert_eq!(
            body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
            "{body}"
        );

        // Published, the jump is warned about as a fluctuation on each target of the indicator
        // in the health plan; the steady series is not.
        let warnings = warned(&app, "婴儿死亡率").await;
        assert!(!warnings.is_empty());
        for w in &warnings {
            assert_eq!(w["kind"], "FLUCTUATION", "{w}");
            assert_eq!(w["year"], 2021);
            assert!(
                w["reason"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("波动较大：2021年 3.1‰")),
                "{w}"
            );
        }
        assert!(warned(&app, "5岁以下儿童死亡率")
            .await
            .iter()
            .all(|w| w["kind"] != "FLUCTUATION"));
        // As of 2020 there was nothing to warn about.
        let body = app
        .query(r#"{ earlyWarnings(planCode: "health", year: 2020, first: 100) { nodes { indicator { name } warnings(year: 2020) { kind } } } }"#)
        .await;
        let nodes = body["data"]["earlyWarnings"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            nodes.iter().all(|n| n["indicator"]["name"] != "婴儿死亡率"),
            "{body}"
        );
    }
);
