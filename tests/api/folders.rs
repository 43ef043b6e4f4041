//! What the folders of files say they hold, and what a search engine reads first: `/downloads/`
//! lists every download with the SHA-256 of the bytes it serves, `robots.txt` points at the
//! sitemap, and the sitemap lists every page.

use sha2::{Digest, Sha256};

use crate::downloads::get;
use crate::on_both_backends;
use crate::support::TestApp;

/// The downloads in the order the folder lists them: each scope's nine, then the documents.
fn expected_paths() -> Vec<String> {
    let mut paths = Vec::new();
    for scope in ["all", "women", "children", "health", "earthquake"] {
        for table in ["targets", "values", "departments"] {
            paths.push(format!("{scope}/{table}.csv"));
            paths.push(format!("{scope}/{table}.json"));
        }
        paths.push(format!("{scope}.xlsx"));
        paths.push(format!("{scope}/datapackage.json"));
        paths.push(format!("{scope}/csv-metadata.json"));
    }
    for document in [
        "changle-2022-16-plans.txt",
        "changle-2022-16-plans.txt.sha256",
        "dictionary.md",
    ] {
        paths.push(document.to_string());
    }
    paths
}

fn header(fetched: &crate::downloads::Fetched, name: &str) -> String {
    fetched
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The status and `Location` of `path`, not followed.
async fn redirect(app: &TestApp, path: &str) -> (u16, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let r = client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let location = r.headers().get("location").and_then(|v| v.to_str().ok());
    (r.status().as_u16(), location.unwrap_or("").to_string())
}

on_both_backends!(
    the_downloads_folder_lists_every_file_with_its_checksum,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        for folder in ["/downloads", "/evaluations"] {
            assert_eq!(redirect(&app, folder).await, (308, format!("{folder}/")));
        }

        // for a client that asks for no page: `sha256sum -c` lines, each the hash of the
        // bytes the file's own address serves
        let sums = get(&app, "/downloads/", &[]).await;
        assert_eq!(sums.status, 200);
        assert_eq!(header(&sums, "content-type"), "text/plain; charset=utf-8");
        assert!(header(&sums, "vary").split(", ").any(|v| v == "Accept"));
        let text = String::from_utf8(sums.body).unwrap_or_default();
        let lines: Vec<(String, String)> = text
            .lines()
            .map(|l| {
                let (hash, path) = l.split_once("  ").unwrap_or_else(|| panic!("{l}"));
                (hash.to_string(), path.to_string())
            })
            .collect();
        let paths: Vec<String> = lines.iter().map(|(_, p)| p.clone()).collect();
        assert_eq!(paths, expected_paths());
        let mut sizes = std::collections::HashMap::new();
        for (hash, path) in &lines {
            let file = get(&app, &format!("/downloads/{path}"), &[]).await;
            assert_eq!(file.status, 200, "{path}");
            let served: String = Sha256::digest(&file.body)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(&served, hash, "{path}");
            sizes.insert(path.clone(), file.body.len());
        }
        // the document's line is the bundled file's hash, as the .sha256 beside it says
        let bundled = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/changle-2022-16-plans.txt"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        let sha: String = Sha256::digest(&bundled)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            text.lines().nth(45),
            Some(format!("{sha}  changle-2022-16-plans.txt").as_str())
        );
        let beside = get(&app, "/downloads/changle-2022-16-plans.txt.sha256", &[]).await;
        assert_eq!(
            String::from_utf8(beside.body).unwrap_or_default(),
            format!("{sha}  changle-2022-16-plans.txt\n")
        );

        // for a browser: a table per scope, with sizes and hashes
        let browser = [("accept", "text/html")];
        let page = get(&app, "/downloads/", &browser).await;
        assert_eq!(page.status, 200);
        assert_ne!(
            header(&page, "etag"),
            header(&get(&app, "/downloads/", &[]).await, "etag")
        );
        let html = String::from_utf8(page.body.clone()).unwrap_or_default();
        let captions: Vec<&str> = html
            .split("<caption>")
            .skip(1)
            .filter_map(|c| c.split("</caption>").next())
            .collect();
        assert_eq!(
            captions,
            [
                "全部规划",
                "昌乐县“十四五”妇女发展规划",
                "昌乐县“十四五”儿童发展规划",
                "昌乐县“十四五”卫生与健康规划",
                "昌乐县“十四五”防震减灾事业发展规划",
                "规划原文与数据字典"
            ]
        );
        assert_eq!(html.matches("<tr><th scope=\"row\">").count(), 48);
        let size = sizes["changle-2022-16-plans.txt"] as f64 / 1024.0;
        let row = format!(
            "<tr><th scope=\"row\"><a href=\"/downloads/changle-2022-16-plans.txt\">changle-2022-16-plans.txt</a></th>\
             <td data-label=\"内容\">规划原文（乐政字〔2022〕16号）</td><td data-label=\"格式\">TXT</td>\
             <td class=\"n\" data-label=\"大小\">{size:.1} KB</td>"
        );
        assert!(html.contains(&row), "{row} not in {html}");
        assert!(html.contains(&format!("<code>{sha}</code>")));
        // revalidated by its tag
        let tag = header(&page, "etag");
        let again = get(
            &app,
            "/downloads/",
            &[("accept", "text/html"), ("if-none-match", &tag)],
        )
        .await;
        assert_eq!(again.status, 304);
        assert!(header(&again, "vary").split(", ").any(|v| v == "Accept"));
    }
);

on_both_backends!(
    robots_point_at_a_sitemap_of_every_page,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let base = app.address.clone();
        let robots = get(&app, "/robots.txt", &[]).await;
        assert_eq!(robots.status, 200);
        assert_eq!(
            String::from_utf8(robots.body).unwrap_or_default(),
            format!(
                "User-agent: *\nDisallow: /graphql\nDisallow: /graphiql\nDisallow: /templates/\n\
                 Disallow: /reporting/\nAllow: /\n\nSitemap: {base}/sitemap.xml\n"
            )
        );
        let sitemap = get(&app, "/sitemap.xml", &[]).await;
        assert_eq!(sitemap.status, 200);
        assert_eq!(
            header(&sitemap, "content-type"),
            "application/xml; charset=utf-8"
        );
        let xml = String::from_utf8(sitemap.body).unwrap_or_default();
        let locs: Vec<&str> = xml
            .split("<loc>")
            .skip(1)
            .filter_map(|l| l.split("</loc>").next())
            .collect();
        // the plans page, four plans, 160 indicators, the two folders (no evaluation yet)
        assert_eq!(locs.len(), 1 + 4 + 160 + 2, "{xml}");
        let plans: Vec<String> = [
            "",
            "plans/women",
            "plans/children",
            "plans/health",
            "plans/earthquake",
        ]
        .iter()
        .map(|p| format!("{base}/{p}"))
        .collect();
        assert_eq!(locs[..5], plans);
        assert_eq!(
            locs[165..],
            [format!("{base}/evaluations/"), format!("{base}/downloads/")]
        );
        // each page it names is served, 婴儿死亡率's among them
        let infant = app
            .query(r#"{ indicators(first: 1, filter: { text: "婴儿死亡率" }) { nodes { id } } }"#)
            .await;
        let id = infant["data"]["indicators"]["nodes"][0]["id"]
            .as_str()
            .unwrap_or("");
        assert!(
            locs.contains(&format!("{base}/indicators/{id}").as_str()),
            "{id}"
        );
        for loc in locs.iter().step_by(20) {
            assert_eq!(get(&app, loc, &[]).await.status, 200, "{loc}");
        }
    }
);
