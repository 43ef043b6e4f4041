//! The running server, spoken to over HTTP like a client would.

use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;

const ISSUE_QUERY: &str = "{ plans { code title domains { title goals(first: 100) { totalCount nodes { kind number text departments { role department { name } } groups } } } } }";

on_both_backends!(
    serves_plans_domains_goals_and_departments,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let body = app.query(ISSUE_QUERY).await;
        assert_eq!(body.get("errors"), None, "{body}");
        let plans = body["data"]["plans"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let codes: Vec<&str> = plans.iter().filter_map(|p| p["code"].as_str()).collect();
        assert_eq!(codes, ["women", "children", "health", "earthquake"]);
        let women_health = &plans[0]["domains"][0];
        assert_eq!(women_health["title"], "妇女与健康");
        let goal4 = &women_health["goals"]["nodes"][3];
        assert_eq!(goal4["kind"], "GOAL");
        assert_eq!(goal4["number"], "4");
        assert_eq!(
            goal4["departments"],
            json!([
                { "role": "LEAD", "department": { "name": "县卫健局" } },
                { "role": "RESPONSIBLE", "department": { "name": "县发改局" } },
                { "role": "RESPONSIBLE", "department": { "name": "县财政局" } },
                { "role": "RESPONSIBLE", "department": { "name": "县妇联" } },
                { "role": "RESPONSIBLE", "department": { "name": "县总工会" } },
            ])
        );
        // 妇女与法律 （1）: only a group
        let law1 = &plans[0]["domains"][5]["goals"]["nodes"][0];
        assert_eq!(law1["departments"], json!([]));
        assert_eq!(law1["groups"], json!(["县妇儿工委各成员单位、特邀单位"]));
        let goals: usize = plans
            .iter()
            .flat_map(|p| p["domains"].as_array().cloned().unwrap_or_default())
            .map(|d| d["goals"]["totalCount"].as_u64().unwrap_or(0) as usize)
            .sum();
        // 396 items, less the 10 plan-level ones (5 具体目标, 4 组织实施, 1 防震减灾 主要目标)
        assert_eq!(goals, 386);
    }
);

on_both_backends!(
    finds_a_plan_and_a_department_by_alias,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let body = app
        .query(r#"{ plan(code: "health") { title period { start end } sourceDocument { number issuer date } goals { totalCount } }
                    department(name: "发改局") { name kind aliases }
                    none: plan(code: "nope") { code } }"#)
        .await;
        assert_eq!(body.get("errors"), None, "{body}");
        let plan = &body["data"]["plan"];
        assert_eq!(plan["title"], "昌乐县“十四五”卫生与健康规划");
        assert_eq!(plan["period"], json!({ "start": 2021, "end": 2025 }));
        assert_eq!(
            plan["sourceDocument"],
            json!({ "number": "乐政字〔2022〕16号", "issuer": "昌乐县人民政府", "date": "2022-07-14" })
        );
        assert_eq!(plan["goals"]["totalCount"], 68);
        assert_eq!(
            body["data"]["department"],
            json!({ "name": "县发改局", "kind": "COUNTY_GOVERNMENT", "aliases": ["发改局"] })
        );
        assert_eq!(body["data"]["none"], json!(null));
    }
);

on_both_backends!(health_check_answers, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 200);
    app.db
        .clone()
        .close()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 503);
});

on_both_backends!(
    head_answers_every_linked_url_as_get_would,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let get = |path: String| {
            let (client, base) = (app.client.clone(), app.address.clone());
            async move {
                let r = client
                    .get(format!("{base}{path}"))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("GET {path}: {e}"));
                (r.status().as_u16(), r.bytes().await.unwrap_or_default())
            }
        };
        // Every URL the catalog names, and every link of the index and the plans' pages.
        let mut paths: std::collections::BTreeSet<String> = [
            "/",
            "/healthz",
            "/feed.atom",
            "/schema.graphql",
            "/catalog.jsonld",
            "/catalog.ttl",
            "/plans",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        let (_, catalog) = get("/catalog.jsonld".into()).await;
        let absolute = regex_lite::Regex::new(&format!(
            "{}(/[^\"#\\s]*)",
            regex_lite::escape(&app.address)
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        for m in absolute.captures_iter(&String::from_utf8_lossy(&catalog)) {
            paths.insert(m[1].to_string());
        }
        let href = regex_lite::Regex::new("href=\"(/[^\"#]*)\"").unwrap_or_else(|e| panic!("{e}"));
        for page in ["/plans", "/plans/women", "/plans/health"] {
            let (_, html) = get(page.into()).await;
            for m in href.captures_iter(&String::from_utf8_lossy(&html)) {
                paths.insert(m[1].to_string());
            }
        }
        assert!(paths.len() > 40, "{} links", paths.len());
        for path in &paths {
            let (status, body) = get(path.clone()).await;
            assert_eq!(status, 200, "GET {path}");
            let head = app
                .client
                .head(format!("{}{path}", app.address))
                .send()
                .await
                .unwrap_or_else(|e| panic!("HEAD {path}: {e}"));
            assert_eq!(head.status().as_u16(), 200, "HEAD {path}");
            let length = head
                .headers()
                .get("content-length")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<usize>().ok());
            assert_eq!(length, Some(body.len()), "HEAD {path}: Content-Length");
            assert!(
                head.bytes().await.unwrap_or_default().is_empty(),
                "HEAD {path}: a body"
            );
        }
    }
);
