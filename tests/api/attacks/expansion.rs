//! Documents small as text and huge once their fragments are spread in place: a chain of
//! spreads thousands of levels deep, one fragment spread thousands of times, one field repeated
//! thousands of times. Each is refused with LIMIT_EXCEEDED by every way a query comes in —
//! POST, GET, a batch, as a mutation — before anything recurses into it or validates it, and
//! the server serves afterwards.

use serde_json::{json, Value};

use super::{get, post, still_serves};
use crate::on_both_backends;
use crate::support::{code, TestApp};

/// `fragments` fragments, each nesting the next `pairs` × 2 levels down (`domains { plan {`
/// …): never deeper than the raw nesting limit as text. `(67, 30)` is the shape: ~43 KB
/// that spread to 4,000 levels, which overflowed a worker's stack in the cost estimate.
pub fn fragment_chain(operation: &str, fragments: usize, pairs: usize) -> String {
    let mut q = format!("{operation} {{ plans {{ ...F0 }} }}");
    for n in 0..fragments {
        q.push_str(&format!(
            " fragment F{n} on Plan {{ {}...F{} {} }}",
            "domains { plan { ".repeat(pairs),
            n + 1,
            "} } ".repeat(pairs)
        ));
    }
    q.push_str(&format!(" fragment F{fragments} on Plan {{ code }}"));
    q
}

/// One fragment spread `times` times.
pub fn many_spreads(times: usize) -> String {
    format!(
        "{{ plans {{ {} }} }} fragment F on Plan {{ code title }}",
        "...F ".repeat(times)
    )
}

/// One field repeated `times` times without aliases.
pub fn many_fields(times: usize) -> String {
    format!("{{ plans {{ {} }} }}", "code ".repeat(times))
}

fn assert_refused(status: u16, body: &Value, what: &str, needle: &str) {
    assert_eq!(code(body), "LIMIT_EXCEEDED", "{what}: {status} {body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains(needle), "{what}: {message}");
}

on_both_backends!(
    documents_that_expand_are_refused_on_every_path,
    |backend| async move {
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.limits.body_bytes = 256 * 1024;
        })
        .await
        else {
            return;
        };
        let chain = fragment_chain("query", 67, 30);
        let shapes = [
            ("a fragment chain", chain.clone(), "levels deep"),
            (
                "one fragment spread 5,000 times",
                many_spreads(5_000),
                "selections",
            ),
            (
                "one field repeated 5,000 times",
                many_fields(5_000),
                "selections",
            ),
            (
                "a mutation's fragment chain",
                fragment_chain("mutation", 67, 30),
                "levels deep",
            ),
        ];
        for (what, query, needle) in &shapes {
            let (status, body) = post(&app, json!({ "query": query }).to_string()).await;
            assert_refused(status, &body, &format!("POST {what}"), needle);
        }
        // A URL holds less: a chain of one level per fragment, 300 deep.
        let short = fragment_chain("query", 150, 1);
        let (status, body) = get(&app, &[("query", &short)]).await;
        assert_refused(status, &body, "GET a fragment chain", "levels deep");
        let (status, body) = get(&app, &[("query", &many_fields(3_000))]).await;
        assert_refused(status, &body, "GET repeated fields", "selections");
        // In a batch, each operation is refused on its own.
        let batch = json!([{ "query": chain }, { "query": "{ plans { code } }" }]).to_string();
        let (status, body) = post(&app, batch).await;
        assert_eq!(status, 200, "{body}");
        assert_refused(status, &body[0], "a batch's chain", "levels deep");
        assert_eq!(body[1]["data"]["plans"][0]["code"], "women", "{body}");
        // A lowered nesting limit bounds the expansion too.
        let Some(low) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.limits.nesting = 8;
        })
        .await
        else {
            return;
        };
        // Three bracket levels per fragment as text; 2 + 3 × 3 = 11 levels spread in place.
        let q = "{ plans { ...A } } fragment A on Plan { domains { plan { ...B } } } \
                 fragment B on Plan { domains { plan { ...C } } } fragment C on Plan { domains { plan { code } } }";
        let (status, body) = post(&low, json!({ "query": q }).to_string()).await;
        assert_refused(status, &body, "a chain past a lowered limit", "levels deep");
        still_serves(&app).await;
        still_serves(&low).await;
    }
);

on_both_backends!(
    documents_just_under_the_limits_are_answered,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // The cap counts what validation walks: 1,990 repeated fields are allowed and answered.
        let body = app.query(&many_fields(1_990)).await;
        assert!(body["errors"].is_null(), "{body}");
        assert_eq!(body["data"]["plans"][3]["code"], "earthquake");
        let body = app.query(&many_spreads(600)).await;
        assert!(body["errors"].is_null(), "{body}");
        assert_eq!(
            body["data"]["plans"][0]["title"],
            "昌乐县“十四五”妇女发展规划"
        );
        // A cycle is a validation error, named.
        let body = app
            .query("{ plans { ...A } } fragment A on Plan { domains { plan { ...A } } }")
            .await;
        assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
        still_serves(&app).await;
    }
);
