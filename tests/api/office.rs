//! The monitoring office's upload (issue 31): the all-departments workbook filled in and sent
//! by a reviewer on the departments' behalf — each row reported for the department it names,
//! checked against that department's scope; an indicator two departments report listed twice
//! is one figure; a submitter sending the same file is held to its own department.

use std::collections::HashMap;

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::downloads::get;
use crate::on_both_backends;
use crate::support::TestApp;
use crate::upload::plain;
use crate::workflow::{login, scalar, user};

/// The office's template for 2025 as CSV records (header first).
async fn all_departments(app: &TestApp, token: &str) -> Vec<Vec<String>> {
    let auth = format!("Bearer {token}");
    let f = get(app, "/templates/all/2025.csv", &[("authorization", &auth)]).await;
    assert_eq!(f.status, 200);
    let text = String::from_utf8(f.body).unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_string).collect())
                .unwrap_or_default()
        })
        .collect()
}

fn to_csv(records: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for r in records {
        writer.write_record(r).unwrap_or_else(|e| panic!("{e}"));
    }
    writer.into_inner().unwrap_or_default()
}

/// The answer's row for the sheet's row `row` (from 1: the header is row 1).
fn row(answer: &Value, row: usize) -> (Value, Value) {
    let found = answer["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["row"] == json!(row))
        .cloned()
        .unwrap_or_else(|| panic!("no row {row}: {answer}"));
    (found["outcome"].clone(), found["code"].clone())
}

/// Rows of 2025 totals by indicator: (record index, department id) in sheet order.
fn by_indicator(records: &[Vec<String>]) -> HashMap<String, Vec<(usize, String)>> {
    let col = |name: &str| records[0].iter().position(|h| h == name).unwrap_or(0);
    let (i, y, d) = (col("indicator_id"), col("year"), col("department_id"));
    let cell = col("breakdown");
    let mut out: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    for (n, r) in records.iter().enumerate().skip(1) {
        if r[y] == "2025" && r[cell].is_empty() {
            out.entry(r[i].clone()).or_default().push((n, r[d].clone()));
        }
    }
    out
}

on_both_backends!(
    the_monitoring_office_uploads_on_the_departments_behalf,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        let (dai, ann) = (login(&app, "stats.dai").await, login(&app, "wj.ann").await);
        let records = all_departments(&app, &dai).await;
        let col = |name: &str| records[0].iter().position(|h| h == name).unwrap_or(0);
        let (value, department) = (col("value"), col("department_id"));
        assert_eq!(
            records[0][records[0].len() - 2..],
            ["department_id".to_string(), "breakdown".to_string()]
        );
        let rows = by_indicator(&records);
        // An indicator two departments report, and one a single department reports that is
        // not 县卫健局's (so its submitter may not send it).
        let (_, shared) = rows
            .iter()
            .find(|(_, r)| r.len() >= 2)
            .unwrap_or_else(|| panic!("no indicator with two reporters"));
        let (_, single) = rows
            .iter()
            .find(|(_, r)| {
                r.len() == 1
                    && !records[r[0].0].contains(&"县卫健局".to_string())
                    && !shared.iter().any(|(_, d)| *d == r[0].1)
            })
            .unwrap_or_else(|| panic!("no indicator of one other department"));
        let sheet_row = |index: usize| index + 1;

        // The same figure on both rows of the shared indicator is one figure; the single
        // department's row is reported for that department.
        let mut filled = records.clone();
        filled[shared[0].0][value] = "5".into();
        filled[shared[1].0][value] = "5".into();
        filled[single[0].0][value] = "7".into();
        let (status, body) = plain(&app, Some(&dai), &to_csv(&filled), false).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (&body["imported"], &body["rejected"], &body["stored"]),
            (&json!(2), &json!(0), &json!(true)),
            "{body}"
        );
        assert_eq!(
            row(&body, sheet_row(shared[1].0)),
            (json!("UNCHANGED"), Value::Null)
        );
        let stored = |index: usize| {
            format!(
                "SELECT COUNT(*) FROM indicator_value v JOIN app_user u ON u.id = v.submitted_by \
                 WHERE v.origin = 'submission' AND v.year = 2025 AND u.username = 'stats.dai' \
                 AND v.indicator_id = {} AND v.department_id = {}",
                decode(&filled[index][col("indicator_id")]),
                decode(&filled[index][department]),
            )
        };
        assert_eq!(scalar(&app, &stored(shared[0].0)).await, 1);
        assert_eq!(scalar(&app, &stored(single[0].0)).await, 1);
        let all = "SELECT COUNT(*) FROM indicator_value WHERE origin = 'submission'";
        assert_eq!(scalar(&app, all).await, 2);

        // What the office must say: the department of a shared indicator, one that reports
        // it, and one figure per indicator.
        let mut bad = records.clone();
        bad[shared[0].0][value] = "6".into();
        bad[shared[0].0][department] = String::new();
        let other = &single[0].1;
        bad[shared[1].0][value] = "6".into();
        bad[shared[1].0][department] = other.clone();
        bad[single[0].0][value] = "8".into();
        bad[single[0].0][department] = String::new();
        let (_, body) = plain(&app, Some(&dai), &to_csv(&bad), true).await;
        assert_eq!(
            row(&body, sheet_row(shared[0].0)),
            (json!("REJECTED"), json!("DEPARTMENT_REQUIRED")),
            "{body}"
        );
        assert_eq!(
            row(&body, sheet_row(shared[1].0)),
            (json!("REJECTED"), json!("OUT_OF_SCOPE")),
            "{body}"
        );
        // A single reporter needs no naming.
        assert_eq!(
            row(&body, sheet_row(single[0].0)),
            (json!("IMPORTED"), Value::Null),
            "{body}"
        );
        let mut twice = records.clone();
        twice[shared[0].0][value] = "6".into();
        twice[shared[1].0][value] = "9".into();
        let (_, body) = plain(&app, Some(&dai), &to_csv(&twice), true).await;
        assert_eq!(
            row(&body, sheet_row(shared[1].0)),
            (json!("REJECTED"), json!("DUPLICATE_ROW")),
            "{body}"
        );

        // A submitter sending the office's file reports for its own department only.
        let (_, body) = plain(&app, Some(&ann), &to_csv(&bad), true).await;
        assert_eq!(
            row(&body, sheet_row(single[0].0)),
            (json!("REJECTED"), json!("OUT_OF_SCOPE")),
            "{body}"
        );
        assert_eq!(scalar(&app, all).await, 2);
    }
);

/// The store id inside a global ID (`Department:4` → 4).
fn decode(id: &str) -> i32 {
    plangraph::ids::decode(&async_graphql::ID(id.to_string()))
        .map(|(_, n)| n)
        .unwrap_or_else(|e| panic!("{id}: {e:?}"))
}
