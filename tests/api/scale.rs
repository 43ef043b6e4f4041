//! Status filters and counts at a hundred times the document's data: answered from the
//! stored statuses with an index and from their tally, with as many statements as on the
//! document alone, and exactly what the rules say (the stored counts equal an assessment of
//! every target); and search, by trigram index.

use std::sync::atomic::Ordering;

use plangraph::import::scale::{scale, Scaled};
use plangraph::service::statuses;
use sea_orm::{ConnectionTrait, DbBackend, QuerySelect, QueryTrait, Statement};
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::TestApp;

const QUERIES: [&str; 5] = [
    r#"{ plan(code: "health") { statusCounts { status count } } }"#,
    r#"{ statusCounts(filter: { planCode: "health" }) { status count } }"#,
    r#"{ targets(first: 20, filter: { planCode: "health", status: [ACHIEVED] }) { totalCount nodes { status } } }"#,
    r#"{ earlyWarnings(first: 20) { totalCount nodes { status } } }"#,
    r#"{ departments(first: 100) { nodes { statusCounts(role: LEAD) { status count } } } }"#,
];

async fn statements(app: &TestApp, query: &str) -> u64 {
    let before = app.statements.load(Ordering::SeqCst);
    let body = app.query(query).await;
    assert_eq!(body.get("errors"), None, "{query}: {body}");
    app.statements.load(Ordering::SeqCst) - before
}

/// The fewest statements of three uncached runs of `query`: a batch whose keys follow rows of
/// two statements may split in one run (see `fewest` in statements.rs); growing with the data
/// would show in every run.
async fn fewest_statements(app: &TestApp, query: &str) -> u64 {
    let mut fewest = u64::MAX;
    for n in 1..=3 {
        fewest = fewest.min(statements(app, &format!("{query}{}", " ".repeat(n))).await);
    }
    fewest
}

/// The store's plan for `select`, one line per row.
async fn query_plan(app: &TestApp, select: &str) -> Vec<String> {
    let backend = app.db.get_database_backend();
    let (explain, column) = match backend {
        DbBackend::Postgres => ("EXPLAIN", 0),
        _ => ("EXPLAIN QUERY PLAN", 3),
    };
    app.db
        .query_all_raw(Statement::from_string(
            backend,
            format!("{explain} {select}"),
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(column).ok())
        .collect()
}

fn total(counts: &Value) -> i64 {
    counts
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["count"].as_i64()).sum())
        .unwrap_or(-1)
}

fn count_of(counts: &Value, status: &str) -> i64 {
    counts
        .as_array()
        .and_then(|a| a.iter().find(|c| c["status"] == status))
        .and_then(|c| c["count"].as_i64())
        .unwrap_or(-1)
}

on_both_backends!(
    status_filters_and_counts_at_100x_are_indexed_and_exact,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let mut base = Vec::new();
        for q in QUERIES {
            base.push(statements(&app, q).await);
        }
        let search_base = statements(&app, SEARCH).await;
        let scaled = scale(&app.db, 100).await.unwrap_or_else(|e| panic!("{e}"));
        // 160 indicators and 184 targets in the document; 39 figures it gives, and ten
        // years for each of the 99 × 160 copied indicators.
        assert_eq!(
            scaled,
            Scaled {
                indicators: 16_000,
                targets: 18_400,
                values: 39 + 99 * 160 * 10,
            }
        );
        assert_eq!(
            statuses::stale(&app.db)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
            vec![]
        );
        assert_eq!(
            plangraph::service::tally::drift(&app.db)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
            vec![]
        );
        // The first request after a change re-measures the list bounds, once per version.
        app.query("{ plans { code } }").await;
        for (q, before) in QUERIES.iter().zip(&base) {
            let now = fewest_statements(&app, q).await;
            assert!(
                now <= *before,
                "{q}: {now} statements at 100×, {before} before"
            );
        }
        // Stored and assessed agree: as of a year after every value, the rules assess each
        // target from its series in the server; the stored counts must be the same.
        for (plan, targets) in [
            ("women", 35),
            ("children", 39),
            ("health", 103),
            ("earthquake", 7),
        ] {
            let stored = app
                .query(&format!(
                    r#"{{ plan(code: "{plan}") {{ statusCounts {{ status count }} }} }}"#
                ))
                .await;
            let assessed = app
                .query(&format!(
                    r#"{{ plan(code: "{plan}") {{ statusCounts(year: 2100) {{ status count }} }} }}"#
                ))
                .await;
            let stored = &stored["data"]["plan"]["statusCounts"];
            assert_eq!(stored, &assessed["data"]["plan"]["statusCounts"], "{plan}");
            assert_eq!(total(stored), targets * 100, "{plan}: {stored}");
        }
        assert_eq!(
            plangraph::service::tally::plans_drift(&app.db)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
            vec![]
        );
        let body = app
            .query(
                r#"{ plan(code: "health") { indicators(first: 1) { totalCount } }
                     indicators(first: 1, filter: { planCode: "health" }) { totalCount } }"#,
            )
            .await;
        // The plan's stored count, and the root list's count of the indicators themselves.
        assert_eq!(
            body["data"]["plan"]["indicators"]["totalCount"],
            89 * 100,
            "{body}"
        );
        assert_eq!(body["data"]["indicators"]["totalCount"], 89 * 100, "{body}");
        // A department's counts (from the tally) are its targets' assessed statuses too.
        let body = app
            .query(
                r#"{ department(name: "县卫健局") { lead: statusCounts(role: LEAD) { status count }
                     leadAssessed: statusCounts(role: LEAD, year: 2100) { status count }
                     any: statusCounts { status count } anyAssessed: statusCounts(year: 2100) { status count } } }"#,
            )
            .await;
        let d = &body["data"]["department"];
        assert_eq!(d["lead"], d["leadAssessed"], "{body}");
        assert_eq!(d["any"], d["anyAssessed"], "{body}");
        assert_eq!(total(&d["lead"]), 56 * 100, "{body}");
        // The generated series give the copies every status but NOT_QUANTIFIED's own 8 × 100.
        let health = app
            .query(r#"{ statusCounts(filter: { planCode: "health" }) { status count } }"#)
            .await;
        let health = &health["data"]["statusCounts"];
        assert_eq!(count_of(health, "NOT_QUANTIFIED"), 800, "{health}");
        for status in ["ACHIEVED", "ON_TRACK", "AT_RISK", "OFF_TRACK"] {
            assert!(count_of(health, status) > 0, "{status}: {health}");
        }
        // The filter answers exactly what the counts say, and pages deep without repeats.
        let achieved = count_of(health, "ACHIEVED");
        let mut after: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let body = app
                .query_as(
                    None,
                    r#"query($after: String) { targets(first: 100, after: $after, filter: { planCode: "health", status: [ACHIEVED] }) { totalCount pageInfo { hasNextPage endCursor } nodes { id status } } }"#,
                    json!({ "after": after }),
                )
                .await;
            let page = &body["data"]["targets"];
            assert_eq!(page["totalCount"], achieved, "{body}");
            for node in page["nodes"].as_array().cloned().unwrap_or_default() {
                assert_eq!(node["status"], "ACHIEVED");
                assert!(seen.insert(node["id"].to_string()), "{node} twice");
            }
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].as_str().map(str::to_string);
        }
        assert_eq!(i64::try_from(seen.len()).unwrap_or(-1), achieved);
        // The store answers the filter from a status index (which one is the planner's call),
        // starting at the plan's lines: the query the page runs, as the repository builds it.
        let filter = plangraph::repo::targets::TargetFilter {
            plan_code: Some("health".into()),
            statuses: vec![plangraph::domain::TargetStatus::OffTrack],
            ..Default::default()
        };
        let page = plangraph::repo::targets::select(&filter)
            .limit(21)
            .build(app.db.get_database_backend())
            .to_string();
        let plan = query_plan(&app, &page).await;
        assert!(
            plan.iter().any(|l| l.contains("idx_target_plan_status")
                || (l.contains("idx_target_status") && l.contains("line_start"))),
            "{plan:#?}"
        );
        if app.db.get_database_backend() == DbBackend::Postgres {
            // Not the status index walked from the first plan's targets with the plan as a
            // filter (2,325 buffers where 21 do).
            assert!(
                !plan.iter().any(|l| l.contains("Filter: (plan_id")),
                "{plan:#?}"
            );
        }

        // The first page of all targets (no filter) is read in document order from an index,
        // not sorted from all 16,400.
        let first = plangraph::repo::targets::select(&Default::default())
            .limit(21)
            .build(app.db.get_database_backend())
            .to_string();
        let plan = query_plan(&app, &first).await;
        assert!(
            plan.iter().any(|l| l.contains("idx_target_position")),
            "{plan:#?}"
        );
        assert!(
            !plan
                .iter()
                .any(|l| l.contains("Sort") || l.contains("TEMP B-TREE")),
            "{plan:#?}"
        );

        // Search: the hundred 婴儿死亡率 (the document's and 99 copies) and the goal that names
        // it, in as many statements as on the document, found by trigram index.
        let body = app.query(SEARCH).await;
        assert_eq!(body["data"]["search"]["totalCount"], 101, "{body}");
        let names: Vec<&str> = body["data"]["search"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n["name"].as_str())
            .collect();
        assert_eq!(names.len(), 20);
        assert!(
            names.iter().all(|n| n.starts_with("婴儿死亡率")),
            "{names:?}"
        );
        let now = fewest_statements(&app, SEARCH).await;
        assert!(
            now <= search_base,
            "search: {now} statements at 100×, {search_base} before"
        );
        let narrowed = match app.db.get_database_backend() {
            DbBackend::Postgres => "SELECT COUNT(*) FROM indicator WHERE name LIKE '%婴儿死亡率%'",
            _ => "SELECT COUNT(*) FROM indicator WHERE name LIKE '%婴儿死亡率%' \
                  AND id IN (SELECT rowid FROM indicator_search WHERE indicator_search MATCH '\"婴儿死亡率\"')",
        };
        let plan = query_plan(&app, narrowed).await;
        assert!(
            plan.iter()
                .any(|l| l.contains("idx_indicator_name_trgm")
                    || l.contains("VIRTUAL TABLE INDEX 0:M")),
            "{plan:#?}"
        );
    }
);

const SEARCH: &str = r#"{ search(text: "婴儿死亡率", first: 20) { totalCount nodes { __typename ... on Indicator { name } } } }"#;

on_both_backends!(
    the_ends_of_each_series_are_its_first_and_latest_points,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // Ten-year series (2016–2025) for each copied indicator, beside the document's figures.
        scale(&app.db, 3).await.unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<i32> = <entity::indicator::Entity as sea_orm::EntityTrait>::find()
            .select_only()
            .column(entity::indicator::Column::Id)
            .into_tuple()
            .all(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ids.len(), 480);
        // A newer version of a year at each end of three series, with values a 15-digit
        // rendering would change: the ends are the newest versions, to the last bit.
        let awkward = [1.0_f64 / 3.0, 0.1 + 0.2];
        let renewed = renew_ends(&app, &awkward).await;
        let series = plangraph::repo::targets::series_of_many(&app.db, &ids)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut compared = 0;
        for as_of in [None, Some(2015), Some(2016), Some(2020), Some(2025)] {
            let ends = plangraph::repo::series_ends::of_many(&app.db, &ids, as_of)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(ends.len(), ids.len());
            for id in &ids {
                let known: Vec<(i32, f64)> = series[id]
                    .iter()
                    .copied()
                    .filter(|(y, _)| as_of.is_none_or(|a| *y <= a))
                    .collect();
                let expected: Vec<(i32, f64)> = match (known.first(), known.last()) {
                    (Some(first), Some(last)) if first.0 != last.0 => vec![*first, *last],
                    (Some(only), _) => vec![*only],
                    _ => vec![],
                };
                assert_eq!(ends[id], expected, "indicator {id} as of {as_of:?}");
                compared += usize::from(expected.len() == 2);
            }
        }
        // most copied series have two ends at every year asked but 2015 and 2016
        assert!(compared > 3 * 320, "{compared}");
        let ends = plangraph::repo::series_ends::of_many(&app.db, &renewed, None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for id in &renewed {
            let values: Vec<f64> = ends[id].iter().map(|(_, v)| *v).collect();
            assert_eq!(values, awkward, "indicator {id}");
        }
    }
);

/// Gives the first three copied indicators a second version of their first and latest
/// year, valued `values[0]` and `values[1]`; returns their ids.
async fn renew_ends(app: &TestApp, values: &[f64; 2]) -> Vec<i32> {
    let backend = app.db.get_database_backend();
    let first: Vec<i32> = app
        .db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT DISTINCT indicator_id FROM indicator_value WHERE year = 2016 \
             ORDER BY indicator_id LIMIT 3",
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|r| r.try_get_by_index(0).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(first.len(), 3);
    for (year, value) in [("MIN(year)", values[0]), ("MAX(year)", values[1])] {
        // {:e} writes the shortest digits that read back to the same double.
        let sql = format!(
            "INSERT INTO indicator_value (indicator_id, year, value, status, origin, version, \
             created_at, breakdown) SELECT v.indicator_id, v.year, {value:e}, v.status, \
             v.origin, v.version + 1, v.created_at, v.breakdown FROM indicator_value v \
             WHERE v.indicator_id IN ({}) AND v.breakdown = '' AND v.status = 'published' \
             AND v.year = (SELECT {year} FROM indicator_value w \
             WHERE w.indicator_id = v.indicator_id AND w.breakdown = '')",
            first
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        let done = app
            .db
            .execute_raw(Statement::from_string(backend, sql))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(done.rows_affected(), 3);
    }
    first
}
