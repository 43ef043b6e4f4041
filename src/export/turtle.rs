//! Turtle from the JSON-LD the catalog is written in, for harvesters that read Turtle only.
//!
//! Handles the compact form the catalog uses, not JSON-LD at large: one `@context` of plain
//! prefixes at the top; node objects with `@id` (a full IRI or a prefixed name) or none (a
//! blank node); values that are strings, numbers, `{"@value", "@language" | "@type"}`, node
//! references or arrays of these. A node written in several places is stated once. A
//! general JSON-LD processor would be a large dependency for this one document; rdflib reads
//! both forms back in the tests and finds the same graph.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Map, Value};

/// A subject or object as Turtle writes it.
type Term = String;

struct Graph<'a> {
    prefixes: &'a Map<String, Value>,
    /// Subject -> (predicate, object) in the order first seen, without repeats.
    statements: BTreeMap<Term, Vec<(Term, Term)>>,
    blanks: usize,
}

/// The JSON-LD document as Turtle.
pub fn from_jsonld(doc: &Value) -> String {
    let empty = Map::new();
    let prefixes = doc
        .get("@context")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut g = Graph {
        prefixes,
        statements: BTreeMap::new(),
        blanks: 0,
    };
    g.node(doc);
    let mut out = String::new();
    for (prefix, iri) in prefixes {
        let _ = writeln!(out, "@prefix {prefix}: <{}> .", iri.as_str().unwrap_or(""));
    }
    for (subject, pairs) in &g.statements {
        let _ = write!(out, "\n{subject}");
        for (n, (predicate, object)) in pairs.iter().enumerate() {
            let sep = if n == 0 { " " } else { " ;\n    " };
            let _ = write!(out, "{sep}{predicate} {object}");
        }
        out.push_str(" .\n");
    }
    out
}

impl Graph<'_> {
    /// States a node object's properties; returns its term.
    fn node(&mut self, node: &Value) -> Term {
        let subject = match node.get("@id").and_then(Value::as_str) {
            Some(id) => self.iri(id),
            None => {
                self.blanks += 1;
                format!("_:b{}", self.blanks)
            }
        };
        let Some(map) = node.as_object() else {
            return subject;
        };
        for (key, value) in map {
            let predicate = match key.as_str() {
                "@context" | "@id" => continue,
                "@type" => "a".to_string(),
                _ => self.iri(key),
            };
            let values = match value {
                Value::Array(items) => items.iter().collect(),
                one => vec![one],
            };
            for v in values {
                let object = if key == "@type" {
                    self.iri(v.as_str().unwrap_or_default())
                } else {
                    self.object(v)
                };
                self.state(&subject, predicate.clone(), object);
            }
        }
        subject
    }

    fn state(&mut self, subject: &str, predicate: Term, object: Term) {
        let pairs = self.statements.entry(subject.to_string()).or_default();
        if !pairs.iter().any(|(p, o)| *p == predicate && *o == object) {
            pairs.push((predicate, object));
        }
    }

    /// A property's value as an object term, stating the node it embeds.
    fn object(&mut self, v: &Value) -> Term {
        match v {
            Value::String(s) => literal(s),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Object(o) if o.contains_key("@value") => {
                let text = literal(&match &o["@value"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                if let Some(lang) = o.get("@language").and_then(Value::as_str) {
                    format!("{text}@{lang}")
                } else if let Some(t) = o.get("@type").and_then(Value::as_str) {
                    format!("{text}^^{}", self.iri(t))
                } else {
                    text
                }
            }
            _ => self.node(v),
        }
    }

    /// A prefixed name as it is (its prefix is declared), anything else as `<iri>`.
    fn iri(&self, id: &str) -> Term {
        match id.split_once(':') {
            Some((prefix, local))
                if self.prefixes.contains_key(prefix) && !local.starts_with("//") =>
            {
                id.to_string()
            }
            _ => format!("<{}>", id.replace('>', "%3E")),
        }
    }
}

/// A string literal with Turtle's escapes.
fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nodes_are_stated_once_and_literals_keep_their_tags() {
        let doc = json!({
            "@context": { "dct": "http://purl.org/dc/terms/" },
            "@id": "http://x/c",
            "@type": "dct:Thing",
            "dct:title": [{ "@value": "昌乐\"县\"", "@language": "zh-CN" }, "plain\nline"],
            "dct:license": [
                { "@id": "http://l/", "dct:title": "CC" },
                { "@id": "http://l/", "dct:title": "CC" },
            ],
            "dct:temporal": { "dct:start": { "@value": "2021-01-01", "@type": "http://www.w3.org/2001/XMLSchema#date" } },
        });
        let ttl = from_jsonld(&doc);
        assert_eq!(
            ttl,
            "@prefix dct: <http://purl.org/dc/terms/> .\n\
             \n<http://l/> dct:title \"CC\" .\n\
             \n<http://x/c> a dct:Thing ;\n    dct:license <http://l/> ;\n    dct:temporal _:b1 ;\n    \
             dct:title \"昌乐\\\"县\\\"\"@zh-CN ;\n    dct:title \"plain\\nline\" .\n\
             \n_:b1 dct:start \"2021-01-01\"^^<http://www.w3.org/2001/XMLSchema#date> .\n"
        );
    }
}
