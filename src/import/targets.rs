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
    pub value: f64,
    pub comparator: Comparator,
    pub direction: Direction,
    pub basis: TargetBasis,
    pub baseline_year: Option<i32>,
    /// The year the sentence sets (到2023年，…); None means the plan's end year.
    pub year: Option<i32>,
    /// The target phrase as published, from the verb to the qualifier.
    pub raw: String,
    /// The clause it was found in.
    pub clause: String,
}

/// Units a target value may carry, longest first so that 个百分点 wins over 个.
const UNITS: &[&str] = &["个百分点", "/10万", "%", "‰", "岁", "个"];
const QUALIFIERS: &[(&str, Comparator)] = &[
    ("以上", Comparator::AtLeast),
    ("以下", Comparator::AtMost),
    ("以内", Comparator::AtMost),
    ("左右", Comparator::About),
];
/// Words that end a subject naming an indicator (a rate, a share, a level …).
const HEADS: &[&str] = &["率", "比例", "占比", "寿命", "水平", "数"];
/// Words naming a population; a prefix ending in one is shared by a list of rates.
const POPULATIONS: &[&str] = &[
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
const SUBJECT_LEAD_INS: &[&str] = &["其中", "确保", "力争", "实现", "全县"];
/// Predicates of the reversed form `90%的城市社区…建立…`.
const PREDICATES: &[&str] = &[
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
}

const fn verb(text: &'static str, comparator: Comparator, direction: Direction) -> Verb {
    Verb {
        text,
        comparator,
        direction,
        basis: TargetBasis::Level,
    }
}

/// Longest first, so that 分别控制在 is not read as 控制在 with 分别 in the subject.
const VERBS: &[Verb] = &[
    Verb {
        text: "平均每年降低",
        comparator: Comparator::AtLeast,
        direction: Direction::LowerIsBetter,
        basis: TargetBasis::AnnualChange,
    },
    Verb {
        text: "每年降低",
        comparator: Comparator::AtLeast,
        direction: Direction::LowerIsBetter,
        basis: TargetBasis::AnnualChange,
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
    verb("不低于", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("不少于", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("超过", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("总体为", Comparator::Exactly, Direction::Keep),
    verb("分别为", Comparator::Exactly, Direction::Keep),
    verb("达", Comparator::AtLeast, Direction::HigherIsBetter),
    verb("为", Comparator::Exactly, Direction::Keep),
];

/// A number with its unit, e.g. 8.2/10万.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity<'a> {
    pub value: f64,
    pub unit: &'a str,
    pub len: usize,
}

/// Reads `<digits>[.<digits>]<unit>` at the start of `s`.
pub fn quantity(s: &str) -> Option<Quantity<'static>> {
    let digits = number_prefix(s)?;
    let value: f64 = s[..digits].parse().ok()?;
    let rest = &s[digits..];
    let unit = UNITS.iter().find(|u| rest.starts_with(**u))?;
    Some(Quantity {
        value,
        unit,
        len: digits + unit.len(),
    })
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

/// Every target in a goal's text, in order.
pub fn extract(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for sentence in text.split(['。', '；']) {
        let year = sentence_year(sentence);
        let mut previous: Option<&str> = None;
        for clause in sentence.split('，') {
            let in_clause = match reversed(clause) {
                Some(targets) => targets,
                None => forward(clause)
                    .into_iter()
                    .map(|f| with_context(f, previous))
                    .collect(),
            };
            found.extend(in_clause.into_iter().map(|f| Found { year, ..f }));
            previous = Some(clause);
        }
    }
    found
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

/// `<subject><verb><values><qualifier>` — the usual way a target is stated; a clause may
/// list several (规范管理率达到95%以上、服药率达到90%以上).
fn forward(clause: &str) -> Vec<Found> {
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
    let mut direction = verb.direction;
    let mut basis = verb.basis;
    if let Some((q, cmp)) = QUALIFIERS
        .iter()
        .find(|(q, _)| after[consumed..].starts_with(*q))
    {
        consumed += q.len();
        comparator = *cmp;
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
        .trim();
    while let Some(lead_in) = SUBJECT_LEAD_INS.iter().find(|l| subject.starts_with(**l)) {
        subject = subject[lead_in.len()..].trim();
    }
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
            value: q.value,
            comparator,
            direction,
            basis,
            baseline_year,
            year: None,
            raw: raw.clone(),
            clause: clause.trim().to_string(),
        })
        .collect();
    Some((targets, end))
}

/// Finds the first verb followed by a quantity; also the form 以2020年为基数下降20%.
fn find_verb(clause: &str) -> Option<(usize, &'static Verb, Option<i32>, usize)> {
    const FROM_BASE: Verb = Verb {
        text: "",
        comparator: Comparator::AtLeast,
        direction: Direction::LowerIsBetter,
        basis: TargetBasis::ChangeFromBaseline,
    };
    for (at, _) in clause.char_indices() {
        let rest = &clause[at..];
        if let Some(year_part) = rest.strip_prefix('以') {
            if let Some(len) = number_prefix(year_part).filter(|l| *l == 4) {
                let tail = &year_part[len..];
                if let Some(after) = tail.strip_prefix("年为基数下降") {
                    if quantity(after).is_some() {
                        let year = year_part[..4].parse().ok();
                        return Some((at, &FROM_BASE, year, rest.len() - after.len()));
                    }
                }
            }
        }
        for verb in VERBS {
            if let Some(after) = rest.strip_prefix(verb.text) {
                if quantity(after).is_some() {
                    return Some((at, verb, None, verb.text.len()));
                }
            }
        }
    }
    None
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

/// `90%的城市社区和80%的农村社区（村）建立家长学校…`: shares of bodies that do something.
fn reversed(clause: &str) -> Option<Vec<Found>> {
    let clause = clause.trim();
    quantity(clause)?;
    let (predicate_at, _) = PREDICATES
        .iter()
        .filter_map(|p| clause.find(p).map(|at| (at, p)))
        .min_by_key(|(at, _)| *at)?;
    let predicate = &clause[predicate_at..];
    let mut found = Vec::new();
    let mut rest = &clause[..predicate_at];
    while let Some(q) = quantity(rest) {
        let after = rest[q.len..].strip_prefix('的')?;
        let end = after
            .char_indices()
            .find(|(i, c)| *c == '和' && quantity(&after[i + c.len_utf8()..]).is_some())
            .map(|(i, _)| i);
        let (subject, next) = match end {
            Some(i) => (&after[..i], &after[i + '和'.len_utf8()..]),
            None => (after, ""),
        };
        found.push(Found {
            name: format!("{predicate}的{subject}比例"),
            unit: q.unit.to_string(),
            value: q.value,
            comparator: Comparator::AtLeast,
            direction: Direction::HigherIsBetter,
            basis: TargetBasis::Level,
            baseline_year: None,
            year: None,
            raw: format!("{}的{subject}", &rest[..q.len]),
            clause: clause.to_string(),
        });
        rest = next;
    }
    (!found.is_empty()).then_some(found)
}

/// `X从2015年的78.74岁上升到2020年的80.11岁`: values the text states for past years.
#[derive(Debug, Clone, PartialEq)]
pub struct StatedChange {
    pub subject: String,
    pub from: (i32, f64),
    pub to: (i32, f64),
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

/// `2015年的78.74岁` → (2015, 78.74) and the rest of the text.
fn year_value(s: &str) -> Option<((i32, f64), &str)> {
    let year_len = number_prefix(s).filter(|l| *l == 4)?;
    let year = s[..year_len].parse().ok()?;
    let after = s[year_len..].strip_prefix("年的")?;
    let q = quantity(after)?;
    Some(((year, q.value), &after[q.len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief(text: &str) -> Vec<(String, f64, String, Comparator, Direction)> {
        extract(text)
            .into_iter()
            .map(|f| (f.name, f.value, f.unit, f.comparator, f.direction))
            .collect()
    }

    #[test]
    fn one_sentence_three_indicators() {
        assert_eq!(
            brief("新生儿、婴儿和5岁以下儿童死亡率分别控制在3‰、3.3‰和4‰以下，城乡和地区差距逐步缩小。"),
            vec![
                ("新生儿死亡率".into(), 3.0, "‰".into(), Comparator::AtMost, Direction::LowerIsBetter),
                ("婴儿死亡率".into(), 3.3, "‰".into(), Comparator::AtMost, Direction::LowerIsBetter),
                ("5岁以下儿童死亡率".into(), 4.0, "‰".into(), Comparator::AtMost, Direction::LowerIsBetter),
            ]
        );
    }

    #[test]
    fn shared_population_prefix() {
        let names: Vec<String> = extract("5岁以下儿童贫血率和生长迟缓率分别控制在4%和1.8%以下")
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["5岁以下儿童贫血率", "5岁以下儿童生长迟缓率"]);
    }

    #[test]
    fn one_value_for_two_rates() {
        let found = extract("全面消除中小学“大班额”，义务教育入学率、巩固率保持在100%。");
        let names: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["义务教育入学率", "义务教育巩固率"]);
        assert!(found
            .iter()
            .all(|f| f.value == 100.0 && f.comparator == Comparator::AtLeast));
    }

    #[test]
    fn qualifiers_override_the_verb() {
        assert_eq!(
            brief("就业人员中的女性比例保持在45%左右。"),
            vec![(
                "就业人员中的女性比例".into(),
                45.0,
                "%".into(),
                Comparator::About,
                Direction::Keep
            )]
        );
        assert_eq!(
            brief("12岁儿童龋患率控制在30%以内。"),
            vec![(
                "12岁儿童龋患率".into(),
                30.0,
                "%".into(),
                Comparator::AtMost,
                Direction::LowerIsBetter
            )]
        );
        assert_eq!(
            brief("城镇单位从业人员中的女性比例达到43%以上。"),
            vec![(
                "城镇单位从业人员中的女性比例".into(),
                43.0,
                "%".into(),
                Comparator::AtLeast,
                Direction::HigherIsBetter
            )]
        );
    }

    #[test]
    fn a_verb_inside_a_word_is_not_a_verb() {
        let found = extract("中小学生国家学生体质健康标准达标优良率达到55%以上。");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "中小学生国家学生体质健康标准达标优良率");
        assert_eq!(found[0].raw, "达到55%以上");
    }

    #[test]
    fn a_bare_rate_takes_its_object_from_the_clause_before() {
        let found = extract("为全县适龄（35-64岁）妇女提供宫颈癌、乳腺癌免费检查，检查率均达到80%以上。妇女常见病筛查率达到85%以上。");
        let names: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["宫颈癌、乳腺癌免费检查率", "妇女常见病筛查率"]);
    }

    #[test]
    fn several_targets_in_one_clause_and_the_sentence_year() {
        let found = extract("到2025年，严重精神障碍患者规范管理率达到95%以上、服药率达到90%以上，抑郁症治疗率大幅提高。");
        let got: Vec<(&str, f64, Option<i32>)> = found
            .iter()
            .map(|f| (f.name.as_str(), f.value, f.year))
            .collect();
        assert_eq!(
            got,
            [
                ("严重精神障碍患者规范管理率", 95.0, Some(2025)),
                ("严重精神障碍患者服药率", 90.0, Some(2025))
            ]
        );
        let found = extract("到2023年，全县…基本建立，每千人口3岁以下婴幼儿托位数达到2.4个。");
        assert_eq!((found[0].year, found[0].value), (Some(2023), 2.4));
        assert_eq!(extract("孕产妇系统管理率达到90%以上。")[0].year, None);
    }

    #[test]
    fn lead_ins_and_yearly_changes_in_the_subject() {
        let found = extract("确保女童义务教育巩固率达100%。");
        assert_eq!(found[0].name, "女童义务教育巩固率");
        let found =
            extract("学生常见病及健康影响因素监测全覆盖，总体近视率每年降低不少于1个百分点。");
        assert_eq!(found[0].name, "总体近视率");
        assert_eq!(
            (found[0].basis, found[0].direction),
            (TargetBasis::AnnualChange, Direction::LowerIsBetter)
        );
        assert_eq!(
            (found[0].comparator, found[0].value),
            (Comparator::AtLeast, 1.0)
        );
    }

    #[test]
    fn change_targets() {
        let found = extract("儿童意外伤害死亡率以2020年为基数下降20%。");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].basis, TargetBasis::ChangeFromBaseline);
        assert_eq!(found[0].baseline_year, Some(2020));
        assert_eq!(found[0].value, 20.0);
        assert_eq!(found[0].raw, "以2020年为基数下降20%");
        let found = extract("儿童总体近视率平均每年降低1个百分点以上");
        assert_eq!(found[0].basis, TargetBasis::AnnualChange);
        assert_eq!(found[0].unit, "个百分点");
        assert_eq!(found[0].direction, Direction::LowerIsBetter);
    }

    #[test]
    fn reversed_shares() {
        let found =
            extract("90%的城市社区和80%的农村社区（村）建立家长学校或家庭教育指导服务站点。");
        let names: Vec<(&str, f64)> = found.iter().map(|f| (f.name.as_str(), f.value)).collect();
        assert_eq!(
            names,
            [
                ("建立家长学校或家庭教育指导服务站点的城市社区比例", 90.0),
                (
                    "建立家长学校或家庭教育指导服务站点的农村社区（村）比例",
                    80.0
                )
            ]
        );
    }

    #[test]
    fn sentences_without_targets() {
        assert!(extract("为全县1周岁儿童免费接种一剂水痘疫苗。").is_empty());
        assert!(extract("逐步提高女性接受职业教育的水平。").is_empty());
    }

    #[test]
    fn stated_past_values() {
        assert_eq!(
            stated_changes(
                "全县人均期望寿命从2015年的78.74岁上升到2020年的80.11岁，婴儿死亡率2.27‰"
            ),
            vec![StatedChange {
                subject: "人均期望寿命".into(),
                from: (2015, 78.74),
                to: (2020, 80.11)
            }]
        );
    }
}
