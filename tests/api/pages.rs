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
        // A person typing the address lands on the plans (the same page as /plans).
        let (status, index, headers) = html(&app, "/").await;
        assert_eq!(status, 200);
        assert_eq!(html(&app, "/plans").await.1, index);
        assert!(index.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
        assert!(headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("default-src 'none'")));
        // the health plan's card: ACHIEVED 4, NO_DATA 91, NOT_QUANTIFIED 8 of 103
        assert!(
            index.contains(concat!(
                r#"<li class="card"><h2><a href="/plans/health">昌乐县“十四五”卫生与健康规划</a></h2>"#,
                r#"<p>2021—2025年 · 目标 103 个</p><ul class="counts">"#,
                r#"<li><span class="s ACHIEVED">已达标</span> 4</li>"#,
                r#"<li><span class="s NO_DATA">暂无数据</span> 91</li>"#,
                r#"<li><span class="s NOT_QUANTIFIED">非量化</span> 8</li></ul></li>"#
            )),
            "{index}"
        );
        assert_eq!(index.matches(r#"<li class="card">"#).count(), 4);
        // where the reports will be listed, and the downloads the 404 page points at
        assert!(
            index.contains(concat!(
                r#"<h2 id="evaluations">监测评估报告</h2><p>尚无冻结的监测评估。"#,
                r#"年度监测、中期评估和终期评估冻结后，其报告和数据文件列在这里。</p>"#,
                r#"<h2 id="downloads">下载</h2>"#
            )),
            "{index}"
        );

        let mut checked = std::collections::BTreeSet::new();
        for code in ["women", "children", "health", "earthquake"] {
            let (status, page, _) = html(&app, &format!("/plans/{code}")).await;
            assert_eq!(status, 200, "{code}");
            // Every page says the licence, when the data last changed and whom to ask.
            assert!(
                page.contains(r#"许可：<a href="https://creativecommons.org/licenses/by/4.0/deed.zh-hans" rel="license">"#),
                "{code}"
            );
            assert!(page.contains(" · 数据更新：<time datetime=\"20"), "{code}");
            assert!(
                page.contains(r#"联系：<a href="http://www.changle.gov.cn/">"#),
                "{code}"
            );
            for link in links(&page) {
                if OUTSIDE.contains(&link.as_str()) {
                    continue;
                }
                if let Some(fragment) = link.strip_prefix('#') {
                    assert!(
                        page.contains(&format!("id=\"{fragment}\"")),
                        "{code}: {link}"
                    );
                    continue;
                }
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
        assert_eq!(indicators, 160);

        // a level reads as the document writes it, the same on every page and template
        let (_, women, _) = html(&app, "/plans/women").await;
        assert!(women.contains(r#"<td data-label="目标">45%左右</td>"#));
        assert!(women.contains(r#"<td data-label="目标">=95%</td>"#));

        // health 表1 rows 12, 31, 32 set nothing: listed as monitored, linked, not targets
        let (_, page, _) = html(&app, "/plans/health").await;
        let listed: Vec<&str> =
            Regex::new(r#"<li><a href="/indicators/[^"]+">([^<]+)</a>（指标表第(\d+)项"#)
                .unwrap_or_else(|e| panic!("{e}"))
                .captures_iter(&page)
                .map(|c| c.get(1).map_or("", |m| m.as_str()))
                .collect();
        assert_eq!(
            listed,
            [
                "重点慢性病防治核心信息人群知晓率",
                "人口自然增长率",
                "出生人口性别比"
            ]
        );
        assert!(page.contains(r##"<li><a href="#monitored">监测指标（不设目标值）</a></li>"##));
        let body = app
            .query(r#"{ indicators(filter: { text: "出生人口性别比" }) { nodes { id } } }"#)
            .await;
        let id = body["data"]["indicators"]["nodes"][0]["id"]
            .as_str()
            .unwrap_or_default();
        let (_, page, _) = html(&app, &format!("/indicators/{id}")).await;
        assert!(
            page.contains("<p>单位：：100。0个目标，1个公布数值。</p><p>列为监测指标、不设目标值：昌乐县“十四五”卫生与健康规划指标表第32项（第753行）。</p>"),
            "{page}"
        );

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
        assert!(page.contains("<desc id=\"chart-desc\">公布数值：2020年2.27‰；昌乐县“十四五”儿童发展规划第277行、昌乐县“十四五”卫生与健康规划第481行、昌乐县“十四五”卫生与健康规划第521行：2025年目标3.3‰</desc>"), "{page}");
        assert_eq!(page.matches(r#"<circle class="value""#).count(), 1);
        // three plans set the same level: one mark, labelled once, on round ticks from zero
        assert_eq!(page.matches(r#"<g class="target">"#).count(), 1);
        assert_eq!(page.matches(">2025年目标 3.3</text>").count(), 1);
        assert!(page.contains(r#"<text class="unit" x="4" y="15">单位：‰</text>"#));
        let ticks: Vec<&str> = Regex::new(r#"<text class="tick"[^>]*>([^<]*)</text>"#)
            .unwrap_or_else(|e| panic!("{e}"))
            .captures_iter(&page)
            .map(|c| c.get(1).map_or("", |m| m.as_str()))
            .collect();
        assert_eq!(ticks, ["0", "1", "2", "3", "4"]);
        assert!(
            page.contains("<small>第456行</small>"),
            "the 2020 figure's line is quoted"
        );
        assert_eq!(page.matches("已达标").count(), 3);
        // its values as a download, the columns of values.csv
        let download = format!("/indicators/{id}/values.csv");
        assert!(page.contains(&format!(r#"<a href="{download}">CSV</a>"#)));
        let (status, csv, headers) = html(&app, &download).await;
        assert_eq!(status, 200);
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("text/csv; charset=utf-8")
        );
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "indicator_id,indicator,unit,year,value,origin,year_inferred,department,source_line,as_written,sex,age,urbanisation");
        assert_eq!(lines.len(), 2, "{csv}");
        // (the 2020 of this figure is read from the sentence's context: inferred)
        assert_eq!(
            lines[1],
            format!("{id},婴儿死亡率,‰,2020,2.27,DOCUMENT,true,,456,2.27‰,_T,_T,_T")
        );
        assert_eq!(html(&app, "/indicators/not-an-id/values.csv").await.0, 404);

        // unknown pages, and unknown files under the routes of files: a page in Chinese for a
        // browser (pointing at the lists of reports and downloads on the plans page), a line
        // of text for anything else saying what the route's paths look like
        for (path, said) in [
            ("/plans/mars", "/catalog.jsonld"),
            ("/indicators/not-an-id", "/catalog.jsonld"),
            ("/no/such/thing", "/catalog.jsonld"),
            (
                "/downloads/mars/targets.csv",
                "no download /downloads/mars/targets.csv; /downloads/ lists every one",
            ),
            ("/downloads/all/", "no download /downloads/all/;"),
            ("/evaluations/nonsense.pdf", "an evaluation's files are"),
        ] {
            let r = app
                .client
                .get(format!("{}{path}", app.address))
                .header("accept", "text/html,application/xhtml+xml")
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.status().as_u16(), 404, "{path}");
            let page = r.text().await.unwrap_or_default();
            assert!(
                page.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"),
                "{path}"
            );
            assert!(page.contains("<h1>页面不存在</h1>"), "{path}: {page}");
            assert!(
                page.contains(r#"<a href="/evaluations/">监测评估报告</a>和<a href="/downloads/">下载文件</a>"#),
                "{path}: {page}"
            );
            let (status, text, headers) = html(&app, path).await;
            assert_eq!(status, 404, "{path}");
            assert_eq!(
                headers.get("content-type").and_then(|v| v.to_str().ok()),
                Some("text/plain; charset=utf-8"),
                "{path}"
            );
            assert!(text.contains(said), "{path}: {text}");
            let vary = headers
                .get("vary")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert!(vary.split(", ").any(|v| v == "Accept"), "{path}: {vary}");
        }
        // the icon a browser asks for by itself
        for path in ["/favicon.ico", "/favicon.svg"] {
            let (status, icon, headers) = html(&app, path).await;
            assert_eq!(status, 200);
            assert_eq!(
                headers.get("content-type").and_then(|v| v.to_str().ok()),
                Some("image/svg+xml")
            );
            assert!(icon.starts_with("<svg xmlns="), "{path}");
        }
        assert!(index.contains(r#"<link rel="icon" href="/favicon.svg""#));
    }
);

/// The links every page's footer has to other hosts: the licence and the publisher's site.
const OUTSIDE: [&str; 2] = [
    "https://creativecommons.org/licenses/by/4.0/deed.zh-hans",
    "http://www.changle.gov.cn/",
];
