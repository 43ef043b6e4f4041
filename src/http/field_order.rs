//! Answers in the query's field order, as the GraphQL specification asks (7.1.2, serialized
//! map ordering). async-graphql 7 resolves a selection set's fields concurrently and writes
//! each as it completes (a `FuturesUnordered`), so a field read through a batch loader lands
//! after the others, and the order of an answer depended on the store's timing. This puts
//! every object's keys back in the order of CollectFields: the selection set's fields,
//! fragments spread in place, the first occurrence of a response key deciding its place.
//! Depth is bounded by the document, which the limits checked before execution; the walk
//! also stops at [`MAX_DEPTH`].

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::{Name, Value};

/// Deeper than any document the limits let through (their nesting limit is far lower).
const MAX_DEPTH: usize = 128;

/// The root selection set of the operation that ran.
fn root<'a>(doc: &'a ExecutableDocument, operation: Option<&str>) -> Option<&'a SelectionSet> {
    let op = match (&doc.operations, operation) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name)?,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next()?,
        _ => return None,
    };
    Some(&op.node.selection_set.node)
}

/// A response key, every selection set asked under it, and (made once, on first need) the
/// keys of those: the objects of a list share them, so each is collected once per answer.
struct Field<'a> {
    name: Name,
    sets: Vec<&'a SelectionSet>,
    inner: std::cell::OnceCell<Keys<'a>>,
}

/// Response keys in order.
type Keys<'a> = Vec<Field<'a>>;

/// Reorders `data`, the answer to `operation` of `doc`, in place.
pub fn reorder(data: &mut Value, doc: &ExecutableDocument, operation: Option<&str>) {
    if let Some(set) = root(doc, operation) {
        let mut keys = Vec::new();
        collect(&[set], doc, &mut keys, 0);
        order(data, &keys, doc, 0);
    }
}

fn order<'a>(value: &mut Value, keys: &Keys<'a>, doc: &'a ExecutableDocument, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::List(items) => {
            for item in items {
                order(item, keys, doc, depth + 1);
            }
        }
        Value::Object(map) => {
            let mut asked = keys
                .iter()
                .map(|f| &f.name)
                .filter(|k| map.contains_key(*k));
            if !map.keys().all(|k| asked.next() == Some(k)) {
                let mut rest = std::mem::take(map);
                for f in keys {
                    if let Some(v) = rest.shift_remove(&f.name) {
                        map.insert(f.name.clone(), v);
                    }
                }
                // Nothing else should be there; whatever is keeps its place after them.
                map.extend(rest);
            }
            for f in keys {
                if let Some(v @ (Value::Object(_) | Value::List(_))) = map.get_mut(&f.name) {
                    let inner = f.inner.get_or_init(|| {
                        let mut inner = Vec::new();
                        collect(&f.sets, doc, &mut inner, depth + 1);
                        inner
                    });
                    order(v, inner, doc, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The response keys of `sets` in order, each with every selection set asked under it.
fn collect<'a>(
    sets: &[&'a SelectionSet],
    doc: &'a ExecutableDocument,
    keys: &mut Keys<'a>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for set in sets {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let key = field.node.response_key().node.clone();
                    let sub = &field.node.selection_set.node;
                    match keys.iter_mut().find(|f| f.name == key) {
                        Some(f) => f.sets.push(sub),
                        None => keys.push(Field {
                            name: key,
                            sets: vec![sub],
                            inner: std::cell::OnceCell::new(),
                        }),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                        collect(&[&fragment.node.selection_set.node], doc, keys, depth + 1);
                    }
                }
                Selection::InlineFragment(inline) => {
                    collect(&[&inline.node.selection_set.node], doc, keys, depth + 1);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reordered(query: &str, answer: serde_json::Value) -> String {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let mut data = Value::from_json(answer).unwrap();
        reorder(&mut data, &doc, None);
        serde_json::to_string(&data).unwrap()
    }

    #[test]
    fn keys_follow_the_query_through_lists_aliases_and_fragments() {
        let query = "{ indicator { series { year } name ...F x: id } } \
                     fragment F on Indicator { unit ... on Indicator { plans { code name } } }";
        let answer = serde_json::json!({ "indicator": [
            { "x": "1", "name": "婴儿死亡率", "plans": [{ "name": "健康", "code": "health" }], "unit": "‰", "series": [{ "year": 2020 }] }
        ]});
        assert_eq!(
            reordered(query, answer),
            r#"{"indicator":[{"series":[{"year":2020}],"name":"婴儿死亡率","unit":"‰","plans":[{"code":"health","name":"健康"}],"x":"1"}]}"#
        );
    }

    #[test]
    fn a_key_asked_twice_keeps_its_first_place_and_both_selections() {
        let query = "{ a { p } b a { q } }";
        let answer = serde_json::json!({ "b": 1, "a": { "q": 2, "p": 3 } });
        assert_eq!(reordered(query, answer), r#"{"a":{"p":3,"q":2},"b":1}"#);
    }
}
