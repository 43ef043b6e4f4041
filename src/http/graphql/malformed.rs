//! What is wrong with a POST body that is JSON but not a GraphQL request, said in the
//! request's own terms (serde's untagged-enum error names none). Read only after the body
//! failed to decode, so the well-formed path parses it once; and an array that decoded as one
//! request (serde reads a struct from a sequence by position) is not taken for one.

use serde_json::Value;

/// What `variables` of another kind than an object are told, by POST, GET or WebSocket.
pub(crate) const VARIABLES: &str =
    "`variables` must be a JSON object of the variables' values (or null)";

/// The first thing wrong with `body`, in a sentence; `error` is what decoding it said.
pub(super) fn explain(body: &[u8], error: &dyn std::fmt::Display) -> String {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return format!("the body is not JSON: {error}");
    };
    match &value {
        Value::Object(_) => fault(&value).map_or_else(
            || format!("the body is not a GraphQL request: {error}"),
            |f| f.to_string(),
        ),
        Value::Array(members) if members.is_empty() => {
            "a batch must hold at least one operation".to_string()
        }
        Value::Array(members) => members
            .iter()
            .enumerate()
            .find_map(|(i, m)| fault(m).map(|f| format!("operation {i} of the batch: {f}")))
            .unwrap_or_else(|| format!("the body is not a GraphQL request: {error}")),
        _ => "the body must be a JSON object { \"query\": … } (or an array of them for a batch)"
            .to_string(),
    }
}

/// What is wrong with one request object, if anything the request's members can say.
pub(crate) fn fault(request: &Value) -> Option<&'static str> {
    let Value::Object(members) = request else {
        return Some("it is not a JSON object { \"query\": … }");
    };
    let of = |name: &str| members.get(name).filter(|v| !v.is_null());
    if members.get("query").is_some_and(|v| !v.is_string()) {
        return Some(
            "`query` must be a string holding the GraphQL document (left out when a persisted \
             query's hash stands for it)",
        );
    }
    if of("variables").is_some_and(|v| !v.is_object()) {
        return Some(VARIABLES);
    }
    if of("operationName").is_some_and(|v| !v.is_string()) {
        return Some("`operationName` must be a string (or null)");
    }
    if of("extensions").is_some_and(|v| !v.is_object()) {
        return Some("`extensions` must be a JSON object (or null)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(body: &str) -> String {
        let error = serde_json::from_str::<async_graphql::BatchRequest>(body)
            .err()
            .unwrap_or_else(|| panic!("{body} decoded"));
        explain(body.as_bytes(), &error)
    }

    #[test]
    fn each_member_of_the_wrong_kind_is_named() {
        assert_eq!(
            said(r#"{"query":"{ plans { code } }","variables":"{\"a\":1}"}"#),
            "`variables` must be a JSON object of the variables' values (or null)"
        );
        for query in [r#"{"text":"{ plans { code } }"}"#, "null", "[]"] {
            assert_eq!(
                said(&format!(r#"{{"query":{query}}}"#)),
                "`query` must be a string holding the GraphQL document (left out when a \
                 persisted query's hash stands for it)"
            );
        }
        assert_eq!(
            said(r#"{"query":"{ a }","operationName":7}"#),
            "`operationName` must be a string (or null)"
        );
        assert_eq!(
            said(r#"{"query":"{ a }","extensions":[]}"#),
            "`extensions` must be a JSON object (or null)"
        );
        assert_eq!(
            said(r#"[{"query":"{ a }"},{"query":"{ a }","variables":[1]}]"#),
            "operation 1 of the batch: `variables` must be a JSON object of the variables' \
             values (or null)"
        );
        assert_eq!(
            said(r#"[{"query":"{ a }"},"{ a }"]"#),
            "operation 1 of the batch: it is not a JSON object { \"query\": … }"
        );
    }

    #[test]
    fn a_body_that_is_no_object_or_not_json_says_so() {
        for body in ["null", "7", r#""{ plans { code } }""#, "true"] {
            assert_eq!(
                said(body),
                "the body must be a JSON object { \"query\": … } (or an array of them for a \
                 batch)",
                "{body}"
            );
        }
        assert!(said("{\"query\":").starts_with("the body is not JSON: EOF while parsing"));
        assert_eq!(
            explain(b"[]", &"decoded as one request"),
            "a batch must hold at least one operation"
        );
        assert_eq!(
            explain(br#"["{ plans { code } }"]"#, &"decoded as one request"),
            "operation 0 of the batch: it is not a JSON object { \"query\": … }"
        );
    }
}
