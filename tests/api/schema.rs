//! The checked-in schema is the contract: it must be what the code serves.

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

#[test]
fn every_type_and_field_has_a_description() {
    let sdl = plangraph::graphql::sdl();
    let mut undocumented = Vec::new();
    let mut previous = "";
    let mut depth = 0;
    for line in sdl.lines() {
        let t = line.trim();
        let declares = (depth == 0
            && (t.starts_with("type ")
                || t.starts_with("enum ")
                || t.starts_with("input ")
                || t.starts_with("interface ")
                || t.starts_with("union ")))
            || (depth == 1 && !t.is_empty() && t != "}" && !t.starts_with('"'));
        let in_schema_block = previous.starts_with("schema") || t.starts_with("schema");
        if declares && !previous.ends_with('"') && !in_schema_block {
            undocumented.push(t.to_string());
        }
        depth += t.matches('{').count();
        depth -= t.matches('}').count();
        if !t.is_empty() {
            previous = t;
        }
    }
    assert!(undocumented.is_empty(), "undocumented: {undocumented:#?}");
}
