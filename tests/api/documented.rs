//! Every GraphQL operation the README and docs/ show — JSON bodies for curl, GET parameters,
//! JavaScript subscriptions, ```graphql blocks — is one the schema accepts: the documentation
//! cannot drift from the schema unnoticed (issue 30: the IDE's default query had).

use std::time::Duration;

use futures_util::StreamExt;

/// The operations written in a Markdown file.
fn operations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // A JSON string (`"query": "…"`) or a JavaScript one (`query: "…"`): JSON escapes.
    let quoted = regex_lite::Regex::new(r#""?query"?\s*:\s*("(?:[^"\\]|\\.)*")"#)
        .unwrap_or_else(|e| panic!("{e}"));
    for m in quoted.captures_iter(text) {
        if let Ok(op) = serde_json::from_str::<String>(&m[1]) {
            out.push(op);
        }
    }
    // curl's `--data-urlencode 'query=…'`.
    let get = regex_lite::Regex::new(r"'query=([^']*)'").unwrap_or_else(|e| panic!("{e}"));
    out.extend(get.captures_iter(text).map(|m| m[1].to_string()));
    // Fenced GraphQL.
    let mut rest = text;
    while let Some(start) = rest.find("```graphql\n") {
        let body = &rest[start + "```graphql\n".len()..];
        let end = body.find("```").unwrap_or(body.len());
        out.push(body[..end].to_string());
        rest = &body[end..];
    }
    out
}

/// What a document's operation is refused with before it runs (parse, validation), if it is.
async fn refused(schema: &plangraph::graphql::AppSchema, op: &str) -> Option<String> {
    let mut stream = schema.execute_stream(async_graphql::Request::new(op));
    // A valid subscription sends nothing until something changes: not refused.
    let first = tokio::time::timeout(Duration::from_millis(500), stream.next()).await;
    let response = first.ok().flatten()?;
    // Errors of resolvers (no store, no token here) have a path; a refusal has none.
    response
        .errors
        .iter()
        .find(|e| e.path.is_empty())
        .map(|e| e.message.clone())
}

#[tokio::test]
async fn every_documented_operation_is_valid() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = vec![format!("{root}/README.md")];
    let mut docs: Vec<String> = std::fs::read_dir(format!("{root}/docs"))
        .unwrap_or_else(|e| panic!("docs/: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path().display().to_string()))
        .filter(|p| p.ends_with(".md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let schema = plangraph::graphql::build_schema(None);
    // What a drifted document would be refused with: a field the schema does not have, a
    // syntax error, an argument of a wrong type.
    for bad in [
        "{ plans { nope } }",
        "{ plans { code }",
        "subscription { changes(afterSeq: \"x\") { seq } }",
    ] {
        assert!(
            refused(&schema, bad).await.is_some(),
            "{bad} was not refused"
        );
    }
    let mut seen = 0;
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        for op in operations(&text) {
            seen += 1;
            if let Some(why) = refused(&schema, &op).await {
                wrong.push(format!("{file}: {op}\n  {why}"));
            }
        }
    }
    // The README's own examples at least: curl POST and GET, asOf, changes, the subscription,
    // and docs/EVALUATIONS.md's freeze.
    assert!(seen >= 6, "only {seen} operations found");
    assert!(wrong.is_empty(), "refused:\n{}", wrong.join("\n"));
}

#[test]
fn operations_are_found_in_each_way_they_are_written() {
    let text = r#"
curl -d '{"query":"{ plans { code } }"}'
  "query": "{ statusCounts(filter: { planCode: \"health\" }) { status count } }",
curl -G --data-urlencode 'query={ plans { title } }'
  { query: "subscription { valuePublished { year } }" },
```graphql
mutation { login(input: { username: "a", password: "b" }) { token } }
```
"#;
    assert_eq!(
        operations(text),
        vec![
            "{ plans { code } }",
            r#"{ statusCounts(filter: { planCode: "health" }) { status count } }"#,
            "subscription { valuePublished { year } }",
            "{ plans { title } }",
            "mutation { login(input: { username: \"a\", password: \"b\" }) { token } }\n",
        ]
    );
}
