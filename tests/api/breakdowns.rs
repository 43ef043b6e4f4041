//! Declared breakdowns (issue 33, item 1): which indicators are reported by sex, age or
//! urban/rural, with their codes, and how their parts relate to the total.

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::quality::indicator;
use crate::support::{code, TestApp};
use crate::workflow::{login, scalar, user};

on_both_backends!(
    indicators_say_what_they_are_reported_by,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let body = app
        .query(r#"{ a: indicators(filter: { text: "婴儿死亡率" }) { nodes { name aggregation breakdowns { dimension codelistVersion codes { code label } } } }
                    b: indicators(filter: { text: "出生人口性别比" }) { nodes { aggregation breakdowns { dimension } } }
                    c: indicators(filter: { text: "15岁以上人群吸烟率" }) { nodes { breakdowns { dimension codes { code } } } }
                    d: indicators(filter: { text: "宫颈癌免费检查率" }) { nodes { aggregation breakdowns { dimension } } } }"#)
        .await;
        let data = &body["data"];
        assert_eq!(
            data["a"]["nodes"][0],
            json!({ "name": "婴儿死亡率", "aggregation": "RATE", "breakdowns": [
            { "dimension": "SEX", "codelistVersion": 1, "codes": [
                { "code": "F", "label": "女" }, { "code": "M", "label": "男" }, { "code": "_T", "label": "合计" } ] },
            { "dimension": "URBANISATION", "codelistVersion": 1, "codes": [
                { "code": "U", "label": "城镇" }, { "code": "R", "label": "乡村" }, { "code": "_T", "label": "合计" } ] }
        ] }),
            "{body}"
        );
        // The sex ratio at birth compares the sexes itself: no breakdown by sex.
        assert_eq!(
            data["b"]["nodes"][0],
            json!({ "aggregation": "SEX_RATIO", "breakdowns": [] })
        );
        assert_eq!(
            data["c"]["nodes"][0]["breakdowns"][1],
            json!({ "dimension": "AGE", "codes": [
            { "code": "Y_LT1" }, { "code": "Y1T4" }, { "code": "Y5T14" }, { "code": "Y15T24" },
            { "code": "Y25T44" }, { "code": "Y45T64" }, { "code": "Y_GE65" }, { "code": "_T" } ] })
        );
        // A measure of women only is not declared by sex.
        assert_eq!(
            data["d"]["nodes"][0],
            json!({ "aggregation": null, "breakdowns": [] })
        );
    }
);

const DEFINE: &str = "mutation($d: Dimension!, $c: [CodeInput!]!) { defineCodelist(input: { dimension: $d, codes: $c }) { codelist { dimension version codes { code label } } } }";
const DECLARE: &str = "mutation($i: ID!, $a: Aggregation!, $d: [DeclaredDimensionInput!]!) { declareBreakdowns(input: { indicatorId: $i, aggregation: $a, dimensions: $d }) { indicator { name aggregation breakdowns { dimension codelistVersion codes { code } } } } }";
const SUBMIT: &str = "mutation($i: ID!, $v: Float!, $b: [BreakdownInput!]) { submitValue(input: { indicatorId: $i, year: 2021, value: $v, breakdown: $b }) { value { status breakdown { dimension code label } } } }";

/// The age bands of version 1 with their labels, and two more.
fn ages_with(more: &[(&str, &str)]) -> Value {
    let mut codes = vec![
        ("Y_LT1", "不满1岁"),
        ("Y1T4", "1-4岁"),
        ("Y5T14", "5-14岁"),
        ("Y15T24", "15-24岁"),
        ("Y25T44", "25-44岁"),
        ("Y45T64", "45-64岁"),
        ("Y_GE65", "65岁及以上"),
        ("_T", "合计"),
    ];
    codes.extend_from_slice(more);
    json!(codes
        .iter()
        .map(|(c, l)| json!({ "code": c, "label": l }))
        .collect::<Vec<_>>())
}

/// The department that reports an indicator first.
async fn reporter(app: &TestApp, id: &Value) -> String {
    let q = "query($id: ID!) { node(id: $id) { ... on Indicator { reporters { name } } } }";
    let body = app.query_as(None, q, json!({ "id": id })).await;
    body["data"]["node"]["reporters"][0]["name"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_string()
}

on_both_backends!(
    an_admin_changes_code_lists_and_declarations_without_rewriting_values,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let anaemia = indicator(&app, "5岁以下儿童贫血率").await;
        let smoking = indicator(&app, "15岁以上人群吸烟率").await;
        let ratio = indicator(&app, "出生人口性别比").await;
        user(&app, "ad.min", UserRole::Admin, None).await;
        user(
            &app,
            "rep.a",
            UserRole::Submitter,
            Some(&reporter(&app, &anaemia).await),
        )
        .await;
        user(
            &app,
            "rep.s",
            UserRole::Submitter,
            Some(&reporter(&app, &smoking).await),
        )
        .await;
        let admin = login(&app, "ad.min").await;
        let (rep_a, rep_s) = (login(&app, "rep.a").await, login(&app, "rep.s").await);

        // A store starts with the bundled code lists.
        let body = app
            .query("{ codelists { dimension version codes { code } } }")
            .await;
        let lists: Vec<(Value, Value, usize)> = body["data"]["codelists"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|l| {
                let n = l["codes"].as_array().map_or(0, Vec::len);
                (l["dimension"].clone(), l["version"].clone(), n)
            })
            .collect();
        assert_eq!(
            lists,
            vec![
                (json!("SEX"), json!(1), 3),
                (json!("AGE"), json!(1), 8),
                (json!("URBANISATION"), json!(1), 3)
            ]
        );

        // Only an admin changes them; a new version keeps every code with its label.
        let more = ages_with(&[("Y25T34", "25-34岁"), ("Y35T44", "35-44岁")]);
        let vars = json!({ "d": "AGE", "c": more });
        assert_eq!(
            code(&app.query_as(None, DEFINE, vars.clone()).await),
            "UNAUTHENTICATED"
        );
        assert_eq!(
            code(&app.query_as(Some(&rep_a), DEFINE, vars.clone()).await),
            "FORBIDDEN"
        );
        let without_first = ages_with(&[]).as_array().map(|a| a[1..].to_vec());
        let dropped = json!({ "d": "AGE", "c": without_first });
        let body = app.query_as(Some(&admin), DEFINE, dropped).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(
            body["errors"][0]["message"],
            "codes: AGE Y_LT1 (不满1岁) is in version 1: a new version keeps every code, so that \
             values reported with it keep their meaning"
        );
        let body = app.query_as(Some(&admin), DEFINE, vars.clone()).await;
        let list = &body["data"]["defineCodelist"]["codelist"];
        assert_eq!(
            (&list["version"], list["codes"].as_array().map(Vec::len)),
            (&json!(2), Some(10)),
            "{body}"
        );
        assert_eq!(
            list["codes"][8],
            json!({ "code": "Y25T34", "label": "25-34岁" })
        );
        // The same codes again are that version, not a third.
        let body = app.query_as(Some(&admin), DEFINE, vars).await;
        assert_eq!(
            body["data"]["defineCodelist"]["codelist"]["version"], 2,
            "{body}"
        );
        let body = app
            .query("{ v1: codelist(dimension: AGE, version: 1) { version codes { code } } now: codelist(dimension: AGE) { version } v9: codelist(dimension: AGE, version: 9) { version } }")
            .await;
        assert_eq!(
            body["data"]["v1"]["codes"].as_array().map(Vec::len),
            Some(8)
        );
        assert_eq!(body["data"]["now"]["version"], 2);
        assert_eq!(body["data"]["v9"], Value::Null);

        // A value by an age band of version 1; the measure keeps its declaration of then.
        let body = app
            .query_as(
                Some(&rep_s),
                SUBMIT,
                json!({ "i": smoking, "v": 20.1, "b": [{ "dimension": "AGE", "code": "Y25T44" }] }),
            )
            .await;
        assert_eq!(
            body["data"]["submitValue"]["value"]["breakdown"],
            json!([{ "dimension": "AGE", "code": "Y25T44", "label": "25-44岁" }]),
            "{body}"
        );
        // Declaring the new bands in place of the one that value uses is refused.
        let narrower = json!([{ "dimension": "SEX" }, { "dimension": "AGE", "codes": ["Y15T24", "Y25T34", "Y35T44", "Y45T64", "Y_GE65"] }]);
        let body = app
            .query_as(
                Some(&admin),
                DECLARE,
                json!({ "i": smoking, "a": "RATE", "d": narrower }),
            )
            .await;
        assert_eq!(code(&body), "CONFLICT", "{body}");
        assert_eq!(
            body["errors"][0]["message"],
            "15岁以上人群吸烟率: stored values use AGE=Y25T44 (1 in all), which this declaration \
             would drop; a code with values stays declared"
        );
        let smoking_version = "SELECT CAST(version AS BIGINT) FROM breakdown_declaration d \
             JOIN indicator i ON i.id = d.indicator_id WHERE i.name = '15岁以上人群吸烟率'";
        assert_eq!(scalar(&app, smoking_version).await, 1);

        // By urban/rural too: a value for it is taken only once declared.
        let rural =
            json!({ "i": anaemia, "v": 5.2, "b": [{ "dimension": "URBANISATION", "code": "R" }] });
        let body = app.query_as(Some(&rep_a), SUBMIT, rural.clone()).await;
        assert_eq!(
            body["errors"][0]["message"],
            "breakdown: 5岁以下儿童贫血率 is not reported by URBANISATION"
        );
        let both = json!([{ "dimension": "SEX" }, { "dimension": "URBANISATION" }]);
        let body = app
            .query_as(
                Some(&admin),
                DECLARE,
                json!({ "i": anaemia, "a": "RATE", "d": both }),
            )
            .await;
        assert_eq!(
            body["data"]["declareBreakdowns"]["indicator"],
            json!({ "name": "5岁以下儿童贫血率", "aggregation": "RATE", "breakdowns": [
                { "dimension": "SEX", "codelistVersion": 1, "codes": [{ "code": "F" }, { "code": "M" }, { "code": "_T" }] },
                { "dimension": "URBANISATION", "codelistVersion": 1, "codes": [{ "code": "U" }, { "code": "R" }, { "code": "_T" }] }
            ] }),
            "{body}"
        );
        let body = app.query_as(Some(&rep_a), SUBMIT, rural).await;
        assert_eq!(
            body["data"]["submitValue"]["value"]["status"], "SUBMITTED",
            "{body}"
        );

        // A sex ratio has no parts by sex; nothing changes.
        let body = app
            .query_as(
                Some(&admin),
                DECLARE,
                json!({ "i": ratio, "a": "SEX_RATIO", "d": [{ "dimension": "SEX" }] }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["message"],
            "dimensions: a sex ratio has no parts by sex"
        );
        // The audit log has each change with what it was before.
        let audited = scalar(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action IN ('defineCodelist', 'declareBreakdowns') AND outcome = 'ok'",
        )
        .await;
        assert_eq!(audited, 3);
    }
);
