//! The variables a request must give: a non-null variable with no default that is left out or
//! null is a request error, said as graphql-js says it, before anything runs (async-graphql
//! reports it while executing, as a field error reading "Variable c is not defined").

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Value, Variables};

use crate::limits::cost;

/// What is wrong with the variables the operation that will run declares, if anything.
pub(crate) fn missing(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Option<String> {
    let operation = cost::selected(document, operation_name)?;
    operation
        .variable_definitions
        .iter()
        .find_map(|definition| {
            let definition = &definition.node;
            if definition.var_type.node.nullable || definition.default_value.is_some() {
                return None;
            }
            let name = &definition.name.node;
            let ty = &definition.var_type.node;
            match variables.get(name) {
                None => Some(format!(
                    "Variable \"${name}\" of required type \"{ty}\" was not provided."
                )),
                Some(Value::Null) => Some(format!(
                    "Variable \"${name}\" of non-null type \"{ty}\" must not be null."
                )),
                Some(_) => None,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(query: &str, variables: serde_json::Value) -> Option<String> {
        let document = async_graphql::parser::parse_query(query).unwrap_or_else(|e| panic!("{e}"));
        let variables = Variables::from_json(variables);
        missing(&document, None, &variables)
    }

    #[test]
    fn a_required_variable_left_out_or_null_is_named_with_its_type() {
        let query = "query($code: String!, $year: Int) { plan(code: $code) { code } }";
        assert_eq!(
            said(query, serde_json::json!({})).as_deref(),
            Some("Variable \"$code\" of required type \"String!\" was not provided.")
        );
        assert_eq!(
            said(query, serde_json::json!({ "code": null })).as_deref(),
            Some("Variable \"$code\" of non-null type \"String!\" must not be null.")
        );
        assert_eq!(said(query, serde_json::json!({ "code": "health" })), None);
        // nullable, or with a default: may be left out
        let defaulted = "query($code: String! = \"health\", $ids: [ID!]) { plans { code } }";
        assert_eq!(said(defaulted, serde_json::json!({})), None);
        let list = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
        assert_eq!(
            said(list, serde_json::json!({})).as_deref(),
            Some("Variable \"$ids\" of required type \"[ID!]!\" was not provided.")
        );
    }
}
