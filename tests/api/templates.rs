//! Reporting templates over HTTP (issue 31, item 1): who may fetch which, what the rows hold
//! against the document and the reporting status, and the workbook as openpyxl reads it
//! (locked keys, validated inputs, a very hidden sheet of row keys).

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::downloads::{column, get, header, read_csv, tempfile_with};
use crate::on_both_backends;
use crate::python;
use crate::support::TestApp;
use crate::workflow::{login, user, REVIEW, SUBMIT};

const HEADER: [&str; 13] = [
    "indicator_id",
    "indicator",
    "unit",
    "department",
    "targets",
    "last_year",
    "last_value",
    "status",
    "year",
    "value",
    "note",
    "department_id",
    "breakdown",
];

const WORKBOOK: &str = r#"
import base64, json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
rows = list(ws.iter_rows(values_only=True))
meta = list(wb["_meta"].iter_rows(values_only=True))
keys = [r for r in meta[7:]]
dv = ws.data_validations.dataValidation
print(json.dumps({
    "sheets": wb.sheetnames,
    "states": [s.sheet_state for s in wb.worksheets],
    "protected": ws.protection.sheet,
    "header": list(rows[0]),
    "rows": len(rows) - 1,
    "locked": [ws.cell(row=2, column=c).protection.locked for c in range(1, 14)],
    "validations": len(dv),
    "validated": sorted(str(v.sqref) for v in dv)[:2],
    "rule": [v.formula1 for v in dv if str(v.sqref) == "J2"],
    "meta": {r[0]: r[1] for r in meta[:5]},
    "keys_match": all(
        base64.urlsafe_b64decode(rows[k[0] - 1][0] + "==").decode() == f"Indicator:{k[1]}"
        and rows[k[0] - 1][3] == k[2] and rows[k[0] - 1][8] == k[3]
        for k in keys),
    "keys": len(keys),
}, ensure_ascii=False))
"#;

/// The body of an error answer: its code.
fn code(body: &[u8]) -> String {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    v["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

on_both_backends!(templates_are_for_their_departments, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
    let ann_auth = format!("Bearer {}", login(&app, "wj.ann").await);
    let own = "/templates/县卫健局/2025.csv";

    let anonymous = get(&app, own, &[]).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(header(&anonymous, "www-authenticate"), "Bearer");
    assert_eq!(code(&anonymous.body), "UNAUTHENTICATED");
    let forged = get(&app, own, &[("authorization", "Bearer not.a.token")]).await;
    assert_eq!(
        (forged.status, code(&forged.body).as_str()),
        (401, "UNAUTHENTICATED")
    );
    for (path, status, expected) in [
        ("/templates/县教育和体育局/2025.csv", 403, "FORBIDDEN"),
        ("/templates/all/2025.xlsx", 403, "FORBIDDEN"),
        ("/templates/县不存在局/2025.csv", 404, "NOT_FOUND"),
        ("/templates/县卫健局/1850.csv", 404, "NOT_FOUND"),
        ("/templates/县卫健局/2025.pdf", 404, "NOT_FOUND"),
    ] {
        let f = get(&app, path, &[("authorization", &ann_auth)]).await;
        assert_eq!(
            (f.status, code(&f.body)),
            (status, expected.to_string()),
            "{path}"
        );
    }
    // A published spelling of the department names it too.
    let alias = get(
        &app,
        "/templates/卫健局/2025.csv",
        &[("authorization", &ann_auth)],
    )
    .await;
    assert_eq!(alias.status, 200);
    let f = get(&app, own, &[("authorization", &ann_auth)]).await;
    assert_eq!(f.status, 200);
    assert_eq!(alias.body, f.body);
    assert_eq!(header(&f, "cache-control"), "private, no-store");
    assert!(header(&f, "content-disposition").contains("filename*=UTF-8''%E5%8E%BF"));
    assert!(f.body.starts_with("\u{feff}indicator_id,".as_bytes()));
});

on_both_backends!(
    a_template_lists_what_the_department_owes,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let Some(py) = python::python().await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let (ann, dai) = (login(&app, "wj.ann").await, login(&app, "stats.dai").await);
        let ann_auth = format!("Bearer {ann}");
        let dai_auth = format!("Bearer {dai}");

        // As many 2025 rows as the reporting status says the department owes, and the start of a
        // series that has none (儿童意外伤害死亡率, a fall from 2020's level).
        let f = get(
            &app,
            "/templates/县卫健局/2025.csv",
            &[("authorization", &ann_auth)],
        )
        .await;
        let (h, rows) = read_csv(&py, &f.body);
        assert_eq!(h, HEADER);
        let years: Vec<&str> = rows
            .iter()
            .map(|r| r[column(&h, "year")].as_str())
            .collect();
        let cells = column(&h, "breakdown");
        let totals = rows.iter().filter(|r| r[cells].is_empty());
        assert_eq!(
            totals.filter(|r| r[column(&h, "year")] == "2025").count(),
            74
        );
        assert_eq!(years.iter().filter(|y| **y == "2020").count(), 1);
        // And a row per code of each declared breakdown of its measures (data/breakdowns.json):
        // 4 for each of the three child death rates and 居民健康素养水平 (sex, urban/rural), 2
        // for anaemia, stunting and myopia (sex), 9 for smoking (sex, seven age bands).
        assert_eq!(rows.iter().filter(|r| !r[cells].is_empty()).count(), 31);
        let status = app
            .query_as(
                Some(&dai),
                "{ reportingStatus(year: 2025) { department { name } owed { id } } }",
                json!({}),
            )
            .await;
        let owed = status["data"]["reportingStatus"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| d["department"]["name"] == "县卫健局")
            .map_or(0, |d| d["owed"].as_array().map_or(0, Vec::len));
        assert_eq!(owed, 74, "{status}");
        let row = |rows: &[Vec<String>], name: &str, year: &str| -> Vec<String> {
            rows.iter()
                .find(|r| r[column(&h, "indicator")] == name && r[column(&h, "year")] == year)
                .cloned()
                .unwrap_or_else(|| panic!("no {name} {year}"))
        };
        let infant = row(&rows, "婴儿死亡率", "2025");
        assert_eq!(
            infant[2..],
            [
                "‰",
                "县卫健局",
                "儿童发展规划 2025年 ≤3.3‰；卫生与健康规划 2025年 ≤3.3‰",
                "2020",
                "2.27",
                "",
                "2025",
                "",
                "",
                // Department:1, 县卫健局 (the import's first department)
                "RGVwYXJ0bWVudDox",
                ""
            ]
        );
        let girls = row(&rows, "婴儿死亡率（女）", "2025");
        assert_eq!(girls[cells], "SEX=F");
        assert_eq!(
            girls[column(&h, "last_value")],
            "",
            "no figure by sex was published"
        );
        let accidents = row(&rows, "儿童意外伤害死亡率", "2020");
        assert_eq!(accidents[4], "儿童发展规划 2025年 比2020年下降20%");

        // A submission is filled in (and says it waits), then published; the next year's
        // template shows it as the last published figure.
        let body = app
            .query(r#"{ indicators(filter: { text: "婴儿死亡率" }) { nodes { id } } }"#)
            .await;
        let id = body["data"]["indicators"]["nodes"][0]["id"].clone();
        let body = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": id, "y": 2023, "v": 3.5, "n": "妇幼年报", "e": 0 }),
            )
            .await;
        let value = body["data"]["submitValue"]["value"]["id"].clone();
        let f = get(
            &app,
            "/templates/县卫健局/2023.csv",
            &[("authorization", &ann_auth)],
        )
        .await;
        let (_, rows) = read_csv(&py, &f.body);
        assert_eq!(
            row(&rows, "婴儿死亡率", "2023")[7..11],
            ["SUBMITTED", "2023", "3.5", "妇幼年报"]
        );
        app.query_as(Some(&dai), REVIEW, json!({ "id": value, "d": "APPROVE" }))
            .await;
        let f = get(
            &app,
            "/templates/县卫健局/2024.csv",
            &[("authorization", &ann_auth)],
        )
        .await;
        let (_, rows) = read_csv(&py, &f.body);
        assert_eq!(row(&rows, "婴儿死亡率", "2024")[5..8], ["2023", "3.5", ""]);

        // The monitoring office's workbook: every department's cells, keys in a hidden sheet.
        let f = get(
            &app,
            "/templates/all/2025.xlsx",
            &[("authorization", &dai_auth)],
        )
        .await;
        assert_eq!(f.status, 200);
        let file = tempfile_with(&f.body, "xlsx");
        let book = python::run(&py, WORKBOOK, &file);
        let _ = std::fs::remove_file(&file);
        assert_eq!(book["sheets"], json!(["填报", "_meta"]));
        assert_eq!(book["states"], json!(["visible", "veryHidden"]));
        assert_eq!(book["protected"], true);
        assert_eq!(book["header"], json!(HEADER));
        // 乳腺癌免费检查率 is owed by the five departments of its goal, as 宫颈癌's is; 285 rows
        // of totals and 110 of figures by breakdown.
        assert_eq!(book["rows"], 395);
        assert_eq!(book["keys"], 395);
        assert_eq!(book["keys_match"], true);
        let locked: Vec<bool> = (0..13).map(|c| c != 9 && c != 10).collect();
        assert_eq!(book["locked"], json!(locked));
        assert_eq!(book["validations"], 395);
        assert_eq!(book["meta"]["department"], "all");
        assert_eq!(book["meta"]["year"], "2025");
        assert!(book["meta"]["template_id"]
            .as_str()
            .is_some_and(|t| t.starts_with("changle-all-2025-s")));
        // The first row's unit is %: 0–100, or a word for "not available".
        assert_eq!(
            book["rule"],
            json!([r#"OR(AND(AND(ISNUMBER(J2),J2>=0),J2<=100),J2="不适用",J2="无",J2="—")"#])
        );
    }
);

on_both_backends!(
    the_monitoring_office_sees_who_still_owes_what,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let Some(py) = python::python().await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let (ann, dai) = (login(&app, "wj.ann").await, login(&app, "stats.dai").await);
        let (ann_auth, dai_auth) = (format!("Bearer {ann}"), format!("Bearer {dai}"));
        let refused = get(&app, "/reporting/2025.csv", &[("authorization", &ann_auth)]).await;
        assert_eq!(
            (refused.status, code(&refused.body)),
            (403, "FORBIDDEN".to_string())
        );

        let body = app
            .query(r#"{ indicators(filter: { text: "婴儿死亡率" }) { nodes { id } } }"#)
            .await;
        let id = body["data"]["indicators"]["nodes"][0]["id"].clone();
        app.query_as(
            Some(&ann),
            SUBMIT,
            json!({ "i": id, "y": 2025, "v": 3.0, "e": 0 }),
        )
        .await;
        let f = get(&app, "/reporting/2025.csv", &[("authorization", &dai_auth)]).await;
        assert_eq!(f.status, 200);
        let (h, rows) = read_csv(&py, &f.body);
        assert_eq!(
            h,
            [
                "department",
                "year",
                "total",
                "missing",
                "submitted",
                "approved",
                "rejected",
                "completion",
                "not_available"
            ]
        );
        assert_eq!(rows.len(), 30);
        let ours = rows
            .iter()
            .find(|r| r[0] == "县卫健局")
            .unwrap_or_else(|| panic!("no 县卫健局: {rows:?}"));
        assert_eq!(ours[1..], ["2025", "74", "73", "1", "0", "0", "0.014", "0"]);
        let body = app
            .query_as(
                Some(&dai),
                "{ reportingStatus(year: 2025) { department { name } total completion } }",
                json!({}),
            )
            .await;
        let status = body["data"]["reportingStatus"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| d["department"]["name"] == "县卫健局")
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (&status["total"], &status["completion"]),
            (&json!(74), &json!(0.014)),
            "{body}"
        );
        let xlsx = get(
            &app,
            "/reporting/2025.xlsx",
            &[("authorization", &dai_auth)],
        )
        .await;
        assert_eq!(xlsx.status, 200);
        assert!(xlsx.body.starts_with(b"PK"));
    }
);
