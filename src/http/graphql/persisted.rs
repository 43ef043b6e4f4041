//! A request's `extensions.persistedQuery` (`{ version: 1, sha256Hash }`), resolved before
//! anything else reads its text: the hash alone takes the text kept under it, or the
//! protocol's `PersistedQueryNotFound` so the client sends the text; a text with its hash is
//! checked against it and, once the request passes every check, kept
//! (`crate::http::persisted`).

use async_graphql::{Request, Value};
use sha2::{Digest, Sha256};

use super::refusal::Refusal;
use crate::http::persisted::PersistedQueries;

/// What the request's persisted-query extension asks.
pub(crate) enum Asked {
    /// No extension: an ordinary request.
    Nothing,
    /// The text came with its hash: keep it once the request is accepted.
    Keep([u8; 32]),
    /// The text was found by its hash.
    Found,
}

/// Fills in the request's text from its hash, or checks the text it has against the hash.
pub(super) fn resolve(kept: &PersistedQueries, request: &mut Request) -> Result<Asked, Refusal> {
    let Some(asked) = request.extensions.0.get("persistedQuery") else {
        return Ok(Asked::Nothing);
    };
    let hash = hash_of(asked)?;
    if request.query.trim().is_empty() {
        let text = kept.get(&hash).ok_or_else(|| {
            Refusal::persisted("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
        })?;
        request.query = text.to_string();
        return Ok(Asked::Found);
    }
    if <[u8; 32]>::from(Sha256::digest(request.query.as_bytes())) != hash {
        return Err(Refusal::bad_request(
            "PERSISTED_QUERY_HASH_MISMATCH",
            "provided sha does not match query: persistedQuery.sha256Hash must be the hex \
             SHA-256 of the query text as sent",
        ));
    }
    Ok(Asked::Keep(hash))
}

/// [`resolve`] for a subscribe message, whose refusals the protocol carries as a code and a
/// message.
pub(crate) fn resolve_subscribe(
    kept: &PersistedQueries,
    request: &mut Request,
) -> Result<Asked, (&'static str, String)> {
    resolve(kept, request).map_err(|r| {
        let (code, message) = r.parts();
        (code, message.to_string())
    })
}

/// Keeps a text that came with its hash, once its request has passed every check.
pub(crate) fn keep(kept: &PersistedQueries, asked: Asked, text: &str) {
    if let Asked::Keep(hash) = asked {
        kept.put(hash, text);
    }
}

/// The extension's hash; version 1 is the only one there is.
fn hash_of(asked: &Value) -> Result<[u8; 32], Refusal> {
    let unsupported = || {
        Refusal::bad_request(
            "PERSISTED_QUERY_NOT_SUPPORTED",
            "persistedQuery must be { \"version\": 1, \"sha256Hash\": <64 hex digits> }",
        )
    };
    let Value::Object(fields) = asked else {
        return Err(unsupported());
    };
    if fields.get("version") != Some(&Value::from(1)) {
        return Err(unsupported());
    }
    let Some(Value::String(hex)) = fields.get("sha256Hash") else {
        return Err(unsupported());
    };
    decode(hex).ok_or_else(unsupported)
}

/// 64 hex digits (either case) as 32 bytes.
fn decode(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(query: &str, extension: serde_json::Value) -> Request {
        let mut request = Request::new(query);
        let value = Value::from_json(extension).unwrap_or_else(|e| panic!("{e}"));
        request.extensions.0.insert("persistedQuery".into(), value);
        request
    }

    const PLANS: &str = "{ plans { code } }";
    /// A well-formed hash that is not `PLANS`'s and that nothing was kept under.
    const OTHER_SHA: &str = "5b3e8fdc9ea4e4a1cdf76a7d9d2ce0c8a4e8cf1b2e8d6a0c3f7e8a1b9c2d3e4f";

    fn sha(text: &str) -> String {
        format!("{:x}", Sha256::digest(text.as_bytes()))
    }

    #[test]
    fn a_text_with_its_hash_is_kept_and_the_hash_then_finds_it() {
        let kept = PersistedQueries::new(1 << 20);
        let hash = sha(PLANS);
        let mut first = asking(
            PLANS,
            serde_json::json!({ "version": 1, "sha256Hash": hash }),
        );
        let Ok(Asked::Keep(key)) = resolve(&kept, &mut first) else {
            panic!("not kept")
        };
        kept.put(key, &first.query);
        let upper = hash.to_uppercase();
        let mut later = asking("", serde_json::json!({ "version": 1, "sha256Hash": upper }));
        assert!(matches!(resolve(&kept, &mut later), Ok(Asked::Found)));
        assert_eq!(later.query, PLANS);
    }

    #[test]
    fn an_unknown_hash_a_wrong_hash_and_other_versions_are_refused() {
        let kept = PersistedQueries::new(1 << 20);
        let code = |query: &str, extension: serde_json::Value| match resolve(
            &kept,
            &mut asking(query, extension),
        ) {
            Err(refusal) => refusal.body()["errors"][0]["extensions"]["code"].clone(),
            Ok(_) => serde_json::Value::Null,
        };
        let unknown = serde_json::json!({ "version": 1, "sha256Hash": OTHER_SHA });
        assert_eq!(code("", unknown.clone()), "PERSISTED_QUERY_NOT_FOUND");
        assert_eq!(code(PLANS, unknown), "PERSISTED_QUERY_HASH_MISMATCH");
        for bad in [
            serde_json::json!({ "version": 2, "sha256Hash": sha(PLANS) }),
            serde_json::json!({ "version": 1, "sha256Hash": "abc" }),
            serde_json::json!({ "version": 1, "sha256Hash": "g".repeat(64) }),
            // 64 bytes, 32 characters
            serde_json::json!({ "version": 1, "sha256Hash": "é".repeat(32) }),
            serde_json::json!({ "version": 1 }),
            serde_json::json!("5b3e"),
        ] {
            assert_eq!(
                code(PLANS, bad.clone()),
                "PERSISTED_QUERY_NOT_SUPPORTED",
                "{bad}"
            );
        }
    }
}
