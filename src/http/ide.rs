//! `GET /graphiql`: GraphiQL, served with its scripts from this binary so it works offline.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// The query the IDE opens with: the first thing a visitor runs, so a test runs it too
/// (tests/api/transport.rs). It must hold no backtick (the page quotes it in one).
pub const DEFAULT_QUERY: &str = "# Changle County 2021–2025 plans (乐政字〔2022〕16号)
{
  plans {
    code
    title
    indicators(first: 5) {
      totalCount
      nodes {
        name
        unit
        latestValue { year value }
        targets { year raw status }
      }
    }
  }
}
";

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>plangraph — GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/ide/graphiql.min.css">
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Loading…</div>
<script src="/ide/react.production.min.js"></script>
<script src="/ide/react-dom.production.min.js"></script>
<script src="/ide/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  const query = `__DEFAULT_QUERY__`;  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery: query }),
  );
</script>
</body>
</html>
"#;

/// Vendored assets (GraphiQL 3.8.3, React 18.3.1; MIT, licences beside them in static/).
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript",
        include_bytes!("../../static/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css",
        include_bytes!("../../static/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript",
        include_bytes!("../../static/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript",
        include_bytes!("../../static/graphiql/react-dom.production.min.js"),
    ),
];

pub async fn page() -> HttpResponse {
    static FILLED: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| PAGE.replace("__DEFAULT_QUERY__", DEFAULT_QUERY));
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(FILLED.as_str())
}

pub async fn asset(name: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(n, _, _)| *n == name.as_str()) {
        Some((_, content_type, bytes)) => HttpResponse::Ok()
            .content_type(*content_type)
            // The file names are versioned by this binary: cache them for a day.
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(*bytes),
        None => HttpResponse::NotFound().finish(),
    }
}
