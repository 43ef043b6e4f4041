//! A global ID of a target or indicator an import removed answers NOT_FOUND naming what now
//! stands for it (issue 29): a store written by an earlier plangraph had health 表1 row 12 as a
//! target, and 潍坊市级基础支撑学科数 (health L804) as a target of its own; the current
//! document reads row 12 as a monitored row and L804's 或 as one target.

use entity::{indicator, target};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::TestApp;

/// Writes a target (and, if `own_indicator`, an indicator of its own) as an older import
/// would have, shaped after an existing target, from `source` (lines and text) if given (else
/// the model's); returns (target, indicator).
async fn plant(
    app: &TestApp,
    like: &str,
    key: &str,
    source: Option<(i32, i32, String)>,
    own_indicator: bool,
) -> (i32, i32) {
    let model = target::Entity::find()
        .filter(target::Column::Key.eq(like))
        .one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no target {like}"));
    let mut indicator_id = model.indicator_id;
    if own_indicator {
        let mut row = indicator::ActiveModel {
            key: sea_orm::Set(key.to_string()),
            name: sea_orm::Set("潍坊市级基础支撑学科数".to_string()),
            unit: sea_orm::Set(Some("个".to_string())),
            direction: sea_orm::Set(model.direction),
            direction_inferred: sea_orm::Set(false),
            ordinal: sea_orm::Set(999),
            line_start: sea_orm::Set(model.line_start),
            ..Default::default()
        };
        row.id = sea_orm::NotSet;
        let row = row.insert(&app.db).await.unwrap_or_else(|e| panic!("{e}"));
        indicator_id = row.id;
    }
    let (line_start, line_end, source_text) =
        source.unwrap_or((model.line_start, model.line_end, model.source_text.clone()));
    let mut row = target::Model {
        key: key.to_string(),
        indicator_id,
        ordinal: 999,
        line_start,
        line_end,
        source_text,
        ..model
    }
    .into_active_model();
    row.id = sea_orm::NotSet;
    let row = row.insert(&app.db).await.unwrap_or_else(|e| panic!("{e}"));
    (row.id, indicator_id)
}

fn id(kind: &str, n: i32) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{n}"))
}

fn error(body: &Value) -> (&str, &str, &Value) {
    let e = &body["errors"][0];
    (
        e["extensions"]["code"].as_str().unwrap_or_default(),
        e["message"].as_str().unwrap_or_default(),
        &e["extensions"]["details"],
    )
}

on_both_backends!(
    removed_ids_answer_not_found_with_successors,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // An older store: row 12 a target (of the indicator row 12 still has), L804's second
        // count a target of its own indicator. Importing the document removes both.
        let row = entity::monitored::Entity::find()
            .filter(entity::monitored::Column::Key.eq("health/table1/12"))
            .one(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("row 12 is monitored"));
        let source = Some((row.line_start, row.line_end, row.source_text));
        let (row12, _) = plant(&app, "health/table1/13", "health/table1/12", source, false).await;
        let (c3, c3_indicator) = plant(
            &app,
            "health/d3/project_box/3/c2",
            "health/d3/project_box/3/c3",
            None,
            true,
        )
        .await;
        let data = plangraph::import::parse(plangraph::import::BUNDLED_DOCUMENT)
            .unwrap_or_else(|e| panic!("{e}"));
        let report = plangraph::import::store::import(&app.db, &data)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let deleted: Vec<&String> = report
            .tables
            .iter()
            .filter(|t| t.table == "target")
            .flat_map(|t| t.deleted.iter())
            .collect();
        assert_eq!(deleted.len(), 2, "{report}");

        let c1 = app
        .query(r#"{ targets(filter: { text: "省级重点学科" }) { nodes { id indicator { id } } } }"#)
        .await;
        let c2 = app
        .query(r#"{ targets(filter: { text: "基础支撑学科" }) { nodes { id indicator { id } } } }"#)
        .await;
        let row12_indicator = app
            .query(r#"{ plan(code: "health") { monitored { indicator { id } } } }"#)
            .await["data"]["plan"]["monitored"][0]["indicator"]["id"]
            .clone();
        let c1 = &c1["data"]["targets"]["nodes"][0];
        let c2 = &c2["data"]["targets"]["nodes"][0];

        // Row 12: its target ID names the indicator the plan now monitors.
        for query in [
            "query($id: ID!) { target(id: $id) { id } }",
            "query($id: ID!) { node(id: $id) { id } }",
        ] {
            let body = app
                .query_as(None, query, json!({ "id": id("Target", row12) }))
                .await;
            let (code, message, details) = error(&body);
            assert_eq!(code, "NOT_FOUND", "{body}");
            assert_eq!(
            message,
            format!(
                "Target {:?} (health/table1/12) is no longer in the data; its text (lines 586–592 then) is now read as Indicator {} (重点慢性病防治核心信息人群知晓率) (a table row that sets no target: the plan monitors its indicator)",
                id("Target", row12),
                row12_indicator
            ),
            "{body}"
        );
            assert_eq!(
                details,
                &json!({ "key": "health/table1/12", "successors": [
                { "kind": "Indicator", "id": row12_indicator, "key": "重点慢性病防治核心信息人群知晓率" }
            ] })
            );
        }
        // c3: the target now read from its text (the merged 或 target).
        let body = app
            .query_as(
                None,
                "query($id: ID!) { target(id: $id) { id } }",
                json!({ "id": id("Target", c3) }),
            )
            .await;
        let (code, _, details) = error(&body);
        assert_eq!(code, "NOT_FOUND");
        let ids: Vec<&Value> = details["successors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| &s["id"])
            .collect();
        // Only c2 reads its words (c1's clause, 争创省级重点学科1-2个, is another text).
        assert_eq!(ids, [&c2["id"]], "{body}");
        assert_ne!(c1["id"], c2["id"]);
        assert_eq!(details["key"], "health/d3/project_box/3/c3");
        // Its indicator: the indicator of that target.
        let body = app
            .query_as(
                None,
                "query($id: ID!) { indicator(id: $id) { id } }",
                json!({ "id": id("Indicator", c3_indicator) }),
            )
            .await;
        let (code, message, details) = error(&body);
        assert_eq!(code, "NOT_FOUND", "{body}");
        assert!(message.starts_with(&format!("Indicator {:?} (health/d3/project_box/3/c3) is no longer in the data; its text (lines 803–806 then) is now read as Indicator ", id("Indicator", c3_indicator))), "{message}");
        let ids: Vec<&Value> = details["successors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| &s["id"])
            .collect();
        assert_eq!(ids, [&c2["indicator"]["id"]], "{body}");
        // An ID the store never had is still plain null; `nodes` lists a removed one as null.
        let body = app
            .query_as(
                None,
                "query($a: ID!, $b: ID!) { target(id: $a) { id } nodes(ids: [$b]) { id } }",
                json!({ "a": id("Target", 99_999), "b": id("Target", row12) }),
            )
            .await;
        assert_eq!(body, json!({ "data": { "target": null, "nodes": [null] } }));
    }
);
