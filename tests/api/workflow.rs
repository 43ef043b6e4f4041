//! Accounts, tokens and the reporting workflow over HTTP, for every role and the public.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use plangraph::auth::UserRole;
use plangraph::service::users;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::{code, TestApp};

pub(crate) const PASSWORD: &str = "correct horse battery";
/// 宫颈癌免费检查率 (妇女与健康 goal （4）: lead 县卫健局, responsible 县发改局 …).
pub(crate) const SCREENING: &str = "women/d1/goal/4/t1";
/// 床位使用率 (表1 row 29: its only target, and no department named).
pub(crate) const UNNAMED: &str = "health/table1/29";

pub(crate) const SUBMIT: &str = "mutation($i: ID!, $y: Int!, $v: Float!, $n: String, $e: Int) { submitValue(input: { indicatorId: $i, year: $y, value: $v, note: $n, expectedVersion: $e }) { value { id status version value } } }";
pub(crate) const REVIEW: &str = "mutation($id: ID!, $d: ReviewDecision!, $c: String) { reviewValue(input: { id: $id, decision: $d, comment: $c }) { value { id status version value } } }";

pub(crate) async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            sql.to_string(),
        ))
        .await;
    row.ok()
        .flatten()
        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
        .unwrap_or(-1)
}

async fn values_count(app: &TestApp) -> i64 {
    scalar(app, "SELECT COUNT(*) FROM indicator_value").await
}

/// The global ID of the indicator a key names: an indicator's own key, or the key of one of
/// its targets.
pub(crate) async fn indicator_id(app: &TestApp, key: &str) -> String {
    let id = scalar(
        app,
        &format!(
            "SELECT CAST(COALESCE((SELECT id FROM indicator WHERE key = '{key}'), \
             (SELECT indicator_id FROM target WHERE key = '{key}')) AS BIGINT)"
        ),
    )
    .await;
    plangraph::ids::encode(
        plangraph::ids::Kind::Indicator,
        i32::try_from(id).unwrap_or(0),
    )
    .0
}

pub(crate) async fn user(app: &TestApp, name: &str, role: UserRole, department: Option<&str>) {
    users::create(&app.db, name, PASSWORD, role, department)
        .await
        .unwrap_or_else(|e| panic!("create {name}: {e:?}"));
}

pub(crate) async fn login(app: &TestApp, name: &str) -> String {
    let body = app
        .query_as(None, "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token user { username } } }", json!({ "u": name, "p": PASSWORD }))
        .await;
    body["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("login {name}: {body}"))
        .to_string()
}

/// A cast of users: two submitters of 县卫健局, one of 县教育和体育局, two reviewers, an admin.
async fn cast(app: &TestApp) {
    user(app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
    user(app, "wj.bo", UserRole::Submitter, Some("卫健局")).await;
    user(app, "edu.cai", UserRole::Submitter, Some("县教育和体育局")).await;
    user(app, "stats.dai", UserRole::Reviewer, None).await;
    user(app, "stats.eve", UserRole::Reviewer, None).await;
    user(app, "admin.fu", UserRole::Admin, None).await;
}

fn forge(secret: &[u8], claims: Value, alg: Algorithm) -> String {
    let key = EncodingKey::from_secret(secret).unwrap_or_else(|e| panic!("{e}"));
    jsonwebtoken::encode(&Header::new(alg), &claims, &key).unwrap_or_else(|e| panic!("{e}"))
}

on_both_backends!(
    tokens_are_checked_against_the_key_the_clock_and_the_store,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        cast(&app).await;
        let token = login(&app, "wj.ann").await;
        let me = "{ me { username role department { name } } }";
        let body = app.query_as(Some(&token), me, json!({})).await;
        assert_eq!(
            body["data"]["me"],
            json!({ "username": "wj.ann", "role": "SUBMITTER", "department": { "name": "县卫健局" } })
        );
        // wrong password, unknown user
        let bad = app
            .query_as(
                None,
                "mutation { login(input: { username: \"wj.ann\", password: \"wrong password!\" }) { token } }",
                json!({}),
            )
            .await;
        assert_eq!(code(&bad), "UNAUTHENTICATED");
        let bad = app
            .query_as(
                None,
                "mutation { login(input: { username: \"nobody\", password: \"wrong password!\" }) { token } }",
                json!({}),
            )
            .await;
        assert_eq!(code(&bad), "UNAUTHENTICATED");
        let claims: Value = {
            let payload = token.split('.').nth(1).unwrap_or("");
            use base64::Engine;
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap_or_default();
            serde_json::from_slice(&bytes).unwrap_or_default()
        };
        let now = chrono::Utc::now().timestamp();
        let secret = app.jwt_secret.as_bytes().to_vec();
        let with = |patch: Value| {
            let mut c = claims.clone();
            if let (Some(c), Some(p)) = (c.as_object_mut(), patch.as_object()) {
                for (k, v) in p {
                    c.insert(k.clone(), v.clone());
                }
            }
            c
        };
        let forged = [
            (
                "another key",
                forge(
                    b"0123456789abcdef0123456789abcdef-other",
                    claims.clone(),
                    Algorithm::HS256,
                ),
            ),
            (
                "expired",
                forge(
                    &secret,
                    with(json!({ "iat": now - 7200, "exp": now - 3600 })),
                    Algorithm::HS256,
                ),
            ),
            (
                "another audience",
                forge(
                    &secret,
                    with(json!({ "aud": "somebody-else" })),
                    Algorithm::HS256,
                ),
            ),
            (
                "another issuer",
                forge(
                    &secret,
                    with(json!({ "iss": "somebody-else" })),
                    Algorithm::HS256,
                ),
            ),
            ("HS512", forge(&secret, claims.clone(), Algorithm::HS512)),
            ("alg none", {
                use base64::Engine;
                let e = |v: &Value| {
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
                };
                format!(
                    "{}.{}.",
                    e(&json!({ "alg": "none", "typ": "JWT" })),
                    e(&claims)
                )
            }),
            ("tampered role", {
                let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
                use base64::Engine;
                parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(with(json!({ "role": "admin" })).to_string());
                parts.join(".")
            }),
            ("garbage", "not.a.token".to_string()),
        ];
        for (what, bad) in &forged {
            let body = app.query_as(Some(bad), me, json!({})).await;
            assert_eq!(code(&body), "UNAUTHENTICATED", "{what}: {body}");
        }
        // disabled: the same token stops working at once
        users::update(&app.db, "wj.ann", None, None, Some(true))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            code(&app.query_as(Some(&token), me, json!({})).await),
            "UNAUTHENTICATED"
        );
        // revoked: a fresh token, revoked, stops working
        let bo = login(&app, "wj.bo").await;
        let body = app
            .query_as(
                Some(&bo),
                "mutation { revokeMyTokens { revoked } }",
                json!({}),
            )
            .await;
        assert_eq!(body["data"]["revokeMyTokens"]["revoked"], true);
        assert_eq!(
            code(&app.query_as(Some(&bo), me, json!({})).await),
            "UNAUTHENTICATED"
        );
        // the token never shows up in the audit log
        let leaked = scalar(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE COALESCE(before, '') LIKE '%{0}%' OR COALESCE(after, '') LIKE '%{0}%' OR COALESCE(target, '') LIKE '%{0}%'", &token[token.len() - 20..])).await;
        assert_eq!(leaked, 0);
        let logins = scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login'",
        )
        .await;
        assert_eq!(logins, 4, "two successes and two failures");
    }
);

on_both_backends!(
    repeated_failed_logins_are_refused_for_a_while,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "target.user", UserRole::Reviewer, None).await;
        let attempt = |password: &'static str| {
            app.query_as(None, "mutation($p: String!) { login(input: { username: \"target.user\", password: $p }) { token } }", json!({ "p": password }))
        };
        for _ in 0..5 {
            assert_eq!(code(&attempt("wrong password!").await), "UNAUTHENTICATED");
        }
        let started = std::time::Instant::now();
        let body = attempt(PASSWORD).await;
        assert_eq!(
            code(&body),
            "RATE_LIMITED",
            "even the right password is refused now: {body}"
        );
        assert!(
            started.elapsed().as_millis() < 500,
            "a refusal is immediate"
        );
    }
);

on_both_backends!(
    each_role_may_do_its_part_and_nothing_else,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        cast(&app).await;
        let (ann, cai, dai, fu) = (
            login(&app, "wj.ann").await,
            login(&app, "edu.cai").await,
            login(&app, "stats.dai").await,
            login(&app, "admin.fu").await,
        );
        let screening = indicator_id(&app, SCREENING).await;
        let unnamed = indicator_id(&app, UNNAMED).await;
        let before = values_count(&app).await;
        let refused = [
        ("anonymous submits", None, SUBMIT, json!({ "i": screening, "y": 2023, "v": 81.0 }), "UNAUTHENTICATED"),
        ("another department", Some(&cai), SUBMIT, json!({ "i": screening, "y": 2023, "v": 81.0 }), "FORBIDDEN"),
        ("a 表1 row nobody reports yet", Some(&ann), SUBMIT, json!({ "i": unnamed, "y": 2023, "v": 25.0 }), "FORBIDDEN"),
        ("a reviewer submits", Some(&dai), SUBMIT, json!({ "i": screening, "y": 2023, "v": 81.0 }), "FORBIDDEN"),
        ("an admin submits", Some(&fu), SUBMIT, json!({ "i": screening, "y": 2023, "v": 81.0 }), "FORBIDDEN"),
        ("NaN-like: out of range", Some(&ann), SUBMIT, json!({ "i": screening, "y": 2023, "v": 100.5 }), "BAD_USER_INPUT"),
        ("negative share", Some(&ann), SUBMIT, json!({ "i": screening, "y": 2023, "v": -1.0 }), "BAD_USER_INPUT"),
        ("a year outside the plan", Some(&ann), SUBMIT, json!({ "i": screening, "y": 2026, "v": 81.0 }), "BAD_USER_INPUT"),
        ("a year before the baseline", Some(&ann), SUBMIT, json!({ "i": screening, "y": 2019, "v": 81.0 }), "BAD_USER_INPUT"),
        ("a note too long", Some(&ann), SUBMIT, json!({ "i": screening, "y": 2023, "v": 81.0, "n": "注".repeat(1001) }), "BAD_USER_INPUT"),
        ("a stale expectedVersion", Some(&ann), SUBMIT, json!({ "i": screening, "y": 2023, "v": 81.0, "e": 3 }), "CONFLICT"),
        ("a submitter creates users", Some(&ann), "mutation { createUser(input: { username: \"x.y\", password: \"long enough pw\", role: ADMIN }) { user { username } } }", json!({}), "FORBIDDEN"),
        ("a reviewer creates users", Some(&dai), "mutation { createUser(input: { username: \"x.y\", password: \"long enough pw\", role: ADMIN }) { user { username } } }", json!({}), "FORBIDDEN"),
        ("a reviewer reads users", Some(&dai), "{ users { username } }", json!({}), "FORBIDDEN"),
        ("a submitter reads the audit log", Some(&ann), "{ auditLog { nodes { action } } }", json!({}), "FORBIDDEN"),
        ("the public reads the audit log", None, "{ auditLog { nodes { action } } }", json!({}), "UNAUTHENTICATED"),
        ("a submitter reads reporting status", Some(&ann), "{ reportingStatus(year: 2023) { owed { name } } }", json!({}), "FORBIDDEN"),
    ];
        for (what, token, query, variables, expected) in refused {
            let body = app
                .query_as(token.map(String::as_str), query, variables)
                .await;
            assert_eq!(code(&body), expected, "{what}: {body}");
        }
        assert_eq!(values_count(&app).await, before, "refusals changed nothing");
        // a refusal names the field
        let body = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": screening, "y": 2026, "v": 101.0 }),
            )
            .await;
        let fields: Vec<&str> = body["errors"][0]["extensions"]["details"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["field"].as_str())
            .collect();
        assert_eq!(fields, ["value", "year"], "{body}");
        // NaN and Infinity cannot even be sent: JSON has no such numbers
        let r = app
            .client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(&ann)
            .header("content-type", "application/json")
            .body(format!(
                r#"{{"query": "{}", "variables": {{"i": "{screening}", "y": 2023, "v": NaN}}}}"#,
                SUBMIT.replace('"', "\\\"")
            ))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status().as_u16(), 400);
        let body = app.query_as(Some(&ann), &format!("mutation {{ submitValue(input: {{ indicatorId: \"{screening}\", year: 2023, value: 1e999 }}) {{ value {{ id }} }} }}"), json!({})).await;
        assert!(body.get("errors").is_some(), "1e999 refused: {body}");
        assert_eq!(values_count(&app).await, before);
        // an admin assigns the 表1 row to 县卫健局; now 县卫健局 may report it
        let body = app.query_as(Some(&fu), "mutation($i: ID!) { assignReporter(input: { indicatorId: $i, department: \"卫健局\" }) { indicator { reporters { name } } } }", json!({ "i": unnamed })).await;
        assert_eq!(
            body["data"]["assignReporter"]["indicator"]["reporters"],
            json!([{ "name": "县卫健局" }]),
            "{body}"
        );
        let body = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": unnamed, "y": 2023, "v": 27.0, "e": 0 }),
            )
            .await;
        assert_eq!(
            body["data"]["submitValue"]["value"]["status"], "SUBMITTED",
            "{body}"
        );
        // a reviewer who submitted the value cannot approve it: ann is promoted, logs in again
        users::update(&app.db, "wj.ann", Some(UserRole::Reviewer), None, None)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            code(&app.query_as(Some(&ann), "{ me { role } }", json!({})).await),
            "UNAUTHENTICATED",
            "the old token died with the role change"
        );
        let ann_reviewer = login(&app, "wj.ann").await;
        let id = body["data"]["submitValue"]["value"]["id"].clone();
        let body = app
            .query_as(
                Some(&ann_reviewer),
                REVIEW,
                json!({ "id": id, "d": "APPROVE" }),
            )
            .await;
        assert_eq!(code(&body), "FORBIDDEN", "{body}");
        // a submitter cannot review
        let body = app
            .query_as(Some(&cai), REVIEW, json!({ "id": id, "d": "APPROVE" }))
            .await;
        assert_eq!(code(&body), "FORBIDDEN");
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM indicator_value WHERE status = 'submitted'"
            )
            .await,
            1
        );
        // the audit log cannot be changed, even by SQL
        for sql in [
            "UPDATE audit_log SET outcome = 'ok'",
            "DELETE FROM audit_log",
        ] {
            assert!(
                app.db.execute_unprepared(sql).await.is_err(),
                "{sql} must fail"
            );
        }
        let refusals = scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE outcome = 'FORBIDDEN'",
        )
        .await;
        assert!(refusals >= 6, "refusals are audited: {refusals}");
    }
);

on_both_backends!(batches_are_all_or_nothing, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    cast(&app).await;
    let ann = login(&app, "wj.ann").await;
    let screening = indicator_id(&app, SCREENING).await;
    let common = indicator_id(&app, "women/d1/goal/4/t2").await;
    let before = values_count(&app).await;
    let batch = "mutation($v: [ValueInput!]!) { submitValues(input: { values: $v }) { values { id status } } }";
    let rows = json!([
        { "indicatorId": screening, "year": 2022, "value": 80.5 },
        { "indicatorId": common, "year": 2022, "value": 120.0 },
        { "indicatorId": common, "year": 2030, "value": 86.0 },
    ]);
    let body = app.query_as(Some(&ann), batch, json!({ "v": rows })).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let indexes: Vec<i64> = body["errors"][0]["extensions"]["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["index"].as_i64())
        .collect();
    assert_eq!(indexes, [1, 2]);
    assert_eq!(values_count(&app).await, before, "nothing stored");
    let good = json!([{ "indicatorId": screening, "year": 2022, "value": 80.5 }, { "indicatorId": common, "year": 2022, "value": 86.0 }]);
    let body = app.query_as(Some(&ann), batch, json!({ "v": good })).await;
    assert_eq!(
        body["data"]["submitValues"]["values"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{body}"
    );
    assert_eq!(values_count(&app).await, before + 2);
});

on_both_backends!(submit_review_publish_end_to_end, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    cast(&app).await;
    let (ann, dai) = (login(&app, "wj.ann").await, login(&app, "stats.dai").await);
    let screening = indicator_id(&app, SCREENING).await;
    let public = format!(
        r#"{{ node(id: "{screening}") {{ ... on Indicator {{ latestValue {{ year value }} targets {{ status progress statusReason }} publicationHistory {{ year value }} reporters {{ name }} }} }} }}"#
    );
    let seen = app.query(&public).await;
    assert_eq!(seen["data"]["node"]["latestValue"], Value::Null);
    assert_eq!(seen["data"]["node"]["reporters"][0]["name"], "县卫健局");
    // the department submits two years; the first twice (a correction before review)
    let first = app
        .query_as(
            Some(&ann),
            SUBMIT,
            json!({ "i": screening, "y": 2021, "v": 60.0, "e": 0, "n": "首次上报" }),
        )
        .await;
    assert_eq!(
        first["data"]["submitValue"]["value"]["version"], 1,
        "{first}"
    );
    let corrected = app
        .query_as(
            Some(&ann),
            SUBMIT,
            json!({ "i": screening, "y": 2021, "v": 62.0, "e": 1 }),
        )
        .await;
    assert_eq!(
        corrected["data"]["submitValue"]["value"]["version"], 2,
        "{corrected}"
    );
    // still invisible to the public
    let seen = app.query(&public).await;
    assert_eq!(seen["data"]["node"]["latestValue"], Value::Null);
    // approving the replaced submission is refused; the current one is approved
    let body = app
        .query_as(
            Some(&dai),
            REVIEW,
            json!({ "id": first["data"]["submitValue"]["value"]["id"], "d": "APPROVE" }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    let id = corrected["data"]["submitValue"]["value"]["id"].clone();
    let body = app
        .query_as(
            Some(&dai),
            REVIEW,
            json!({ "id": id, "d": "APPROVE", "c": "核实无误" }),
        )
        .await;
    assert_eq!(
        body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
        "{body}"
    );
    // the public sees it, with status and progress recomputed (no baseline: the first value starts)
    let seen = app.query(&public).await;
    assert_eq!(
        seen["data"]["node"]["latestValue"],
        json!({ "year": 2021, "value": 62.0 })
    );
    assert_eq!(seen["data"]["node"]["targets"][0]["status"], "NO_DATA");
    assert_eq!(
        seen["data"]["node"]["publicationHistory"],
        json!([{ "year": 2021, "value": 62.0 }])
    );
    // a second year on track: 62 → 70 of the way to 80 by 2025
    let y23 = app
        .query_as(
            Some(&ann),
            SUBMIT,
            json!({ "i": screening, "y": 2023, "v": 75.0 }),
        )
        .await;
    app.query_as(
        Some(&dai),
        REVIEW,
        json!({ "id": y23["data"]["submitValue"]["value"]["id"], "d": "APPROVE" }),
    )
    .await;
    let seen = app.query(&public).await;
    let target = &seen["data"]["node"]["targets"][0];
    assert_eq!(target["status"], "ON_TRACK", "{seen}");
    // (75 − 62) / (80 − 62) = 0.7222…, rounded to three places on the wire
    assert_eq!(target["progress"], 0.722, "{seen}");
    assert_eq!(
        target["statusReason"],
        "2023年数值75，按2021年62至2025年80的线性路径应为71：已完成72%，时间已过50%",
        "{seen}"
    );
    // a correction of a published value replaces it only when approved
    let fix = app
        .query_as(
            Some(&ann),
            SUBMIT,
            json!({ "i": screening, "y": 2023, "v": 74.0, "e": 1 }),
        )
        .await;
    assert_eq!(
        app.query(&public).await["data"]["node"]["latestValue"]["value"],
        75.0
    );
    app.query_as(
        Some(&dai),
        REVIEW,
        json!({ "id": fix["data"]["submitValue"]["value"]["id"], "d": "REJECT", "c": "与统计年鉴不符" }),
    )
    .await;
    assert_eq!(
        app.query(&public).await["data"]["node"]["latestValue"]["value"],
        75.0
    );
    // the history shows every step, to the department and the reviewer, not to the public
    let history = "query($id: ID!) { reportedValue(id: $id) { status history { action actor oldValue newValue newStatus comment } } }";
    let body = app.query_as(Some(&ann), history, json!({ "id": id })).await;
    let steps: Vec<(String, String)> = body["data"]["reportedValue"]["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or("").to_string(),
                e["actor"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("SUBMIT".to_string(), "wj.ann".to_string()),
            ("APPROVE".to_string(), "stats.dai".to_string())
        ],
        "{body}"
    );
    assert_eq!(
        body["data"]["reportedValue"]["history"][0]["oldValue"], 60.0,
        "the replaced submission's value"
    );
    assert_eq!(
        code(&app.query_as(None, history, json!({ "id": id })).await),
        "UNAUTHENTICATED"
    );
    // reporting status for 2023: 县卫健局 has the screening rate rejected (latest), and owes others
    let status = app.query_as(Some(&dai), "{ reportingStatus(year: 2023) { department { name } owed { name } submitted { name } approved { name } rejected { name } } }", json!({})).await;
    let wj = status["data"]["reportingStatus"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["department"]["name"] == "县卫健局")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        wj["rejected"],
        json!([{ "name": "宫颈癌免费检查率" }]),
        "{wj}"
    );
    assert!(wj["owed"].as_array().map_or(0, Vec::len) > 30);
    // and the audit log has it all
    let audit = app
        .query_as(
            Some(&dai),
            "{ auditLog(first: 100) { nodes { actor action outcome } } }",
            json!({}),
        )
        .await;
    let actions: Vec<String> = audit["data"]["auditLog"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            format!(
                "{}:{}:{}",
                e["actor"].as_str().unwrap_or(""),
                e["action"].as_str().unwrap_or(""),
                e["outcome"].as_str().unwrap_or("")
            )
        })
        .collect();
    for expected in [
        "wj.ann:login:ok",
        "wj.ann:submitValue:ok",
        "stats.dai:reviewValue:ok",
        "stats.dai:reviewValue:CONFLICT",
    ] {
        assert!(
            actions.contains(&expected.to_string()),
            "{expected} missing from {actions:?}"
        );
    }
});

on_both_backends!(two_concurrent_reviews_one_wins, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    cast(&app).await;
    let (ann, dai, eve) = (
        login(&app, "wj.ann").await,
        login(&app, "stats.dai").await,
        login(&app, "stats.eve").await,
    );
    let screening = indicator_id(&app, SCREENING).await;
    for year in 2021..=2025 {
        let s = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": screening, "y": year, "v": 70.0 }),
            )
            .await;
        let id = s["data"]["submitValue"]["value"]["id"].clone();
        let (a, b) = tokio::join!(
            app.query_as(Some(&dai), REVIEW, json!({ "id": id, "d": "APPROVE" })),
            app.query_as(
                Some(&eve),
                REVIEW,
                json!({ "id": id, "d": "REJECT", "c": "no" })
            )
        );
        let wins = [&a, &b]
            .iter()
            .filter(|r| r.get("errors").is_none())
            .count();
        let conflicts = [&a, &b].iter().filter(|r| code(r) == "CONFLICT").count();
        assert_eq!((wins, conflicts), (1, 1), "{year}: {a} / {b}");
    }
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM value_event WHERE action IN ('approve', 'reject')"
        )
        .await,
        5
    );
});

on_both_backends!(
    fifty_concurrent_submitters_lose_nothing,
    |backend| async move {
        // Fifty writers queue for connections by design; on a busy machine the queue can outlast
        // the default 800 ms wait, which this test is not about.
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
        let departments: Vec<String> = {
            let rows = app
                .db
                .query_all_raw(Statement::from_string(
                    app.db.get_database_backend(),
                    "SELECT name FROM department ORDER BY id",
                ))
                .await
                .unwrap_or_default();
            rows.iter()
                .filter_map(|r| r.try_get_by_index::<String>(0).ok())
                .collect()
        };
        let indicators: Vec<(i64, String)> = {
            let rows = app
                .db
                .query_all_raw(Statement::from_string(
                    app.db.get_database_backend(),
                    "SELECT CAST(id AS BIGINT), COALESCE(unit, '') FROM indicator ORDER BY id",
                ))
                .await
                .unwrap_or_default();
            rows.iter()
                .filter_map(|r| {
                    Some((
                        r.try_get_by_index::<i64>(0).ok()?,
                        r.try_get_by_index::<String>(1).ok()?,
                    ))
                })
                .filter(|(_, u)| u != "个百分点")
                .collect()
        };
        // 50 submitters, one per indicator, each bound to a department that is assigned to it
        let mut tokens = Vec::new();
        for n in 0..50 {
            let department = &departments[n % departments.len()];
            let name = format!("s{n:02}");
            user(&app, &name, UserRole::Submitter, Some(department)).await;
            let id = plangraph::ids::encode(
                plangraph::ids::Kind::Indicator,
                i32::try_from(indicators[n].0).unwrap_or(0),
            )
            .0;
            let body = app.query_as(Some(&admin), "mutation($i: ID!, $d: String!) { assignReporter(input: { indicatorId: $i, department: $d }) { indicator { id } } }", json!({ "i": id, "d": department })).await;
            assert_eq!(body.get("errors"), None, "{body}");
            tokens.push((login(&app, &name).await, id));
        }
        let before = values_count(&app).await;
        let started = std::time::Instant::now();
        let mut tasks = Vec::new();
        for (token, indicator) in tokens {
            let (client, address) = (app.client.clone(), app.address.clone());
            tasks.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let mut errors = 0;
            for k in 0..20 {
                let body: Value = match client
                    .post(format!("{address}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({ "query": SUBMIT, "variables": { "i": indicator, "y": 2024, "v": 10.0 + f64::from(k), "e": k } }))
                    .send()
                    .await
                {
                    Ok(r) => r.json().await.unwrap_or_default(),
                    Err(_) => Value::Null,
                };
                match body["data"]["submitValue"]["value"]["id"].as_str() {
                    Some(id) if body["data"]["submitValue"]["value"]["version"] == k + 1 => acknowledged.push(id.to_string()),
                    _ => errors += 1,
                }
            }
            (acknowledged, errors)
        }));
        }
        let mut acknowledged = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (a, e) = t.await.unwrap_or_else(|e| panic!("{e}"));
            acknowledged.extend(a);
            errors += e;
        }
        let elapsed = started.elapsed();
        eprintln!(
            "{backend:?}: 50 submitters x 20 values in {:.2} s, {errors} errors",
            elapsed.as_secs_f64()
        );
        assert_eq!(errors, 0);
        assert_eq!(acknowledged.len(), 1000);
        let mut unique = acknowledged.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            1000,
            "every acknowledged submission is a distinct row"
        );
        assert_eq!(
            values_count(&app).await,
            before + 1000,
            "every submission stored exactly once"
        );
        let ids: Vec<String> = unique
            .iter()
            .filter_map(|id| plangraph::ids::decode(&async_graphql::ID(id.clone())).ok())
            .map(|(_, n)| n.to_string())
            .collect();
        let stored = scalar(
            &app,
            &format!(
                "SELECT COUNT(*) FROM indicator_value WHERE origin = 'submission' AND id IN ({})",
                ids.join(",")
            ),
        )
        .await;
        assert_eq!(stored, 1000, "each acknowledged id is in the store");
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM indicator_value WHERE status = 'submitted'"
            )
            .await,
            50,
            "the latest of each is pending"
        );
    }
);

on_both_backends!(
    search_finds_an_indicator_by_its_corrected_name,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        cast(&app).await;
        let fu = login(&app, "admin.fu").await;
        let search = |text: &'static str| {
            let app = &app;
            async move {
                let body = app
                .query_as(
                    None,
                    "query($t: String!) { search(text: $t) { totalCount nodes { __typename ... on Indicator { id name } } } }",
                    json!({ "t": text }),
                )
                .await;
                assert_eq!(body.get("errors"), None, "{body}");
                body["data"]["search"].clone()
            }
        };
        let before = search("龋患率").await;
        assert_eq!(
            before["totalCount"], 2,
            "the indicator and its goal: {before}"
        );
        let id = before["nodes"][0]["id"].clone();
        assert_eq!(before["nodes"][0]["name"], "12岁儿童龋患率");
        assert_eq!(search("龋齿患病率").await["totalCount"], 0);
        let body = app
        .query_as(
            Some(&fu),
            "mutation($i: ID!) { updateIndicator(input: { id: $i, name: \"12岁儿童龋齿患病率\" }) { indicator { name } } }",
            json!({ "i": id }),
        )
        .await;
        assert_eq!(body.get("errors"), None, "{body}");
        // The search index follows the row (SQLite's FTS5 table by its triggers).
        let renamed = search("龋齿患病率").await;
        assert_eq!(renamed["totalCount"], 1, "{renamed}");
        assert_eq!(renamed["nodes"][0]["id"], id);
        assert_eq!(
            search("龋患率").await["totalCount"],
            1,
            "only the goal still holds the old name"
        );
    }
);

on_both_backends!(
    admins_correct_indicator_metadata_with_an_audit_trail,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        cast(&app).await;
        let (fu, dai) = (
            login(&app, "admin.fu").await,
            login(&app, "stats.dai").await,
        );
        let id = indicator_id(&app, "health/table1/12").await;
        let update = "mutation($i: ID!) { updateIndicator(input: { id: $i, direction: LOWER_IS_BETTER, unit: \"‰\", clientMutationId: \"m1\" }) { clientMutationId indicator { direction unit name } } }";
        assert_eq!(
            code(&app.query_as(Some(&dai), update, json!({ "i": id })).await),
            "FORBIDDEN"
        );
        let body = app.query_as(Some(&fu), update, json!({ "i": id })).await;
        assert_eq!(
            body["data"]["updateIndicator"],
            json!({ "clientMutationId": "m1", "indicator": { "direction": "LOWER_IS_BETTER", "unit": "‰", "name": "重点慢性病防治核心信息人群知晓率" } }),
            "{body}"
        );
        let audit = app
            .query_as(
                Some(&dai),
                "{ auditLog(filter: { action: \"updateIndicator\" }) { totalCount nodes { actor actorRole outcome before after } } }",
                json!({}),
            )
            .await;
        assert_eq!(audit["data"]["auditLog"]["totalCount"], 2, "{audit}");
        let entries = audit["data"]["auditLog"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // newest first: the admin's change, then the reviewer's refusal
        assert_eq!(entries[0]["outcome"], "ok");
        assert_eq!(entries[0]["actorRole"], "ADMIN");
        assert_eq!(
            (
                entries[0]["before"]["direction"].as_str(),
                entries[0]["before"]["unit"].as_str()
            ),
            (Some("unspecified"), Some("%"))
        );
        assert_eq!(
            (
                entries[0]["after"]["direction"].as_str(),
                entries[0]["after"]["unit"].as_str()
            ),
            (Some("lower_is_better"), Some("‰"))
        );
        assert_eq!(entries[1]["outcome"], "FORBIDDEN");
    }
);

on_both_backends!(
    admins_manage_accounts_through_the_api,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        cast(&app).await;
        let fu = login(&app, "admin.fu").await;
        let create = "mutation { createUser(input: { username: \"edu.new\", password: \"correct horse battery\", role: SUBMITTER, department: \"教育和体育局\" }) { user { username role department { name } disabled } } }";
        let body = app.query_as(Some(&fu), create, json!({})).await;
        assert_eq!(
            body["data"]["createUser"]["user"],
            json!({ "username": "edu.new", "role": "SUBMITTER", "department": { "name": "县教育和体育局" }, "disabled": false }),
            "{body}"
        );
        assert_eq!(
            code(&app.query_as(Some(&fu), create, json!({})).await),
            "CONFLICT",
            "the name is taken"
        );
        let new = login(&app, "edu.new").await;
        let body = app.query_as(Some(&fu), "mutation { updateUser(input: { username: \"edu.new\", disabled: true }) { user { disabled } } }", json!({})).await;
        assert_eq!(
            body["data"]["updateUser"]["user"]["disabled"], true,
            "{body}"
        );
        assert_eq!(
            code(
                &app.query_as(Some(&new), "{ me { username } }", json!({}))
                    .await
            ),
            "UNAUTHENTICATED"
        );
        let body = app
            .query_as(Some(&fu), "{ users { username } }", json!({}))
            .await;
        assert_eq!(body["data"]["users"].as_array().map(Vec::len), Some(7));
        let audit = app
            .query_as(
                Some(&fu),
                "{ auditLog(filter: { action: \"createUser\" }) { nodes { outcome after } } }",
                json!({}),
            )
            .await;
        let entries = audit["data"]["auditLog"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let outcomes: Vec<&str> = entries
            .iter()
            .filter_map(|e| e["outcome"].as_str())
            .collect();
        assert_eq!(outcomes, ["CONFLICT", "ok"]);
        let after = entries[1]["after"].to_string();
        assert!(
            after.contains("\"username\":\"edu.new\"") && !after.contains("argon2"),
            "{after}"
        );
    }
);

on_both_backends!(the_last_active_admin_stays_an_admin, |backend| async move {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    cast(&app).await;
    let fu = login(&app, "admin.fu").await;
    let demote = "mutation { updateUser(input: { username: \"admin.fu\", role: REVIEWER }) { user { role } } }";
    let disable = "mutation { updateUser(input: { username: \"admin.fu\", disabled: true }) { user { disabled } } }";
    for change in [demote, disable] {
        let body = app.query_as(Some(&fu), change, json!({})).await;
        assert_eq!(code(&body), "CONFLICT", "{body}");
        assert!(body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("last active admin"));
    }
    // Nothing changed: the token still works and the account is still an admin.
    let body = app.query_as(Some(&fu), "{ me { role } }", json!({})).await;
    assert_eq!(body["data"]["me"]["role"], "ADMIN", "{body}");
    // With a second admin, the first may step down.
    let promote = "mutation { updateUser(input: { username: \"stats.dai\", role: ADMIN }) { user { role } } }";
    let body = app.query_as(Some(&fu), promote, json!({})).await;
    assert_eq!(
        body["data"]["updateUser"]["user"]["role"], "ADMIN",
        "{body}"
    );
    let body = app.query_as(Some(&fu), demote, json!({})).await;
    assert_eq!(
        body["data"]["updateUser"]["user"]["role"], "REVIEWER",
        "{body}"
    );
});
