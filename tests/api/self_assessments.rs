//! Departments' self-assessments (issue 32, item 4): a lead department's own class of a target
//! for an evaluation round, reviewed like a value, public once approved, and shown beside the
//! computed class of the round's evaluations with the disagreement flagged.

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::{code, TestApp};
use crate::workflow::{login, scalar, user};

const SUBMIT: &str = "mutation($t: ID!, $k: EvaluationKind!, $y: Int!, $c: EvaluationClass!, $d: String!, $h: String) { submitSelfAssessment(input: { targetId: $t, kind: $k, throughYear: $y, class: $c, done: $d, heldBack: $h }) { selfAssessment { id department class label status version done heldBack } } }";
const REVIEW: &str = "mutation($id: ID!, $d: ReviewDecision!, $c: String) { reviewSelfAssessment(input: { id: $id, decision: $d, comment: $c }) { selfAssessment { id status reviewComment } } }";
const LIST: &str = "{ selfAssessments(filter: { kind: FINAL, throughYear: 2025 }) { totalCount nodes { department class status } } }";

async fn target(app: &TestApp, sql: &str) -> String {
    let id = scalar(app, sql).await;
    plangraph::ids::encode(plangraph::ids::Kind::Target, i32::try_from(id).unwrap_or(0)).0
}

async fn submit(app: &TestApp, token: &str, target: &str, class: &str, done: &str) -> Value {
    app.query_as(
        Some(token),
        SUBMIT,
        json!({ "t": target, "k": "FINAL", "y": 2025, "c": class, "d": done, "h": "土地审批周期长" }),
    )
    .await
}

on_both_backends!(
    self_assessments_are_reviewed_and_shown_beside_the_computed_class,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.eve", UserRole::Reviewer, None).await;
        let ann = login(&app, "wj.ann").await;
        let eve = login(&app, "stats.eve").await;
        // 县人民医院总编制床位达到1500张 and 100%达到国家基本标准: goals 县卫健局 leads, no figure.
        let beds = target(
            &app,
            "SELECT CAST(id AS BIGINT) FROM target WHERE key = 'health/d2/task/1/s4'",
        )
        .await;
        let standard = target(
            &app,
            "SELECT CAST(id AS BIGINT) FROM target WHERE key = 'health/d2/task/1/s1'",
        )
        .await;
        let not_led = target(&app, "SELECT CAST(MIN(t.id) AS BIGINT) FROM target t WHERE t.goal_id IS NOT NULL AND t.goal_id NOT IN (SELECT gd.goal_id FROM goal_department gd JOIN department d ON d.id = gd.department_id WHERE d.name = '县卫健局' AND gd.role = 'lead')").await;

        // Refusals: a goal the department does not lead, a class the round does not give, a
        // year that is not the final's, nothing said of what was done.
        assert_eq!(
            code(&submit(&app, &ann, &not_led, "ACHIEVED", "已完成").await),
            "FORBIDDEN"
        );
        let body = submit(&app, &ann, &beds, "BEHIND", "已完成").await;
        assert_eq!(code(&body), "BAD_USER_INPUT");
        assert_eq!(
            body["errors"][0]["message"],
            "class BEHIND is not one a FINAL evaluation gives: use one of ACHIEVED, NOT_ACHIEVED, NO_DATA"
        );
        assert_eq!(
            code(&submit(&app, &ann, &beds, "ACHIEVED", "  ").await),
            "BAD_USER_INPUT"
        );
        let body = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "t": beds, "k": "FINAL", "y": 2024, "c": "ACHIEVED", "d": "已完成" }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(
            code(&submit(&app, &eve, &beds, "ACHIEVED", "已完成").await),
            "FORBIDDEN"
        );

        // Submitted, resubmitted, rejected without and with a comment, submitted, approved.
        let first = submit(&app, &ann, &beds, "NOT_ACHIEVED", "新院区在建").await;
        let first = &first["data"]["submitSelfAssessment"]["selfAssessment"];
        assert_eq!(first["status"], "SUBMITTED", "{first}");
        assert_eq!(first["department"], "县卫健局");
        let again = submit(
            &app,
            &ann,
            &beds,
            "ACHIEVED",
            "新院区投入使用，编制床位1500张",
        )
        .await;
        let again = &again["data"]["submitSelfAssessment"]["selfAssessment"];
        assert_eq!(
            (
                again["id"].clone(),
                again["version"].clone(),
                again["label"].clone()
            ),
            (first["id"].clone(), json!(2), json!("已实现"))
        );
        let id = again["id"].clone();
        assert_eq!(
            code(
                &app.query_as(Some(&eve), REVIEW, json!({ "id": id, "d": "REJECT" }))
                    .await
            ),
            "BAD_USER_INPUT"
        );
        let rejected = app
            .query_as(
                Some(&eve),
                REVIEW,
                json!({ "id": id, "d": "REJECT", "c": "请附批复文号" }),
            )
            .await;
        assert_eq!(
            rejected["data"]["reviewSelfAssessment"]["selfAssessment"]["status"], "REJECTED",
            "{rejected}"
        );
        // Not public until approved.
        assert_eq!(
            app.query(LIST).await["data"]["selfAssessments"]["totalCount"],
            0
        );
        let mine = app.query_as(Some(&ann), LIST, json!({})).await;
        assert_eq!(
            mine["data"]["selfAssessments"]["nodes"][0]["status"], "REJECTED",
            "{mine}"
        );
        submit(
            &app,
            &ann,
            &beds,
            "ACHIEVED",
            "新院区投入使用，编制床位1500张（县编办批复）",
        )
        .await;
        let approved = app
            .query_as(Some(&eve), REVIEW, json!({ "id": id, "d": "APPROVE" }))
            .await;
        assert_eq!(
            approved["data"]["reviewSelfAssessment"]["selfAssessment"]["status"], "APPROVED",
            "{approved}"
        );
        assert_eq!(
            code(
                &app.query_as(Some(&eve), REVIEW, json!({ "id": id, "d": "APPROVE" }))
                    .await
            ),
            "CONFLICT"
        );
        assert_eq!(
            code(&submit(&app, &ann, &beds, "NOT_ACHIEVED", "改").await),
            "CONFLICT"
        );
        // A second one that agrees with the computed class (no figure: NO_DATA).
        let agree = submit(&app, &ann, &standard, "NO_DATA", "标准化建设评估尚未开展").await;
        let agree_id = agree["data"]["submitSelfAssessment"]["selfAssessment"]["id"].clone();
        app.query_as(
            Some(&eve),
            REVIEW,
            json!({ "id": agree_id, "d": "APPROVE" }),
        )
        .await;
        let public = app.query(LIST).await;
        assert_eq!(
            public["data"]["selfAssessments"]["totalCount"], 2,
            "{public}"
        );

        // Beside the final evaluation's computed classes: the department says 已实现 where
        // the rules found no figure (disagrees), and 无数据 where they did too.
        let frozen = app.query_as(Some(&eve), "mutation { freezeEvaluation(input: { kind: FINAL, planCode: \"health\", throughYear: 2025 }) { id } }", json!({})).await;
        let evaluation = frozen["data"]["freezeEvaluation"]["id"].clone();
        // Every item, in pages of at most 100.
        let mut nodes = Vec::new();
        let mut after = Value::Null;
        loop {
            let items = app.query_as(None, "query($id: ID!, $after: String) { evaluation(id: $id) { items(first: 100, after: $after) { nodes { target { id } class disagrees selfAssessments { department class label done } } pageInfo { hasNextPage endCursor } } } }", json!({ "id": evaluation, "after": after })).await;
            let page = &items["data"]["evaluation"]["items"];
            nodes.extend(page["nodes"].as_array().cloned().unwrap_or_default());
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(nodes.len(), 103);
        let of = |id: &str| {
            nodes
                .iter()
                .find(|n| n["target"]["id"] == id)
                .cloned()
                .unwrap_or_default()
        };
        let beds_item = of(&beds);
        assert_eq!(beds_item["class"], "NO_DATA");
        assert_eq!(beds_item["disagrees"], true);
        assert_eq!(
            beds_item["selfAssessments"],
            json!([{ "department": "县卫健局", "class": "ACHIEVED", "label": "已实现", "done": "新院区投入使用，编制床位1500张（县编办批复）" }])
        );
        assert_eq!(of(&standard)["disagrees"], false);
        assert_eq!(of(&standard)["selfAssessments"][0]["class"], "NO_DATA");
        assert_eq!(nodes.iter().filter(|n| n["disagrees"] == true).count(), 1);
        // The report page says so too, the disagreement first.
        let page = app
            .client
            .get(format!(
                "{}/evaluations/{}",
                app.address,
                evaluation.as_str().unwrap_or("")
            ))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET: {e}"))
            .text()
            .await
            .unwrap_or_default();
        assert!(
            page.contains("经审核的自我评估 2 份，其中 1 份与计算结果不一致。"),
            "{page}"
        );
        assert!(page.contains("<tr><td>县人民医院总编制床位</td><td>县卫健局</td><td>无数据</td><td>已实现（不一致）</td>"), "{page}");
        assert!(
            page.contains("<title id=\"chart-title\">各类目标数</title>"),
            "{page}"
        );
        assert_eq!(
            nodes
                .iter()
                .filter(|n| n["selfAssessments"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty()))
                .count(),
            2
        );
    }
);
