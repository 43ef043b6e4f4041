//! The words the grammar knows: units, numerals, qualifiers, head nouns, populations,
//! lead-ins and the verbs that fix a comparator and a direction.

use crate::domain::{Comparator, Direction, TargetBasis};

/// Units a target value may carry, longest first so that 个百分点 wins over 个.
pub(super) const UNITS: &[&str] = &[
    "个百分点",
    "/10万",
    "亿元",
    "%",
    "‰",
    "岁",
    "个",
    "名",
    "张",
    "处",
    "支",
    "所",
    "家",
    "项",
    "种",
    "人",
    "辆",
    "天",
];

/// The units the first grammar knew.
pub(super) const FIRST_UNITS: &[&str] = &["个百分点", "/10万", "%", "‰", "岁", "个"];

/// Units that count things (a facility, a team, a person), as opposed to rates and levels.
pub(super) const COUNT_UNITS: &[&str] = &[
    "个", "名", "张", "处", "支", "所", "家", "项", "种", "人", "辆",
];

/// Chinese numerals a count may be written with (一个特色专科).
pub(super) const NUMERALS: &[(&str, f64)] = &[("一", 1.0), ("两", 2.0), ("二", 2.0), ("三", 3.0)];

/// Fractions written in words, as percentages.
pub(super) const FRACTIONS: &[(&str, f64)] = &[
    ("三分之一", 100.0 / 3.0),
    ("三分之二", 200.0 / 3.0),
    ("四分之一", 25.0),
    ("一半", 50.0),
];

pub(super) const QUALIFIERS: &[(&str, Comparator)] = &[
    ("及以上", Comparator::AtLeast),
    ("以上", Comparator::AtLeast),
    ("以下", Comparator::AtMost),
    ("以内", Comparator::AtMost),
    ("左右", Comparator::About),
];

/// Words that end a subject naming an indicator (a rate, a share, a level …).
pub(super) const HEADS: &[&str] = &["率", "比例", "占比", "寿命", "水平", "数"];

/// Words naming a population; a prefix ending in one is shared by a list of rates.
pub(super) const POPULATIONS: &[&str] = &[
    "每千人口",
    "每万人口",
    "新生儿",
    "婴儿",
    "儿童",
    "妇女",
    "孕产妇",
    "少年",
    "女性",
    "人群",
    "居民",
    "学生",
    "患者",
];

/// Words before a subject that say how, not what (确保…, 力争…, 全县…).
pub(super) const SUBJECT_LEAD_INS: &[&str] = &[
    "其中",
    "确保",
    "力争",
    "实现",
    "全县",
    "分年度",
    "逐步",
    "再",
    "先期",
    "应保证",
    "纵向",
];

/// Predicates of the reversed form `90%的城市社区…建立…`.
pub(super) const PREDICATES: &[&str] = &[
    "达到",
    "接受",
    "建立",
    "设立",
    "配备",
    "开展",
    "建成",
    "具备",
    "建有",
    "能够提供",
];

pub(super) struct Verb {
    pub(super) text: &'static str,
    pub(super) comparator: Comparator,
    pub(super) direction: Direction,
    pub(super) basis: TargetBasis,
    /// The verb itself says the comparator (不低于 …); others only suggest it (达到).
    pub(super) explicit: bool,
}

pub(super) const fn verb(text: &'static str, comparator: Comparator, direction: Direction) -> Verb {
    Verb {
        text,
        comparator,
        direction,
        basis: TargetBasis::Level,
        explicit: false,
    }
}

pub(super) const fn says(text: &'static str, comparator: Comparator, direction: Direction) -> Verb {
    Verb {
        explicit: true,
        ..verb(text, comparator, direction)
    }
}

/// Longest first, so that 分别控制在 is not read as 控制在 with 分别 in the subject.
pub(super) const VERBS: &[Verb] = &[
    Verb {
        text: "平均每年降低",
        comparator: Comparator::AtLeast,
        direction: Direction::LowerIsBetter,
        basis: TargetBasis::AnnualChange,
        explicit: false,
    },
    Verb {
        text: "每年降低",
        comparator: Comparator::AtLeast,
        direction: Direction::LowerIsBetter,
        basis: TargetBasis::AnnualChange,
        explicit: false,
    },
    verb("分别控制在", Comparator::AtMost, Direction::LowerIsBetter),
    verb("控制在", Comparator::AtMost, Direction::LowerIsBetter),
    verb("下降到", Comparator::AtMost, Direction::LowerIsBetter),
    verb("下降至", Comparator::AtMost, Direction::LowerIsBetter),
    verb("降低到", Comparator::AtMost, Direction::LowerIsBetter),
    verb("分别达到", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("达到", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("提高到", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("提高至", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("增至", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("保持在", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("稳定在", Comparator::AtLeast, Direction::HigherIsBetter),
    says("不低于", Comparator::AtLeast, Direction::HigherIsBetter),
    says("不少于", Comparator::AtLeast, Direction::HigherIsBetter),
    // 二级医院不少3个: the document drops the 于.
    says("不少", Comparator::AtLeast, Direction::HigherIsBetter),
    says("超过", Comparator::AtLeast, Direction::HigherIsBetter),
    says("至少为", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("总体为", Comparator::Exactly, Direction::Keep),
    verb("分别为", Comparator::Exactly, Direction::Keep),
    verb("达", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("为", Comparator::Exactly, Direction::Keep),
];

/// Verbs after which a clause names what a following bare rate (检查率) measures.
pub(super) const OBJECT_VERBS: &[&str] = &["提供", "开展", "实施", "进行", "接受"];

/// Verbs of a count: what is built, set up, staffed or added (建成1处…, 新增…870张).
pub(super) const COUNT_VERBS: &[&str] = &[
    "建成", "建设", "建立", "设置", "配备", "打造", "孵化", "完成", "具备", "争创", "创建", "新增",
    "拥有", "实现", "诊治",
];

/// Where what is counted ends, after the number (1名全科医生|提供…).
pub(super) const OBJECT_ENDS: &[&str] = &["，", "。", "；", "提供", "仪器安装"];

/// Words between a figure's name and its value.
pub(super) const STATED_VERBS: &[&str] = &[
    "分别达到",
    "分别为",
    "控制在",
    "提高至",
    "提高到",
    "达到",
    "为",
];
