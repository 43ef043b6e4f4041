//! Commitments written without a number (issue 29, item 4), each kind decided once:
//! - `实现…全覆盖` (or `…全覆盖` as a goal): all of what it covers, a coverage rate of 100%;
//! - softened by 基本 (`基本实现…全覆盖`), an elimination (`基本消除…`, `全面消除…`) or a
//!   completion (`应建尽建`): a commitment a report cannot meet by a number the text gives, so a
//!   target without one (`NOT_QUANTIFIED`);
//! - `推进…全覆盖`: a direction of work, not a commitment — no target.

use super::found::{Form, Found};
use super::subjects::strip_lead_ins;
use crate::domain::Comparator;

const FULL: &str = "全覆盖";

/// The commitment of one clause, if it makes one of these kinds.
pub(super) fn coverage(clause: &str) -> Option<Found> {
    let clause = clause.trim().trim_end_matches(['。', '；']);
    if let Some(at) = clause.find(FULL) {
        let before = &clause[..at];
        if before.contains("推进") {
            return None;
        }
        // 基本 softens the verb (基本实现…), not a noun it begins (基本康复服务).
        let softened = before.contains("基本实现") || before.trim_start().starts_with("基本");
        let what = strip_lead_ins(before.trim_start_matches("基本"));
        let what = what.strip_prefix("实施").unwrap_or(what).trim();
        if what.is_empty() {
            return None;
        }
        // Quoted from the verb before what is covered, if one is there (实现全县…全覆盖).
        let what_at = before.len() - what.len();
        let start = ["基本实现", "实现", "实施"]
            .iter()
            .filter_map(|v| before.find(v))
            .filter(|p| *p <= what_at)
            .min()
            .unwrap_or(what_at);
        let raw = &clause[start..at + FULL.len()];
        let name = format!("{}覆盖率", what.trim_end_matches("实现"));
        return Some(if softened {
            unquantified(name, raw, clause)
        } else {
            full(name, raw, clause)
        });
    }
    for word in ["基本消除", "全面消除"] {
        if let Some(at) = clause.find(word) {
            let raw = &clause[at..];
            let name = raw[word.len()..].to_string();
            return (!name.is_empty()).then(|| unquantified(format!("消除{name}"), raw, clause));
        }
    }
    let at = clause.find("应建尽建")?;
    let subject = strip_lead_ins(&clause[..at]);
    let subject = subject.strip_suffix("实现").unwrap_or(subject);
    let raw = &clause[clause.find(subject).unwrap_or(0)..];
    (!subject.is_empty()).then(|| unquantified(format!("{subject}应建尽建"), raw, clause))
}

/// All of it: 100%, at least (no comparator word: 全 says it).
fn full(name: String, raw: &str, clause: &str) -> Found {
    Found {
        value: Some(100.0),
        unit: "%".to_string(),
        comparator: Some(Comparator::AtLeast),
        comparator_inferred: true,
        ..unquantified(name, raw, clause)
    }
}

fn unquantified(name: String, raw: &str, clause: &str) -> Found {
    Found::without_number(name, raw.to_string(), clause, Form::Coverage)
}

#[cfg(test)]
mod tests {
    use super::coverage;

    fn read(clause: &str) -> Option<(String, Option<f64>, String)> {
        coverage(clause).map(|f| (f.name, f.value, f.raw))
    }

    #[test]
    fn each_kind_is_read_once_and_the_same_way() {
        // women L216: all of it, 100%.
        assert_eq!(
            read("实现全县农村“千吨万人”饮用水水源地水质监测全覆盖"),
            Some((
                "农村“千吨万人”饮用水水源地水质监测覆盖率".into(),
                Some(100.0),
                "实现全县农村“千吨万人”饮用水水源地水质监测全覆盖".into()
            ))
        );
        // children L351: 基本 in a noun (基本康复服务) softens nothing.
        assert_eq!(
            read("有康复需求的残疾儿童基本康复服务全覆盖").and_then(|r| r.1),
            Some(100.0)
        );
        // health L779: 基本实现 commits to no number.
        assert_eq!(
            read("基本实现高血压、糖尿病高危人群及患者管理干预全覆盖"),
            Some((
                "高血压、糖尿病高危人群及患者管理干预覆盖率".into(),
                None,
                "基本实现高血压、糖尿病高危人群及患者管理干预全覆盖".into()
            ))
        );
        // women L75, children L325, women L217: elimination and completion, no number.
        assert_eq!(
            read("（8）基本消除女性青壮年文盲现象"),
            Some((
                "消除女性青壮年文盲现象".into(),
                None,
                "基本消除女性青壮年文盲现象".into()
            ))
        );
        assert_eq!(
            read("全面消除中小学“大班额”").map(|r| r.0),
            Some("消除中小学“大班额”".into())
        );
        assert_eq!(
            read("母婴室实现应建尽建"),
            Some(("母婴室应建尽建".into(), None, "母婴室实现应建尽建".into()))
        );
        // health L839, women L226: 推进 is a direction of work, not a commitment.
        assert_eq!(read("持续推进中小学校学生免费视力筛查全覆盖"), None);
        assert_eq!(read("推进城镇污水管网全覆盖"), None);
    }
}
