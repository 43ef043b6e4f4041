//! Which version an answer follows. Reported values change all through the reporting season
//! (every submission, every approval); the plans' outline, goals, departments and targets'
//! wording change only with a new import or an admin's edit. An answer that selects no field
//! reading values or the statuses derived from them is cached and tagged under the structure
//! version, which submissions and approvals do not move (migration m20261129_000011); every
//! other answer under the data version, which every change moves.

/// Fields and input fields that read reported values or what follows from them, as
/// `Type.field`. Fields of the value types themselves (`IndicatorValue.year` …) are reached
/// only through these. The test below fails when a field that returns a value type is missing.
pub const VALUE_FIELDS: &[&str] = &[
    "Indicator.values",
    "Indicator.series",
    "Indicator.latestValue",
    "Indicator.discrepancies",
    "Indicator.publicationHistory",
    "Indicator.gap",
    "Indicator.femaleShare",
    "Indicator.consistency",
    "Indicator.breakdownCoverage",
    "Target.status",
    "Target.progress",
    "Target.statusReason",
    "Target.trajectory",
    "Plan.statusCounts",
    "Domain.statusCounts",
    "Department.statusCounts",
    "Query.statusCounts",
    "Query.earlyWarnings",
    "TargetFilter.status",
    "Query.changes",
    "Query.evaluations",
    "Query.evaluation",
    "Query.evaluationDiff",
    // Never public (a caller with a token is never cached), listed to be complete.
    "Query.reportedValues",
    "Query.reportedValue",
    "Query.reportingStatus",
    "Query.auditLog",
    "Query.me",
    "Query.users",
];

/// Types a query reaches through `node`/`nodes` by a type condition (`... on Evaluation`)
/// whose fields are all computed from values.
pub const VALUE_NODES: &[&str] = &["Evaluation"];

/// Whether a request's answer may read reported values: whether the name of any field in
/// [`VALUE_FIELDS`] or any type of [`VALUE_NODES`] occurs as a word anywhere in its text or
/// variables. A word in a string, an
/// alias or a comment counts too: being wrong that way costs only cache hits, never a stale
/// answer.
pub fn reads_values(query: &str, variables: &str) -> bool {
    // Asked of every request: the names once, each word one set lookup.
    static NAMES: std::sync::LazyLock<std::collections::HashSet<&str>> =
        std::sync::LazyLock::new(|| {
            VALUE_FIELDS
                .iter()
                .filter_map(|f| f.rsplit('.').next())
                .chain(VALUE_NODES.iter().copied())
                .collect()
        });
    let words = |text: &str| {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|word| !word.is_empty() && NAMES.contains(word))
    };
    words(query) || words(variables)
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

    /// Types whose every field is a value or follows from values.
    const VALUE_TYPES: &[&str] = &[
        "IndicatorValue",
        "YearValue",
        "Publication",
        "StatusCount",
        "TargetStatus",
        "Discrepancy",
        "Gap",
        "ConsistencyCheck",
        "BreakdownCoverage",
        "TrajectoryPoint",
        "ReportedValue",
        "ReportedValueConnection",
        "ReportedValueEdge",
        "DepartmentReporting",
        "AuditEntryConnection",
        "User",
        "ValueEvent",
        "PublicChange",
        "PublicChangeConnection",
        "PublicChangeEdge",
        "ValueChange",
        "Evaluation",
        "EvaluationConnection",
        "EvaluationEdge",
        "EvaluationItem",
        "EvaluationItemConnection",
        "EvaluationItemEdge",
        "EvaluationChange",
        "EvaluationChangeConnection",
        "EvaluationChangeEdge",
        "EvaluationGroup",
        "AchievementRate",
        "ClassCount",
    ];

    fn named(ty: &async_graphql::parser::types::Type) -> String {
        ty.to_string()
            .trim_matches(|c| c == '[' || c == ']' || c == '!')
            .to_string()
    }

    #[test]
    fn every_field_that_returns_values_is_listed_and_every_listed_field_exists() {
        let sdl = crate::graphql::build_schema(None).sdl();
        let document = async_graphql::parser::parse_schema(&sdl).expect("the schema parses");
        let mut fields = Vec::new();
        let mut unlisted = Vec::new();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            let ty = ty.node;
            let name = ty.name.node.to_string();
            match ty.kind {
                TypeKind::Object(o) => {
                    for f in o.fields {
                        let qualified = format!("{name}.{}", f.node.name.node);
                        let returns = named(&f.node.ty.node);
                        // Mutations and their payloads are never cached.
                        let of_query = !["Mutation", "Subscription"].contains(&name.as_str())
                            && !name.ends_with("Payload");
                        if of_query
                            && !VALUE_TYPES.contains(&name.as_str())
                            && VALUE_TYPES.contains(&returns.as_str())
                            && !VALUE_FIELDS.contains(&qualified.as_str())
                        {
                            unlisted.push(qualified.clone());
                        }
                        fields.push(qualified);
                    }
                }
                TypeKind::InputObject(i) => {
                    for f in i.fields {
                        fields.push(format!("{name}.{}", f.node.name.node));
                    }
                }
                _ => {}
            }
        }
        assert_eq!(unlisted, Vec::<String>::new(), "fields returning values");
        for listed in VALUE_FIELDS {
            assert!(
                fields.iter().any(|f| f == listed),
                "{listed} is not in the schema"
            );
        }
    }

    #[test]
    fn a_value_word_anywhere_makes_an_answer_follow_values() {
        let outline = "{ plans { code domains { title goals(first: 100) { nodes { text departments { role department { name } } } } } } }";
        assert!(!reads_values(outline, ""));
        assert!(!reads_values(
            r#"{ targets(first: 5, filter: { planCode: "health" }) { nodes { name value baseline { value } } } }"#,
            "",
        ));
        assert!(reads_values(
            "{ plan(code: \"health\") { targets(first: 5) { nodes { status } } } }",
            ""
        ));
        assert!(reads_values(
            "{ indicators(first: 5) { nodes { latestValue { value } } } }",
            ""
        ));
        // A filter by status in the variables, an alias, a fragment: all count.
        assert!(reads_values(
            "query($f: TargetFilter) { targets(filter: $f) { nodes { name } } }",
            r#"{"f": {"status": ["ACHIEVED"]}}"#
        ));
        assert!(reads_values("{ plans { s: statusCounts { count } } }", ""));
        assert!(reads_values(
            "{ plans { ...F } } fragment F on Plan { statusCounts { count } }",
            ""
        ));
        // Not a word of its own: `statuses`, `latestValues` are other words.
        assert!(!reads_values("{ plans { statuses: code } }", ""));
        // An evaluation reached as a node, and the public changes.
        assert!(reads_values(
            r#"{ node(id: "x") { ... on Evaluation { kind } } }"#,
            ""
        ));
        assert!(!reads_values(
            r#"{ node(id: "x") { ... on Plan { code } } }"#,
            ""
        ));
        assert!(reads_values("{ changes { totalCount } }", ""));
        // Figures by breakdown are values; their declaration is structure.
        assert!(reads_values(
            "{ indicators { nodes { femaleShare(year: 2021) } } }",
            ""
        ));
        assert!(!reads_values(
            "{ indicators { nodes { aggregation breakdowns { dimension } } } }",
            ""
        ));
    }
}
