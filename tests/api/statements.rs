//! The statement budget: SQL statements per request stay within the query's depth plus 2,
//! for every root field and for lists of connections, however much data there is (batch
//! loading, no N+1): checked on the document as imported, then with ten and a hundred times
//! the reported values and reporter assignments.

use std::sync::atomic::Ordering;

use plangraph::auth::UserRole;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;
use crate::workflow::{login, user};

/// The portal's dashboard: one plan's targets with their indicator's latest value, progress
/// and status.
pub const DASHBOARD: &str = r#"{ plan(code: "health") { targets(first: 100) { totalCount nodes { id name unit nature value raw indicator { latestValue { year value } } progress status } } } }"#;
/// Plan → domains → goals → departments.
pub const DEEP: &str = r#"{ plans { code title domains { title goals(first: 100) { nodes { kind number text departments { role department { name } } groups } } } } }"#;
/// Search.
pub const SEARCH: &str = r#"{ search(text: "健康", first: 20) { totalCount nodes { __typename ... on Indicator { name } ... on Goal { text } ... on Department { name } ... on Plan { title } } } }"#;

/// Every root field, each as a chain of nested lists and connections: at most depth + 2
/// statements. `None` asks as the public, `Some` as an admin.
fn chains(ids: &Ids) -> Vec<String> {
    let Ids {
        goal,
        indicator,
        target,
        department,
    } = ids;
    vec![
        DASHBOARD.into(),
        DEEP.into(),
        SEARCH.into(),
        // lists of connections: a page of children for every parent
        "{ plans { indicators(first: 5) { totalCount nodes { name targets { status } } } } }".into(),
        "{ plans { targets(first: 5) { totalCount nodes { status } } } }".into(),
        "{ plans { statusCounts { status count } } }".into(),
        "{ plans { goals(first: 5) { totalCount nodes { text } } } }".into(),
        "{ plans { domains { goals(first: 5) { totalCount nodes { targets(first: 5) { totalCount nodes { status indicator { name } } } } } } } }".into(),
        "{ departments(first: 100) { totalCount nodes { goals(first: 5) { totalCount nodes { text } } } } }".into(),
        "{ departments(first: 100) { nodes { targets(first: 5) { totalCount nodes { year } } } } }".into(),
        "{ departments(first: 100) { nodes { indicators(first: 5) { totalCount nodes { name } } } } }".into(),
        "{ departments(first: 100) { nodes { statusCounts(role: LEAD) { status count } } } }".into(),
        r#"{ plan(code: "children") { goals(first: 100) { nodes { text departments { department { name } } } } } }"#.into(),
        r#"{ goals(first: 100, filter: { planCode: "women" }) { totalCount nodes { text targets(first: 5) { nodes { status } } } } }"#.into(),
        format!(r#"{{ goal(id: "{goal}") {{ text targets {{ nodes {{ status progress }} }} }} }}"#),
        "{ indicators(first: 100) { totalCount nodes { name targets { status trajectory { year expected } } } } }".into(),
        format!(r#"{{ indicator(id: "{indicator}") {{ name targets {{ status plan {{ code }} }} }} }}"#),
        r#"{ targets(first: 100, filter: { planCode: "health" }) { totalCount nodes { name status progress indicator { name latestValue { value } } } } }"#.into(),
        format!(r#"{{ target(id: "{target}") {{ status trajectory {{ expected }} indicator {{ name }} }} }}"#),
        "{ statusCounts { status count } }".into(),
        r#"{ earlyWarnings(first: 50) { totalCount nodes { name status indicator { name } } } }"#.into(),
        format!(r#"{{ department(name: "{department}") {{ name goals(first: 100) {{ nodes {{ text }} }} }} }}"#),
        // a goal's source text is read apart from lists of goals, once for the page
        format!(r#"{{ department(name: "{department}") {{ goals(first: 100) {{ nodes {{ source {{ text }} }} }} }} }}"#),
        "{ plans { domains { goals(first: 100) { nodes { source { lineStart text } } } } } }".into(),
        format!(r#"{{ node(id: "{indicator}") {{ id ... on Indicator {{ name targets {{ status }} }} }} }}"#),
        format!(r#"{{ nodes(ids: ["{indicator}", "{target}", "{goal}"]) {{ id ... on Target {{ status indicator {{ name }} }} }} }}"#),
    ]
}

/// Wide queries: many lists side by side cost a statement each, so depth + 2 is not their
/// budget; what they must not do is grow with the data.
fn wide(ids: &Ids) -> Vec<String> {
    let Ids {
        goal,
        indicator,
        target,
        department,
    } = ids;
    vec![
        "{ plans { indicators(first: 5) { totalCount nodes { name targets { status } } } targets(first: 5) { totalCount nodes { status } } statusCounts { status count } goals(first: 5) { totalCount nodes { text } } } }".into(),
        "{ departments(first: 100) { totalCount nodes { name goals(first: 5) { totalCount nodes { text } } targets(first: 5) { totalCount nodes { status } } indicators(first: 5) { totalCount nodes { name } } statusCounts { status count } leads: statusCounts(role: LEAD) { status count } } } }".into(),
        "{ plans { domains { goals(first: 5) { totalCount nodes { targets(first: 5) { totalCount nodes { status indicator { name } } } } } targets(first: 5) { totalCount } statusCounts { status count } } } }".into(),
        r#"{ goals(first: 100, filter: { planCode: "women" }) { totalCount nodes { text domain { title } plan { code } targets(first: 5) { nodes { status } } } } }"#.into(),
        format!(r#"{{ goal(id: "{goal}") {{ text targets {{ nodes {{ status progress }} }} departments {{ department {{ name }} }} }} }}"#),
        "{ indicators(first: 100) { totalCount nodes { name plans { code } targets { status progress trajectory { year expected } } values { year value origin source { lineStart } } latestValue { value } discrepancies { kind targets { id } figures { value } } reporters { name } publicationHistory { year } } } }".into(),
        format!(r#"{{ indicator(id: "{indicator}") {{ name targets {{ status statusReason plan {{ code }} goal {{ text }} }} series {{ year value }} }} }}"#),
        r#"{ targets(first: 100, filter: { planCode: "health" }) { totalCount nodes { name status progress statusReason(language: EN) trajectory { year expected } indicator { name latestValue { value } } goal { text } domain { title } plan { code } departments { department { name } } } } }"#.into(),
        format!(r#"{{ target(id: "{target}") {{ status trajectory {{ expected }} indicator {{ targets {{ status }} }} }} }}"#),
        format!(r#"{{ department(name: "{department}") {{ name goals(first: 100) {{ nodes {{ text }} }} targets(first: 100) {{ nodes {{ status }} }} statusCounts {{ status count }} }} }}"#),
        format!(r#"{{ nodes(ids: ["{indicator}", "{target}", "{goal}"]) {{ id ... on Indicator {{ targets {{ status }} }} ... on Target {{ status indicator {{ name }} }} ... on Goal {{ text }} }} }}"#),
    ]
}

/// The signed-in root fields (an admin asks), chained.
const SIGNED_IN: &[&str] = &[
    "{ me { username department { name } } }",
    "{ users { username department { name } } }",
    "{ reportedValues(first: 100) { totalCount nodes { year value indicator { name } } } }",
    "{ auditLog(first: 100) { totalCount nodes { action actor actorRole outcome } } }",
];

/// Signed-in queries that are wide by nature: the reporting status is one computation over
/// every department.
const SIGNED_IN_WIDE: &[&str] = &[
    "{ reportedValues(first: 100) { totalCount nodes { year value status indicator { name targets { status } } department { name } history { action actor } } } }",
    "{ reportingStatus(year: 2023) { department { name } owed { name } submitted { name } approved { name } rejected { name } } }",
];

struct Ids {
    goal: String,
    indicator: String,
    target: String,
    department: String,
}

/// The depth of a query: how deeply its selection sets nest (braces inside arguments and
/// strings are values, not selections).
fn depth(query: &str) -> u64 {
    let (mut depth, mut max, mut parens, mut in_string) = (0u64, 0u64, 0u32, false);
    let mut previous = ' ';
    for c in query.chars() {
        match c {
            '"' if previous != '\\' => in_string = !in_string,
            _ if in_string => {}
            '(' => parens += 1,
            ')' => parens = parens.saturating_sub(1),
            '{' if parens == 0 => {
                depth += 1;
                max = max.max(depth);
            }
            '}' if parens == 0 => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    max
}

#[test]
fn depth_counts_selections_only() {
    assert_eq!(depth("{ plans { code } }"), 2);
    assert_eq!(
        depth(r#"{ goals(filter: { planCode: "{" }) { nodes { id } } }"#),
        3
    );
}

pub(crate) async fn statements_for(app: &TestApp, token: Option<&str>, query: &str) -> u64 {
    let before = app.statements.load(Ordering::SeqCst);
    let body = app.query_as(token, query, json!({})).await;
    assert_eq!(body.get("errors"), None, "{query}: {body}");
    app.statements.load(Ordering::SeqCst) - before
}

/// The fewest statements of up to five uncached runs, stopping at the first within `enough`.
/// A level's batch is read once its resolvers have asked (no timer), but keys that follow rows
/// read by two statements (on PostgreSQL, two connections) wait for whichever answers first,
/// so a batch may split in one run and not the next; an N+1 would show in every run (a
/// statement per row).
pub(crate) async fn fewest(app: &TestApp, token: Option<&str>, query: &str, enough: u64) -> u64 {
    let mut best = u64::MAX;
    for n in 0..5 {
        // Trailing spaces make each run a different request, so none comes from the cache.
        let query = format!("{query}{}", " ".repeat(n + 1));
        best = best.min(statements_for(app, token, &query).await);
        if best <= enough {
            break;
        }
    }
    best
}

async fn first_id(app: &TestApp, query: &str, path: &[&str]) -> String {
    let body = app.query(query).await;
    let mut at = &body["data"];
    for step in path {
        at = match step.parse::<usize>() {
            Ok(i) => &at[i],
            Err(_) => &at[*step],
        };
    }
    at.as_str()
        .unwrap_or_else(|| panic!("no id in {body}"))
        .to_string()
}

/// Adds published department values for every indicator in years `from..times` after 2100,
/// so the table that grows in use holds up to `times` the rows (of one value per indicator).
async fn grow(app: &TestApp, from: i32, times: i32) {
    let backend = app.db.get_database_backend();
    let values = scalar(app, "SELECT COUNT(*) FROM indicator").await;
    for copy in from..times {
        let year = 2100 + copy;
        let sql = format!(
            "INSERT INTO indicator_value (key, indicator_id, year, value, status, origin, version, created_at, department_id) \
             SELECT NULL, id, {year}, 1.5, 'published', 'submission', 1, CURRENT_TIMESTAMP, \
             (SELECT MIN(id) FROM department) FROM indicator"
        );
        let done = app
            .db
            .execute_raw(Statement::from_string(backend, sql))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(done.rows_affected(), u64::try_from(values).unwrap_or(0));
    }
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    crate::workflow::scalar(app, sql).await
}

/// Statements per query: chains within depth + 2 (every one over it is named before the
/// test fails), wide queries counted.
async fn check(app: &TestApp, ids: &Ids, admin: &str, when: &str) -> Vec<u64> {
    let mut counts = Vec::new();
    let mut over = Vec::new();
    let as_admin = |q: &&str| (Some(admin), q.to_string());
    let chained = chains(ids)
        .into_iter()
        .map(|q| (None, q))
        .chain(SIGNED_IN.iter().map(as_admin));
    for (token, query) in chained {
        let depth = depth(&query);
        let n = fewest(app, token, &query, depth + 2).await;
        if n > depth + 2 {
            over.push(format!("{n} statements at depth {depth}: {query}"));
        }
        counts.push(n);
    }
    assert!(
        over.is_empty(),
        "{when}, over depth + 2:\n{}",
        over.join("\n")
    );
    let wide = wide(ids)
        .into_iter()
        .map(|q| (None, q))
        .chain(SIGNED_IN_WIDE.iter().map(as_admin));
    for (token, query) in wide {
        counts.push(fewest(app, token, &query, 0).await);
    }
    counts
}

on_both_backends!(
    statements_per_request_stay_within_depth_plus_two,
    |backend| async move {
        // The 100× queries are heavy for a debug build; on a busy machine their loaders can wait
        // past the default 800 ms for a connection, which is what SERVICE_UNAVAILABLE is for,
        // not what this test measures.
        // A level's batch runs once its resolvers have asked for their keys, with no timer
        // (repo::loaders): the default, measured here, does not depend on the machine's speed.
        let Some(app) = TestApp::spawn_with(backend, |s| {
            s.rate.enabled = false;
            s.store_timeout = std::time::Duration::from_secs(30);
        })
        .await
        else {
            return;
        };
        user(&app, "admin.fu", UserRole::Admin, None).await;
        let admin = login(&app, "admin.fu").await;
        let ids = Ids {
            goal: first_id(
                &app,
                "{ goals(first: 1) { nodes { id } } }",
                &["goals", "nodes", "0", "id"],
            )
            .await,
            indicator: first_id(
                &app,
                "{ indicators(first: 1, filter: { text: \"婴儿死亡率\" }) { nodes { id } } }",
                &["indicators", "nodes", "0", "id"],
            )
            .await,
            target: first_id(
                &app,
                "{ targets(first: 1) { nodes { id } } }",
                &["targets", "nodes", "0", "id"],
            )
            .await,
            department: "县卫健局".into(),
        };
        let as_imported = check(&app, &ids, &admin, "as imported").await;
        eprintln!("statements per request, as imported: {as_imported:?}");

        grow(&app, 1, 10).await;
        let tenfold = check(&app, &ids, &admin, "10× values").await;
        eprintln!("with 10× the values: {tenfold:?}");
        grow(&app, 10, 100).await;
        let hundredfold = check(&app, &ids, &admin, "100× values").await;
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_value").await,
            39 + 99 * 160
        );
        // Batched loading: no count grows with the data, chained or wide (compared from 10×,
        // where every list has rows to load). A batch may split when its keys come from
        // rows read by two statements that answer at different times, so a wide query's count
        // may move by a few; a statement per row would add a hundred per page.
        eprintln!("with 100× the values: {hundredfold:?}");
        for (i, (n, m)) in tenfold.iter().zip(hundredfold.iter()).enumerate() {
            assert!(
                *m <= n + 5,
                "query {i}: {n} statements with 10× the values, {m} with 100×"
            );
        }
        // An answer from the cache costs no statement where the store notifies changes
        // (PostgreSQL), one (the data version) where it cannot (SQLite).
        // The fewest of three: a request may also be the one that measures the list bounds
        // again (at most every 10 s while values change, `limits::bounds`), which a slow
        // machine can reach between two of them; it cannot be each of three in a row.
        statements_for(&app, None, DASHBOARD).await;
        let cached = match backend {
            crate::support::Backend::Postgres => 0,
            crate::support::Backend::Sqlite => 1,
        };
        let mut fewest = u64::MAX;
        for _ in 0..3 {
            fewest = fewest.min(statements_for(&app, None, DASHBOARD).await);
        }
        assert_eq!(fewest, cached);
    }
);

on_both_backends!(
    a_count_runs_only_when_total_count_is_asked,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let page = r#"{ targets(first: 5, filter: { planCode: "health" }) { nodes { name } } }"#;
        let counted = r#"{ targets(first: 5, filter: { planCode: "health" }) { totalCount nodes { name } } }"#;
        // A root page reads through no loader, so one run of each is exact (test servers on
        // PostgreSQL count only once their data-version listener is live).
        let without = statements_for(&app, None, page).await;
        let with = statements_for(&app, None, counted).await;
        assert_eq!(
            with,
            without + 1,
            "{without} without totalCount, {with} with"
        );
        // A fragment that selects it counts too.
        let fragment = r#"{ targets(first: 5, filter: { planCode: "health" }) { ...C nodes { name } } } fragment C on TargetConnection { totalCount }"#;
        let body = app.query(fragment).await;
        assert_eq!(body["data"]["targets"]["totalCount"], 103, "{body}");
    }
);

on_both_backends!(
    identical_requests_that_miss_together_are_computed_once,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        // What one computation of the deep query costs (a variant the cache has not seen),
        // and what each request costs besides: the data version, read per request on SQLite.
        let per_request = match backend {
            crate::support::Backend::Postgres => 0,
            crate::support::Backend::Sqlite => 1,
        };
        // One computation's statements, the fewest of several runs (see `fewest`: a batch may
        // split where its keys follow two statements' rows).
        let once = fewest(&app, None, DEEP, 0).await - per_request;
        let before = app.statements.load(Ordering::SeqCst);
        let answers = futures_util::future::join_all((0..16).map(|_| app.query(DEEP))).await;
        let spent = app.statements.load(Ordering::SeqCst) - before;
        for body in &answers {
            assert_eq!(body, &answers[0]);
        }
        assert_eq!(answers[0]["data"]["plans"][2]["code"], "health");
        // Sixteen requests at once, one computation: those that came while it ran waited for
        // it, those after it found it in the cache. That one computation may split a batch
        // (see `fewest`) and cost more than the fewest; a second would cost at least as much
        // again.
        let computing = spent - 16 * per_request;
        assert!(
            (once..2 * once).contains(&computing),
            "{computing} statements computing, {once} per computation"
        );
    }
);
