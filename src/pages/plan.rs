//! `/` (and `/plans`): the four plans with their status counts; `/plans/{code}`: a plan's domains and
//! targets with their statuses.

use std::fmt::Write;

use super::{downloads, esc, num, page, query, status};
use crate::ids::{self, Kind};
use crate::repo::export::Snapshot;
use crate::rules::progress::Status;

/// The landing page: what is here, then each plan as a card with how many of its targets
/// have each status (cards, not a wide table, so a phone shows whole titles).
pub fn index(
    plans: &[(entity::plan::Model, Vec<(Status, usize)>)],
    evaluations: &[entity::evaluation::Model],
) -> String {
    let mut b = String::from(
        "<h1>昌乐县“十四五”规划目标与监测</h1><p>乐政字〔2022〕16号印发的四个规划（2021—2025年）\
         所设定的目标、指标的年度数值及其进展。点开一个规划查看它的目标；每个页面都可下载数据。</p>\
         <ul class=\"cards\">",
    );
    for (p, counts) in plans {
        let total: usize = counts.iter().map(|(_, n)| n).sum();
        let _ = write!(
            b,
            r#"<li class="card"><h2><a href="/plans/{}">{}</a></h2><p>{}—{}年 · 目标 {total} 个</p><ul class="counts">"#,
            esc(&p.code),
            esc(&p.title),
            p.period_start,
            p.period_end
        );
        for (s, n) in counts.iter().filter(|(_, n)| *n > 0) {
            let _ = write!(b, "<li>{} {n}</li>", status(*s));
        }
        b.push_str("</ul></li>");
    }
    b.push_str("</ul>");
    b.push_str(&super::evaluation::list(evaluations));
    b.push_str(&downloads("all"));
    b.push_str(
        "<h2>其他获取方式</h2><ul class=\"dl\">\
         <li><a href=\"/catalog.jsonld\">数据目录</a>（DCAT-AP，供开放数据平台采集；\
         <a href=\"/catalog.ttl\">Turtle</a>）</li>\
         <li><a href=\"/feed.atom\">发布订阅</a>（Atom：每次发布、更正与导入）</li>\
         <li><a href=\"/graphql\">GraphQL 接口</a>（开发者）</li></ul>",
    );
    b.push_str(&query(
        "{ plans { code title period { start end } statusCounts { status count } } }",
    ));
    page("全部规划", &[], &b)
}

/// A plan's page: targets grouped by domain, in document order, then the evaluations that
/// class them (the plan's own and those of all plans).
pub fn plan(s: &Snapshot, evaluations: &[entity::evaluation::Model]) -> String {
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
    // Sections in document order: plan-level targets (表1, 具体目标) first, then each domain,
    // with a table of contents first (a plan is many screens on a phone).
    let mut sections: Vec<Option<i32>> = Vec::new();
    for (t, _) in &s.targets {
        if !sections.contains(&t.domain_id) {
            sections.push(t.domain_id);
        }
    }
    let titles: Vec<String> = sections
        .iter()
        .map(|section| match section.and_then(|d| s.domains.get(&d)) {
            Some(d) => format!("{}{}", d.number, d.title),
            None => "规划层面的目标".to_string(),
        })
        .collect();
    b.push_str(r#"<nav class="toc" aria-label="目录"><h2>目录</h2><ol>"#);
    for (n, title) in titles.iter().enumerate() {
        let _ = write!(b, r##"<li><a href="#s{}">{}</a></li>"##, n + 1, esc(title));
    }
    if !s.monitored.is_empty() {
        b.push_str(r##"<li><a href="#monitored">监测指标（不设目标值）</a></li>"##);
    }
    b.push_str(r##"<li><a href="#evaluations">监测评估报告</a></li><li><a href="#downloads">下载</a></li></ol></nav>"##);
    for (n, (section, title)) in sections.iter().zip(&titles).enumerate() {
        b.push_str(&section_table(s, *section, title, n + 1));
    }
    b.push_str(&monitored(s));
    b.push_str(&super::evaluation::list(evaluations));
    b.push_str(&downloads(&p.code));
    b.push_str(&query(&format!(
        "{{ plan(code: \"{}\") {{ title statusCounts {{ status count }} targets(first: 100) {{ nodes {{ indicator {{ name }} year comparator value unit nature status progress source {{ lineStart }} }} }} }} }}",
        p.code
    )));
    page(&p.title, &[(&format!("/plans/{}", p.code), &p.title)], &b)
}

/// The indicators the plan's tables list without a target (target column `-`).
fn monitored(s: &Snapshot) -> String {
    if s.monitored.is_empty() {
        return String::new();
    }
    let mut b = String::from(r#"<h2 id="monitored">监测指标（不设目标值）</h2><ul>"#);
    for m in &s.monitored {
        let number = m
            .table_number
            .map_or(String::new(), |n| format!("第{n}项，"));
        let _ = write!(
            b,
            r#"<li><a href="/indicators/{}">{}</a>（指标表{number}第{}行）</li>"#,
            ids::encode(Kind::Indicator, m.indicator_id).0,
            esc(&m.name),
            m.line_start
        );
    }
    b.push_str("</ul>");
    b
}

/// One section's targets as a table; on a narrow screen each row is a block of labelled
/// cells (the `stack` style), so nothing needs scrolling sideways.
fn section_table(s: &Snapshot, section: Option<i32>, title: &str, n: usize) -> String {
    let mut b = format!(
        r#"<h2 id="s{n}">{}</h2><div class="table" tabindex="0" role="region" aria-label="{}的目标"><table class="stack"><caption>{}的目标</caption><thead><tr><th scope="col">指标</th><th scope="col">目标</th><th scope="col">年份</th><th scope="col">属性</th><th scope="col">状态</th><th scope="col">进度</th><th scope="col">原文</th></tr></thead><tbody>"#,
        esc(title),
        esc(title),
        esc(title)
    );
    for (t, a) in s.targets.iter().filter(|(t, _)| t.domain_id == section) {
        let name = s
            .indicators
            .get(&t.indicator_id)
            .map_or(t.name.as_str(), |i| i.name.as_str());
        let target = target_text(t);
        let nature = match t.nature {
            crate::domain::Nature::Expected => "预期性",
            crate::domain::Nature::Binding => "约束性",
            crate::domain::Nature::Unspecified => "—",
        };
        let _ = write!(
            b,
            r#"<tr><th scope="row"><a href="/indicators/{}">{}</a></th><td data-label="目标">{}</td><td class="n" data-label="年份">{}</td><td data-label="属性">{nature}</td><td data-label="状态">{}</td><td class="n" data-label="进度">{}</td><td data-label="原文">第{}行：{}</td></tr>"#,
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
    b
}

/// A target as a reader sees it: comparator, value and unit (≥80%), or its words when it
/// has no number (not escaped).
pub fn target_text(t: &entity::target::Model) -> String {
    match (t.comparator, t.value) {
        (Some(c), Some(v)) => {
            crate::rules::progress::level_text(c, &num(v), t.unit.as_deref().unwrap_or(""))
        }
        _ => t.raw.clone(),
    }
}
