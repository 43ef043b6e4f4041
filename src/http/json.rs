//! The answer's JSON, written here for the common case: data without errors or extensions.
//! serde_json escapes strings a byte at a time through its serializer's machinery, and the
//! answers are mostly long Chinese texts that need no escaping (docs/BENCHMARKS.md). The
//! bytes are the same as `serde_json::to_vec` of the response (tests compare them).

use async_graphql::{Response, Value};

use crate::escapes::Escapes;

/// The response as serde_json writes it; `None` when it has errors or extensions (or a value
/// this writer leaves to serde_json), for the caller to serialise with serde_json.
pub fn answer(response: &Response) -> Option<Vec<u8>> {
    if !response.errors.is_empty() || !response.extensions.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(b"{\"data\":");
    value(&mut out, &response.data)?;
    out.push(b'}');
    Some(out)
}

fn value(out: &mut Vec<u8>, v: &Value) -> Option<()> {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Boolean(true) => out.extend_from_slice(b"true"),
        Value::Boolean(false) => out.extend_from_slice(b"false"),
        Value::String(s) => string(out, s),
        Value::Enum(name) => string(out, name),
        Value::List(items) => {
            out.push(b'[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                value(out, item)?;
            }
            out.push(b']');
        }
        // A one-entry object under a `$` name may be a raw JSON value to serde_json.
        Value::Object(map) if map.len() == 1 && map.keys().any(|k| k.starts_with('$')) => {
            return None
        }
        Value::Object(map) => {
            out.push(b'{');
            for (n, (key, item)) in map.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                string(out, key);
                out.push(b':');
                value(out, item)?;
            }
            out.push(b'}');
        }
        // Numbers are few in an answer; bytes are none: serde_json's own forms.
        Value::Number(_) | Value::Binary(_) => serde_json::to_writer(&mut *out, v).ok()?,
    }
    Some(())
}

/// A JSON string as serde_json writes it: `"` and `\` escaped with a backslash, control
/// characters as \b \t \n \f \r or \u00xx, everything else (DEL, non-ASCII) as it is.
fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.push(b'"');
    let mut start = 0;
    while let Some(at) = JSON.first(&bytes[start..]).map(|at| start + at) {
        out.extend_from_slice(&bytes[start..at]);
        match bytes[at] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x09 => out.extend_from_slice(b"\\t"),
            0x0a => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            0x0d => out.extend_from_slice(b"\\r"),
            control => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(control >> 4)]);
                out.push(HEX[usize::from(control & 0xf)]);
            }
        }
        start = at + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// What serde_json escapes in a string.
const JSON: Escapes<2> = Escapes {
    below: 0x20,
    also: *b"\"\\",
};

#[cfg(test)]
mod tests {
    use async_graphql::indexmap::IndexMap;
    use async_graphql::{Name, Number, Response, ServerError, Value};

    fn same(data: Value) {
        let response = Response::new(data);
        let ours = super::answer(&response).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(serde_json::to_vec(&response).unwrap()).unwrap()
        );
    }

    #[test]
    fn the_same_bytes_as_serde_json() {
        let awkward: String =
            (0u8..0x80).map(char::from).collect::<String>() + "县卫健局 \"引\" \\ é ✓";
        let mut object = IndexMap::new();
        object.insert(Name::new("text"), Value::String(awkward.clone()));
        object.insert(Name::new(awkward.clone()), Value::Null);
        object.insert(Name::new("role"), Value::Enum(Name::new("LEAD")));
        object.insert(
            Name::new("numbers"),
            Value::List(vec![
                Value::Number(Number::from(0)),
                Value::Number(Number::from(-7)),
                Value::Number(Number::from(i64::MAX)),
                Value::Number(Number::from_f64(2.73).unwrap()),
                Value::Number(Number::from_f64(1e21).unwrap()),
                Value::Number(Number::from_f64(-0.5).unwrap()),
            ]),
        );
        object.insert(Name::new("yes"), Value::Boolean(true));
        object.insert(Name::new("no"), Value::Boolean(false));
        object.insert(Name::new("empty"), Value::List(vec![]));
        object.insert(Name::new("nothing"), Value::Object(IndexMap::new()));
        object.insert(Name::new("bytes"), Value::Binary(vec![0, 255].into()));
        same(Value::Object(object.clone()));
        same(Value::List(vec![Value::Object(object), Value::Null]));
        same(Value::Null);
        // Every single character to escape at every place of strings up to 19 bytes long.
        for len in 0..20 {
            for at in 0..len {
                for byte in 0..0x80u8 {
                    let mut text = vec![b'a'; len];
                    text[at] = byte;
                    same(Value::String(String::from_utf8(text).unwrap()));
                }
            }
        }
    }

    #[test]
    fn errors_and_extensions_are_left_to_serde_json() {
        let with_error = Response::from_errors(vec![ServerError::new("no", None)]);
        assert!(super::answer(&with_error).is_none());
        let with_extension = Response::new(Value::Null).extension("cost", Value::Null);
        assert!(super::answer(&with_extension).is_none());
    }
}
