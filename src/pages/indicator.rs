//! `/indicators/{id}`: an indicator's values and targets, as a chart and as tables, with the
//! source lines quoted.

use std::fmt::Write;

use super::chart::{self, Line};
use super::plan::target_text;
use super::{esc, num, page, query, status};
use crate::domain::ValueOrigin;
use crate::ids::{self, Kind};
use crate::repo::export::IndicatorView;
use crate::rules::progress::Language;

/// The page of an indicator: heading, chart, targets, values, the source lines quoted.
pub fn indicator(v: &IndicatorView) -> String {
    let i = &v.indicator;
    let unit = i.unit.clone().unwrap_or_default();
    let id = ids::encode(Kind::Indicator, i.id).0;
    let mut b = format!(
        "<h1>{}</h1><p>单位：{}。{}个目标，{}个公布数值。</p>",
        esc(&i.name),
        if unit.is_empty() {
            "—".to_string()
        } else {
            esc(&unit)
        },
        v.targets.len(),
        v.series.len()
    );
    b.push_str(&monitored(v));
    b.push_str(&figure(v, &unit));
    b.push_str(&targets_table(v));
    b.push_str(&values_table(v, &unit));
    b.push_str(&super::cells::section(v, &unit));
    b.push_str(&quotes(v));
    // An indicator's rows are in the downloads of every plan that sets a target for it.
    b.push_str(&super::downloads("all"));
    b.push_str(&query(&format!(
        "{{ indicator(id: \"{id}\") {{ name unit values {{ year value origin source {{ lineStart text }} }} targets {{ plan {{ title }} year comparator value status statusReason trajectory {{ year expected }} source {{ lineStart text }} }} }} }}"
    )));
    let first_plan = v.targets.first().map(|(t, _, _)| t.plan_id);
    let crumbs: Vec<(String, String)> = first_plan
        .or_else(|| v.monitored.first().map(|m| m.plan_id))
        .and_then(|id| v.plans.get(&id))
        .map(|p| vec![(format!("/plans/{}", p.code), p.title.clone())])
        .unwrap_or_default();
    let mut crumbs: Vec<(&str, &str)> = crumbs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let here = format!("/indicators/{id}");
    crumbs.push((&here, &i.name));
    page(&i.name, &crumbs, &b)
}

/// The chart of the series with each target and its path; empty when there is nothing to draw.
fn figure(v: &IndicatorView, unit: &str) -> String {
    let lines: Vec<Line> = v
        .targets
        .iter()
        .filter_map(|(t, _, path)| {
            let plan = v.plans.get(&t.plan_id).map_or("", |p| p.title.as_str());
            t.value.map(|value| Line {
                label: format!("{plan}第{}行", t.line_start),
                year: t.year,
                value,
                trajectory: path.clone(),
            })
        })
        .collect();
    let period = v
        .plans
        .values()
        .map(|p| (p.period_start, p.period_end))
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
    chart::svg(&v.indicator.name, unit, &v.series, &lines, period).map_or_else(String::new, |svg| {
        format!("<figure>{svg}<figcaption>蓝色实线与圆点：公布数值；方块：各规划的目标值；虚线：目标路径。数值见下表。</figcaption></figure>")
    })
}

/// The plans' table rows that list the indicator without a target (target column `-`).
fn monitored(v: &IndicatorView) -> String {
    let rows: Vec<String> = v
        .monitored
        .iter()
        .map(|m| {
            let plan = v.plans.get(&m.plan_id).map_or("", |p| p.title.as_str());
            let number = m.table_number.map_or(String::new(), |n| format!("第{n}项"));
            format!("{}指标表{number}（第{}行）", esc(plan), m.line_start)
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    format!("<p>列为监测指标、不设目标值：{}。</p>", rows.join("；"))
}

/// The targets the plans set on the indicator, with their statuses and reasons.
fn targets_table(v: &IndicatorView) -> String {
    let mut b = String::from(
        r#"<h2>目标</h2><div class="table" tabindex="0" role="region" aria-label="各规划为该指标设定的目标"><table class="stack"><caption>各规划为该指标设定的目标</caption><thead><tr><th scope="col">规划</th><th scope="col">目标</th><th scope="col">年份</th><th scope="col">状态</th><th scope="col">说明</th></tr></thead><tbody>"#,
    );
    for (t, a, _) in &v.targets {
        let plan = v.plans.get(&t.plan_id);
        let target = target_text(t);
        let _ = write!(
            b,
            r#"<tr><th scope="row"><a href="/plans/{}">{}</a></th><td data-label="目标">{}</td><td class="n" data-label="年份">{}</td><td data-label="状态">{}</td><td data-label="说明">{}</td></tr>"#,
            esc(plan.map_or("", |p| p.code.as_str())),
            esc(plan.map_or("", |p| p.title.as_str())),
            esc(&target),
            t.year,
            status(a.status),
            esc(&a.reason(Language::Chinese))
        );
    }
    b.push_str("</tbody></table></div>");
    b
}

/// The published values: the document's figures and the approved submissions.
fn values_table(v: &IndicatorView, unit: &str) -> String {
    let mut b = String::from(r#"<h2>公布数值</h2>"#);
    if v.values.is_empty() {
        b.push_str("<p>尚无公布数值。</p>");
        return b;
    }
    b.push_str(r#"<div class="table" tabindex="0" role="region" aria-label="文件所载数值与经审核发布的部门报送数值"><table><caption>文件所载数值与经审核发布的部门报送数值</caption><thead><tr><th scope="col">年份</th><th scope="col">数值</th><th scope="col">来源</th></tr></thead><tbody>"#);
    for x in &v.values {
        let origin = match x.origin {
            ValueOrigin::Document => format!(
                "文件第{}行{}",
                x.line_start.unwrap_or(0),
                if x.year_inferred {
                    "（年份据上下文推断）"
                } else {
                    ""
                }
            ),
            ValueOrigin::Submission => format!(
                "{}报送，审核发布",
                x.department_id
                    .and_then(|d| v.departments.get(&d))
                    .map_or("部门", |d| d.name.as_str())
            ),
        };
        let _ = write!(
            b,
            r#"<tr><td class="n">{}</td><td class="n">{}{}</td><td>{}</td></tr>"#,
            x.year,
            num(x.value),
            esc(unit),
            esc(&origin)
        );
    }
    let _ = write!(
        b,
        r#"</tbody></table></div><p>下载这些数值：<a href="/indicators/{}/values.csv">CSV</a>（列同 values.csv）</p>"#,
        ids::encode(Kind::Indicator, v.indicator.id).0
    );
    b
}

/// The document's lines behind the targets and figures, once each, in line order.
fn quotes(v: &IndicatorView) -> String {
    let mut b = String::from("<h2>原文</h2>");
    let mut quoted: Vec<(i32, &str)> = Vec::new();
    for (t, _, _) in &v.targets {
        quoted.push((t.line_start, t.source_text.as_str()));
    }
    for x in &v.values {
        if let (Some(line), Some(text)) = (x.line_start, x.source_text.as_deref()) {
            quoted.push((line, text));
        }
    }
    quoted.sort_by_key(|(l, _)| *l);
    quoted.dedup_by_key(|(l, _)| *l);
    for (line, text) in quoted {
        let _ = write!(
            b,
            "<blockquote><p><small>第{line}行</small><br>{}</p></blockquote>",
            esc(text)
        );
    }
    b
}
