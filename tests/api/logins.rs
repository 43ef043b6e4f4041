//! The login throttle under attack, the audit log under a flood, and audit entries that
//! commit or roll back with the change they record.

use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::{code, Backend, TestApp};
use crate::workflow::{indicator_id, login, scalar, user, PASSWORD, SCREENING, SUBMIT};
use plangraph::auth::UserRole;

const LOGIN: &str =
    "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }";

/// A server behind a trusted proxy (127.0.0.1), so each test client can speak for an address.
async fn behind_proxy(backend: Backend, address_cap: u32) -> Option<TestApp> {
    TestApp::spawn_with(backend, |s| {
        s.rate.enabled = false;
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap_or_else(|e| panic!("{e}"))];
        s.login.address_cap = address_cap;
    })
    .await
}

async fn login_from(app: &TestApp, address: &str, username: &str, password: &str) -> Value {
    app.client
        .post(format!("{}/graphql", app.address))
        .header("x-forwarded-for", address)
        .json(&json!({ "query": LOGIN, "variables": { "u": username, "p": password } }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default()
}

on_both_backends!(
    concurrent_guesses_get_exactly_the_allowed_checks,
    |backend| async move {
        let Some(app) = behind_proxy(backend, 100).await else {
            return;
        };
        user(&app, "admin.fu", UserRole::Admin, None).await;
        let guesses = (0..200).map(|n| {
            let app = &app;
            async move { login_from(app, "203.0.113.5", "admin.fu", &format!("guess {n}")).await }
        });
        let answers = futures_util::future::join_all(guesses).await;
        let count = |c: &str| answers.iter().filter(|a| code(a) == c).count();
        assert_eq!(count("UNAUTHENTICATED"), 5, "checked");
        assert_eq!(count("RATE_LIMITED"), 195, "refused unchecked");
        // the right password from the guessing address waits out the back-off …
        let body = login_from(&app, "203.0.113.5", "admin.fu", PASSWORD).await;
        assert_eq!(code(&body), "RATE_LIMITED", "{body}");
        // … while the owner, elsewhere, is not locked out of their own account
        let body = login_from(&app, "198.51.100.20", "admin.fu", PASSWORD).await;
        assert!(body["data"]["login"]["token"].is_string(), "{body}");
        // the guessing address's next check comes after a doubling back-off: 1 s, then 2 s
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        let body = login_from(&app, "203.0.113.5", "admin.fu", "guess again").await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
        let body = login_from(&app, "203.0.113.5", "admin.fu", PASSWORD).await;
        assert_eq!(code(&body), "RATE_LIMITED", "{body}");
        tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
        let body = login_from(&app, "203.0.113.5", "admin.fu", PASSWORD).await;
        assert!(body["data"]["login"]["token"].is_string(), "{body}");
    }
);

on_both_backends!(
    spraying_from_one_address_spares_known_colleagues,
    |backend| async move {
        let Some(app) = behind_proxy(backend, 10).await else {
            return;
        };
        let proxy = "192.0.2.44";
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        // ann has logged in from the office's address before
        let body = login_from(&app, proxy, "wj.ann", PASSWORD).await;
        assert!(body["data"]["login"]["token"].is_string(), "{body}");
        for n in 0..10 {
            let body = login_from(&app, proxy, &format!("victim.{n}"), "password1").await;
            assert_eq!(code(&body), "UNAUTHENTICATED");
        }
        // past the address's cap: a first login from there waits …
        let body = login_from(&app, proxy, "stats.dai", PASSWORD).await;
        assert_eq!(code(&body), "RATE_LIMITED", "{body}");
        // … a colleague who logged in from there before does not
        let body = login_from(&app, proxy, "wj.ann", PASSWORD).await;
        assert!(body["data"]["login"]["token"].is_string(), "{body}");
        // and the same account from another address is fine
        let body = login_from(&app, "198.51.100.7", "stats.dai", PASSWORD).await;
        assert!(body["data"]["login"]["token"].is_string(), "{body}");
        still_serves(&app).await;
    }
);

async fn still_serves(app: &TestApp) {
    let body = app.query("{ plans { code } }").await;
    assert_eq!(body["data"]["plans"][0]["code"], "women", "{body}");
}

on_both_backends!(
    refused_logins_cannot_flood_the_audit_log,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let rows = scalar(&app, "SELECT COUNT(*) FROM audit_log").await;
        let long = "x".repeat(60 * 1024);
        for _ in 0..200 {
            let body = app
                .query_as(None, LOGIN, json!({ "u": long, "p": "guess" }))
                .await;
            assert!(
                ["UNAUTHENTICATED", "RATE_LIMITED"].contains(&code(&body)),
                "{body}"
            );
        }
        let added = |outcome: &'static str| {
            let app = &app;
            async move {
                scalar(
                    app,
                    &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND outcome = '{outcome}' AND id > {rows}"),
                )
                .await
            }
        };
        // five checked failures (and one more per doubling back-off the loop outlasts), then
        // one burst of refusals: three rows, the rest counted
        let failed = added("UNAUTHENTICATED").await;
        assert!((5..=8).contains(&failed), "{failed} failures audited");
        assert_eq!(added("RATE_LIMITED").await, 3);
        assert!(
            scalar(&app, "SELECT COUNT(*) FROM audit_log").await - rows <= 11,
            "rows added by 200 attempts"
        );
        let longest = scalar(
            &app,
            "SELECT CAST(MAX(LENGTH(actor)) AS BIGINT) FROM audit_log WHERE action = 'login'",
        )
        .await;
        assert_eq!(longest, 64, "the username is capped");
        // attempts without a valid token: audited, a few rows per address
        let rows = scalar(&app, "SELECT COUNT(*) FROM audit_log").await;
        for n in 0..50 {
            let token = (n % 2 == 0).then_some("not.a.token");
            let body = app
                .query_as(token, "mutation { revokeMyTokens { revoked } }", json!({}))
                .await;
            assert_eq!(code(&body), "UNAUTHENTICATED");
        }
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM audit_log").await - rows,
            3
        );
        let outcome = scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'revokeMyTokens' AND outcome = 'UNAUTHENTICATED' AND actor IS NULL",
        )
        .await;
        assert_eq!(outcome, 3);
        still_serves(&app).await;
    }
);

on_both_backends!(
    a_change_commits_with_its_audit_entry_or_not_at_all,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        let ann = login(&app, "wj.ann").await;
        let screening = indicator_id(&app, SCREENING).await;
        // the audit log refuses this one action, as a full disk or a broken constraint would
        let refuse = match backend {
            Backend::Postgres => vec![
                "CREATE FUNCTION refuse_submit_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action = 'submitValue' AND NEW.outcome = 'ok' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$",
                "CREATE TRIGGER refuse_submit_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_submit_audit()",
            ],
            Backend::Sqlite => vec![
                "CREATE TRIGGER refuse_submit_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'submitValue' AND NEW.outcome = 'ok' BEGIN SELECT RAISE(ABORT, 'audit refused'); END",
            ],
        };
        for sql in refuse {
            sea_orm::ConnectionTrait::execute_unprepared(&app.db, sql)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let values = scalar(&app, "SELECT COUNT(*) FROM indicator_value").await;
        let events = scalar(&app, "SELECT COUNT(*) FROM value_event").await;
        let body = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": screening, "y": 2021, "v": 80.0, "e": 0 }),
            )
            .await;
        assert_eq!(code(&body), "INTERNAL_SERVER_ERROR", "{body}");
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_value").await,
            values,
            "the value was stored without its audit entry"
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM value_event").await,
            events
        );
        // another action commits with its entry
        let body = app
            .query_as(
                Some(&ann),
                "mutation { revokeMyTokens { revoked } }",
                json!({}),
            )
            .await;
        assert_eq!(body["data"]["revokeMyTokens"]["revoked"], true, "{body}");
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'revokeMyTokens' AND outcome = 'ok'"
            )
            .await,
            1
        );
    }
);
