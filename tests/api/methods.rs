//! How a served path may be asked: with a method it does not answer it says which ones it
//! does (405 with `Allow`; OPTIONS 204 with `Allow`) instead of the 404 that says the path
//! does not exist; with a slash at its end it sends the client to the path. The paths come
//! from the server's own lists (sitemap, downloads).

use regex_lite::Regex;
use reqwest::Method;

use crate::on_both_backends;
use crate::support::{code, TestApp};

const WRONG: [&str; 4] = ["POST", "PUT", "DELETE", "PATCH"];

async fn ask(app: &TestApp, method: &str, path: &str) -> (u16, Option<String>, String) {
    let method = Method::from_bytes(method.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let r = app
        .client
        .request(method.clone(), format!("{}{path}", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let allow = r
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (
        r.status().as_u16(),
        allow,
        r.text().await.unwrap_or_default(),
    )
}

/// The paths the server names itself: its sitemap, every download, and the fixed addresses.
async fn served_paths(app: &TestApp) -> Vec<String> {
    let (_, _, sitemap) = ask(app, "GET", "/sitemap.xml").await;
    let loc = Regex::new(r"<loc>https?://[^/]+(/[^<]*)</loc>").unwrap_or_else(|e| panic!("{e}"));
    let mut paths: Vec<String> = loc
        .captures_iter(&sitemap)
        .map(|c| c[1].to_string())
        .collect();
    let (_, _, listing) = ask(app, "GET", "/downloads/").await;
    paths.extend(
        listing
            .lines()
            .filter_map(|l| l.split_once("  "))
            .map(|(_, file)| format!("/downloads/{file}")),
    );
    let first_indicator = paths
        .iter()
        .find(|p| p.starts_with("/indicators/"))
        .cloned()
        .unwrap_or_default();
    paths.push(format!("{first_indicator}/values.csv"));
    for fixed in [
        "/plans",
        "/evaluations/",
        "/feed.atom",
        "/catalog.jsonld",
        "/catalog.ttl",
        "/schema.graphql",
        "/robots.txt",
        "/favicon.ico",
        "/healthz",
        "/graphiql",
    ] {
        paths.push(fixed.to_string());
    }
    paths
}

on_both_backends!(
    a_served_path_asked_with_another_method_says_which_it_answers,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let paths = served_paths(&app).await;
        // 4 plans, 48 downloads and the indicators' pages at least
        assert!(paths.len() > 200, "{}", paths.len());
        for path in &paths {
            assert_eq!(ask(&app, "GET", path).await.0, 200, "GET {path}");
            for method in WRONG {
                let (status, allow, text) = ask(&app, method, path).await;
                assert_eq!(status, 405, "{method} {path}: {text}");
                assert_eq!(allow.as_deref(), Some("GET, HEAD"), "{method} {path}");
                assert_eq!(
                    text,
                    format!("{path} answers GET, HEAD only, not {method}\n")
                );
            }
            let (status, allow, text) = ask(&app, "OPTIONS", path).await;
            assert_eq!((status, text.as_str()), (204, ""), "OPTIONS {path}");
            assert_eq!(allow.as_deref(), Some("GET, HEAD"), "OPTIONS {path}");
        }
        // the API's paths answer in the API's error shape
        for (method, path, allowed) in [
            ("PUT", "/graphql", "GET, POST"),
            ("DELETE", "/graphql", "GET, POST"),
            ("GET", "/templates/upload", "POST"),
            ("PATCH", "/templates/upload", "POST"),
        ] {
            let (status, allow, text) = ask(&app, method, path).await;
            assert_eq!(status, 405, "{method} {path}: {text}");
            assert_eq!(allow.as_deref(), Some(allowed), "{method} {path}");
            let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            assert_eq!(code(&body), "METHOD_NOT_ALLOWED", "{method} {path}: {text}");
            assert_eq!(
                body["errors"][0]["message"],
                format!("{path} answers {allowed} only, not {method}")
            );
        }
        // a path that leads nowhere still does, whatever the method
        for method in ["GET", "DELETE", "POST"] {
            let (status, _, text) = ask(&app, method, "/plans/health/extra").await;
            assert_eq!(status, 404, "{method}: {text}");
            assert!(
                text.starts_with("no such page: /plans/health/extra;"),
                "{text}"
            );
        }
    }
);

on_both_backends!(
    a_served_path_with_a_slash_at_its_end_sends_to_the_path,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let slashed = |path: &str| {
            let client = client.clone();
            let url = format!("{}{path}/?from=test", app.address);
            async move {
                let r = client
                    .get(&url)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{url}: {e}"));
                let to = r.headers().get("location").and_then(|v| v.to_str().ok());
                (r.status().as_u16(), to.map(str::to_string))
            }
        };
        for path in served_paths(&app).await {
            if path.ends_with('/') {
                continue;
            }
            let (status, to) = slashed(&path).await;
            if path.starts_with("/downloads/") {
                // a file's route takes any name under its folder, and no file ends with a slash
                assert_eq!(status, 404, "{path}/");
            } else {
                assert_eq!(status, 308, "{path}/");
                assert_eq!(to, Some(format!("{path}?from=test")), "{path}/");
            }
        }
        // never to another site, nor for a path that leads nowhere
        for path in ["//example.org", "/plans/mars/extra", "/no/such/thing"] {
            assert_eq!(slashed(path).await, (404, None), "{path}/");
        }
    }
);
