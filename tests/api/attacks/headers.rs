//! Forged forwarded headers: no header from a client that is not a trusted proxy becomes part
//! of a URL the server writes (the DCAT catalog, the Atom feed); a trusted proxy's are taken
//! only as plain host names; a configured public URL wins over all of them; and the feed
//! escapes what it writes.

use crate::on_both_backends;
use crate::support::TestApp;

const FORGED: &[(&str, &str)] = &[
    ("host", "evil.example"),
    ("x-forwarded-host", "evil.example"),
    ("x-forwarded-proto", "https"),
    ("forwarded", "host=evil.example;proto=https"),
];

async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (String, String) {
    let mut request = app.client.get(format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let r = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    assert_eq!(r.status().as_u16(), 200, "{path}");
    let etag = r
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (r.text().await.unwrap_or_default(), etag)
}

on_both_backends!(
    forged_forwarded_headers_never_become_urls,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        for path in ["/catalog.jsonld", "/feed.atom"] {
            let (plain, plain_tag) = fetch(&app, path, &[]).await;
            assert!(
                plain.contains(&app.address),
                "{path} names the server itself"
            );
            for header in FORGED {
                let (body, tag) = fetch(&app, path, &[*header]).await;
                assert!(!body.contains("evil.example"), "{path} with {header:?}");
                assert!(
                    !body.contains("https://127.0.0.1"),
                    "{path} with {header:?}"
                );
                assert_eq!(body, plain, "{path} with {header:?}");
                assert_eq!(tag, plain_tag, "{path} with {header:?}");
            }
        }
        // A configured public URL is the base, whatever the request says.
        let Some(public) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.public_url = Some("https://data.example.gov.cn/plangraph".into());
        })
        .await
        else {
            return;
        };
        for path in ["/catalog.jsonld", "/feed.atom"] {
            let (body, _) = fetch(&public, path, FORGED).await;
            assert!(
                body.contains("https://data.example.gov.cn/plangraph/"),
                "{path}"
            );
            assert!(!body.contains("evil.example"), "{path}");
            assert!(!body.contains(&public.address), "{path}");
        }
    }
);

on_both_backends!(
    a_trusted_proxy_names_the_host_but_only_a_plain_one,
    |backend| async move {
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap_or_else(|e| panic!("{e:?}"))];
        })
        .await
        else {
            return;
        };
        let (body, tag) = fetch(
            &app,
            "/feed.atom",
            &[
                ("x-forwarded-host", "portal.example.org"),
                ("x-forwarded-proto", "https"),
            ],
        )
        .await;
        assert!(
            body.contains("href=\"https://portal.example.org/feed.atom\""),
            "{body}"
        );
        let (other, other_tag) =
            fetch(&app, "/feed.atom", &[("x-forwarded-host", "b.example.org")]).await;
        assert!(other.contains("http://b.example.org/feed.atom"), "{other}");
        assert_ne!(tag, other_tag, "the tag follows the base");
        // Markup or a path in the header is not a host: the server's own address instead.
        for forged in ["evil.example/\"><x>", "a&b", "evil.example:80/x"] {
            let (body, _) = fetch(&app, "/feed.atom", &[("x-forwarded-host", forged)]).await;
            assert!(!body.contains("evil.example"), "{forged}: {body}");
            assert!(!body.contains("<x>") && !body.contains("a&b"), "{forged}");
        }
    }
);
