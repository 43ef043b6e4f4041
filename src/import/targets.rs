//! Stage 5: quantified targets stated inside goal sentences.
//!
//! A small grammar, not a list of sentences: `<subject><verb><value>(、<value>)*(和<value>)?<qualifier>?`
//! where the verb fixes the default comparator and direction (控制在 → at most, lower is better;
//! 达到 → at least, higher is better; 保持在…左右 → about) and a qualifier (以上, 以下, 以内, 左右)
//! overrides the comparator. A subject naming several indicators (新生儿、婴儿和5岁以下儿童死亡率
//! … 3‰、3.3‰和4‰) yields one indicator per value, each completed with the shared head noun.

use crate::domain::{Comparator, Direction, TargetBasis};

/// One target found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub name: String,
    pub unit: String,
    /// None for a target stated without a number (a grade, a capability).
    pub value: Option<f64>,
    pub comparator: Option<Comparator>,
    /// No comparator word is written (以上, 不低于, 至少 …): the comparator is the verb's reading.
    pub comparator_inferred: bool,
    pub direction: Direction,
    pub basis: TargetBasis,
    pub baseline_year: Option<i32>,
    /// The year the sentence sets (到2023年，…); None means the plan's end year.
    pub year: Option<i32>,
    /// The target phrase as published, from the verb to the qualifier.
    pub raw: String,
    /// The clause it was found in.
    pub clause: String,
    /// Read by the first grammar (see [`Found::is_first_grammar`]).
    pub first_grammar: bool,
    /// Which form of statement it was read from (its key says so: t, s, c or g).
    pub form: Form,
}

impl Found {
    /// A level or share the first grammar read already (units 个百分点 /10万 % ‰ 岁 个, digits,
    /// the verbs it knew): these keep their keys `…/t1`, `…/t2` from before; targets the
    /// grammar reads since are numbered apart (`…/s1`), so no earlier key changes its meaning.
    pub fn is_first_grammar(&self) -> bool {
        self.form == Form::Level && self.first_grammar
    }
}

/// The forms a target is stated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A rate, level or share (`…达到90%以上`, `90%的城市社区…`).
    Level,
    /// A count of things to build or staff (`建成1处…`).
    Count,
    /// A grade or capability without a number to measure (`四级甲等`, `抗御6级地震`).
    Grade,
}

/// Units a target value may carry, longest first so that 个百分点 wins over 个.
const UNITS: &[&str] = &[
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
    "天",
];
/// The units the first grammar knew.
const FIRST_UNITS: &[&str] = &["个百分点", "/10万", "%", "‰", "岁", "个"];
/// Units that count things (a facility, a team, a person), as opposed to rates and levels.
const COUNT_UNITS: &[&str] = &["个", "名", "张", "处", "支", "所", "家", "项", "种", "人"];
/// Chinese numerals a count may be written with (一个特色专科).
const NUMERALS: &[(&str, f64)] = &[("一", 1.0), ("两", 2.0), ("二", 2.0), ("三", 3.0)];
/// Fractions written in words, as percentages.
const FRACTIONS: &[(&str, f64)] = &[
    ("三分之一", 100.0 / 3.0),
    ("三分之二", 200.0 / 3.0),
    ("四分之一", 25.0),
    ("一半", 50.0),
];
const QUALIFIERS: &[(&str, Comparator)] = &[
    ("及以上", Comparator::AtLeast),
    ("以上", Comparator::AtLeast),
    ("以下", Comparator::AtMost),
    ("以内", Comparator::AtMost),
    ("左右", Comparator::About),
];
/// Words that end a subject naming an indicator (a rate, a share, a level …).
const HEADS: &[&str] = &["率", "比例", "占比", "寿命", "水平", "数"];
/// Words naming a population; a prefix ending in one is shared by a list of rates.
const POPULATIONS: &[&str] = &[
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
const SUBJECT_LEAD_INS: &[&str] = &[
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
];
/// Predicates of the reversed form `90%的城市社区…建立…`.
const PREDICATES: &[&str] = &[
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

struct Verb {
    text: &'static str,
    comparator: Comparator,
    direction: Direction,
    basis: TargetBasis,
    /// The verb itself says the comparator (不低于 …); others only suggest it (达到).
    explicit: bool,
}

const fn verb(text: &'static str, comparator: Comparator, direction: Direction) -> Verb {
    Verb {
        text,
        comparator,
        direction,
        basis: TargetBasis::Level,
        explicit: false,
    }
}

const fn says(text: &'static str, comparator: Comparator, direction: Direction) -> Verb {
    Verb {
        explicit: true,
        ..verb(text, comparator, direction)
    }
}

/// Longest first, so that 分别控制在 is not read as 控制在 with 分别 in the subject.
const VERBS: &[Verb] = &[
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

/// A number with its unit: 8.2/10万, 1-2处 (a range: its lower end, and the upper), 三分之一
/// and 一半 (as percentages), 一个 (a count in words), 3：2 (a ratio).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity<'a> {
    pub value: f64,
    pub unit: &'a str,
    pub len: usize,
    /// The upper end of a range (1至2支).
    pub upper: Option<f64>,
    /// Written in words (三分之一, 一个) or as a ratio (3：2), not as a plain number.
    pub words: bool,
}

impl Quantity<'_> {
    pub fn is_count(&self) -> bool {
        COUNT_UNITS.contains(&self.unit)
    }
}

/// Reads a quantity at the start of `s`.
#[inline]
pub fn quantity(s: &str) -> Option<Quantity<'static>> {
    // Callers try every position of every clause: the common miss is decided by one
    // character, where the caller is.
    if s.chars().next().is_some_and(may_start_quantity) {
        quantity_here(s)
    } else {
        None
    }
}

fn quantity_here(s: &str) -> Option<Quantity<'static>> {
    let plain = |value: f64, unit: &'static str, len: usize| Quantity {
        value,
        unit,
        len,
        upper: None,
        words: true,
    };
    if let Some((text, value)) = FRACTIONS.iter().find(|(t, _)| s.starts_with(t)) {
        return Some(plain(*value, "%", text.len()));
    }
    for (text, value) in NUMERALS {
        if let Some(rest) = s
            .strip_prefix(text)
            .filter(|r| !r.starts_with(['级', '等']))
        {
            if let Some(unit) = COUNT_UNITS.iter().find(|u| rest.starts_with(**u)) {
                return Some(plain(*value, unit, text.len() + unit.len()));
            }
        }
    }
    let digits = number_prefix(s)?;
    let value: f64 = s[..digits].parse().ok()?;
    let mut rest = &s[digits..];
    let mut len = digits;
    if let Some(after) = rest.strip_prefix('：') {
        let d = number_prefix(after)?;
        let of: f64 = after[..d].parse().ok().filter(|b: &f64| *b > 0.0)?;
        let len = digits + '：'.len_utf8() + d;
        // 106.58：100 is per hundred; 3：2 is a plain ratio.
        return Some(if of == 100.0 {
            plain(value, "：100", len)
        } else {
            plain(value / of, "比", len)
        });
    }
    let mut upper = None;
    for sep in ["-", "至", "～"] {
        if let Some(after) = rest.strip_prefix(sep) {
            if let Some(d) = number_prefix(after) {
                upper = after[..d].parse().ok();
                len += sep.len() + d;
                rest = &after[d..];
                break;
            }
        }
    }
    let unit = UNITS.iter().find(|u| rest.starts_with(**u))?;
    Some(Quantity {
        value,
        unit,
        len: len + unit.len(),
        upper,
        words: false,
    })
}

/// Whether a quantity may start with `c`: a digit, or the first character of [`FRACTIONS`] or
/// [`NUMERALS`] (a test holds the two lists to this).
fn may_start_quantity(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '一' | '两' | '二' | '三' | '四')
}

/// Length in bytes of a leading decimal number.
pub fn number_prefix(s: &str) -> Option<usize> {
    let mut len = 0;
    let mut seen_digit = false;
    let mut seen_dot = false;
    for c in s.chars() {
        match c {
            '0'..='9' => seen_digit = true,
            '.' if seen_digit && !seen_dot => seen_dot = true,
            _ => break,
        }
        len += 1;
    }
    if s[..len].ends_with('.') {
        len -= 1;
    }
    seen_digit.then_some(len)
}

/// Verbs after which a clause names what a following bare rate (检查率) measures.
const OBJECT_VERBS: &[&str] = &["提供", "开展", "实施", "进行", "接受"];

/// Every target in a goal's text, in order of form (levels and shares, counts, grades) and
/// within a form in document order — so that adding a form never renumbers another's keys.
pub fn extract(text: &str) -> Vec<Found> {
    // 不少于 100张: a stray space of the export.
    let text = text.replace(' ', "");
    let mut levels = Vec::new();
    let mut others = Vec::new();
    for sentence in text.split(['。', '；']) {
        let year = sentence_year(sentence);
        let mut previous: Option<&str> = None;
        let (mut bodies, mut subject) = (None, None);
        for clause in sentence.split('，') {
            let here: Vec<Found> = match shares(clause, &mut bodies) {
                Some(targets) => targets,
                None => forward(clause)
                    .into_iter()
                    .map(|f| with_context(f, previous))
                    .collect(),
            };
            let mut extra: Vec<Found> = counts(clause, &mut subject)
                .into_iter()
                .filter(|c| !here.iter().any(|f| f.value == c.value && f.unit == c.unit))
                .collect();
            if here.is_empty() && extra.is_empty() {
                extra = grades(clause);
            }
            levels.extend(here.into_iter().map(|f| Found { year, ..f }));
            others.extend(extra.into_iter().map(|f| Found { year, ..f }));
            previous = Some(clause);
        }
    }
    levels.extend(others);
    levels
}

/// `到2023年，…` / `力争到2025年` / `至2025年末`: the year a sentence's targets are for.
fn sentence_year(sentence: &str) -> Option<i32> {
    ["到", "至"].iter().find_map(|word| {
        sentence.match_indices(word).find_map(|(at, _)| {
            let rest = &sentence[at + word.len()..];
            let len = number_prefix(rest).filter(|l| *l == 4)?;
            rest[len..]
                .starts_with('年')
                .then(|| rest[..len].parse().ok())?
        })
    })
}

/// `…提供宫颈癌、乳腺癌免费检查，检查率均达到80%` — a bare rate takes its object from the
/// clause before: 宫颈癌、乳腺癌免费检查率.
fn with_context(mut found: Found, previous: Option<&str>) -> Found {
    let Some(previous) = previous else {
        return found;
    };
    let Some(stem) = found.name.strip_suffix('率') else {
        return found;
    };
    if found.name.chars().count() > 3 || stem.is_empty() || !previous.ends_with(stem) {
        return found;
    }
    let start = OBJECT_VERBS
        .iter()
        .filter_map(|v| previous.rfind(v).map(|at| at + v.len()))
        .max()
        .unwrap_or(0);
    found.name = format!("{}率", &previous[start..]);
    found
}

/// `县级综合医院中医床位数不低于总标准床位数的8%`: a share of another quantity, written
/// after it; the name says of what (…占总标准床位数的比例).
fn share_of(clause: &str) -> Option<Found> {
    let clause = clause.trim();
    let (verb_at, verb) = ["不低于", "不少于"]
        .iter()
        .filter_map(|v| clause.find(v).map(|at| (at, *v)))
        .min_by_key(|(at, _)| *at)?;
    let after = &clause[verb_at + verb.len()..];
    let of_at = after.find('的')?;
    let whole = &after[..of_at];
    let q = quantity(&after[of_at + '的'.len_utf8()..]).filter(|q| q.unit == "%")?;
    let subject = strip_lead_ins(clause[..verb_at].trim());
    (!subject.is_empty() && !whole.is_empty() && !has_digit(whole)).then(|| Found {
        first_grammar: false,
        name: format!("{subject}占{whole}的比例"),
        unit: "%".into(),
        value: Some(q.value),
        comparator: Some(Comparator::AtLeast),
        comparator_inferred: false,
        direction: Direction::HigherIsBetter,
        basis: TargetBasis::Level,
        baseline_year: None,
        year: None,
        raw: clause[verb_at..verb_at + verb.len() + of_at + '的'.len_utf8() + q.len].to_string(),
        clause: clause.to_string(),
        form: Form::Level,
    })
}

/// `<subject><verb><values><qualifier>` — the usual way a target is stated; a clause may
/// list several (规范管理率达到95%以上、服药率达到90%以上).
fn forward(clause: &str) -> Vec<Found> {
    let found = forward_lists(clause);
    if found.is_empty() {
        return share_of(clause).into_iter().collect();
    }
    found
}

fn forward_lists(clause: &str) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let mut rest = clause;
    while let Some((targets, consumed)) = forward_one(rest, clause) {
        let population = found
            .first()
            .and_then(|f| population_prefix(&f.name))
            .map(str::to_string);
        for mut target in targets {
            // 服药率 after 严重精神障碍患者规范管理率 is the same patients' rate.
            if let Some(population) = &population {
                if target.name.chars().count() <= 3 {
                    target.name = format!("{population}{}", target.name);
                }
            }
            found.push(target);
        }
        rest = rest[consumed..].trim_start_matches('、');
    }
    found
}

/// The first target of `text` and how many bytes of it the target took.
fn forward_one(text: &str, clause: &str) -> Option<(Vec<Found>, usize)> {
    let (at, verb, baseline_year, verb_len) = find_verb(text)?;
    let after = &text[at + verb_len..];
    let (values, mut consumed) = value_list(after);
    if values.is_empty() {
        return None;
    }
    let mut comparator = verb.comparator;
    let mut comparator_inferred = !verb.explicit;
    let mut direction = verb.direction;
    let mut basis = verb.basis;
    if let Some((q, cmp)) = QUALIFIERS
        .iter()
        .find(|(q, _)| after[consumed..].starts_with(*q))
    {
        consumed += q.len();
        comparator = *cmp;
        comparator_inferred = false;
        if verb.basis == TargetBasis::Level {
            direction = match cmp {
                Comparator::AtLeast => Direction::HigherIsBetter,
                Comparator::AtMost => Direction::LowerIsBetter,
                _ => Direction::Keep,
            };
        }
    }
    let mut subject = text[..at]
        .trim()
        .trim_end_matches('均')
        .trim_end_matches("分别")
        .trim_end_matches("一般")
        .trim();
    subject = strip_lead_ins(subject);
    // 总体近视率每年降低不少于1个百分点: the change per year is the target.
    for change in ["每年降低", "每年下降"] {
        if let Some(stripped) = subject.strip_suffix(change) {
            subject = stripped;
            basis = TargetBasis::AnnualChange;
            direction = Direction::LowerIsBetter;
        }
    }
    let end = at + verb_len + consumed;
    let raw = text[at..end].to_string();
    let names = names_for(subject, values.len()).filter(|_| !subject.is_empty())?;
    let targets = names
        .into_iter()
        .zip(values.iter().cycle())
        .map(|(name, q)| Found {
            name,
            unit: q.unit.to_string(),
            value: Some(q.value),
            comparator: Some(comparator),
            // A range (1-2处) is read as at least its lower end.
            comparator_inferred: comparator_inferred || q.upper.is_some(),
            first_grammar: FIRST_UNITS.contains(&q.unit)
                && !q.words
                && q.upper.is_none()
                && !["不少", "至少为"].contains(&verb.text),
            direction,
            basis,
            baseline_year,
            year: None,
            raw: raw.clone(),
            clause: clause.trim().to_string(),
            form: Form::Level,
        })
        .collect();
    Some((targets, end))
}

/// Finds the first verb followed by a quantity (at one place, the first in [`VERBS`]: the
/// longest); also the form 以2020年为基数下降20%, which goes before a verb at the same place.
fn find_verb(clause: &str) -> Option<(usize, &'static Verb, Option<i32>, usize)> {
    const FROM_BASE: Verb = Verb {
        text: "",
        comparator: Comparator::AtLeast,
        direction: Direction::LowerIsBetter,
        basis: TargetBasis::ChangeFromBaseline,
        explicit: false,
    };
    let from_base = clause.match_indices('以').find_map(|(at, _)| {
        let year_part = &clause[at + '以'.len_utf8()..];
        let len = number_prefix(year_part).filter(|l| *l == 4)?;
        let after = year_part[len..].strip_prefix("年为基数下降")?;
        quantity(after)?;
        let year = year_part[..4].parse().ok();
        Some((at, &FROM_BASE, year, clause.len() - at - after.len()))
    });
    // A verb counts only before a quantity, and quantities are few: find them first, then the
    // verbs that end where one starts (trying every verb at every place was two thirds of
    // the document's parse).
    let verb = clause
        .char_indices()
        .filter(|(at, _)| quantity(&clause[*at..]).is_some())
        .flat_map(|(q_at, _)| {
            VERBS
                .iter()
                .enumerate()
                .filter(move |(_, v)| clause[..q_at].ends_with(v.text))
                .map(move |(rank, v)| (q_at - v.text.len(), rank, v))
        })
        .min_by_key(|(at, rank, _)| (*at, *rank))
        .map(|(at, _, v)| (at, v, None, v.text.len()));
    match (from_base, verb) {
        (Some(b), Some(v)) => Some(if b.0 <= v.0 { b } else { v }),
        (b, v) => b.or(v),
    }
}

/// `3‰、3.3‰和4‰` → three quantities, and how many bytes they took.
fn value_list(s: &str) -> (Vec<Quantity<'static>>, usize) {
    let mut values = Vec::new();
    let mut pos = 0;
    while let Some(q) = quantity(&s[pos..]) {
        values.push(q);
        pos += q.len;
        let rest = &s[pos..];
        let sep = ["、", "和"].into_iter().find(|sep| {
            rest.strip_prefix(*sep)
                .is_some_and(|after| quantity(after).is_some())
        });
        match sep {
            Some(sep) => pos += sep.len(),
            None => break,
        }
    }
    (values, pos)
}

/// Names for the indicators of one subject: one per value, or one per listed rate.
fn names_for(subject: &str, values: usize) -> Option<Vec<String>> {
    let parts = split_list(subject);
    let all_complete = parts.iter().all(|p| is_complete(p));
    if parts.len() > 1 && (parts.len() == values || (values == 1 && all_complete)) {
        let first = parts[0];
        let last = parts[parts.len() - 1];
        let head = strip_population(last);
        let population = population_prefix(first);
        let names = parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                if !is_complete(part) {
                    format!("{part}{head}")
                } else if i > 0 && part.chars().count() <= 3 {
                    // 义务教育入学率、巩固率: the bare rate shares the first one's topic.
                    let keep = first.chars().count().saturating_sub(part.chars().count());
                    format!("{}{part}", first.chars().take(keep).collect::<String>())
                } else if i > 0 && population_prefix(part).is_none() && !has_digit(part) {
                    format!("{}{part}", population.unwrap_or(""))
                } else {
                    part.to_string()
                }
            })
            .collect();
        Some(names)
    } else if values == 1 {
        Some(vec![subject.to_string()])
    } else {
        None
    }
}

/// Splits a subject on 、 and 和 outside brackets.
fn split_list(subject: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in subject.char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth -= 1,
            '、' | '和' if depth == 0 => {
                parts.push(&subject[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&subject[start..]);
    parts.retain(|p| !p.is_empty());
    parts
}

fn is_complete(part: &str) -> bool {
    HEADS.iter().any(|h| part.ends_with(h))
}

fn has_digit(part: &str) -> bool {
    part.chars().any(|c| c.is_ascii_digit())
}

/// The longest prefix ending in a population word (5岁以下儿童 of 5岁以下儿童死亡率).
fn population_prefix(part: &str) -> Option<&str> {
    POPULATIONS
        .iter()
        .filter_map(|p| part.rfind(p).map(|at| &part[..at + p.len()]))
        .filter(|prefix| prefix.len() < part.len())
        .max_by_key(|prefix| prefix.len())
}

fn strip_population(part: &str) -> &str {
    population_prefix(part).map_or(part, |prefix| &part[prefix.len()..])
}

/// `90%的城市社区和80%的农村社区（村）建立家长学校…`, `30%以上机构达到国家推荐标准`,
/// `乡镇卫生院、社区卫生服务中心100%达到国家基本标准`: shares of bodies that do something.
/// The bodies may come before the share, after it, or — when neither — from the share before
/// (`50%以上达到甲等乡镇卫生院标准` after `100%的乡镇卫生院开展…`).
fn shares(clause: &str, bodies_before: &mut Option<String>) -> Option<Vec<Found>> {
    let clause = strip_lead_ins(clause.trim());
    let (share_at, _) = clause.char_indices().find_map(|(at, _)| {
        quantity(&clause[at..])
            .filter(|q| q.unit == "%")
            .map(|q| (at, q))
    })?;
    let leading = strip_lead_ins(&clause[..share_at]);
    // The share must be the clause's subject, not a value after a verb (…达到90%).
    if VERBS
        .iter()
        .any(|v| leading.contains(v.text) && !v.text.is_empty())
        || has_digit(leading)
    {
        return None;
    }
    let (predicate_at, _) = PREDICATES
        .iter()
        .filter_map(|p| clause[share_at..].find(p).map(|at| (share_at + at, p)))
        .min_by_key(|(at, _)| *at)?;
    let predicate = clause[predicate_at..].trim_end_matches(['。', '；']);
    let mut found = Vec::new();
    let mut rest = &clause[share_at..predicate_at];
    while let Some(q) = quantity(rest) {
        let mut after = &rest[q.len..];
        let mut comparator_inferred = true;
        if let Some(a) = after.strip_prefix("以上") {
            after = a;
            comparator_inferred = false;
        }
        let after = after.strip_prefix('的').unwrap_or(after);
        let end = after
            .char_indices()
            .find(|(i, c)| *c == '和' && quantity(&after[i + c.len_utf8()..]).is_some())
            .map(|(i, _)| i);
        let (subject, next) = match end {
            Some(i) => (&after[..i], &after[i + '和'.len_utf8()..]),
            None => (after, ""),
        };
        let bodies = [subject, leading]
            .into_iter()
            .map(|b| b.trim().trim_end_matches('和'))
            .find(|b| !b.is_empty())
            .map(str::to_string)
            .or_else(|| bodies_before.clone())?;
        *bodies_before = Some(bodies.clone());
        let first_grammar = leading.is_empty()
            && comparator_inferred
            && !q.words
            && rest[q.len..].starts_with('的')
            && !["达到", "接受"].iter().any(|p| predicate.starts_with(p));
        found.push(Found {
            first_grammar,
            name: format!("{predicate}的{bodies}比例"),
            unit: q.unit.to_string(),
            value: Some(q.value),
            comparator: Some(Comparator::AtLeast),
            comparator_inferred,
            direction: Direction::HigherIsBetter,
            basis: TargetBasis::Level,
            baseline_year: None,
            year: None,
            raw: rest[..rest.len() - next.len()]
                .trim_end_matches('和')
                .to_string()
                + predicate,
            clause: clause.to_string(),
            form: Form::Level,
        });
        rest = next;
    }
    (!found.is_empty()).then_some(found)
}

/// A subject without the words before it that say how or when (确保, 力争, 至2025年末 …).
fn strip_lead_ins(mut text: &str) -> &str {
    loop {
        let before = text;
        text = text.trim();
        for lead_in in SUBJECT_LEAD_INS {
            if let Some(rest) = text.strip_prefix(lead_in) {
                text = rest.trim();
            }
        }
        for word in ["到", "至"] {
            if let Some(rest) = text.strip_prefix(word) {
                if number_prefix(rest) == Some(4) && rest[4..].starts_with('年') {
                    let rest = &rest[4 + '年'.len_utf8()..];
                    text = rest
                        .strip_prefix('末')
                        .or_else(|| rest.strip_prefix('底'))
                        .unwrap_or(rest)
                        .trim();
                }
            }
        }
        if text == before {
            return text;
        }
    }
}

/// Verbs of a count: what is built, set up, staffed or added (建成1处…, 新增…870张).
const COUNT_VERBS: &[&str] = &[
    "建成", "建设", "建立", "设置", "配备", "打造", "孵化", "完成", "具备", "争创", "创建", "新增",
    "拥有", "实现", "诊治",
];

/// Where what is counted ends, after the number (1名全科医生|提供…).
const OBJECT_ENDS: &[&str] = &["，", "。", "；", "提供", "仪器安装"];

/// `至少配备1名女干部`, `建成1-2处社区医院`, `新增护理型养老床位870张`: counts of things the
/// plan will build or staff, named by the subject, the verb and what is counted. A clause
/// without a subject takes the one before it in the sentence (`至少配备2名…` after
/// `每所乡镇卫生院…至少配备1名…`).
fn counts(clause: &str, subject_before: &mut Option<String>) -> Vec<Found> {
    let clause = clause.trim();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some((q_at, q)) = clause[from..].char_indices().find_map(|(at, _)| {
        // 每一所薄弱学校: every one, not a count of one.
        let every = clause[..from + at].ends_with('每');
        quantity(&clause[from + at..])
            .filter(|q| q.is_count() && !every)
            .map(|q| (from + at, q))
    }) {
        let q_end = q_at + q.len;
        // The count's verb: the last one before the number.
        let Some((verb_at, verb)) = COUNT_VERBS
            .iter()
            .filter_map(|v| clause[..q_at].rfind(v).map(|at| (at, *v)))
            .max_by_key(|(at, _)| *at)
        else {
            from = q_end;
            continue;
        };
        let between = clause[verb_at + verb.len()..q_at].trim();
        let tail = &clause[q_end..];
        let ends_here = tail.is_empty() || tail.starts_with(['，', '。', '；', '、', '或']);
        let (object, start, end) = if !between.is_empty()
            && between != "至少"
            && !between.ends_with(['和', '、'])
            && ends_here
        {
            // 新增护理型养老床位870张: what is counted comes before the number (after any
            // count before it: …2个或潍坊市级基础支撑学科2个).
            let cut = between.rfind(['或', '、']);
            let own = cut.map_or(between, |at| &between[at + '或'.len_utf8()..]);
            let start = if cut.is_some() {
                q_at - own.len()
            } else {
                verb_at
            };
            (own, start, q_end)
        } else {
            let stop = OBJECT_ENDS
                .iter()
                .filter_map(|w| tail.find(w))
                .chain(
                    // 1个基准站和1个基本站: 和 before another count ends this one.
                    tail.match_indices('和')
                        .filter(|(i, _)| {
                            quantity(&tail[i + '和'.len_utf8()..]).is_some_and(|q| q.is_count())
                        })
                        .map(|(i, _)| i),
                )
                .min()
                .unwrap_or(tail.len());
            let start = if between.is_empty() || between == "至少" {
                verb_at
            } else {
                q_at
            };
            (&tail[..stop], start, q_end + stop)
        };
        let written =
            |s: &str| s.ends_with("至少") || s.ends_with("至少各") || s.ends_with("不少于");
        let explicit = written(clause[..q_at].trim_end()) || written(clause[..verb_at].trim_end());
        let mut subject = strip_lead_ins(clause[..verb_at].trim())
            .trim_end_matches(['各', '均', '要', '能'])
            .trim_end_matches("至少")
            .trim_end_matches(['各', '均'])
            .trim();
        if let Some((_, after_title)) = subject.split_once('：') {
            subject = after_title.trim();
        }
        // 至少配备2名… after 每所乡镇卫生院…至少配备1名…: the same subject goes on.
        let continues = clause.starts_with(['至', '各', '均']);
        let subject = if subject.is_empty() {
            subject_before
                .clone()
                .filter(|_| continues)
                .unwrap_or_default()
        } else {
            *subject_before = Some(subject.to_string());
            subject.to_string()
        };
        let object = object.trim();
        let what = if object.is_empty() {
            subject.clone()
        } else if subject.is_empty() {
            object.to_string()
        } else {
            format!("{subject}{verb}{object}")
        };
        if !what.is_empty() {
            found.push(Found {
                first_grammar: false,
                name: if what.ends_with('数') {
                    what
                } else {
                    format!("{what}数")
                },
                unit: q.unit.to_string(),
                value: Some(q.value),
                comparator: Some(Comparator::AtLeast),
                comparator_inferred: !explicit || q.upper.is_some(),
                direction: Direction::HigherIsBetter,
                basis: TargetBasis::Level,
                baseline_year: None,
                year: None,
                raw: clause[start..end].to_string(),
                clause: clause.to_string(),
                form: Form::Count,
            });
        }
        from = end.max(q_end);
    }
    found
}

/// `通过互联互通四级甲等及以上测评`, `具备抗御6级地震能力`: a grade or a capability the plan
/// commits to; not a number to measure progress by, so not quantified.
fn grades(clause: &str) -> Vec<Found> {
    let clause = clause.trim();
    let mut found = Vec::new();
    for verb in ["通过", "达到", "具备"] {
        let Some(verb_at) = clause.find(verb) else {
            continue;
        };
        let rest = &clause[verb_at + verb.len()..];
        let graded = rest.char_indices().any(|(at, _)| {
            let t = &rest[at..];
            let digits = t
                .chars()
                .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
                .count();
            digits > 0 && t.chars().nth(digits) == Some('级')
        });
        if !graded {
            continue;
        }
        let subject = strip_lead_ins(clause[..verb_at].trim());
        let phrase = rest.trim_end_matches(['。', '；']);
        let what = phrase.replace("及以上", "");
        found.push(Found {
            first_grammar: false,
            name: format!("{subject}{what}"),
            unit: String::new(),
            value: None,
            comparator: None,
            comparator_inferred: false,
            direction: Direction::HigherIsBetter,
            basis: TargetBasis::Level,
            baseline_year: None,
            year: None,
            raw: format!("{verb}{phrase}"),
            clause: clause.to_string(),
            form: Form::Grade,
        });
        break;
    }
    found
}

/// `X从2015年的78.74岁上升到2020年的80.11岁`: values the text states for past years, each
/// with the words that give it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatedChange {
    pub subject: String,
    pub from: (i32, f64, String),
    pub to: (i32, f64, String),
}

pub fn stated_changes(text: &str) -> Vec<StatedChange> {
    let mut out = Vec::new();
    for sentence in text.split(['。', '；']) {
        for clause in sentence.split('，') {
            if let Some(change) = stated_change(clause) {
                out.push(change);
            }
        }
    }
    out
}

fn stated_change(clause: &str) -> Option<StatedChange> {
    let from_at = clause.find('从')?;
    let subject = clause[..from_at].trim().trim_start_matches("全县");
    let (from, rest) = year_value(&clause[from_at + '从'.len_utf8()..])?;
    let to_at = rest.find(['到', '至'])?;
    let (to, _) = year_value(&rest[to_at + '到'.len_utf8()..])?;
    (!subject.is_empty()).then(|| StatedChange {
        subject: subject.to_string(),
        from,
        to,
    })
}

/// `2015年的78.74岁` → (2015, 78.74, "2015年的78.74岁") and the rest of the text.
fn year_value(s: &str) -> Option<((i32, f64, String), &str)> {
    let year_len = number_prefix(s).filter(|l| *l == 4)?;
    let year = s[..year_len].parse().ok()?;
    let after = s[year_len..].strip_prefix("年的")?;
    let q = quantity(after)?;
    let used = s.len() - after.len() + q.len;
    Some(((year, q.value, s[..used].to_string()), &after[q.len..]))
}

/// A figure a sentence states: `婴儿死亡率2.27‰`, `床位使用率69%`,
/// `每千人口执业（助理）医师、注册护士达到2.77人和2.73人`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    pub name: String,
    pub value: f64,
    /// The year the sentence gives (`2020年，…`, `截至2020年底，…`); None: from the context.
    pub year: Option<i32>,
    pub raw: String,
}

/// Words between a figure's name and its value.
const STATED_VERBS: &[&str] = &[
    "分别达到",
    "分别为",
    "控制在",
    "提高至",
    "提高到",
    "达到",
    "为",
];

/// A figure at `at`: a quantity (and its qualifier) that ends its phrase — followed by the end
/// of the clause, 、 or 和. `5岁` of `5岁以下儿童死亡率` is part of a name, not a figure.
/// Returns the quantity and where the figure ends.
fn figure_at(clause: &str, at: usize) -> Option<(Quantity<'static>, usize)> {
    if clause[..at].ends_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let q = quantity(&clause[at..])?;
    let mut end = at + q.len;
    if let Some((w, _)) = QUALIFIERS
        .iter()
        .find(|(w, _)| clause[end..].starts_with(*w))
    {
        end += w.len();
    }
    let rest = &clause[end..];
    (rest.is_empty() || rest.starts_with(['、', '和'])).then_some((q, end))
}

/// The figures of a paragraph that reviews past years (规划背景).
pub fn stated_values(text: &str) -> Vec<Stated> {
    let mut out = Vec::new();
    for sentence in text.split(['。', '；']) {
        let year = sentence_start_year(sentence);
        for clause in sentence.split('，') {
            let mut from = 0;
            let mut at = 0;
            while at < clause.len() {
                let Some((q, end)) = figure_at(clause, at) else {
                    at += clause[at..].chars().next().map_or(1, char::len_utf8);
                    continue;
                };
                // A run of figures joined by 、/和 is named by the text before the first.
                let mut run = vec![(at, q)];
                let mut next = end;
                while let Some(after) = ["、", "和"]
                    .iter()
                    .find_map(|j| clause[next..].strip_prefix(*j))
                {
                    let Some((q, end)) = figure_at(clause, clause.len() - after.len()) else {
                        break;
                    };
                    run.push((clause.len() - after.len(), q));
                    next = end;
                }
                let mut subject = clause[from..at].trim();
                for verb in STATED_VERBS {
                    subject = subject.strip_suffix(verb).unwrap_or(subject);
                }
                let subject = subject
                    .trim_start_matches(['、', '和'])
                    .trim_start_matches("全县")
                    .trim_start_matches("我县")
                    .trim();
                if !subject.is_empty() {
                    for (name, (q_at, q)) in figure_names(subject, run.len()).into_iter().zip(&run)
                    {
                        out.push(Stated {
                            name,
                            value: q.value,
                            year,
                            raw: clause[*q_at..q_at + q.len].to_string(),
                        });
                    }
                }
                from = next;
                at = next;
            }
        }
    }
    out
}

/// Names for a run of figures: as for targets, except that a list of plain nouns
/// (`每千人口执业（助理）医师、注册护士`) names one figure each, sharing the first's population.
fn figure_names(subject: &str, values: usize) -> Vec<String> {
    let parts = split_list(subject);
    if parts.len() == values && values > 1 && parts.iter().all(|p| !is_complete(p)) {
        let population = population_prefix(parts[0]).unwrap_or("");
        return parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i == 0 || p.starts_with(population) {
                    p.to_string()
                } else {
                    format!("{population}{p}")
                }
            })
            .collect();
    }
    names_for(subject, values).unwrap_or_default()
}

/// `2020年，…`, `2020年全县…`, `截至2020年底，…`: the year a sentence reports on.
fn sentence_start_year(sentence: &str) -> Option<i32> {
    let s = sentence.trim();
    let s = s.strip_prefix("截至").unwrap_or(s);
    let len = number_prefix(s).filter(|l| *l == 4)?;
    s[len..].starts_with('年').then(|| s[..len].parse().ok())?
}

#[cfg(test)]
mod tests;
