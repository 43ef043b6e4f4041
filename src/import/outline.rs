//! Stage 2: lines → document header, plans, chapters, domains and numbered items.
//!
//! The document's outline is read from its numbering (一、 / （一） / 1． / （1） / 专栏N / 表N)
//! and the chapter titles decide what the numbered items of a chapter are: 发展领域 chapters hold
//! domains with 主要目标 (goals) and 策略措施 (measures); 主要任务 / 重点任务 chapters hold task
//! sections, 重点项目 project sections; a 具体目标 / 主要目标 section holds plan-level goals; any
//! other numbered paragraph that carries a department tag is an implementation item.

mod goal_targets;
mod lines;
mod plan;

use super::dataset::{DocumentData, PlanData};
use super::text::Line;
use super::ImportError;
use plan::*;

/// The plans a document may hold, by a word of their title.
const PLAN_CODES: &[(&str, &str)] = &[
    ("妇女", "women"),
    ("儿童", "children"),
    ("卫生与健康", "health"),
    ("防震减灾", "earthquake"),
];

/// The covering notice: number, issuer, title, date, and the plan titles it lists.
pub fn header(lines: &[Line]) -> Result<(DocumentData, Vec<String>, usize), ImportError> {
    let first_text = |from: usize| {
        lines
            .iter()
            .skip(from)
            .position(|l| !l.trimmed().is_empty())
            .map(|p| p + from)
    };
    let number_at = lines
        .iter()
        .position(|l| {
            let t = l.trimmed();
            t.contains("〔") && t.ends_with('号') && t.chars().count() < 30
        })
        .ok_or_else(|| ImportError::general("no document number (…〔YYYY〕N号) found"))?;
    let issuer_at = first_text(number_at + 1)
        .ok_or_else(|| ImportError::general("the document ends after its number"))?;
    let title_at = first_text(issuer_at + 1)
        .ok_or_else(|| ImportError::general("the document has no title"))?;
    let date_at = lines
        .iter()
        .position(|l| parse_date(l.trimmed()).is_some())
        .ok_or_else(|| ImportError::general("no issue date (YYYY年M月D日) found"))?;
    let issue_date = parse_date(lines[date_at].trimmed()).unwrap_or((0, 0, 0));
    let notice = lines[..date_at]
        .iter()
        .find(|l| l.text.contains("印发") && l.text.contains('《') && !l.text.contains("关于印发"))
        .ok_or_else(|| ImportError::general("the notice names no plans (《…》)"))?;
    let titles = notice
        .text
        .split('《')
        .skip(1)
        .filter_map(|s| s.split('》').next())
        .filter(|t| t.ends_with("规划"))
        .map(str::to_string)
        .collect::<Vec<_>>();
    let document = DocumentData {
        number: lines[number_at].trimmed().to_string(),
        issuer: lines[issuer_at].trimmed().to_string(),
        issue_date,
        title: lines[title_at].trimmed().to_string(),
        sha256: String::new(),
        line_count: lines.len(),
    };
    Ok((document, titles, date_at + 1))
}

/// `2022年7月14日` → (2022, 7, 14).
fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let (year, rest) = text.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.strip_suffix('日')?;
    let date = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    (year.len() == 4 && (1..=12).contains(&date.1) && (1..=31).contains(&date.2)).then_some(date)
}

fn plan_code(title: &str) -> Option<&'static str> {
    PLAN_CODES
        .iter()
        .find(|(word, _)| title.contains(word))
        .map(|(_, code)| *code)
}

fn is_plan_heading(text: &str) -> bool {
    text.starts_with("昌乐县")
        && text.ends_with("规划")
        && !text.contains('。')
        && text.chars().count() < 40
}

/// Splits the body into plans and parses each.
pub fn plans(
    lines: &[Line],
    body_start: usize,
    notice_titles: &[String],
) -> Result<Vec<PlanData>, ImportError> {
    let starts: Vec<usize> = (body_start..lines.len())
        .filter(|i| is_plan_heading(lines[*i].trimmed()))
        .collect();
    if starts.len() < notice_titles.len() {
        let last = lines
            .iter()
            .rev()
            .find(|l| !l.trimmed().is_empty())
            .map_or(0, |l| l.no);
        return Err(ImportError::at(
            last,
            format!(
                "the document is truncated: the notice lists {} plans, the text has {}",
                notice_titles.len(),
                starts.len()
            ),
        ));
    }
    let mut plans = Vec::new();
    for (n, start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let heading = &lines[*start];
        let title = heading.trimmed().to_string();
        let code = plan_code(&title)
            .ok_or_else(|| ImportError::at(heading.no, format!("unknown plan {title}")))?;
        let notice_title = notice_titles
            .iter()
            .find(|t| plan_code(t) == Some(code))
            .cloned();
        let mut parser = PlanParser::new(code, title, notice_title, &lines[*start..end])?;
        parser.run()?;
        plans.push(parser.finish()?);
    }
    Ok(plans)
}

#[cfg(test)]
mod tests;
