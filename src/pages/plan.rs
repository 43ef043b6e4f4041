//! `/plans`: the four plans with their status counts; `/plans/{code}`: a plan's domains and
//! targets with their statuses.

use std::fmt::Write;

use super::{downloads, esc, num, page, query, status};
use crate::ids::{self, Kind};
use crate::repo::export::Snapshot;
use crate::rules::progress::Status;

/// The index: each plan with how many of its targets have each status.
pub fn index(plans: &[(entity::plan::Model, Vec<(Status, usize)>)]) -> String {
    let mut b = String::from(
        "<h1>昌乐县“十四五”规划目标与监测</h1><p>乐政字〔2022〕16号印发的四个规划（2021—2025年）所设定的目标、指标的年度数值及其进展。</p>",
    );
    b.push_str(r#"<div class="table" tabindex="0" role="region" aria-label="各规划目标的状态（个）"><table><caption>各规划目标的状态（个）</caption><thead><tr><th scope="col">规划</th><th scope="col">期限</th>"#);
    for s in Status::ALL {
        let _ = write!(b, r#"<th scope="col">{}</th>"#, status(*s));
    }
    b.push_str(r#"<th scope="col">合计</th></tr></thead><tbody>"#);
    for (p, counts) in plans {
        let _ = write!(
            b,
            r#"<tr><th scope="row"><a href="/plans/{}">{}</a></th><td>{}—{}年</td>"#,
            esc(&p.code),
            esc(&p.title),
            p.period_start,
            p.period_end
        );
        for (_, n) in counts {
            let _ = write!(b, r#"<td class="n">{n}</td>"#);
        }
        let total: usize = counts.iter().map(|(_, n)| n).sum();
        let _ = write!(b, r#"<td class="n">{total}</td></tr>"#);
    }
    b.push_str("</tbody></table></div>");
    b.push_str(&downloads("all"));
    b.push_str(&query(
        "{ plans { code title period { start end } statusCounts { status count } } }",
    ));
    page("全部规划", &[], &b)
}

/// A plan's page: targets grouped by domain, in document order.
pub fn plan(s: &Snapshot) -> String {
    let Some(p) = s.plans.first() else {
        return page("规划", &[], "<h1>没有这个规划</h1>");
    };
    let mut b = format!(
        "<h1>{}</h1><p>期限：{}—{}年。共 {} 个目标。</p>",
        esc(&p.title),
        p.period_start,
        p.period_end,
        s.targets.len()
    );
    if let Some(goal) = &p.overall_goal {
        let _ = write!(b, "<h2>总体目标</h2><blockquote>{}</blockquote>", esc(goal));
    }
    let mut counts = [0usize; 6];
    for (_, a) in &s.targets {
        if let Some(n) = Status::ALL.iter().position(|x| *x == a.status) {
            counts[n] += 1;
        }
    }
    b.push_str(r#"<p>"#);
    for (n, st) in Status::ALL.iter().enumerate() {
        let _ = write!(b, "{} {} 个　", status(*st), counts[n]);
    }
    b.push_str("</p>");
    // Sections in document order: plan-level targets (表1, 具体目标) first, then each domain.
    let mut sections: Vec<Option<i32>> = Vec::new();
    for (t, _) in &s.targets {
        if !sections.contains(&t.domain_id) {
            sections.push(t.domain_id);
        }
    }
    for section in sections {
        let title = match section.and_then(|d| s.domains.get(&d)) {
            Some(d) => format!("{}{}", d.number, d.title),
            None => "规划层面的目标".to_string(),
        };
        let _ = write!(
            b,
            r#"<h2>{}</h2><div class="table" tabindex="0" role="region" aria-label="{}的目标"><table><caption>{}的目标</caption><thead><tr><th scope="col">指标</th><th scope="col">目标</th><th scope="col">年份</th><th scope="col">属性</th><th scope="col">状态</th><th scope="col">进度</th><th scope="col">原文</th></tr></thead><tbody>"#,
            esc(&title),
            esc(&title),
            esc(&title)
        );
        for (t, a) in s.targets.iter().filter(|(t, _)| t.domain_id == section) {
            let name = s
                .indicators
                .get(&t.indicator_id)
                .map_or(t.name.as_str(), |i| i.name.as_str());
            let target = match (t.comparator, t.value) {
                (Some(c), Some(v)) => format!(
                    "{}{}{}",
                    comparator(c),
                    num(v),
                    t.unit.as_deref().unwrap_or("")
                ),
                _ => esc(&t.raw),
            };
            let nature = match t.nature {
                crate::domain::Nature::Expected => "预期性",
                crate::domain::Nature::Binding => "约束性",
                crate::domain::Nature::Unspecified => "—",
            };
            let _ = write!(
                b,
                r#"<tr><th scope="row"><a href="/indicators/{}">{}</a></th><td>{}</td><td class="n">{}</td><td>{nature}</td><td>{}</td><td class="n">{}</td><td>第{}行：{}</td></tr>"#,
                ids::encode(Kind::Indicator, t.indicator_id).0,
                esc(name),
                esc(&target),
                t.year,
                status(a.status),
                a.progress
                    .map_or("—".to_string(), |p| format!("{:.0}%", p * 100.0)),
                t.line_start,
                esc(&t.raw)
            );
        }
        b.push_str("</tbody></table></div>");
    }
    b.push_str(&downloads(&p.code));
    b.push_str(&query(&format!(
        "{{ plan(code: \"{}\") {{ title statusCounts {{ status count }} targets(first: 100) {{ nodes {{ indicator {{ name }} year comparator value unit nature status progress source {{ lineStart }} }} }} }} }}",
        p.code
    )));
    page(&p.title, &[(&format!("/plans/{}", p.code), &p.title)], &b)
}

pub fn comparator(c: crate::domain::Comparator) -> &'static str {
    match c {
        crate::domain::Comparator::AtLeast => "≥",
        crate::domain::Comparator::AtMost => "≤",
        crate::domain::Comparator::About => "约",
        crate::domain::Comparator::Exactly => "=",
    }
}
