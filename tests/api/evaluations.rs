//! Frozen evaluations (issue 32, item 3): the health plan's mid-term (through 2022) and final
//! evaluations of the bundled document plus a few approved 2022 figures, with the classes and
//! the 达标率 a hand calculation gives; the same inputs twice give one evaluation; a later
//! correction leaves the frozen one as it was and makes a revising one.

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::downloads::get;
use crate::on_both_backends;
use crate::support::TestApp;
use crate::workflow::{login, scalar, user, REVIEW, SUBMIT};

pub(crate) const FREEZE: &str = "mutation($k: EvaluationKind!, $p: String, $y: Int!) { freezeEvaluation(input: { kind: $k, planCode: $p, throughYear: $y }) { id seq sha256 itemCount revises { id } summary { class label count } achievementRate { achieved monitorable rate } } }";

const ITEMS: &str = "query($id: ID!, $f: EvaluationItemFilter) { evaluation(id: $id) { items(first: 100, filter: $f) { totalCount nodes { indicator class value year targetValue comparator binding reason target { id } } } } }";

/// The store id of the indicator with this name, as a global ID.
pub(crate) async fn indicator(app: &TestApp, name: &str) -> String {
    let id = scalar(
        app,
        &format!("SELECT CAST(id AS BIGINT) FROM indicator WHERE name = '{name}'"),
    )
    .await;
    plangraph::ids::encode(
        plangraph::ids::Kind::Indicator,
        i32::try_from(id).unwrap_or(0),
    )
    .0
}

/// Submits (as 县卫健局's submitter) and approves (as another reviewer) a 2022 figure.
pub(crate) async fn publish(app: &TestApp, ann: &str, eve: &str, name: &str, value: f64) {
    let id = indicator(app, name).await;
    let body = app
        .query_as(Some(ann), SUBMIT, json!({ "i": id, "y": 2022, "v": value }))
        .await;
    let value_id = body["data"]["submitValue"]["value"]["id"].clone();
    assert!(value_id.is_string(), "{name}: {body}");
    let body = app
        .query_as(
            Some(eve),
            REVIEW,
            json!({ "id": value_id, "d": "APPROVE", "c": "与年报一致" }),
        )
        .await;
    assert!(body["errors"].is_null(), "{name}: {body}");
}

/// A health evaluation as people read it: its title (昌乐县“十四五”规划中期评估（health，
/// 截至2022年）), the day it was frozen, and whether it revises another.
async fn described(app: &TestApp, id: &str) -> (String, String, bool) {
    let body = app
        .query_as(
            None,
            "query($id: ID!) { evaluation(id: $id) { kind throughYear frozenAt revises { id } } }",
            json!({ "id": id }),
        )
        .await;
    let e = &body["data"]["evaluation"];
    let kind = if e["kind"] == "FINAL" {
        "终期评估"
    } else {
        "中期评估"
    };
    let title = format!(
        "昌乐县“十四五”规划{kind}（health，截至{}年）",
        e["throughYear"]
    );
    let day = e["frozenAt"].as_str().unwrap_or("").get(..10).unwrap_or("");
    (title, day.to_string(), !e["revises"].is_null())
}

/// The plans page and the health plan's page list these evaluations, newest first, each
/// revised one linking its revision (all of health; the women's page lists none).
async fn listed(app: &TestApp, newest_first: &[(&Value, Option<&Value>)]) {
    let mut entries = Vec::new();
    for (e, revised_by) in newest_first {
        let id = e["id"].as_str().unwrap_or("");
        let (title, day, _) = described(app, id).await;
        let revised = match revised_by.and_then(|r| r["id"].as_str()) {
            Some(later) => format!("，已被<a href=\"/evaluations/{later}\">修订</a>"),
            None => String::new(),
        };
        entries.push(format!(
            "<li><a href=\"/evaluations/{id}\">{title}</a>（冻结于 {day}{revised}）：<a href=\"/evaluations/{id}.csv\">CSV</a> · <a href=\"/evaluations/{id}.json\">JSON</a> · <a href=\"/evaluations/{id}.xlsx\">XLSX</a></li>"
        ));
    }
    let list = format!(
        "<h2 id=\"evaluations\">监测评估报告</h2><ul class=\"dl\">{}</ul>",
        entries.concat()
    );
    let browser = [("accept", "text/html")];
    for path in ["/", "/plans/health", "/evaluations/"] {
        let page = String::from_utf8(get(app, path, &browser).await.body).unwrap_or_default();
        assert!(page.contains(&list), "{path}: {list} not in {page}");
    }
    let women = String::from_utf8(get(app, "/plans/women", &[]).await.body).unwrap_or_default();
    assert!(women.contains("<p>尚无冻结的监测评估。"), "{women}");
    feed_entries(app, newest_first).await;
    lines_and_sitemap(app, newest_first).await;
}

/// `/evaluations/` for a client that does not ask for a page: a line each, newest first
/// (report, frozen at, title); the sitemap lists each report with its freezing time.
async fn lines_and_sitemap(app: &TestApp, newest_first: &[(&Value, Option<&Value>)]) {
    let text = String::from_utf8(get(app, "/evaluations/", &[]).await.body).unwrap_or_default();
    let sitemap = String::from_utf8(get(app, "/sitemap.xml", &[]).await.body).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), newest_first.len(), "{text}");
    for ((e, _), line) in newest_first.iter().zip(lines) {
        let id = e["id"].as_str().unwrap_or("");
        let (title, _, _) = described(app, id).await;
        let body = app
            .query_as(
                None,
                "query($id: ID!) { evaluation(id: $id) { frozenAt } }",
                json!({ "id": id }),
            )
            .await;
        let at = chrono::DateTime::parse_from_rfc3339(
            body["data"]["evaluation"]["frozenAt"]
                .as_str()
                .unwrap_or(""),
        )
        .unwrap_or_else(|e| panic!("{e}: {body}"));
        let at = at.with_timezone(&chrono::Utc);
        let frozen = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        assert_eq!(line, format!("/evaluations/{id}\t{frozen}\t{title}"));
        let url = format!(
            "/evaluations/{id}</loc><lastmod>{}</lastmod>",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        );
        assert!(sitemap.contains(&url), "{url} not in {sitemap}");
    }
}

/// The Atom feed has an entry per evaluation, newest first among the changes: the newest
/// entry is the newest evaluation's (nothing was published after it).
async fn feed_entries(app: &TestApp, newest_first: &[(&Value, Option<&Value>)]) {
    let feed = String::from_utf8(get(app, "/feed.atom", &[]).await.body).unwrap_or_default();
    let entries: Vec<&str> = feed.split("<entry>").skip(1).collect();
    for (n, (e, _)) in newest_first.iter().enumerate() {
        let id = e["id"].as_str().unwrap_or("");
        let link = format!("/evaluations/{id}\"/>");
        let entry = entries
            .iter()
            .find(|entry| entry.contains(&link))
            .unwrap_or_else(|| panic!("no entry for {id}: {feed}"));
        if n == 0 {
            assert!(entries[0].contains(&link), "{feed}");
        }
        let (title, day, revises) = described(app, id).await;
        let revises = if revises {
            "；它修订了此前的一份"
        } else {
            ""
        };
        let summary = format!(
            "<summary>{day}冻结（第{}次发布的数据，共103个目标），报告与数据文件不再改变{revises}。</summary>",
            e["seq"]
        );
        assert!(
            entry.starts_with(&format!("<title>{title}</title>")),
            "{entry}"
        );
        assert!(entry.contains(&summary), "{summary} not in {entry}");
    }
}

async fn freeze(app: &TestApp, token: &str, kind: &str, plan: Option<&str>, year: i32) -> Value {
    let body = app
        .query_as(
            Some(token),
            FREEZE,
            json!({ "k": kind, "p": plan, "y": year }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["freezeEvaluation"].clone()
}

pub(crate) fn counts(evaluation: &Value) -> Vec<(String, i64)> {
    evaluation["summary"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["class"].as_str().unwrap_or("").to_string(),
                c["count"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

pub(crate) fn pairs(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(c, n)| ((*c).to_string(), *n)).collect()
}

/// The items of an evaluation with this indicator name: (class, value).
async fn classed(app: &TestApp, id: &Value, name: &str) -> Vec<(String, Value)> {
    let body = app
        .query_as(None, ITEMS, json!({ "id": id, "f": Value::Null }))
        .await;
    body["data"]["evaluation"]["items"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["indicator"] == name)
        .map(|n| {
            (
                n["class"].as_str().unwrap_or("").to_string(),
                n["value"].clone(),
            )
        })
        .collect()
}

on_both_backends!(
    evaluations_are_frozen_with_the_classes_a_hand_calculation_gives,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        user(&app, "stats.eve", UserRole::Reviewer, None).await;
        user(&app, "admin.fu", UserRole::Admin, None).await;
        let ann = login(&app, "wj.ann").await;
        let dai = login(&app, "stats.dai").await;
        let eve = login(&app, "stats.eve").await;
        let fu = login(&app, "admin.fu").await;

        // Who may freeze, and what.
        let body = app
            .query_as(
                None,
                FREEZE,
                json!({ "k": "FINAL", "p": "health", "y": 2025 }),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        let body = app
            .query_as(
                Some(&ann),
                FREEZE,
                json!({ "k": "FINAL", "p": "health", "y": 2025 }),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
        for (kind, plan, year) in [
            ("FINAL", "health", 2024),
            ("MIDTERM", "health", 2019),
            ("ANNUAL", "nope", 2022),
        ] {
            let body = app
                .query_as(
                    Some(&dai),
                    FREEZE,
                    json!({ "k": kind, "p": plan, "y": year }),
                )
                .await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{kind} {plan} {year}: {body}"
            );
        }

        // The document alone: the health plan's 103 targets, 4 met by the 2020 figures
        // (婴儿死亡率 ≤3.3‰ at 2.27, 5岁以下儿童死亡率 ≤4‰ at 3.64, each set twice), 8 without
        // a number, the rest without a figure after 2020.
        let before = freeze(&app, &dai, "FINAL", Some("health"), 2025).await;
        assert_eq!(before["itemCount"], 103);
        assert_eq!(
            counts(&before),
            pairs(&[("ACHIEVED", 4), ("NO_DATA", 91), ("NOT_QUANTIFIED", 8)])
        );
        assert_eq!(
            before["achievementRate"],
            json!({ "achieved": 4, "monitorable": 4, "rate": 1.0 })
        );
        assert_eq!(before["summary"][0]["label"], "已实现");

        // Four 2022 figures (one indicator assigned to 县卫健局 by the admin first).
        let gp = indicator(&app, "每万人口全科医生数").await;
        let body = app.query_as(Some(&fu), "mutation($i: ID!) { assignReporter(input: { indicatorId: $i, department: \"县卫健局\" }) { indicator { name } } }", json!({ "i": gp })).await;
        assert!(body["errors"].is_null(), "{body}");
        // ≤14 from 15.37: (15.37 − 15) / 1.37 = 27% of the way in 40% of the time: behind
        // (the plan sets it twice, in its text and in 表1).
        publish(&app, &ann, &eve, "重大慢性病过早死亡率", 15.0).await;
        // ≥100 from 50: 40% of the way in 40% of the time: on pace (also set twice).
        publish(
            &app,
            &ann,
            &eve,
            "二级及以上综合性医院设置老年医学科的比例",
            70.0,
        )
        .await;
        // ≥70 and ≥50 from 20: 40% (on pace) and 67% (ahead) of the way.
        publish(
            &app,
            &ann,
            &eve,
            "国家卫生乡镇（含进入评审程序）数量占比",
            40.0,
        )
        .await;
        // ≥3 from 2 (binding): 10% of the way: behind.
        publish(&app, &ann, &eve, "每万人口全科医生数", 2.1).await;

        let midterm = freeze(&app, &dai, "MIDTERM", Some("health"), 2022).await;
        assert_eq!(
            counts(&midterm),
            pairs(&[
                ("ACHIEVED", 4),
                ("AHEAD", 1),
                ("ON_PACE", 3),
                ("BEHIND", 3),
                ("NO_DATA", 84),
                ("NOT_QUANTIFIED", 8)
            ])
        );
        assert_eq!(
            midterm["achievementRate"],
            json!({ "achieved": 4, "monitorable": 11, "rate": 0.364 })
        );
        assert_eq!(midterm["summary"][0]["label"], "提前实现");
        assert_eq!(midterm["revises"], Value::Null);
        // The binding targets that lag, named.
        let body = app
            .query_as(
                None,
                ITEMS,
                json!({ "id": midterm["id"], "f": { "binding": true, "classes": ["BEHIND", "NOT_ACHIEVED"] } }),
            )
            .await;
        let lagging = &body["data"]["evaluation"]["items"];
        assert_eq!(lagging["totalCount"], 1, "{body}");
        let gp_item = &lagging["nodes"][0];
        assert_eq!(
            (
                &gp_item["indicator"],
                &gp_item["value"],
                &gp_item["year"],
                &gp_item["targetValue"]
            ),
            (
                &json!("每万人口全科医生数"),
                &json!(2.1),
                &json!(2022),
                &json!(3.0)
            )
        );
        assert!(
            gp_item["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("滞后：") && r.contains("2.1")),
            "{gp_item}"
        );

        // The report page says the same, in Chinese, for print.
        let page = get(
            &app,
            &format!("/evaluations/{}", midterm["id"].as_str().unwrap_or("")),
            &[],
        )
        .await;
        assert_eq!(page.status, 200);
        let html = String::from_utf8(page.body).unwrap_or_default();
        for said in [
            "中期评估（health，截至2022年）",
            "可监测目标 11 个（有数值目标且有数据），已实现 4 个，达标率 36.4%",
            "<strong>每万人口全科医生数</strong>（滞后）",
            "@page{size:A4",
            // The warnings: three targets behind, and the one indicator whose change from
            // 2020 fluctuates (20% to 40% in two years: 10 a year, over 30% of 20).
            "预计达标困难（滞后于进度）的目标 3 个",
            "截至2022年最新变化波动较大的指标 1 个",
            "<strong>国家卫生乡镇（含进入评审程序）数量占比</strong>：波动较大：2022年 40%，2020年 20%，每年变化 10，超过上一数值的 30%（±6）",
        ] {
            assert!(html.contains(said), "{said} not in the page");
        }

        // The final evaluation after those figures: none of the seven targets reached.
        let after = freeze(&app, &dai, "FINAL", Some("health"), 2025).await;
        assert_eq!(
            counts(&after),
            pairs(&[
                ("ACHIEVED", 4),
                ("NOT_ACHIEVED", 7),
                ("NO_DATA", 84),
                ("NOT_QUANTIFIED", 8)
            ])
        );
        assert_eq!(after["revises"]["id"], before["id"]);

        // The same inputs with nothing changed: the same evaluation.
        let again = freeze(&app, &dai, "MIDTERM", Some("health"), 2022).await;
        assert_eq!(
            (&again["id"], &again["sha256"]),
            (&midterm["id"], &midterm["sha256"])
        );

        // A correction: the frozen mid-term evaluation keeps what it said; a new one revises it.
        publish(
            &app,
            &ann,
            &eve,
            "二级及以上综合性医院设置老年医学科的比例",
            100.0,
        )
        .await;
        let revised = freeze(&app, &dai, "MIDTERM", Some("health"), 2022).await;
        assert_ne!(revised["id"], midterm["id"]);
        assert_eq!(revised["revises"]["id"], midterm["id"]);
        listed(
            &app,
            &[
                (&revised, None),
                (&after, None),
                (&midterm, Some(&revised)),
                (&before, Some(&after)),
            ],
        )
        .await;
        assert_eq!(
            revised["achievementRate"],
            json!({ "achieved": 6, "monitorable": 11, "rate": 0.545 })
        );
        let name = "二级及以上综合性医院设置老年医学科的比例";
        assert_eq!(
            classed(&app, &midterm["id"], name).await,
            [("ON_PACE".to_string(), json!(70.0))]
        );
        assert_eq!(
            classed(&app, &revised["id"], name).await,
            [("ACHIEVED".to_string(), json!(100.0))]
        );
        // Each report warns as of its own publication: the corrected figure's jump (50% to
        // 100% in two years) is in the revision's warnings, not in the frozen mid-term's.
        let warned = format!("<strong>{name}</strong>：波动较大：2022年 100%");
        for (evaluation, expected) in [(&midterm, false), (&revised, true)] {
            let id = evaluation["id"].as_str().unwrap_or("");
            let page = get(&app, &format!("/evaluations/{id}"), &[]).await;
            let html = String::from_utf8(page.body).unwrap_or_default();
            assert_eq!(html.contains(&warned), expected, "{id}");
            // the frozen one says, as it was, that a later one revises it; the revision not
            let note = format!(
                "<p><strong>本评估已被<a href=\"/evaluations/{}\">较新的评估</a>修订</strong>",
                revised["id"].as_str().unwrap_or("")
            );
            assert_eq!(html.contains(&note), !expected, "{id}");
            assert!(html.contains(r#"<nav aria-label="位置"><a href="/">全部规划</a> › <a href="/evaluations/">监测评估报告</a></nav>"#));
        }

        // What the revision changed: the two 老年医学科 targets (the plan sets it twice), with why.
        let body = app
            .query_as(
                None,
                "query($a: ID!, $b: ID!) { evaluationDiff(from: $a, to: $b) { totalCount nodes { why before { class } after { class indicator } } } }",
                json!({ "a": midterm["id"], "b": revised["id"] }),
            )
            .await;
        let diff = &body["data"]["evaluationDiff"];
        assert_eq!(diff["totalCount"], 2, "{body}");
        assert_eq!(
            diff["nodes"][0]["why"],
            "类别 ON_PACE → ACHIEVED；所用数值 70（2022年） → 100（2022年）"
        );
        assert_eq!(diff["nodes"][0]["after"]["indicator"], name);

        // All plans: the document's 184 targets, grouped by plan.
        let all = freeze(&app, &dai, "ANNUAL", None, 2022).await;
        assert_eq!(all["itemCount"], 184);
        let body = app
            .query_as(None, "query($id: ID!) { evaluation(id: $id) { planCode groups(by: PLAN) { key achievementRate { monitorable } } } evaluations(filter: { allPlans: true }) { totalCount } }", json!({ "id": all["id"] }))
            .await;
        let keys: Vec<&str> = body["data"]["evaluation"]["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g["key"].as_str())
            .collect();
        assert_eq!(
            keys,
            ["children", "earthquake", "health", "women"],
            "{body}"
        );
        assert_eq!(body["data"]["evaluation"]["planCode"], Value::Null);
        assert_eq!(body["data"]["evaluations"]["totalCount"], 1);
        let listed = app
            .query_as(
                None,
                "{ evaluations(filter: { planCode: \"health\", kind: MIDTERM }) { nodes { id } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            listed["data"]["evaluations"]["nodes"],
            json!([{ "id": revised["id"] }, { "id": midterm["id"] }])
        );

        // No personal data in an evaluation, and it cannot be edited.
        let text = app
            .query_as(
                None,
                ITEMS,
                json!({ "id": midterm["id"], "f": Value::Null }),
            )
            .await
            .to_string();
        for name in ["wj.ann", "stats.dai", "stats.eve", "与年报一致"] {
            assert!(!text.contains(name), "{name} in an evaluation");
        }
        for sql in [
            "UPDATE evaluation SET through_year = 2023",
            "DELETE FROM evaluation_item",
        ] {
            let refused = sea_orm::ConnectionTrait::execute_unprepared(&app.db, sql).await;
            assert!(refused.is_err(), "{sql} was allowed");
        }
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM evaluation").await, 5);
    }
);

/// Runs `plangraph verify evaluation DIR`: whether it passed, and what it printed.
fn verify(dir: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plangraph"))
        .args(["verify", "evaluation"])
        .arg(dir)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap_or_else(|e| panic!("plangraph verify: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

on_both_backends!(
    an_evaluation_is_released_as_files_a_manifest_checks,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let dai = login(&app, "stats.dai").await;
        let frozen = freeze(&app, &dai, "FINAL", Some("health"), 2025).await;
        let id = frozen["id"].as_str().unwrap_or_default().to_string();

        let manifest = get(&app, &format!("/evaluations/{id}/manifest.json"), &[]).await;
        assert_eq!(manifest.status, 200);
        assert_eq!(
            manifest.headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let m: Value = serde_json::from_slice(&manifest.body).unwrap_or_default();
        assert_eq!(m["evaluation"]["id"], frozen["id"]);
        assert_eq!(m["evaluation"]["sha256"], frozen["sha256"]);
        assert_eq!(m["evaluation"]["kind"], "FINAL");
        let names: Vec<String> = m["files"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["name"].as_str().map(str::to_string))
            .collect();
        assert_eq!(names.len(), 3, "{m}");
        let dir = std::env::temp_dir().join(format!(
            "plangraph-evaluation-{}-{backend:?}-{id}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("manifest.json"), &manifest.body).unwrap_or_else(|e| panic!("{e}"));
        for (name, extension) in names.iter().zip(["csv", "json", "xlsx"]) {
            let f = get(&app, &format!("/evaluations/{id}.{extension}"), &[]).await;
            assert_eq!(f.status, 200, "{name}");
            let disposition = f.headers["content-disposition"].to_str().unwrap_or("");
            assert!(disposition.contains(name.as_str()), "{disposition}");
            // The same bytes every time: the ETag answers 304.
            let etag = f.headers["etag"].to_str().unwrap_or("").to_string();
            let again = get(
                &app,
                &format!("/evaluations/{id}.{extension}"),
                &[("if-none-match", &etag)],
            )
            .await;
            assert_eq!(again.status, 304, "{name}");
            std::fs::write(dir.join(name), &f.body).unwrap_or_else(|e| panic!("{e}"));
        }
        // The CSV: a header and the plan's 103 targets, with their classes.
        let csv = std::fs::read_to_string(dir.join(&names[0])).unwrap_or_default();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 104);
        assert!(lines[0]
            .trim_start_matches('\u{feff}')
            .starts_with("ordinal,plan,domain,target_key,indicator,unit,class,value"));
        assert_eq!(csv.matches(",ACHIEVED,").count(), 4);

        // The catalog lists the evaluation as a dataset whose files carry the same checksums.
        let catalog = get(&app, "/catalog.jsonld", &[]).await;
        let doc: Value = serde_json::from_slice(&catalog.body).unwrap_or_default();
        let dataset = doc["dcat:dataset"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| {
                d["dcat:landingPage"]["@id"]
                    .as_str()
                    .is_some_and(|l| l.ends_with(&format!("/evaluations/{id}")))
            })
            .cloned()
            .unwrap_or_else(|| panic!("no dataset for {id} in {doc}"));
        let listed: Vec<(String, String)> = dataset["dcat:distribution"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                (
                    d["dct:title"][0]["@value"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    d["spdx:checksum"]["spdx:checksumValue"]["@value"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                )
            })
            .collect();
        let manifested: Vec<(String, String)> = m["files"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                (
                    f["name"].as_str().unwrap_or("").to_string(),
                    f["sha256"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(listed, manifested);
        assert!(dataset.get("dcat:previousVersion").is_none());
        // With an evaluation in it, the catalog still meets the DCAT-AP 3 shapes.
        if let Some(py) = crate::python::python().await {
            let results = crate::python::dcat_ap_results(&py, &catalog.body, "jsonld");
            assert_eq!(
                crate::python::dcat_ap_problems(&results),
                Vec::<&Value>::new()
            );
        }

        let (ok, text) = verify(&dir);
        assert!(ok, "{text}");
        assert_eq!(
            text.lines().filter(|l| l.starts_with("ok  ")).count(),
            3,
            "{text}"
        );
        // One byte changed, then a file gone: each is named.
        let mut bytes = std::fs::read(dir.join(&names[1])).unwrap_or_default();
        bytes[1] ^= 0x20;
        std::fs::write(dir.join(&names[1]), &bytes).unwrap_or_else(|e| panic!("{e}"));
        let (ok, text) = verify(&dir);
        assert!(!ok && text.contains(&names[1]), "{text}");
        std::fs::remove_file(dir.join(&names[2])).unwrap_or_else(|e| panic!("{e}"));
        let (ok, text) = verify(&dir);
        assert!(
            !ok && text.contains(&format!("{}: missing", names[2])),
            "{text}"
        );
        let _ = std::fs::remove_dir_all(&dir);

        for missing in [
            format!("/evaluations/{id}.pdf"),
            "/evaluations/RXZhbHVhdGlvbjo5OTk.csv".to_string(),
            "/evaluations/nonsense/manifest.json".to_string(),
        ] {
            assert_eq!(get(&app, &missing, &[]).await.status, 404, "{missing}");
        }
    }
);

on_both_backends!(
    a_page_of_evaluations_reads_their_items_once,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let dai = login(&app, "stats.dai").await;
        let page = "{ evaluations(first: 100) { nodes { planCode summary { class count } achievementRate { rate } groups(by: DOMAIN) { key summary { count } } } } }";
        freeze(&app, &dai, "FINAL", Some("health"), 2025).await;
        let one = crate::statements::fewest(&app, None, page, 0).await;
        freeze(&app, &dai, "FINAL", Some("children"), 2025).await;
        freeze(&app, &dai, "ANNUAL", Some("women"), 2022).await;
        let body = app.query(page).await;
        let nodes = body["data"]["evaluations"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"));
        assert_eq!(nodes.len(), 3, "{body}");
        // each counted from its own items: the plans' targets, newest evaluation first
        let total = |n: &Value| -> i64 {
            n["summary"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| c["count"].as_i64().unwrap_or(0))
                .sum()
        };
        let by_plan: Vec<(String, i64)> = nodes
            .iter()
            .map(|n| (n["planCode"].as_str().unwrap_or("").to_string(), total(n)))
            .collect();
        assert_eq!(
            by_plan,
            pairs(&[("women", 35), ("children", 39), ("health", 103)])
        );
        let three = crate::statements::fewest(&app, None, page, one).await;
        assert_eq!(
            three, one,
            "statements for 1 evaluation: {one}, for 3: {three}"
        );
    }
);

on_both_backends!(
    the_catalog_makes_an_evaluations_files_once,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let dai = login(&app, "stats.dai").await;
        // Statements of one catalog request (without If-None-Match: built, not a 304): the
        // fewest of three, since the counter also counts the server's own reads beside the
        // requests (the change feed reading what a freeze published) that may fall inside one.
        let catalog = || async {
            let mut fewest = (0, u64::MAX);
            for _ in 0..3 {
                let before = app.statements.load(std::sync::atomic::Ordering::SeqCst);
                let got = get(&app, "/catalog.jsonld", &[]).await;
                let after = app.statements.load(std::sync::atomic::Ordering::SeqCst);
                assert_eq!(got.status, 200);
                let doc: Value = serde_json::from_slice(&got.body).unwrap_or_default();
                let evaluations = doc["dcat:dataset"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|d| d["dcat:version"].is_string())
                    .count();
                fewest = (evaluations, fewest.1.min(after - before));
            }
            fewest
        };
        freeze(&app, &dai, "FINAL", Some("health"), 2025).await;
        catalog().await;
        let (listed, one) = catalog().await;
        assert_eq!(listed, 1);
        freeze(&app, &dai, "FINAL", Some("children"), 2025).await;
        freeze(&app, &dai, "ANNUAL", Some("women"), 2022).await;
        catalog().await;
        let (listed, three) = catalog().await;
        assert_eq!(listed, 3);
        // An evaluation never changes: its files are described from what was made once.
        assert_eq!(
            three, one,
            "statements with 1 evaluation: {one}, with 3: {three}"
        );
    }
);
