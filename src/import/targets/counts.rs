//! Counts (新建…个, …张) and grades (二级以上…) stated as targets.

use super::found::{Form, Found};
use super::quantity::*;
use super::subjects::*;
use super::vocabulary::*;
use crate::domain::{Comparator, Direction, TargetBasis};

/// `至少配备1名女干部`, `建成1-2处社区医院`, `新增护理型养老床位870张`: counts of things the
/// plan will build or staff, named by the subject, the verb and what is counted. A clause
/// without a subject takes the one before it in the sentence (`至少配备2名…` after
/// `每所乡镇卫生院…至少配备1名…`). A count of things added (新增, 再创建) is named so: it
/// commits to that many more, not to a total. Two counts joined by 或 are one target.
pub(super) fn counts(clause: &str, subject_before: &mut Option<String>) -> Vec<Found> {
    let clause = clause.trim();
    let mut found = Vec::new();
    let mut spans = Vec::new();
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
        let (object, start, end) = counted_object(clause, verb, verb_at, q_at, q_end);
        let written =
            |s: &str| s.ends_with("至少") || s.ends_with("至少各") || s.ends_with("不少于");
        let explicit = written(clause[..q_at].trim_end()) || written(clause[..verb_at].trim_end());
        let subject = count_subject(clause, verb_at, subject_before);
        let object = object.trim();
        let what = if object.is_empty() {
            subject.clone()
        } else if subject.is_empty() {
            object.to_string()
        } else {
            format!("{subject}{verb}{object}")
        };
        let again = clause[..verb_at].ends_with('再');
        let added = verb == "新增" || again;
        // 再创建…: the quotation starts at 再, which says the count is of things added.
        let start = if again && start == verb_at {
            verb_at - '再'.len_utf8()
        } else {
            start
        };
        let what = if added && !what.is_empty() && !what.starts_with("新增") {
            format!("新增{what}")
        } else {
            what
        };
        if !what.is_empty() {
            spans.push((start, end));
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
                part: 0,
            });
        }
        from = end.max(q_end);
    }
    either(clause, found, &spans)
}

/// `再创建潍坊市级重点学科（专科）2个或潍坊市级基础支撑学科2个`: the same number of either
/// thing is one target, met when either count reaches it — so the figure is the larger count.
fn either(clause: &str, found: Vec<Found>, spans: &[(usize, usize)]) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::with_capacity(found.len());
    let mut last_end = None;
    for (f, &(start, end)) in found.into_iter().zip(spans) {
        let joined = last_end.is_some_and(|e: usize| clause.get(e..start) == Some("或"));
        match out.last_mut() {
            Some(a) if joined && a.value == f.value && a.unit == f.unit => {
                // A third alternative (A或B或C) extends the list, not the suffix.
                let first = a.name.trim_end_matches("数（取较多者）");
                let first = first.trim_end_matches('数').to_string();
                let second = f.name.strip_prefix("新增").unwrap_or(&f.name);
                a.name = format!("{first}或{second}（取较多者）");
                a.raw = format!("{}或{}", a.raw, f.raw);
                a.comparator_inferred |= f.comparator_inferred;
            }
            _ => out.push(f),
        }
        last_end = Some(end);
    }
    out
}

/// What is counted, and where the count's text starts and ends in the clause: before the
/// number (新增护理型养老床位870张) or after it (配备1名女干部).
fn counted_object<'c>(
    clause: &'c str,
    verb: &str,
    verb_at: usize,
    q_at: usize,
    q_end: usize,
) -> (&'c str, usize, usize) {
    let between = clause[verb_at + verb.len()..q_at].trim();
    let tail = &clause[q_end..];
    let ends_here = tail.is_empty() || tail.starts_with(['，', '。', '；', '、', '或']);
    if !between.is_empty() && between != "至少" && !between.ends_with(['和', '、']) && ends_here
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
    }
}

/// Who the count is of: the text before the verb without lead-ins, or the subject before it
/// in the sentence when the clause goes on (至少…, 各…, 均…).
fn count_subject(clause: &str, verb_at: usize, subject_before: &mut Option<String>) -> String {
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
    if subject.is_empty() {
        subject_before
            .clone()
            .filter(|_| continues)
            .unwrap_or_default()
    } else {
        *subject_before = Some(subject.to_string());
        subject.to_string()
    }
}

/// `通过互联互通四级甲等及以上测评`, `具备抗御6级地震能力`: a grade or a capability the plan
/// commits to; not a number to measure progress by, so not quantified.
pub(super) fn grades(clause: &str) -> Vec<Found> {
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
        found.push(Found::without_number(
            format!("{subject}{what}"),
            format!("{verb}{phrase}"),
            clause,
            Form::Grade,
        ));
        break;
    }
    found
}
