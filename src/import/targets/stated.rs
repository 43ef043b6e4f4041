//! Figures the text states as facts (achieved values and changes), for the series.

use super::quantity::*;
use super::subjects::*;
use super::vocabulary::*;

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

pub(super) fn stated_change(clause: &str) -> Option<StatedChange> {
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
pub(super) fn year_value(s: &str) -> Option<((i32, f64, String), &str)> {
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
                            // 60%以上: the bound is part of the figure.
                            raw: clause[*q_at..q_at + q.len + bound_len(&clause[q_at + q.len..])]
                                .to_string(),
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

/// The length of a bound word the targets' grammar knows (以上, 以下, 以内 …) that starts
/// `after`, or 0; 左右 is no bound.
fn bound_len(after: &str) -> usize {
    QUALIFIERS
        .iter()
        .filter(|(_, c)| *c != crate::domain::Comparator::About)
        .find(|(q, _)| after.starts_with(*q))
        .map_or(0, |(q, _)| q.len())
}

/// Names for a run of figures: as for targets, except that a list of plain nouns
/// (`每千人口执业（助理）医师、注册护士`) names one figure each, sharing the first's population.
pub(super) fn figure_names(subject: &str, values: usize) -> Vec<String> {
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
pub(super) fn sentence_start_year(sentence: &str) -> Option<i32> {
    let s = sentence.trim();
    let s = s.strip_prefix("截至").unwrap_or(s);
    let len = number_prefix(s).filter(|l| *l == 4)?;
    s[len..].starts_with('年').then(|| s[..len].parse().ok())?
}
