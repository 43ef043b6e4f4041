//! Declared breakdowns (issue 33, item 1): which indicators are reported by sex, age or
//! urban/rural, with their codes, and how their parts relate to the total.

use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;

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
