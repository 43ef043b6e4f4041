//! The public read API over HTTP: IDs, connections, filters, search, status and warnings.

use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::{code, publish, TestApp};

fn ok(body: &Value) -> &Value {
    assert_eq!(body.get("errors"), None, "{body}");
    &body["data"]
}

fn names(connection: &Value) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| n["name"].as_str().unwrap_or("").to_string())
        .collect()
}

on_both_backends!(global_ids_and_nodes, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let body = app.query(r#"{ indicators(filter: { planCode: "health", text: "居民健康素养" }, first: 5) { nodes { id name targets { id } } } }"#).await;
    let nodes = ok(&body)["indicators"]["nodes"].clone();
    // one measure, where the health plan names it three times (具体目标, 表1 row 7, 任务)
    assert_eq!(names(&ok(&body)["indicators"]), ["居民健康素养水平"]);
    let id = nodes[0]["id"].as_str().unwrap_or("").to_string();
    let target = nodes[0]["targets"][1]["id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let body = app
        .query(&format!(
            r#"{{ node(id: "{id}") {{ id ... on Indicator {{ name unit direction values {{ year value origin source {{ lineStart }} }} }} }}
                 target: node(id: "{target}") {{ id ... on Target {{ tableNumber year comparator value raw nature basis inferred baseline {{ year value }} indicator {{ id }} source {{ lineStart lineEnd }} }} }}
                 nodes(ids: ["{id}", "{target}"]) {{ id }} }}"#
        ))
        .await;
    let data = ok(&body);
    assert_eq!(
        data["node"],
        json!({ "id": id, "name": "居民健康素养水平", "unit": "%", "direction": "HIGHER_IS_BETTER",
                "values": [{ "year": 2020, "value": 23.16, "origin": "DOCUMENT", "source": { "lineStart": 545 } }] })
    );
    // 表1 row 7 gives a bare 30.32: the comparator and direction are inferred, and said so
    assert_eq!(
        data["target"],
        json!({ "id": target, "tableNumber": 7, "year": 2025, "comparator": "AT_LEAST", "value": 30.32,
                "raw": "30.32", "nature": "EXPECTED", "basis": "LEVEL", "inferred": ["COMPARATOR", "DIRECTION"],
                "baseline": { "year": 2020, "value": 23.16 }, "indicator": { "id": id },
                "source": { "lineStart": 545, "lineEnd": 552 } })
    );
    assert_eq!(data["nodes"], json!([{ "id": id }, { "id": target }]));
    let body = app.query(r#"{ node(id: "bm9wZQ") { id } }"#).await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
});

on_both_backends!(pagination_forwards_and_backwards, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let all = app.query(r#"{ indicators(filter: { planCode: "health" }, first: 100) { totalCount nodes { name } } }"#).await;
    let all = names(&ok(&all)["indicators"]);
    assert_eq!(all.len(), 89);
    // forwards in pages of 25
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let cursor = if after.is_empty() {
            String::new()
        } else {
            format!(r#", after: "{after}""#)
        };
        let body = app
            .query(&format!(r#"{{ indicators(filter: {{ planCode: "health" }}, first: 25{cursor}) {{ totalCount nodes {{ name }} pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }}"#))
            .await;
        let page = ok(&body)["indicators"].clone();
        assert_eq!(page["totalCount"], 89);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], !after.is_empty());
        seen.extend(names(&page));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"]
            .as_str()
            .unwrap_or("")
            .to_string();
    }
    assert_eq!(seen, all);
    // backwards: the last 10, then the 10 before them
    let body = app.query(r#"{ indicators(filter: { planCode: "health" }, last: 10) { nodes { name } pageInfo { hasPreviousPage hasNextPage startCursor } } }"#).await;
    let page = ok(&body)["indicators"].clone();
    assert_eq!(names(&page), all[79..]);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
    let before = page["pageInfo"]["startCursor"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let body = app
        .query(&format!(r#"{{ indicators(filter: {{ planCode: "health" }}, last: 10, before: "{before}") {{ nodes {{ name }} }} }}"#))
        .await;
    assert_eq!(names(&ok(&body)["indicators"]), all[69..79]);
    // by name, descending
    let body = app.query(r#"{ indicators(filter: { planCode: "health" }, first: 3, orderBy: { field: NAME, direction: DESC }) { nodes { name } } }"#).await;
    let mut sorted = all.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(names(&ok(&body)["indicators"]), sorted[..3]);
});

on_both_backends!(targets_page_backwards_from_the_end, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let first = app
            .query(r#"{ targets(filter: { planCode: "health" }, first: 100) { totalCount nodes { id } pageInfo { endCursor } } }"#)
            .await;
    let ids = |page: &Value| -> Vec<String> {
        page["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| n["id"].to_string())
            .collect()
    };
    // Two pages forwards (a page holds at most 100).
    let end = ok(&first)["targets"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let rest = app
        .query(&format!(r#"{{ targets(filter: {{ planCode: "health" }}, first: 100, after: "{end}") {{ nodes {{ id }} }} }}"#))
        .await;
    let mut all = ids(&ok(&first)["targets"]);
    all.extend(ids(&ok(&rest)["targets"]));
    assert_eq!(all.len(), 103);
    // The last 10 are the table of 智慧医院 ratings and what precedes it (L877), not the
    // first 10 reversed.
    let body = app
            .query(r#"{ targets(filter: { planCode: "health" }, last: 10) { nodes { id name source { lineStart } } pageInfo { hasPreviousPage hasNextPage startCursor } } }"#)
            .await;
    let page = ok(&body)["targets"].clone();
    assert_eq!(ids(&page), all[93..]);
    assert_eq!(page["nodes"][9]["name"], "智慧服务评估二、三级公立医院3级");
    assert_eq!(page["nodes"][9]["source"]["lineStart"], 877);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
    let before = page["pageInfo"]["startCursor"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let body = app
            .query(&format!(r#"{{ targets(filter: {{ planCode: "health" }}, last: 10, before: "{before}") {{ nodes {{ id }} }} }}"#))
            .await;
    assert_eq!(ids(&ok(&body)["targets"]), all[83..93]);
});

on_both_backends!(page_sizes_and_cursors_are_checked, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for args in [
        "first: 0",
        "first: 101",
        "last: -1",
        "first: 5, last: 5",
        r#"after: "garbage""#,
    ] {
        let body = app
            .query(&format!("{{ indicators({args}) {{ totalCount }} }}"))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{args}: {body}");
    }
    let body = app
        .query("{ indicators(first: 100) { nodes { id } } }")
        .await;
    assert_eq!(
        ok(&body)["indicators"]["nodes"].as_array().map(Vec::len),
        Some(100)
    );
    let body = app.query("{ indicators { nodes { id } } }").await;
    assert_eq!(
        ok(&body)["indicators"]["nodes"].as_array().map(Vec::len),
        Some(20),
        "default page size"
    );
});

on_both_backends!(every_filter, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let count = |list: &'static str, filter: &'static str| {
        let app = &app;
        async move {
            let body = app
                .query(&format!(
                    "{{ {list}(filter: {{ {filter} }}) {{ totalCount }} }}"
                ))
                .await;
            ok(&body)[list]["totalCount"].as_u64().unwrap_or(u64::MAX)
        }
    };
    // 184 targets: women 35, children 39, health 103, earthquake 7; 160 indicators
    assert_eq!(count("targets", r#"planCode: "women""#).await, 35);
    assert_eq!(count("targets", r#"planCode: "earthquake""#).await, 7);
    assert_eq!(count("indicators", r#"planCode: "health""#).await, 89);
    assert_eq!(count("targets", "nature: BINDING").await, 3);
    assert_eq!(count("targets", r#"text: "死亡率""#).await, 13);
    assert_eq!(count("indicators", r#"text: "死亡率""#).await, 6);
    assert_eq!(
        count("targets", r#"department: "县卫健局", role: LEAD"#).await,
        56
    );
    assert_eq!(
        count("indicators", r#"department: "县卫健局", role: LEAD"#).await,
        52
    );
    assert_eq!(
        count("targets", r#"department: "发改局", role: RESPONSIBLE"#).await,
        19
    );
    assert_eq!(count("targets", "status: [NO_DATA]").await, 166);
    assert_eq!(count("targets", "status: [NOT_QUANTIFIED]").await, 12);
    assert_eq!(
        count("targets", "status: [ACHIEVED, NOT_QUANTIFIED]").await,
        18
    );
    assert_eq!(count("targets", "quantified: false").await, 12);
    // a name that names nothing is an error, not an empty answer
    for (list, filter) in [
        ("targets", r#"planCode: "nope""#),
        ("indicators", r#"planCode: "nope""#),
        ("goals", r#"planCode: "nope""#),
        ("targets", r#"department: "县无此局""#),
        ("indicators", r#"department: "县无此局""#),
        ("goals", r#"department: "县无此局""#),
    ] {
        let body = app
            .query(&format!(
                "{{ {list}(filter: {{ {filter} }}) {{ totalCount }} }}"
            ))
            .await;
        assert_eq!(code(&body), "NOT_FOUND", "{list} {filter}: {body}");
    }
    let body = app
        .query(r#"{ statusCounts(filter: { planCode: "nope" }) { count } }"#)
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    // a domain by its ID
    let body = app
        .query(r#"{ plan(code: "children") { domains { id title } } }"#)
        .await;
    let domain = ok(&body)["plan"]["domains"][0].clone();
    assert_eq!(domain["title"], "儿童与健康");
    let body = app
        .query(&format!(r#"{{ targets(filter: {{ domainId: "{}" }}, first: 100) {{ totalCount }} goals(filter: {{ domainId: "{}", kind: GOAL }}) {{ totalCount }} }}"#, domain["id"].as_str().unwrap_or(""), domain["id"].as_str().unwrap_or("")))
        .await;
    assert_eq!(ok(&body)["targets"]["totalCount"], 21);
    assert_eq!(ok(&body)["goals"]["totalCount"], 12);
    // goals by department, role, kind and text
    let body = app
        .query(
            r#"{ a: goals(filter: { department: "团县委", role: LEAD }) { totalCount }
                    b: goals(filter: { kind: PROJECT_BOX }) { totalCount nodes { number } }
                    c: goals(filter: { text: "溺水" }) { totalCount }
                    d: goals(filter: { role: LEAD }) { totalCount } }"#,
        )
        .await;
    assert_eq!(body["data"]["a"]["totalCount"], 1);
    assert_eq!(body["data"]["b"]["totalCount"], 8);
    assert_eq!(body["data"]["c"]["totalCount"], 2);
    assert_eq!(code(&body), "BAD_USER_INPUT", "role without department");
    // departments by kind and by text (canonical name or spelling)
    let body = app
        .query(r#"{ a: departments(filter: { kind: PARTY_COMMITTEE }, first: 100) { totalCount nodes { name } }
                    b: departments(filter: { text: "生态环境局" }) { nodes { name } } }"#)
        .await;
    let data = ok(&body);
    assert_eq!(data["a"]["totalCount"], 8);
    assert_eq!(
        data["b"]["nodes"],
        json!([{ "name": "市生态环境局昌乐分局" }])
    );
});

on_both_backends!(
    a_department_lists_its_goals_and_indicators_by_role,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let body = app
        .query(r#"{ department(name: "县卫健局") { lead: goals(role: LEAD) { totalCount } all: goals { totalCount }
                      leadIndicators: indicators(role: LEAD) { totalCount } leadTargets: targets(role: LEAD) { totalCount }
                      targets { totalCount } statusCounts(role: LEAD) { status count } } }"#)
        .await;
        let d = &ok(&body)["department"];
        assert_eq!(d["lead"]["totalCount"], 61);
        assert_eq!(d["all"]["totalCount"], 111);
        // (宫颈癌 and 乳腺癌免费检查率 are two of them since 均 sets 80% on each)
        assert_eq!(d["leadIndicators"]["totalCount"], 52);
        assert_eq!(d["leadTargets"]["totalCount"], 56);
        let counted: i64 = d["statusCounts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["count"].as_i64())
            .sum();
        assert_eq!(counted, 56, "every target it leads, counted once");
    }
);

on_both_backends!(search_over_every_type, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let body = app
        .query(r#"{ search(text: "卫健", first: 3) { totalCount nodes { __typename ... on Department { name } } } }"#)
        .await;
    let s = &ok(&body)["search"];
    assert_eq!(
        s["nodes"][0],
        json!({ "__typename": "Department", "name": "县卫健局" })
    );
    let body = app
        .query(r#"{ search(text: "卫生与健康") { nodes { __typename ... on Plan { code } } } }"#)
        .await;
    assert_eq!(
        ok(&body)["search"]["nodes"][0],
        json!({ "__typename": "Plan", "code": "health" })
    );
    let body = app
        .query(r#"{ search(text: "龋患率") { totalCount nodes { __typename } } }"#)
        .await;
    let s = &ok(&body)["search"];
    assert_eq!(s["totalCount"], 2);
    assert_eq!(
        s["nodes"],
        json!([{ "__typename": "Indicator" }, { "__typename": "Goal" }])
    );
    let body = app.query(r#"{ search(text: "  ") { totalCount } }"#).await;
    assert_eq!(code(&body), "BAD_USER_INPUT");

    // 死亡率 (three characters: by trigram index where the store has one): the document's six
    // indicators of that name, then the eight goals that name one, in document order.
    let node = "__typename ... on Indicator { name } ... on Goal { number }";
    let body = app
        .query(&format!(
            r#"{{ search(text: "死亡率", first: 100) {{ totalCount nodes {{ {node} }} }} }}"#
        ))
        .await;
    let all = &ok(&body)["search"];
    assert_eq!(all["totalCount"], 14);
    let names: Vec<&str> = all["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "孕产妇死亡率",
            "新生儿死亡率",
            "婴儿死亡率",
            "5岁以下儿童死亡率",
            "儿童意外伤害死亡率",
            "重大慢性病过早死亡率"
        ]
    );
    // Paged three at a time, forwards and backwards, the same fourteen in the same order.
    for (direction, towards) in [("first", "after"), ("last", "before")] {
        let mut cursor: Option<String> = None;
        let mut paged: Vec<Value> = Vec::new();
        loop {
            let body = app
                .query_as(
                    None,
                    &format!(
                        r#"query($c: String) {{ search(text: "死亡率", {direction}: 3, {towards}: $c) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} nodes {{ {node} }} }} }}"#
                    ),
                    json!({ "c": cursor }),
                )
                .await;
            let page = &ok(&body)["search"];
            assert_eq!(page["totalCount"], 14);
            let nodes = page["nodes"].as_array().cloned().unwrap_or_default();
            let (more, next) = if direction == "first" {
                paged.extend(nodes);
                ("hasNextPage", "endCursor")
            } else {
                paged.splice(0..0, nodes);
                ("hasPreviousPage", "startCursor")
            };
            if page["pageInfo"][more] != true {
                break;
            }
            cursor = page["pageInfo"][next].as_str().map(str::to_string);
        }
        assert_eq!(Value::Array(paged), all["nodes"], "paged by {direction}");
    }
    // The search text is text: LIKE's wildcards and the index's quotes match themselves. The
    // goals that hold a per cent sign, counted from the list of every goal:
    let mut percent = 0;
    let mut cursor: Option<String> = None;
    loop {
        let body = app
            .query_as(
                None,
                "query($c: String) { goals(first: 100, after: $c) { pageInfo { hasNextPage endCursor } nodes { text } } }",
                json!({ "c": cursor }),
            )
            .await;
        let page = &ok(&body)["goals"];
        percent += page["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|n| n["text"].as_str().is_some_and(|t| t.contains('%')))
            .count();
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        cursor = page["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    assert_eq!(percent, 47, "goals with a per cent sign");
    for (text, count) in [("%", 47), ("_", 0), (r#"\"死亡率"#, 0), ("死亡率%", 0)] {
        let body = app
            .query_as(
                None,
                "query($t: String!) { search(text: $t) { totalCount } }",
                json!({ "t": text }),
            )
            .await;
        assert_eq!(ok(&body)["search"]["totalCount"], count, "{text}");
    }
});

on_both_backends!(
    status_progress_and_early_warnings_follow_published_values,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // 居民健康素养水平 (表1 row 7): 23.16 in 2020, 30.32 by 2025
        publish(&app.db, "health/table1/7", 2022, 25.0).await;
        // 肺结核发病率 (row 8): 21.46 → 20.13, lower is better; 2023 far behind
        publish(&app.db, "health/table1/8", 2023, 22.0).await;
        // 每万人口全科医生数 (row 24, 约束性): 2 → 3; 2022 slightly behind → binding → OFF_TRACK
        publish(&app.db, "health/table1/24", 2022, 2.35).await;
        // 每千人口医疗卫生机构床位数 (row 17): 6.03 → 6.5, reached
        publish(&app.db, "health/table1/17", 2023, 6.6).await;
        let query = r#"{ plan(code: "health") { targets(first: 100) { nodes { tableNumber status progress indicator { latestValue { year value } } } } } }"#;
        let body = app.query(query).await;
        let nodes = ok(&body)["plan"]["targets"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let row = |n: i64| {
            nodes
                .iter()
                .find(|i| i["tableNumber"] == n)
                .cloned()
                .unwrap_or(Value::Null)
        };
        assert_eq!(row(7)["status"], "AT_RISK");
        // (25 − 23.16) / (30.32 − 23.16) = 0.2569…, three places on the wire
        assert_eq!(row(7)["progress"], 0.257);
        assert_eq!(
            row(7)["indicator"]["latestValue"],
            json!({ "year": 2022, "value": 25.0 })
        );
        assert_eq!(row(8)["status"], "OFF_TRACK");
        assert_eq!(row(8)["progress"], -0.406);
        assert_eq!(row(24)["status"], "OFF_TRACK");
        assert_eq!(row(17)["status"], "ACHIEVED");
        // 人均预期寿命: the document's 2020 figure is the start; nothing since
        assert_eq!(row(1)["status"], "NO_DATA");
        assert_eq!(row(1)["progress"], Value::Null);
        assert_eq!(row(2)["status"], "NOT_QUANTIFIED");
        // 婴儿死亡率: 2.27‰ in 2020 already meets ≤3.3
        assert_eq!(row(4)["status"], "ACHIEVED");

        let body = app.query(r#"{ earlyWarnings(planCode: "health") { totalCount nodes { status statusReason(language: EN) tableNumber source { lineStart } } } }"#).await;
        let warnings = ok(&body)["earlyWarnings"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let flagged: Vec<(i64, String)> = warnings
            .iter()
            .map(|w| {
                (
                    w["source"]["lineStart"].as_i64().unwrap_or(0),
                    w["status"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        // 居民健康素养水平 is behind on all three of its targets (L481, 表1 L545, L848)
        assert_eq!(
            flagged,
            [
                (481, "AT_RISK".to_string()),
                (545, "AT_RISK".to_string()),
                (554, "OFF_TRACK".to_string()),
                (685, "OFF_TRACK".to_string()),
                (848, "AT_RISK".to_string())
            ]
        );
        assert_eq!(
            warnings[1]["statusReason"],
            "2022 value 25 against 26.024 expected on the linear path from 23.16 (2020) to 30.32 (2025): 26% of the way done, 40% of the time elapsed"
        );
        // as of 2021 nothing was known yet
        let body = app
            .query(r#"{ earlyWarnings(planCode: "health", year: 2021) { totalCount } }"#)
            .await;
        assert_eq!(ok(&body)["earlyWarnings"]["totalCount"], 0);
        // the status filter sees the same
        let body = app
            .query(r#"{ targets(filter: { status: [OFF_TRACK] }) { nodes { tableNumber } } }"#)
            .await;
        assert_eq!(
            ok(&body)["targets"]["nodes"],
            json!([{ "tableNumber": 8 }, { "tableNumber": 24 }])
        );
        // every figure the document gives, with its line; one per year in the series
        let body = app.query(r#"{ indicators(filter: { planCode: "health", text: "人均预期寿命" }) { nodes { values { year value raw source { lineStart } } late: values(fromYear: 2016) { year } series { year value } } } }"#).await;
        let n = &ok(&body)["indicators"]["nodes"][0];
        assert_eq!(
            n["values"],
            json!([
                { "year": 2015, "value": 78.74, "raw": "2015年的78.74岁", "source": { "lineStart": 456 } },
                { "year": 2020, "value": 80.11, "raw": "2020年的80.11岁", "source": { "lineStart": 456 } },
                { "year": 2020, "value": 80.11, "raw": "80.11", "source": { "lineStart": 496 } }
            ])
        );
        assert_eq!(n["late"], json!([{ "year": 2020 }, { "year": 2020 }]));
        assert_eq!(
            n["series"],
            json!([{ "year": 2015, "value": 78.74 }, { "year": 2020, "value": 80.11 }])
        );
    }
);

// Lists read goals without their source text; `source` reads it for the goals that ask, in
// one statement for the page. The text is the document's line, as published.
on_both_backends!(
    a_goals_source_is_its_lines_in_lists_and_by_id,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let document = include_str!("../../data/changle-2022-16-plans.txt");
        let line = |n: usize| document.lines().nth(n - 1).unwrap_or("").to_string();
        let body = app
        .query(r#"{ department(name: "县卫健局") { goals(role: LEAD, first: 2) { nodes { id number source { lineStart lineEnd text } } } } }"#)
        .await;
        let nodes = ok(&body)["department"]["goals"]["nodes"].clone();
        assert_eq!(
            nodes[0]["source"],
            json!({ "lineStart": 43, "lineEnd": 43, "text": line(43) })
        );
        assert_eq!(
            nodes[1]["source"],
            json!({ "lineStart": 44, "lineEnd": 44, "text": line(44) })
        );
        assert!(line(43).starts_with("（1）妇女全生命周期享有良好的卫生健康服务"));
        let id = nodes[1]["id"].as_str().unwrap_or("").to_string();
        let body = app
            .query(&format!(
                r#"{{ goal(id: "{id}") {{ number text source {{ lineStart text }} }} }}"#
            ))
            .await;
        assert_eq!(
            ok(&body)["goal"],
            json!({
                "number": "2",
                "text": "妇女心理健康意识增强，妇女焦虑障碍、抑郁症患病率上升趋势减缓。",
                "source": { "lineStart": 44, "text": line(44) }
            })
        );
    }
);

/// The selection of a field of type `ty` (a name): its scalar and enum fields without required
/// arguments, one level down, or nothing for a scalar or enum.
async fn leaves(app: &TestApp, ty: &str) -> String {
    let body = app
        .query(&format!(
            r#"{{ __type(name: "{ty}") {{ kind fields {{ name args {{ type {{ kind }} }} type {{ kind ofType {{ kind ofType {{ kind ofType {{ kind }} }} }} }} }} }} }}"#
        ))
        .await;
    let t = &ok(&body)["__type"];
    if matches!(t["kind"].as_str(), Some("SCALAR" | "ENUM")) {
        return String::new();
    }
    let mut names = vec!["__typename".to_string()];
    for f in t["fields"].as_array().into_iter().flatten() {
        let required = f["args"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|a| a["type"]["kind"] == "NON_NULL");
        let mut kind = &f["type"];
        while matches!(kind["kind"].as_str(), Some("NON_NULL" | "LIST")) {
            kind = &kind["ofType"];
        }
        if !required && matches!(kind["kind"].as_str(), Some("SCALAR" | "ENUM")) {
            names.push(f["name"].as_str().unwrap_or("").to_string());
        }
    }
    format!("{{ {} }}", names.join(" "))
}

on_both_backends!(
    every_target_field_answers_the_same_from_a_lean_page,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // A page of targets reads only the columns its selected fields show (the rest stand
        // in as NULL or ''). Every field of Target, asked alone, must answer what it answers
        // beside `progress`, which reads whole rows: a field that reads a column its entry in
        // the list of reads forgot would show the stand-in.
        let body = app
            .query(r#"{ __type(name: "Target") { fields { name args { type { kind } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }"#)
            .await;
        let fields = ok(&body)["__type"]["fields"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(fields.len(), 25, "{body}");
        let mut compared = 0;
        for f in &fields {
            let name = f["name"].as_str().unwrap_or("");
            if f["args"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|a| a["type"]["kind"] == "NON_NULL")
            {
                continue;
            }
            let mut ty = &f["type"];
            while ty["name"].is_null() {
                ty = &ty["ofType"];
            }
            let selection = format!(
                "{name} {}",
                leaves(&app, ty["name"].as_str().unwrap_or("")).await
            );
            for page in ["first: 100", "last: 100"] {
                let lean = app
                    .query(&format!("{{ targets({page}) {{ nodes {{ {selection} }} edges {{ node {{ {selection} }} }} }} }}"))
                    .await;
                let whole = app
                    .query(&format!(
                        "{{ targets({page}) {{ nodes {{ {selection} progress }} }} }}"
                    ))
                    .await;
                let lean_nodes = ok(&lean)["targets"]["nodes"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let whole_nodes = ok(&whole)["targets"]["nodes"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                assert_eq!(lean_nodes.len(), 100, "{lean}");
                assert_eq!(whole_nodes.len(), 100, "{whole}");
                for (i, (l, w)) in lean_nodes.iter().zip(&whole_nodes).enumerate() {
                    assert_eq!(l[name], w[name], "{name} of target {i} ({page})");
                    assert_eq!(
                        ok(&lean)["targets"]["edges"][i]["node"][name],
                        w[name],
                        "{name} of edge {i} ({page})"
                    );
                }
            }
            compared += 1;
        }
        // all but statusReason, whose `language` is a non-null argument (with a default)
        assert_eq!(compared, 24, "compared {compared} fields");
        // The lean page's stand-ins never reach an answer: 表1 rows have a table number and no
        // goal, clauses the other way round.
        let body = app
            .query(r#"{ targets(first: 100, filter: { planCode: "health" }) { nodes { tableNumber goal { id } raw } } }"#)
            .await;
        let nodes = ok(&body)["targets"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(nodes.iter().any(|n| n["tableNumber"].is_number()), "{body}");
        assert!(nodes.iter().any(|n| n["goal"]["id"].is_string()), "{body}");
        assert!(
            nodes
                .iter()
                .all(|n| n["raw"].as_str().is_some_and(|r| !r.is_empty())),
            "{body}"
        );
    }
);

/// The keys of an object, in the order the answer wrote them.
fn keys(value: &async_graphql::Value) -> Vec<String> {
    match value {
        async_graphql::Value::Object(map) => map.keys().map(|k| k.to_string()).collect(),
        _ => Vec::new(),
    }
}

on_both_backends!(answers_keep_the_query_field_order, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // Fields read through batch loaders (targets, values, plans) before and among plain ones.
    let query = "{ indicators(first: 3) { nodes { targets { status id } values { year value } name ...More x: id } totalCount } plans { title code } } fragment More on Indicator { plans { code title } unit }";
    let text = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST: {e}"))
        .text()
        .await
        .unwrap_or_default();
    let body: async_graphql::Value = serde_json::from_str(&text).unwrap_or_default();
    in_query_order(&body, &text);
    // The same over WebSocket: the `next` message's payload.
    let mut ws = crate::attacks::websocket::ready(&app).await;
    crate::attacks::websocket::send(
        &mut ws,
        json!({ "id": "o", "type": "subscribe", "payload": { "query": query } }),
    )
    .await;
    let text = crate::attacks::websocket::next_text(&mut ws).await;
    let message: async_graphql::Value = serde_json::from_str(&text).unwrap_or_default();
    in_query_order(&data_field(&message, "payload"), &text);
});

/// Checks an answer to the field-order query keeps the query's order at every level.
fn in_query_order(body: &async_graphql::Value, text: &str) {
    let async_graphql::Value::Object(body) = body else {
        panic!("{text}")
    };
    let data = &body["data"];
    assert_eq!(keys(data), ["indicators", "plans"], "{text}");
    let async_graphql::Value::Object(indicators) = &data_field(data, "indicators") else {
        panic!("{text}")
    };
    assert_eq!(
        keys(&async_graphql::Value::Object(indicators.clone())),
        ["nodes", "totalCount"]
    );
    let async_graphql::Value::List(nodes) = &indicators["nodes"] else {
        panic!("{text}")
    };
    assert_eq!(nodes.len(), 3);
    for node in nodes {
        assert_eq!(
            keys(node),
            ["targets", "values", "name", "plans", "unit", "x"],
            "{text}"
        );
        if let Some(target) = list_first(node, "targets") {
            assert_eq!(keys(target), ["status", "id"], "{text}");
        }
        if let Some(plan) = list_first(node, "plans") {
            assert_eq!(keys(plan), ["code", "title"], "{text}");
        }
    }
    let plan = list_first(data, "plans").unwrap_or_else(|| panic!("{text}"));
    assert_eq!(keys(plan), ["title", "code"]);
}

fn data_field(value: &async_graphql::Value, name: &str) -> async_graphql::Value {
    match value {
        async_graphql::Value::Object(map) => map.get(name).cloned().unwrap_or_default(),
        _ => async_graphql::Value::Null,
    }
}

fn list_first<'a>(value: &'a async_graphql::Value, name: &str) -> Option<&'a async_graphql::Value> {
    match value {
        async_graphql::Value::Object(map) => match map.get(name)? {
            async_graphql::Value::List(items) => items.first(),
            _ => None,
        },
        _ => None,
    }
}

// Health 表1 rows 12, 31 and 32 have `-` for 2025: the plan monitors their indicators and sets
// no target on them (issue 29, item 6).
on_both_backends!(
    table_rows_without_a_target_are_monitored,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let body = app
        .query(r#"{ plan(code: "health") { monitored { name tableNumber tableCategory source { lineStart lineEnd } indicator { name unit plans { code } monitoredBy { tableNumber } targets { id } series { year value } } } indicators(first: 100) { totalCount } } }"#)
        .await;
        let plan = &ok(&body)["plan"];
        assert_eq!(
            plan["monitored"],
            json!([
                { "name": "重点慢性病防治核心信息人群知晓率", "tableNumber": 12, "tableCategory": "健康生活",
                  "source": { "lineStart": 586, "lineEnd": 592 },
                  "indicator": { "name": "重点慢性病防治核心信息人群知晓率", "unit": "%", "plans": [{ "code": "health" }],
                                 "monitoredBy": [{ "tableNumber": 12 }], "targets": [], "series": [] } },
                { "name": "人口自然增长率", "tableNumber": 31, "tableCategory": "计划生育",
                  "source": { "lineStart": 744, "lineEnd": 751 },
                  "indicator": { "name": "人口自然增长率", "unit": "‰", "plans": [{ "code": "health" }],
                                 "monitoredBy": [{ "tableNumber": 31 }], "targets": [],
                                 "series": [{ "year": 2020, "value": 1.23 }] } },
                { "name": "出生人口性别比", "tableNumber": 32, "tableCategory": "计划生育",
                  "source": { "lineStart": 753, "lineEnd": 759 },
                  "indicator": { "name": "出生人口性别比", "unit": "：100", "plans": [{ "code": "health" }],
                                 "monitoredBy": [{ "tableNumber": 32 }], "targets": [],
                                 "series": [{ "year": 2020, "value": 106.58 }] } }
            ]),
            "{body}"
        );
        // They are not among the indicators the plan sets targets for.
        assert_eq!(plan["indicators"]["totalCount"], 89);
        // Other plans monitor nothing; an indicator with targets is monitored by no row.
        let body = app
        .query(r#"{ plan(code: "women") { monitored { name } } indicators(filter: { text: "婴儿死亡率" }) { nodes { monitoredBy { name } plans { code } } } }"#)
        .await;
        assert_eq!(ok(&body)["plan"]["monitored"], json!([]));
        assert_eq!(
            ok(&body)["indicators"]["nodes"][0],
            json!({ "monitoredBy": [], "plans": [{ "code": "children" }, { "code": "health" }] })
        );
    }
);

// A figure or baseline written as a bound keeps it (issue 29, item 2): 院内感染发生率's 2020
// figure is ≤3.2 in 表1 and 3%以内 in 规划背景, its target's baseline ≤3.2; 居民电子健康档案
// 动态使用率's 2020 figures are 60%以上 (规划背景) and 61.98 (表1, a point).
on_both_backends!(
    bounded_figures_and_baselines_say_their_bound,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let body = app
        .query(r#"{ targets(filter: { text: "院内感染发生率" }) { nodes { baseline { year value raw bound } indicator { values { year value raw bound } } } } a: indicators(filter: { text: "居民电子健康档案动态使用率" }) { nodes { values { value raw bound } } } b: targets(filter: { text: "人均预期寿命" }, first: 1) { nodes { baseline { raw bound } } } }"#)
        .await;
        let data = ok(&body);
        let node = &data["targets"]["nodes"][0];
        assert_eq!(
            node["baseline"],
            json!({ "year": 2020, "value": 3.2, "raw": "≤3.2", "bound": "AT_MOST" })
        );
        let bounded: Vec<(String, String)> = node["indicator"]["values"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| (v["raw"].to_string(), v["bound"].to_string()))
            .collect();
        assert_eq!(
            bounded,
            [
                ("\"3%以内\"".to_string(), "\"AT_MOST\"".to_string()),
                ("\"≤3.2\"".to_string(), "\"AT_MOST\"".to_string())
            ]
        );
        assert_eq!(
            data["a"]["nodes"][0]["values"],
            json!([
                { "value": 60.0, "raw": "60%以上", "bound": "AT_LEAST" },
                { "value": 61.98, "raw": "61.98", "bound": null }
            ])
        );
        // A point is no bound.
        assert_eq!(data["b"]["nodes"][0]["baseline"]["bound"], Value::Null);
    }
);
