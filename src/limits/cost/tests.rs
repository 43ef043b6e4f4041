//! Tests of `cost`.

use super::super::bounds::Measured;
use super::*;

fn table() -> TypeTable {
    TypeTable::from_sdl(&crate::graphql::build_schema(None).sdl()).unwrap()
}

fn cost(query: &str) -> Measure {
    cost_with(query, serde_json::json!({}))
}

/// Ten plans of thirty domains each: round numbers to check the arithmetic with.
fn bounds() -> Bounds {
    Bounds::default()
        .with(Measured::Plans, 10)
        .with(Measured::DomainsPerPlan, 30)
}

fn cost_with(query: &str, variables: serde_json::Value) -> Measure {
    let doc = async_graphql::parser::parse_query(query).unwrap();
    measure(&doc, &Variables::from_json(variables), &table(), &bounds())
}

#[test]
fn fields_cost_one_and_lists_multiply() {
    // plans (10) × (code + title)
    assert_eq!(cost("{ plans { code title } }").cost, 10 * 3);
    // plans × (domains (30) × (title + 1) + 1)
    assert_eq!(
        cost("{ plans { domains { title } } }").cost,
        10 * (30 * 2 + 1)
    );
    assert_eq!(cost("{ plans { domains { title } } }").depth, 3);
}

#[test]
fn connections_multiply_by_their_page_size() {
    let default = cost("{ indicators { nodes { name } totalCount } }").cost;
    assert_eq!(default, 20 * (1 + 2 + 1));
    let five = cost("{ indicators(first: 5) { nodes { name } } }").cost;
    assert_eq!(five, 5 * (1 + 2));
    let var = cost_with(
        "query Q($n: Int) { indicators(last: $n) { edges { node { name } } } }",
        serde_json::json!({ "n": 50 }),
    )
    .cost;
    assert_eq!(var, 50 * (1 + 3));
    // A page size outside 1–100 is refused by the resolver; the estimate clamps it.
    let huge = cost("{ indicators(first: 100000) { nodes { name } } }").cost;
    assert_eq!(huge, 100 * 3);
}

#[test]
fn nodes_multiply_by_the_ids_given() {
    assert_eq!(
        cost(r#"{ nodes(ids: ["a", "b", "c"]) { id } }"#).cost,
        3 * 2
    );
    assert_eq!(
        cost_with(
            "query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            serde_json::json!({ "ids": ["a", "b"] })
        )
        .cost,
        2 * 2
    );
}

#[test]
fn the_fan_out_attack_is_enormous() {
    let mut q = String::from("{ plans { ");
    for n in 0..12 {
        q.push_str(if n % 2 == 0 { "domains { " } else { "plan { " });
    }
    q.push_str("title ");
    q.push_str(&"} ".repeat(13));
    q.push('}');
    let m = cost(&q);
    assert!(m.cost > 1_000_000_000, "{m:?}");
    assert_eq!(m.depth, 14);
}

#[test]
fn fragments_are_measured_once_and_cycles_are_too_large() {
    let q = "{ plans { ...F ...F } } fragment F on Plan { domains { title } }";
    assert_eq!(cost(q).cost, 10 * (2 * (30 * 2) + 1));
    // 40 levels of fragments spreading the next one twice: 2^40 expansions if walked
    // naively; measured in microseconds.
    let mut q = String::from("{ plans { ...F0 } }");
    for n in 0..40 {
        q.push_str(&format!(
            " fragment F{n} on Plan {{ ...F{} ...F{} }}",
            n + 1,
            n + 1
        ));
    }
    q.push_str(" fragment F40 on Plan { code }");
    let started = std::time::Instant::now();
    let m = cost(&q);
    assert!(started.elapsed().as_millis() < 1_000);
    assert!(m.cost > 1_000_000_000, "{m:?}");
    let cycle = "{ plans { ...A } } fragment A on Plan { domains { plan { ...A } } }";
    assert!(cost(cycle).depth > 1_000);
}

/// The introspection query GraphiQL sends (graphql-js getIntrospectionQuery).
const IDE: &str = "query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name } types { ...FullType } directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } } } } fragment FullType on __Type { kind name description specifiedByURL fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason } inputFields(includeDeprecated: true) { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } } fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason } fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } } }";

#[test]
fn introspection_multiplies_by_the_schemas_sizes() {
    let expanded =
        super::super::expand::measure(&async_graphql::parser::parse_query(IDE).unwrap()).unwrap();
    let defaults = crate::config::Limits::default();
    eprintln!("the IDE's introspection query expands to {expanded:?}");
    assert!(
        expanded.selections < defaults.selections / 4,
        "{expanded:?}"
    );
    assert!(expanded.depth < defaults.nesting, "{expanded:?}");
    let ide = cost(IDE).cost;
    let limit = crate::config::Limits::default().cost;
    eprintln!("the IDE's introspection query costs {ide}");
    assert!(ide < limit, "the IDE's own query costs {ide}");
    let nested = cost("{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }");
    assert!(nested.cost > limit, "{nested:?}");
    // ofType is one type, not a list
    let chain = cost("{ __type(name: \"Plan\") { ofType { ofType { ofType { name } } } } }");
    assert_eq!(chain.cost, 5);
}

#[test]
fn counts_aliases() {
    assert_eq!(
        cost("{ a: plans { b: code } c: plans { code } }").aliases,
        3
    );
}

#[test]
fn finds_the_operation() {
    let doc =
        async_graphql::parser::parse_query("query A { plans { code } } mutation B { x }").unwrap();
    assert_eq!(
        selected_operation(&doc, Some("B")),
        Some(OperationType::Mutation)
    );
    assert_eq!(
        selected_operation(&doc, Some("A")),
        Some(OperationType::Query)
    );
    assert_eq!(selected_operation(&doc, Some("C")), None);
    assert_eq!(selected_operation(&doc, None), None);
}

#[test]
fn every_plain_list_of_objects_has_a_bound() {
    let declared: Vec<(String, String)> = LIST_BOUNDS
        .iter()
        .map(|(t, f, _)| (t.to_string(), f.to_string()))
        .collect();
    let mut missing = Vec::new();
    for list in table().object_lists() {
        if !declared.contains(&list) && list != ("Query".into(), "nodes".into()) {
            missing.push(list);
        }
    }
    assert!(missing.is_empty(), "lists without a bound: {missing:?}");
    for (t, f) in &declared {
        assert!(
            table().object_lists().contains(&(t.clone(), f.clone())),
            "{t}.{f} is not a plain list of objects"
        );
    }
}

#[test]
fn finds_nul_in_any_string() {
    let nul = |q: &str, v: serde_json::Value| {
        carries_nul(
            &async_graphql::parser::parse_query(q).unwrap(),
            &Variables::from_json(v),
        )
    };
    assert!(!nul(
        r#"{ search(text: "婴儿") { totalCount } }"#,
        serde_json::json!({})
    ));
    assert!(nul(
        r#"{ search(text: "a\u0000b") { totalCount } }"#,
        serde_json::json!({})
    ));
    assert!(nul(
        r#"query Q($t: String = "\u0000") { search(text: $t) { totalCount } }"#,
        serde_json::json!({})
    ));
    assert!(nul(
        "query Q($t: String!) { search(text: $t) { totalCount } }",
        serde_json::json!({ "t": "x\u{0}" })
    ));
    assert!(nul(
        r#"{ plans @include(if: true) { code @skip(if: false) } } fragment F on Plan { domains(x: {a: ["\u0000"]}) { title } }"#,
        serde_json::json!({})
    ));
}
