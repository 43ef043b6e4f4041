//! How deeply a request nests brackets, measured on the raw text before anything parses it.
//!
//! async-graphql's parser and serde_json's `Value` (on parse and on drop) recurse once per
//! level of nesting; a few thousand levels overflow a worker's stack and abort the whole
//! process, which no panic handler can catch. These scanners are loops with a counter: they
//! cannot overflow, and they run before any recursive code sees the text.

/// The deepest bracket nesting (`{`, `[`, `(`) of a GraphQL document, ignoring brackets inside
/// strings, block strings and comments. Stops counting once past `limit`.
pub fn graphql_depth(text: &str, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                // A block string ends at the next `"""` not escaped as `\"""`.
                while i < bytes.len() {
                    if bytes[i..].starts_with(b"\\\"\"\"") {
                        i += 4;
                    } else if bytes[i..].starts_with(b"\"\"\"") {
                        i += 2;
                        break;
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > limit {
                    return deepest;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// The deepest nesting of arrays and objects in a JSON text, ignoring brackets inside strings.
/// Stops counting once past `limit`. Malformed JSON is measured as far as it goes; the JSON
/// parser reports what is wrong with it afterwards.
pub fn json_depth(bytes: &[u8], limit: usize) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > limit {
                    return deepest;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_graphql_nesting() {
        assert_eq!(graphql_depth("{ plans { code } }", 64), 2);
        assert_eq!(graphql_depth("{ plan(code: \"x\") { code } }", 64), 2);
        assert_eq!(graphql_depth("{ a(x: {b: [[1]]}) { c } }", 64), 5);
        assert_eq!(graphql_depth("", 64), 0);
    }

    #[test]
    fn ignores_brackets_in_strings_and_comments() {
        assert_eq!(graphql_depth("{ a(x: \"{{{[[[\") }", 64), 2);
        assert_eq!(graphql_depth("{ a(x: \"\\\"{{{\") }", 64), 2);
        assert_eq!(graphql_depth("{ a # {{{{\n b }", 64), 1);
        assert_eq!(
            graphql_depth("{ a(x: \"\"\"{{ \\\"\"\" {{ \"\"\") }", 64),
            2,
            "block string with an escaped delimiter"
        );
    }

    #[test]
    fn stops_at_the_limit_on_huge_input() {
        let text = format!(
            "{{ a(x: {}1{}) }}",
            "{a:".repeat(100_000),
            "}".repeat(100_000)
        );
        assert_eq!(graphql_depth(&text, 64), 65);
        let list = format!("{{ nodes(ids: {}) {{ id }} }}", "[".repeat(100_000));
        assert_eq!(graphql_depth(&list, 64), 65);
    }

    #[test]
    fn measures_json_nesting() {
        assert_eq!(json_depth(br#"{"query":"{ a { b } }"}"#, 64), 1);
        assert_eq!(json_depth(br#"[{"variables":{"x":[[1]]}}]"#, 64), 5);
        assert_eq!(json_depth(br#"{"q":"\"[[[["}"#, 64), 1);
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(json_depth(deep.as_bytes(), 64), 65);
        assert_eq!(json_depth(b"[[[", 64), 3, "unterminated");
    }
}
