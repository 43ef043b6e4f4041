//! The subject of a clause: lists of indicators completed with their shared head noun,
//! populations and lead-ins stripped.

use super::quantity::number_prefix;
use super::vocabulary::*;

/// Names for the indicators of one subject: one per value, or one per listed rate.
pub(super) fn names_for(subject: &str, values: usize) -> Option<Vec<String>> {
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
pub(super) fn split_list(subject: &str) -> Vec<&str> {
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

pub(super) fn is_complete(part: &str) -> bool {
    HEADS.iter().any(|h| part.ends_with(h))
}

pub(super) fn has_digit(part: &str) -> bool {
    part.chars().any(|c| c.is_ascii_digit())
}

/// The longest prefix ending in a population word (5岁以下儿童 of 5岁以下儿童死亡率).
pub(super) fn population_prefix(part: &str) -> Option<&str> {
    POPULATIONS
        .iter()
        .filter_map(|p| part.rfind(p).map(|at| &part[..at + p.len()]))
        .filter(|prefix| prefix.len() < part.len())
        .max_by_key(|prefix| prefix.len())
}

pub(super) fn strip_population(part: &str) -> &str {
    population_prefix(part).map_or(part, |prefix| &part[prefix.len()..])
}

/// A subject without the words before it that say how or when (确保, 力争, 至2025年末 …).
pub(super) fn strip_lead_ins(mut text: &str) -> &str {
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
