//! A third-party evaluator (issue 32, item 5): an EVALUATOR account, let in for a stated
//! period, reads what an evaluation needs — reported values with their history, who still
//! owes what, the audit log — changes nothing, and is refused once its period has ended.

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::upload::plain;
use crate::workflow::{indicator_id, login, scalar, user, PASSWORD, REVIEW, SCREENING, SUBMIT};

const CREATE: &str = "mutation($u: String!, $p: String!, $t: DateTime) { createUser(input: { username: $u, password: $p, role: EVALUATOR, accessUntil: $t }) { user { username role accessUntil } } }";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

on_both_backends!(
    an_evaluator_reads_everything_changes_nothing_for_its_period,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "admin.fu", UserRole::Admin, None).await;
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        let fu = login(&app, "admin.fu").await;
        let ann = login(&app, "wj.ann").await;

        // An evaluator is let in for a stated period: without one, or one already past, no.
        let p = PASSWORD;
        let body = app
            .query_as(Some(&fu), CREATE, json!({ "u": "eval.gao", "p": p }))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        let past = json!({ "u": "eval.gao", "p": p, "t": "2020-01-01T00:00:00Z" });
        let body = app.query_as(Some(&fu), CREATE, past).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        let until = "2099-03-31T16:00:00Z";
        let body = app
            .query_as(
                Some(&fu),
                CREATE,
                json!({ "u": "eval.gao", "p": p, "t": until }),
            )
            .await;
        assert_eq!(
            body["data"]["createUser"]["user"],
            // The API's DateTime as it writes every instant: RFC 3339 with the offset.
            json!({ "username": "eval.gao", "role": "EVALUATOR", "accessUntil": "2099-03-31T16:00:00+00:00" }),
            "{body}"
        );
        // Nobody becomes an evaluator without an end; an end can be moved, not into the past.
        let update = "mutation($u: String!, $r: AccountRole, $t: DateTime) { updateUser(input: { username: $u, role: $r, accessUntil: $t }) { user { role accessUntil } } }";
        let body = app
            .query_as(
                Some(&fu),
                update,
                json!({ "u": "wj.ann", "r": "EVALUATOR" }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains("needs an end"), "{body}");
        let body = app
            .query_as(
                Some(&fu),
                update,
                json!({ "u": "eval.gao", "t": "2021-01-01T00:00:00Z" }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        let body = app
            .query_as(
                Some(&fu),
                update,
                json!({ "u": "eval.gao", "t": "2098-12-31T16:00:00Z" }),
            )
            .await;
        assert_eq!(
            body["data"]["updateUser"]["user"],
            json!({ "role": "EVALUATOR", "accessUntil": "2098-12-31T16:00:00+00:00" }),
            "{body}"
        );
        // A change revokes the account's tokens: log in again.
        let gao = login(&app, "eval.gao").await;

        // A submission to read.
        let screening = indicator_id(&app, SCREENING).await;
        let body = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": screening, "y": 2024, "v": 86.0 }),
            )
            .await;
        let value = body["data"]["submitValue"]["value"]["id"].clone();
        assert!(value.is_string(), "{body}");

        // It reads what the evaluation needs.
        let read = app
            .query_as(
                Some(&gao),
                "query($id: ID!) { reportedValues { totalCount } reportedValue(id: $id) { value history { action } } reportingStatus(year: 2024) { total } auditLog(first: 5) { totalCount } }",
                json!({ "id": value }),
            )
            .await;
        assert!(read["errors"].is_null(), "{read}");
        assert_eq!(read["data"]["reportedValues"]["totalCount"], 1);
        assert_eq!(
            read["data"]["reportedValue"],
            json!({ "value": 86.0, "history": [{ "action": "SUBMIT" }] })
        );
        assert!(read["data"]["auditLog"]["totalCount"].as_i64().unwrap_or(0) > 0);

        // And changes nothing.
        let refused = [
            app.query_as(
                Some(&gao),
                SUBMIT,
                json!({ "i": screening, "y": 2024, "v": 80.0 }),
            )
            .await,
            app.query_as(Some(&gao), REVIEW, json!({ "id": value, "d": "APPROVE" }))
                .await,
            app.query_as(
                Some(&gao),
                "mutation { freezeEvaluation(input: { kind: ANNUAL, throughYear: 2024 }) { id } }",
                json!({}),
            )
            .await,
        ];
        for body in &refused {
            assert_eq!(code(body), "FORBIDDEN", "{body}");
        }
        let (status, _) = plain(&app, Some(&gao), b"indicator_id,year,value\n", true).await;
        assert_eq!(status, 403);
        let changed = "SELECT COUNT(*) FROM indicator_value WHERE origin = 'submission'";
        assert_eq!(scalar(&app, changed).await, 1);

        // Once its period has ended, neither its token nor its password lets it in.
        let end =
            "UPDATE app_user SET access_until = CURRENT_TIMESTAMP WHERE username = 'eval.gao'";
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, end)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let body = app
            .query_as(Some(&gao), "{ reportedValues { totalCount } }", json!({}))
            .await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
        let body = app
            .query_as(None, "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }", json!({ "u": "eval.gao", "p": p }))
            .await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
);
