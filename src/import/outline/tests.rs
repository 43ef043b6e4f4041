//! Tests of `outline`.

use super::lines::*;
use super::*;

#[test]
fn reads_numbering() {
    assert_eq!(
        numbered("三、发展领域、主要目标和策略措施"),
        Some(Numbered::Chapter("三", "发展领域、主要目标和策略措施"))
    );
    assert_eq!(
        numbered("（十一）提升卫生健康信息化和智能化水平"),
        Some(Numbered::Section("十一", "提升卫生健康信息化和智能化水平"))
    );
    assert_eq!(
        numbered("1．主要目标"),
        Some(Numbered::Point("1", "主要目标"))
    );
    assert_eq!(
        numbered("1.居民健康水平走在前列。"),
        Some(Numbered::Point("1", "居民健康水平走在前列。"))
    );
    assert_eq!(
        numbered("（12）以推进健康城市"),
        Some(Numbered::Item("12", "以推进健康城市"))
    );
    assert_eq!(
        numbered("（3） 做好儿童医疗保障工作。"),
        Some(Numbered::Item("3", "做好儿童医疗保障工作。"))
    );
    assert_eq!(numbered("2020年，全县"), None);
}

#[test]
fn reads_dates() {
    assert_eq!(parse_date("2022年7月14日"), Some((2022, 7, 14)));
    assert_eq!(parse_date("2022年13月1日"), None);
    assert_eq!(parse_date("到2025年"), None);
}
