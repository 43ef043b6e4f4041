//! The readable pages, fetched from the real server: Chinese, self-contained, linked to one
//! another and to the downloads, with the document's numbers.

use regex_lite::Regex;

use crate::on_both_backends;
use crate::support::TestApp;

async fn html(app: &TestApp, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.text().await.unwrap_or_default(), headers)
}

/// Every `href` and `src` of a page.
fn links(page: &str) -> Vec<String> {
    let re = Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap_or_else(|e| panic!("{e}"));
    re.captures_iter(page).map(|c| c[1].to_string()).collect()
}

on_both_backends!(
    pages_are_chinese_self_contained_and_linked,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let (status, index, headers) = html(&app, "/plans").await;
        assert_eq!(status, 200);
        assert!(index.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
        assert!(headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("default-src 'none'")));
        // the health plan's row: ACHIEVED 4, NO_DATA 81, NOT_QUANTIFIED 8 of 93
        assert!(
        index.contains(r#"<a href="/plans/health">昌乐县“十四五”卫生与健康规划</a></th><td>2021—2025年</td><td class="n">4</td><td class="n">0</td><td class="n">0</td><td class="n">0</td><td class="n">81</td><td class="n">8</td><td class="n">93</td>"#),
        "{index}"
    );

        let mut checked = std::collections::BTreeSet::new();
        for code in ["women", "children", "health", "earthquake"] {
            let (status, page, _) = html(&app, &format!("/plans/{code}")).await;
            assert_eq!(status, 200, "{code}");
            for link in links(&page) {
                assert!(link.starts_with('/'), "{code}: {link} leaves the server");
                if checked.insert(link.clone()) {
                    let response = app
                        .client
                        .get(format!("{}{link}", app.address))
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("{link}: {e}"));
                    assert_eq!(response.status().as_u16(), 200, "{code}: {link}");
                }
            }
            assert!(page.contains(r#"href="/downloads/"#), "{code}");
            assert!(page.contains("用 GraphQL 获取同样的数据"), "{code}");
        }
        // every indicator page of the four plans was reached: 140 indicators
        let indicators = checked
            .iter()
            .filter(|l| l.starts_with("/indicators/"))
            .count();
        assert_eq!(indicators, 140);

        // 婴儿死亡率: its 2020 figure, three targets, the chart with a text alternative
        let body = app
            .query(r#"{ indicators(filter: { text: "婴儿死亡率" }) { nodes { id } } }"#)
            .await;
        let id = body["data"]["indicators"]["nodes"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let (status, page, _) = html(&app, &format!("/indicators/{id}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("<h1>婴儿死亡率</h1>"));
        assert!(page.contains(r#"<svg role="img" aria-labelledby="chart-title chart-desc""#));
        assert!(page.contains("<desc id=\"chart-desc\">公布数值：2020年2.27‰；昌乐县“十四五”儿童发展规划第277行：2025年目标3.3‰；"));
        assert_eq!(page.matches(r#"<circle class="value""#).count(), 1);
        assert_eq!(page.matches(r#"<g class="target">"#).count(), 3);
        assert!(
            page.contains("<small>第456行</small>"),
            "the 2020 figure's line is quoted"
        );
        assert_eq!(page.matches("已达标").count(), 3);

        // unknown pages
        assert_eq!(html(&app, "/plans/mars").await.0, 404);
        assert_eq!(html(&app, "/indicators/not-an-id").await.0, 404);
        assert_eq!(html(&app, "/plans").await.0, 200);
    }
);
