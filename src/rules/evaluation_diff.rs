//! What changed between two evaluations, target by target (by the target's stable key): its
//! class, the value used (or its year), the target in force, or the target itself appearing or
//! going. Pure.

use entity::evaluation_item::Model as Item;

/// One target that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Position: the later evaluation's order, then targets only the earlier had.
    pub rank: (i32, i32),
    pub before: Option<Item>,
    pub after: Option<Item>,
    /// Why, in Chinese, with the numbers.
    pub why: String,
}

fn value(i: &Item) -> String {
    match (i.value, i.value_year) {
        (Some(v), Some(y)) => format!("{}（{y}年）", crate::rules::progress::num(v)),
        _ => "无数值".into(),
    }
}

/// What differs between two items of one target, in words; none when nothing does.
fn differs(a: &Item, b: &Item) -> Option<String> {
    let mut out = Vec::new();
    if a.class != b.class {
        out.push(format!("类别 {} → {}", a.class, b.class));
    }
    if a.value != b.value || a.value_year != b.value_year {
        out.push(format!("所用数值 {} → {}", value(a), value(b)));
    }
    if a.target_value != b.target_value || a.comparator != b.comparator {
        let t = |i: &Item| {
            i.target_value
                .map_or("无".into(), crate::rules::progress::num)
        };
        out.push(format!("目标值 {} → {}", t(a), t(b)));
    }
    (!out.is_empty()).then(|| out.join("；"))
}

/// The changes from `from` to `to`, in `to`'s order, then what only `from` had.
pub fn diff(from: &[Item], to: &[Item]) -> Vec<Change> {
    let mut out = Vec::new();
    for b in to {
        match from.iter().find(|a| a.target_key == b.target_key) {
            Some(a) => {
                if let Some(why) = differs(a, b) {
                    out.push(Change {
                        rank: (0, b.ordinal),
                        before: Some(a.clone()),
                        after: Some(b.clone()),
                        why,
                    });
                }
            }
            None => out.push(Change {
                rank: (0, b.ordinal),
                before: None,
                after: Some(b.clone()),
                why: format!("新增目标（{}）", b.class),
            }),
        }
    }
    for a in from {
        if !to.iter().any(|b| b.target_key == a.target_key) {
            out.push(Change {
                rank: (1, a.ordinal),
                before: Some(a.clone()),
                after: None,
                why: format!("目标已不在后一评估中（原为 {}）", a.class),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str, ordinal: i32, class: &str, value: Option<f64>) -> Item {
        Item {
            id: 0,
            evaluation_id: 0,
            ordinal,
            target_id: 0,
            target_key: key.into(),
            plan_code: "health".into(),
            domain: String::new(),
            nature: "expected".into(),
            departments: "[]".into(),
            indicator: key.into(),
            unit: None,
            class: class.into(),
            value,
            value_year: value.map(|_| 2022),
            target_value: Some(100.0),
            comparator: Some("at_least".into()),
            target_year: 2025,
            binding: false,
            progress: None,
            expected: None,
            reason_zh: String::new(),
            reason_en: String::new(),
        }
    }

    #[test]
    fn classes_values_and_targets_that_come_or_go_are_listed_with_why() {
        let from = [
            item("a", 0, "ON_PACE", Some(70.0)),
            item("b", 1, "NO_DATA", None),
            item("c", 2, "BEHIND", Some(1.0)),
        ];
        let to = [
            item("a", 0, "ACHIEVED", Some(100.0)),
            item("b", 1, "NO_DATA", None),
            item("d", 2, "NO_DATA", None),
        ];
        let changes = diff(&from, &to);
        let whys: Vec<&str> = changes.iter().map(|c| c.why.as_str()).collect();
        assert_eq!(
            whys,
            [
                "类别 ON_PACE → ACHIEVED；所用数值 70（2022年） → 100（2022年）",
                "新增目标（NO_DATA）",
                "目标已不在后一评估中（原为 BEHIND）"
            ]
        );
        assert!(diff(&from, &from).is_empty());
    }
}
