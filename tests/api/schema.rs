//! The checked-in schema is the contract: it must be what the code serves, fully described.

use serde_json::Value;

#[test]
fn schema_graphql_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let current = plangraph::graphql::sdl();
    assert!(
        committed == current,
        "schema.graphql is stale: run `cargo run -q -- schema > schema.graphql` and review the diff"
    );
}

const INTROSPECTION: &str = r#"{ __schema { types { name kind description
    fields { name description args { name description } }
    inputFields { name description }
    enumValues { name description } } } }"#;

/// Every type, field, argument, input field and enum value of ours has a description.
#[tokio::test]
async fn every_type_and_field_has_a_description() {
    let schema = plangraph::graphql::build_schema(None);
    let response = schema.execute(INTROSPECTION).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().unwrap_or(Value::Null);
    let mut missing = Vec::new();
    let empty = |v: &Value| {
        v["description"]
            .as_str()
            .is_none_or(|d| d.trim().is_empty())
    };
    for t in data["__schema"]["types"].as_array().into_iter().flatten() {
        let name = t["name"].as_str().unwrap_or("");
        let built_in = ["String", "Int", "Float", "Boolean", "ID"];
        if name.starts_with("__") || built_in.contains(&name) {
            continue;
        }
        if empty(t) {
            missing.push(name.to_string());
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            let field = format!("{name}.{}", f["name"].as_str().unwrap_or(""));
            if empty(f) {
                missing.push(field.clone());
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if empty(a) {
                    missing.push(format!("{field}({})", a["name"].as_str().unwrap_or("")));
                }
            }
        }
        for list in ["inputFields", "enumValues"] {
            for f in t[list].as_array().into_iter().flatten() {
                if empty(f) {
                    missing.push(format!("{name}.{}", f["name"].as_str().unwrap_or("")));
                }
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:#?}");
    // Descriptions of our own, not the library's defaults.
    for t in data["__schema"]["types"].as_array().into_iter().flatten() {
        let d = t["description"].as_str().unwrap_or("");
        assert!(
            !d.contains("can represent any") && !d.contains("chrono"),
            "{} keeps a library description: {d}",
            t["name"]
        );
    }
}
