//! Stage 5: quantified targets stated inside goal sentences.
//!
//! A small grammar, not a list of sentences: `<subject><verb><value>(、<value>)*(和<value>)?<qualifier>?`
//! where the verb fixes the default comparator and direction (控制在 → at most, lower is better;
//! 达到 → at least, higher is better; 保持在…左右 → about) and a qualifier (以上, 以下, 以内, 左右)
//! overrides the comparator. A subject naming several indicators (新生儿、婴儿和5岁以下儿童死亡率
//! … 3‰、3.3‰和4‰) yields one indicator per value, each completed with the shared head noun.

mod counts;
mod coverage;
mod found;
mod quantity;
mod stated;
mod subjects;
mod vocabulary;

use crate::domain::{Comparator, Direction, TargetBasis};
use counts::*;
pub use found::{Form, Found};
use quantity::*;
use subjects::*;
use vocabulary::*;

pub use quantity::{number_prefix, quantity, Quantity};
pub use stated::{stated_changes, stated_values, Stated, StatedChange};

/// The span of `text` that reads `squeezed` once the spaces [`extract`] reads past are gone:
/// what the document wrote (不少于 100张) for a phrase read without them (不少于100张). None
/// when `text` has no such span.
pub fn as_written(text: &str, squeezed: &str) -> Option<String> {
    let kept: Vec<(usize, char)> = text.char_indices().filter(|(_, c)| *c != ' ').collect();
    let joined: String = kept.iter().map(|(_, c)| c).collect();
    let at = joined.find(squeezed)?;
    let first = joined[..at].chars().count();
    let count = squeezed.chars().count();
    let (start, _) = *kept.get(first)?;
    let (last, c) = *kept.get((first + count).checked_sub(1)?)?;
    Some(text[start..last + c.len_utf8()].to_string())
}

/// Every target in a goal's text, in order of form (levels and shares, counts, grades,
/// coverage) and
/// within a form in document order — so that adding a form never renumbers another's keys.
pub fn extract(text: &str) -> Vec<Found> {
    // 不少于 100张: a stray space of the export.
    let text = text.replace(' ', "");
    let mut levels = Vec::new();
    let mut others = Vec::new();
    for whole in text.split('。') {
        // A year said at the head of a sentence holds across its semicolons (到2025年，A；B).
        let mut carried = None;
        for sentence in whole.split('；') {
            let mut year = sentence_year(sentence).or(carried);
            let mut previous: Option<&str> = None;
            let (mut bodies, mut subject) = (None, None);
            for clause in sentence.split('，') {
                // 到“十四五”末 dates what follows it, not what went before (先期实现50项…，
                // 到“十四五”末，实现…).
                if year.is_none() && FOURTEENTH_END.iter().any(|w| clause.contains(w)) {
                    year = Some(2025);
                }
                let here: Vec<Found> = match shares(clause, &mut bodies) {
                    Some(targets) => targets,
                    None => forward(clause)
                        .into_iter()
                        .map(|f| with_context(f, previous))
                        .flat_map(|f| each(f, clause))
                        .collect(),
                };
                let mut extra: Vec<Found> = counts(clause, &mut subject)
                    .into_iter()
                    .filter(|c| !here.iter().any(|f| f.value == c.value && f.unit == c.unit))
                    .collect();
                if here.is_empty() && extra.is_empty() {
                    extra = grades(clause);
                }
                if here.is_empty() && extra.is_empty() {
                    extra.extend(coverage::coverage(clause));
                }
                levels.extend(here.into_iter().map(|f| Found { year, ..f }));
                others.extend(extra.into_iter().map(|f| Found { year, ..f }));
                previous = Some(clause);
            }
            carried = year;
        }
    }
    levels.extend(others);
    levels
}

/// The end of the 14th Five-Year Plan period (十四五, 2021–2025), as sentences name it.
const FOURTEENTH_END: [&str; 3] = ["十四五”末", "十四五末", "十四五”期末"];

/// `到2023年，…` / `力争到2025年` / `至2025年末` / `力争2022年投入使用`: the year a sentence's
/// targets are for, as the sentence states it (`到“十四五”末` is read clause by clause).
fn sentence_year(sentence: &str) -> Option<i32> {
    ["到", "至", "力争"].iter().find_map(|word| {
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

/// `…宫颈癌、乳腺癌免费检查，检查率均达到80%以上`: 均 (or 各, 分别) sets the one value on each
/// measure the subject lists, so each is a target of its own, named with the shared tail —
/// the words after the last measure's own noun, which ends as the first measure does
/// (宫颈癌 … 乳腺癌|免费检查率). Measures complete in themselves (入学率、巩固率) are split by
/// [`names_for`] already.
fn each(found: Found, clause: &str) -> Vec<Found> {
    let distributive = ["均", "各", "分别"]
        .iter()
        .any(|m| clause.contains(&format!("{m}{}", found.raw)));
    let parts = split_list(&found.name);
    if !distributive || parts.len() < 2 || parts.iter().all(|p| is_complete(p)) {
        return vec![found];
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    let tail = first
        .chars()
        .last()
        .and_then(|end| last.find(end).map(|at| &last[at + end.len_utf8()..]))
        .filter(|tail| !tail.is_empty());
    let Some(tail) = tail else {
        return vec![found];
    };
    let names: Vec<String> = parts
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if k + 1 == parts.len() {
                p.to_string()
            } else {
                format!("{p}{tail}")
            }
        })
        .collect();
    names
        .into_iter()
        .enumerate()
        .map(|(part, name)| Found {
            name,
            part,
            ..found.clone()
        })
        .collect()
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
        part: 0,
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
            part: 0,
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
            // As written: the last share runs on into the predicate; an earlier one is its
            // own words only (90%的城市社区), the predicate being written once, after the last.
            raw: if next.is_empty() {
                rest.to_string() + predicate
            } else {
                rest[..rest.len() - next.len()]
                    .trim_end_matches('和')
                    .to_string()
            },
            clause: clause.to_string(),
            form: Form::Level,
            part: 0,
        });
        rest = next;
    }
    (!found.is_empty()).then_some(found)
}

#[cfg(test)]
mod tests;
