//! Values by breakdown (issue 33, items 2–4): a department reports a measure by sex or age
//! beside its total; the reviewer sees where the parts disagree with the total; the public
//! reads each cell's series, the gap between the sexes and the consistency of a year — and the
//! targets stay judged by the total.

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::downloads::{column, get, read_csv};
use crate::on_both_backends;
use crate::python;
use crate::quality::indicator;
use crate::support::{code, TestApp};
use crate::upload::plain;
use crate::workflow::{login, scalar, user, REVIEW};

const SUBMIT: &str = "mutation($i: ID!, $y: Int!, $v: Float!, $b: [BreakdownInput!]) { submitValue(input: { indicatorId: $i, year: $y, value: $v, breakdown: $b }) { value { id status version value breakdown { dimension code label } } } }";
const CHECKS: &str =
    "query($id: ID!) { reportedValue(id: $id) { checks { code severity message } } }";

fn sex(code: &str) -> Value {
    json!([{ "dimension": "SEX", "code": code }])
}

/// Submits and returns the stored value's ID.
async fn submit(
    app: &TestApp,
    token: &str,
    id: &Value,
    year: i32,
    value: f64,
    cell: Value,
) -> Value {
    let vars = json!({ "i": id, "y": year, "v": value, "b": cell });
    let body = app.query_as(Some(token), SUBMIT, vars).await;
    body["data"]["submitValue"]["value"]["id"].clone()
}

async fn approve(app: &TestApp, token: &str, id: &Value, comment: Option<&str>) -> Value {
    app.query_as(
        Some(token),
        REVIEW,
        json!({ "id": id, "d": "APPROVE", "c": comment }),
    )
    .await
}

async fn checks(app: &TestApp, token: &str, id: &Value) -> Value {
    let body = app.query_as(Some(token), CHECKS, json!({ "id": id })).await;
    body["data"]["reportedValue"]["checks"].clone()
}

on_both_backends!(
    figures_by_sex_are_reported_checked_and_compared,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let (ann, dai) = (login(&app, "wj.ann").await, login(&app, "stats.dai").await);
        let infant = indicator(&app, "婴儿死亡率").await;

        // A cell the declaration does not have is refused with why, and nothing is stored.
        let vars = json!({ "i": infant, "y": 2021, "v": 2.0, "b": [{ "dimension": "AGE", "code": "Y_LT1" }] });
        let body = app.query_as(Some(&ann), SUBMIT, vars).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(
            body["errors"][0]["message"],
            "breakdown: 婴儿死亡率 is not reported by AGE"
        );
        let ratio = indicator(&app, "出生人口性别比").await;
        let body = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": ratio, "y": 2021, "v": 105.0, "b": sex("F") }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["message"],
            "breakdown: 出生人口性别比 is not reported by SEX"
        );

        // The total, then girls: the reviewer sees that boys are missing.
        let total = submit(&app, &ann, &infant, 2021, 2.3, Value::Null).await;
        let girls = submit(&app, &ann, &infant, 2021, 2.0, sex("F")).await;
        assert_eq!(
            checks(&app, &dai, &girls).await,
            json!([{ "code": "REQUIRED_CELLS", "severity": "WARNING", "message": "SEX：缺少分组：男" }])
        );
        let boys = submit(&app, &ann, &infant, 2021, 2.5, sex("M")).await;
        assert_eq!(checks(&app, &dai, &girls).await, json!([]));
        assert_eq!(checks(&app, &dai, &total).await, json!([]));
        for id in [&total, &girls, &boys] {
            let body = approve(&app, &dai, id, None).await;
            assert_eq!(
                body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
                "{body}"
            );
        }

        let body = app
            .query(&format!(
                r#"{{ node(id: "{}") {{ ... on Indicator {{
                    series {{ year value breakdown {{ code }} }}
                    girls: series(breakdown: [{{ dimension: SEX, code: "F" }}]) {{ year value breakdown {{ dimension code label }} }}
                    boys: values(breakdown: [{{ dimension: SEX, code: "M" }}]) {{ year value version breakdown {{ code }} }}
                    gap(year: 2021) {{ year female male difference ratio parityIndex adjustedParityIndex favours smallCounts }}
                    none: gap(year: 2022) {{ year }}
                    femaleShare(year: 2021)
                    consistency(year: 2021) {{ rule dimension ok imbalance message }}
                    breakdownCoverage {{ breakdown {{ code }} years }} }} }} }}"#,
                infant.as_str().unwrap_or_default()
            ))
            .await;
        let node = &body["data"]["node"];
        // The total stays the series the targets are judged by, though boys were approved last.
        assert_eq!(
            node["series"],
            json!([{ "year": 2020, "value": 2.27, "breakdown": [] }, { "year": 2021, "value": 2.3, "breakdown": [] }]),
            "{body}"
        );
        assert_eq!(
            node["girls"],
            json!([{ "year": 2021, "value": 2.0, "breakdown": [{ "dimension": "SEX", "code": "F", "label": "女" }] }])
        );
        assert_eq!(
            node["boys"],
            json!([{ "year": 2021, "value": 2.5, "version": 1, "breakdown": [{ "code": "M" }] }])
        );
        // Lower is better for a death rate: girls' 2.0‰ against boys' 2.5‰ favours girls;
        // GPI = 2.0 / 2.5 = 0.8, below 1 so the adjusted index is the same.
        assert_eq!(
            node["gap"],
            json!({ "year": 2021, "female": 2.0, "male": 2.5, "difference": -0.5, "ratio": 0.8,
                    "parityIndex": 0.8, "adjustedParityIndex": 0.8, "favours": "FEMALE", "smallCounts": false })
        );
        assert_eq!(node["none"], Value::Null);
        assert_eq!(
            node["femaleShare"],
            Value::Null,
            "a rate has no female share"
        );
        assert_eq!(
            node["consistency"],
            json!([
                { "rule": "REQUIRED_CELLS", "dimension": "SEX", "ok": true, "imbalance": null, "message": "各分组均已填报" },
                { "rule": "TOTAL_BETWEEN_PARTS", "dimension": "SEX", "ok": true, "imbalance": 0.0, "message": "合计 2.3 在分组的范围 2–2.5" },
                { "rule": "SAME_SOURCE", "dimension": "SEX", "ok": true, "imbalance": null, "message": "合计与分组均来自县卫健局" }
            ])
        );
        assert_eq!(
            node["breakdownCoverage"],
            json!([{ "breakdown": [{ "code": "F" }], "years": [2021] }, { "breakdown": [{ "code": "M" }], "years": [2021] }])
        );
        // The indicator's page shows the cells and compares the sexes.
        let page = get(
            &app,
            &format!("/indicators/{}", infant.as_str().unwrap_or_default()),
            &[],
        )
        .await;
        let html = String::from_utf8(page.body).unwrap_or_default();
        assert!(html.contains(r#"<h2>分组数值</h2>"#), "{html}");
        assert!(html.contains(r#"<tr><td class="n">2021</td><td>女</td><td class="n">2‰</td></tr><tr><td class="n">2021</td><td>男</td><td class="n">2.5‰</td></tr>"#), "{html}");
        assert!(html.contains(r#"<tr><td class="n">2021</td><td class="n">2</td><td class="n">2.5</td><td class="n">-0.5</td><td>0.8（有利于女性）</td></tr>"#), "{html}");
        // A cell a reader names wrongly is a clear error.
        let body = app
            .query(&format!(
                r#"{{ node(id: "{}") {{ ... on Indicator {{ series(breakdown: [{{ dimension: SEX, code: "X" }}]) {{ year }} }} }} }}"#,
                infant.as_str().unwrap_or_default()
            ))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(
            body["errors"][0]["message"],
            "SEX has no code \"X\" (codes: F, M, _T)"
        );
        // The change list tells the total; asked, the cells too, each with its codes.
        let body = app
            .query(
                "{ totals: changes(first: 100) { totalCount nodes { kind value { year value breakdown { code } } } }
                   all: changes(first: 100, includeCells: true) { totalCount nodes { kind value { year value breakdown { code label } } } } }",
            )
            .await;
        let published = |list: &str| -> Vec<Value> {
            body["data"][list]["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .filter(|n| n["kind"] == "VALUE_PUBLISHED")
                .map(|n| n["value"].clone())
                .collect()
        };
        assert_eq!(
            published("totals"),
            [json!({ "year": 2021, "value": 2.3, "breakdown": [] })]
        );
        assert_eq!(
            published("all"),
            [
                json!({ "year": 2021, "value": 2.3, "breakdown": [] }),
                json!({ "year": 2021, "value": 2.0, "breakdown": [{ "code": "F", "label": "女" }] }),
                json!({ "year": 2021, "value": 2.5, "breakdown": [{ "code": "M", "label": "男" }] })
            ]
        );
        let counted = |list: &str| body["data"][list]["totalCount"].as_i64().unwrap_or(-1);
        assert_eq!(counted("all") - counted("totals"), 2, "{body}");
    }
);

on_both_backends!(
    parts_that_disagree_with_their_total_are_flagged,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "zzb.li", UserRole::Submitter, Some("县委组织部")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let (ann, li, dai) = (
            login(&app, "wj.ann").await,
            login(&app, "zzb.li").await,
            login(&app, "stats.dai").await,
        );

        // A rate: 3.5‰ in all is not between girls' 2.0 and boys' 2.5.
        let under5 = indicator(&app, "5岁以下儿童死亡率").await;
        let total = submit(&app, &ann, &under5, 2021, 3.5, Value::Null).await;
        submit(&app, &ann, &under5, 2021, 2.0, sex("F")).await;
        submit(&app, &ann, &under5, 2021, 2.5, sex("M")).await;
        assert_eq!(
            checks(&app, &dai, &total).await,
            json!([{ "code": "TOTAL_BETWEEN_PARTS", "severity": "WARNING", "message": "SEX：合计 3.5 不在分组的范围 2–2.5" }])
        );
        let body = approve(&app, &dai, &total, None).await;
        assert_eq!(
            code(&body),
            "BAD_USER_INPUT",
            "approving needs a comment: {body}"
        );
        let body = approve(&app, &dai, &total, Some("合计含户籍外死亡，分性别未含")).await;
        assert_eq!(
            body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
            "{body}"
        );

        // A count: women cadres by age, 5 + 4 against a total of 12.
        let cadres = indicator(&app, "镇级党委、政府领导班子配备女干部数").await;
        let age = |code: &str| json!([{ "dimension": "AGE", "code": code }]);
        let total = submit(&app, &li, &cadres, 2021, 12.0, Value::Null).await;
        let young = submit(&app, &li, &cadres, 2021, 5.0, age("Y25T44")).await;
        let older = submit(&app, &li, &cadres, 2021, 4.0, age("Y45T64")).await;
        assert_eq!(
            checks(&app, &dai, &young).await,
            json!([{ "code": "PARTS_ADD_UP", "severity": "WARNING", "message": "AGE：分组之和 9 与合计 12 相差 3（允许 1）" }])
        );
        for id in [&total, &young, &older] {
            let body = approve(&app, &dai, id, Some("组织部核实：3名女干部年龄未登记")).await;
            assert_eq!(
                body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
                "{body}"
            );
        }
        let body = app
            .query(&format!(
                r#"{{ node(id: "{}") {{ ... on Indicator {{ aggregation femaleShare(year: 2021) gap(year: 2021) {{ year }}
                    consistency(year: 2021) {{ rule dimension ok imbalance }} series {{ year value }} }} }} }}"#,
                cadres.as_str().unwrap_or_default()
            ))
            .await;
        assert_eq!(
            body["data"]["node"],
            json!({ "aggregation": "COUNT", "femaleShare": null, "gap": null,
                "consistency": [
                    { "rule": "REQUIRED_CELLS", "dimension": "AGE", "ok": true, "imbalance": null },
                    { "rule": "PART_WITHIN_TOTAL", "dimension": "AGE", "ok": true, "imbalance": 0.0 },
                    { "rule": "PARTS_ADD_UP", "dimension": "AGE", "ok": false, "imbalance": 3.0 },
                    { "rule": "SAME_SOURCE", "dimension": "AGE", "ok": true, "imbalance": null }
                ],
                "series": [{ "year": 2021, "value": 12.0 }] }),
            "{body}"
        );

        // Cross-classified: women by age are judged against women, and each age band by sex.
        let smoking = indicator(&app, "15岁以上人群吸烟率").await;
        let women_aged = |code: &str| json!([{ "dimension": "SEX", "code": "F" }, { "dimension": "AGE", "code": code }]);
        let women = submit(&app, &ann, &smoking, 2021, 20.0, sex("F")).await;
        let young = submit(&app, &ann, &smoking, 2021, 10.0, women_aged("Y15T24")).await;
        let adult = submit(&app, &ann, &smoking, 2021, 15.0, women_aged("Y25T44")).await;
        assert_eq!(
            checks(&app, &dai, &adult).await,
            json!([
                { "code": "REQUIRED_CELLS", "severity": "WARNING", "message": "女，AGE：缺少分组：不满1岁、1-4岁、5-14岁、45-64岁、65岁及以上" },
                { "code": "TOTAL_BETWEEN_PARTS", "severity": "WARNING", "message": "女，AGE：合计 20 不在分组的范围 10–15" },
                { "code": "REQUIRED_CELLS", "severity": "WARNING", "message": "25-44岁，SEX：缺少分组：男" }
            ])
        );
        for id in [&women, &young, &adult] {
            let body = approve(&app, &dai, id, Some("抽样调查，仅女性分年龄")).await;
            assert_eq!(
                body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
                "{body}"
            );
        }
        let body = app
            .query(&format!(
                r#"{{ node(id: "{}") {{ ... on Indicator {{
                    women: consistency(year: 2021, within: [{{ dimension: SEX, code: "F" }}]) {{ rule within {{ code label }} dimension ok imbalance }}
                    total: consistency(year: 2021) {{ rule within {{ code }} dimension ok }} }} }} }}"#,
                smoking.as_str().unwrap_or_default()
            ))
            .await;
        let female = json!([{ "code": "F", "label": "女" }]);
        assert_eq!(
            body["data"]["node"],
            json!({ "women": [
                    { "rule": "REQUIRED_CELLS", "within": female, "dimension": "AGE", "ok": false, "imbalance": null },
                    { "rule": "TOTAL_BETWEEN_PARTS", "within": female, "dimension": "AGE", "ok": false, "imbalance": 5.0 },
                    { "rule": "SAME_SOURCE", "within": female, "dimension": "AGE", "ok": true, "imbalance": null }
                ],
                "total": [{ "rule": "REQUIRED_CELLS", "within": [], "dimension": "SEX", "ok": false }] }),
            "{body}"
        );
    }
);

/// The department's template for 2025 as CSV records (header first).
async fn template(app: &TestApp, token: &str, py: &std::path::PathBuf) -> Vec<Vec<String>> {
    let auth = format!("Bearer {token}");
    let f = get(
        app,
        "/templates/县卫健局/2025.csv",
        &[("authorization", &auth)],
    )
    .await;
    let (header, rows) = read_csv(py, &f.body);
    std::iter::once(header).chain(rows).collect()
}

fn to_csv(records: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for r in records {
        writer.write_record(r).unwrap_or_else(|e| panic!("{e}"));
    }
    writer.into_inner().unwrap_or_default()
}

on_both_backends!(
    figures_by_breakdown_go_round_a_template_and_the_downloads,
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

        // The template has a row for girls and one for boys under the total: fill all three.
        let mut records = template(&app, &ann, &py).await;
        let (name, value, cell) = (
            column(&records[0], "indicator"),
            column(&records[0], "value"),
            column(&records[0], "breakdown"),
        );
        for (row, figure, key) in [
            ("婴儿死亡率", "2.3", ""),
            ("婴儿死亡率（女）", "2.0", "SEX=F"),
            ("婴儿死亡率（男）", "2.5", "SEX=M"),
        ] {
            let r = records
                .iter_mut()
                .find(|r| r[name] == row)
                .unwrap_or_else(|| panic!("no row {row}"));
            assert_eq!(r[cell], key);
            r[value] = figure.into();
        }
        let (status, body) = plain(&app, Some(&ann), &to_csv(&records), false).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (&body["imported"], &body["stored"]),
            (&json!(3), &json!(true)),
            "{body}"
        );
        let stored = "SELECT COUNT(*) FROM indicator_value WHERE origin = 'submission' AND year = 2025 \
                      AND ((breakdown = '' AND value = 2.3) OR (breakdown = 'SEX=F' AND value = 2.0) \
                      OR (breakdown = 'SEX=M' AND value = 2.5))";
        assert_eq!(scalar(&app, stored).await, 3);
        // The same file again changes nothing; the template now shows what waits for review.
        let (_, body) = plain(&app, Some(&ann), &to_csv(&records), false).await;
        assert_eq!(body["imported"], 0, "{body}");
        let again = template(&app, &ann, &py).await;
        let girls = again
            .iter()
            .find(|r| r[name] == "婴儿死亡率（女）")
            .unwrap_or_else(|| panic!("no girls' row"));
        assert_eq!(
            (
                girls[value].as_str(),
                girls[column(&again[0], "status")].as_str()
            ),
            ("2", "SUBMITTED")
        );

        let body = app
            .query_as(
                Some(&dai),
                "{ reportedValues(filter: { status: SUBMITTED }) { nodes { id } } }",
                json!({}),
            )
            .await;
        for node in body["data"]["reportedValues"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let done = approve(&app, &dai, &node["id"], None).await;
            assert!(done["errors"].is_null(), "{done}");
        }

        // values.csv: one tidy row per cell, the total marked _T in every dimension.
        let f = get(&app, "/downloads/health/values.csv", &[]).await;
        let (h, rows) = read_csv(&py, &f.body);
        let of = |n: &str| column(&h, n);
        let infant: Vec<Vec<&str>> = rows
            .iter()
            .filter(|r| r[of("indicator")] == "婴儿死亡率" && r[of("year")] == "2025")
            .map(|r| {
                ["value", "sex", "age", "urbanisation", "department"]
                    .iter()
                    .map(|c| r[of(c)].as_str())
                    .collect()
            })
            .collect();
        assert_eq!(
            infant,
            [
                ["2.3", "_T", "_T", "_T", "县卫健局"],
                ["2", "F", "_T", "_T", "县卫健局"],
                ["2.5", "M", "_T", "_T", "县卫健局"]
            ]
        );
    }
);

/// xorshift64*: generated arguments, reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
}

/// Whether 婴儿死亡率 (by SEX F/M and URBANISATION U/R) has the cell `given` names.
fn names_a_cell(given: &[(&str, String)]) -> bool {
    let codes = |d: &str| match d {
        "SEX" => ["F", "M", "_T"].as_slice(),
        "URBANISATION" => ["U", "R", "_T"].as_slice(),
        _ => [].as_slice(),
    };
    given.len() <= 3
        && given.iter().all(|(d, c)| {
            codes(d).contains(&c.as_str()) && given.iter().filter(|(e, _)| e == d).count() == 1
        })
}

on_both_backends!(
    generated_breakdown_arguments_are_answered_or_refused_and_the_server_still_serves,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let infant = indicator(&app, "婴儿死亡率").await;
        let id = infant.as_str().unwrap_or_default().to_string();
        let seed = std::env::var("PLANGRAPH_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x9e37_79b9_7f4a_7c15);
        let mut rng = Rng(seed);
        for case in 0..40 {
            let len = [0, 1, 2, 3, 4, 60, 3000][rng.below(7)];
            let given: Vec<(&str, String)> = (0..len)
                .map(|_| {
                    let dimension = ["SEX", "AGE", "URBANISATION"][rng.below(3)];
                    let code = match rng.below(5) {
                        0 => "F".to_string(),
                        1 => "_T".to_string(),
                        2 => "U".to_string(),
                        3 => "Y_LT1".to_string(),
                        _ => "\u{202e}码".repeat(rng.below(400)),
                    };
                    (dimension, code)
                })
                .collect();
            let list: Vec<String> = given
                .iter()
                .map(|(d, c)| format!(r#"{{ dimension: {d}, code: "{c}" }}"#))
                .collect();
            let query = format!(
                r#"{{ node(id: "{id}") {{ ... on Indicator {{ series(breakdown: [{l}]) {{ year }} values(breakdown: [{l}]) {{ year }} }} }} }}"#,
                l = list.join(", ")
            );
            let body = app.query(&query).await;
            let sent = serde_json::to_vec(&json!({ "query": query })).map_or(0, |b| b.len());
            let expected = if sent > 64 * 1024 {
                "PAYLOAD_TOO_LARGE"
            } else if names_a_cell(&given) {
                ""
            } else {
                "BAD_USER_INPUT"
            };
            if expected.is_empty() {
                assert!(
                    body["errors"].is_null(),
                    "case {case} ({len} codes): {body}"
                );
                assert!(
                    body["data"]["node"]["series"].is_array(),
                    "case {case}: {body}"
                );
            } else {
                assert_eq!(
                    code(&body),
                    expected,
                    "case {case} ({len} codes, {sent} bytes): {body}"
                );
            }
        }
        let body = app.query("{ plans { code } }").await;
        assert_eq!(body["data"]["plans"][0]["code"], "women", "{body}");
    }
);

on_both_backends!(
    a_page_of_reported_cells_is_checked_in_a_fixed_number_of_statements,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let (ann, dai) = (login(&app, "wj.ann").await, login(&app, "stats.dai").await);
        let page = "{ reportedValues(first: 50) { nodes { checks { code message } } } }";
        let infant = indicator(&app, "婴儿死亡率").await;
        submit(&app, &ann, &infant, 2021, 2.3, Value::Null).await;
        submit(&app, &ann, &infant, 2021, 2.0, sex("F")).await;
        let few = crate::statements::fewest(&app, Some(&dai), page, 0).await;
        // Four more values by sex, of two more measures and years, each with its checks.
        for name in ["5岁以下儿童死亡率", "新生儿死亡率"] {
            let id = indicator(&app, name).await;
            for (year, code) in [(2022, "F"), (2023, "M")] {
                submit(&app, &ann, &id, year, 2.0, sex(code)).await;
            }
        }
        let body = app.query_as(Some(&dai), page, json!({})).await;
        let nodes = body["data"]["reportedValues"]["nodes"]
            .as_array()
            .map(Vec::len);
        assert_eq!(nodes, Some(6), "{body}");
        assert_eq!(
            body["data"]["reportedValues"]["nodes"][0]["checks"],
            json!([{ "code": "REQUIRED_CELLS", "message": "SEX：缺少分组：女" }]),
            "{body}"
        );
        let many = crate::statements::fewest(&app, Some(&dai), page, few).await;
        assert_eq!(many, few, "statements for 2 values: {few}, for 6: {many}");
    }
);

on_both_backends!(
    consistency_over_a_page_of_indicators_costs_the_same_statements,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let (ann, dai) = (login(&app, "wj.ann").await, login(&app, "stats.dai").await);
        let page = r#"{ indicators(first: 100, filter: { text: "死亡率" }) { nodes { name consistency(year: 2021) { rule ok message } } } }"#;
        // Girls' and boys' figures of one measure, then of two more, each from the department.
        let publish_by_sex = |name: &'static str| {
            let (app, ann, dai) = (&app, &ann, &dai);
            async move {
                let id = indicator(app, name).await;
                for code in ["F", "M"] {
                    let value = submit(app, ann, &id, 2021, 2.0, sex(code)).await;
                    let body = approve(app, dai, &value, Some("分性别另行统计")).await;
                    assert_eq!(
                        body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
                        "{body}"
                    );
                }
            }
        };
        let judged = |body: &Value| -> Vec<Value> {
            body["data"]["indicators"]["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .filter(|n| n["consistency"].as_array().is_some_and(|c| !c.is_empty()))
                .cloned()
                .collect()
        };
        publish_by_sex("婴儿死亡率").await;
        assert_eq!(judged(&app.query(page).await).len(), 1);
        let one = crate::statements::fewest(&app, None, page, 0).await;
        publish_by_sex("5岁以下儿童死亡率").await;
        publish_by_sex("新生儿死亡率").await;
        // The same text again: approvals move the answer (it follows the data version, not
        // the structure's, which they leave as it was).
        let after = judged(&app.query(page).await);
        assert_eq!(after.len(), 3, "{after:?}");
        // No total was reported: both sexes are there, from the same department.
        assert_eq!(
            after[0]["consistency"],
            json!([{ "rule": "REQUIRED_CELLS", "ok": true, "message": "各分组均已填报" }])
        );
        let three = crate::statements::fewest(&app, None, page, one).await;
        assert_eq!(
            three, one,
            "statements for 1 measure with cells: {one}, for 3: {three}"
        );
    }
);
