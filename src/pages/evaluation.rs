//! `/evaluations/{id}`: a frozen evaluation as the report the county files (监测报告 /
//! 评估报告): what it is, the summary and the 达标率 with its denominator, a chart of the
//! classes, the classes by domain, the binding targets that lag, the warnings (预警) as of the
//! publication it classed, the departments' self-assessments beside the computed classes, and
//! every target with its reason; printable on A4.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use entity::{evaluation, evaluation_item};

use super::{esc, num, page};
use crate::ids::{self, Kind as IdKind};
use crate::repo::self_assessments::Assessed;
use crate::repo::warnings::Fluctuating;
use crate::rules::evaluation::{Class, Kind, Tally};

fn class_of(i: &evaluation_item::Model) -> Class {
    Class::stored(&i.class)
}

/// The frozen evaluations, newest first, each with its report page and files: how a person
/// who never writes a query finds and cites them (on the plans page and each plan's page).
/// One that a later evaluation revises says so and links the revision.
pub fn list(evaluations: &[evaluation::Model]) -> String {
    let mut b = String::from(r#"<h2 id="evaluations">监测评估报告</h2>"#);
    if evaluations.is_empty() {
        b.push_str("<p>尚无冻结的监测评估。年度监测、中期评估和终期评估冻结后，其报告和数据文件列在这里。</p>");
        return b;
    }
    b.push_str(r#"<ul class="dl">"#);
    for e in evaluations.iter().rev() {
        let title = crate::rules::evaluation::title_of(e);
        let id = ids::encode(IdKind::Evaluation, e.id).0;
        let revised = evaluations
            .iter()
            .filter(|later| later.revises_id == Some(e.id))
            .map(|later| ids::encode(IdKind::Evaluation, later.id).0)
            .next_back()
            .map_or(String::new(), |later| {
                format!("，已被<a href=\"/evaluations/{later}\">修订</a>")
            });
        let _ = write!(
            b,
            "<li><a href=\"/evaluations/{id}\">{}</a>（冻结于 {}{revised}）：\
             <a href=\"/evaluations/{id}.csv\">CSV</a> · <a href=\"/evaluations/{id}.json\">JSON</a> · \
             <a href=\"/evaluations/{id}.xlsx\">XLSX</a></li>",
            esc(&title),
            e.frozen_at.format("%Y-%m-%d")
        );
    }
    b.push_str("</ul>");
    b
}

/// The rate in words, with its denominator.
fn rate(t: &Tally) -> String {
    match t.rate() {
        Some(r) => format!(
            "可监测目标 {} 个（有数值目标且有数据），已实现 {} 个，达标率 {}%",
            t.monitorable,
            t.achieved,
            num(r * 100.0)
        ),
        None => "没有可监测的目标（均无数据或未量化），不计达标率".into(),
    }
}

/// The report page of an evaluation, its items (in order), the approved self-assessments
/// of its round, by target, and the evaluation that revises it, if one does.
pub fn report(
    e: &evaluation::Model,
    items: &[evaluation_item::Model],
    said: &HashMap<i32, Vec<Assessed>>,
    fluctuating: Option<&[Fluctuating]>,
    revised_by: Option<i32>,
) -> String {
    let kind = Kind::parse(&e.kind).unwrap_or(Kind::Annual);
    let title = crate::rules::evaluation::title_of(e);
    let id = ids::encode(IdKind::Evaluation, e.id).0;
    let mut b = format!(
        "<h1>{}</h1><p>数据截至 {}（发布序号 {}），冻结于 {}，规则版本 {}；共 {} 个目标。\
         本评估冻结后不再改变：数值更正后另行冻结的评估会注明它修订了哪一份。</p>\
         <p><small>SHA-256：<code>{}</code></small></p>",
        esc(&title),
        e.as_of.unwrap_or(e.frozen_at).format("%Y-%m-%d %H:%M UTC"),
        e.publication_seq.unwrap_or(e.data_version),
        e.frozen_at.format("%Y-%m-%d %H:%M UTC"),
        esc(&e.rules_version),
        e.item_count,
        esc(&e.sha256)
    );
    if let Some(r) = e.revises_id {
        let prior = ids::encode(IdKind::Evaluation, r).0;
        let _ = write!(
            b,
            "<p>修订：<a href=\"/evaluations/{prior}\">此前的评估</a>。</p>"
        );
    }
    // The report stays citable as it was; a reader is told that a later one corrects it.
    if let Some(later) = revised_by {
        let later = ids::encode(IdKind::Evaluation, later).0;
        let _ = write!(
            b,
            "<p><strong>本评估已被<a href=\"/evaluations/{later}\">较新的评估</a>修订</strong>\
             （数值更正后另行冻结）；此处保留冻结时的内容，以便引用。</p>"
        );
    }
    let all = Tally::of(items.iter().map(class_of));
    let _ = write!(b, "<h2 id=\"summary\">概要</h2><p>{}。</p>", rate(&all));
    b.push_str(&counts_table("各类目标数（个）", kind, &[("全部", &all)]));
    b.push_str(&chart(kind, &all));
    b.push_str(&by_domain(kind, items));
    b.push_str(&lagging(kind, items));
    b.push_str(&warnings(kind, e, items, fluctuating));
    b.push_str(&self_assessed(kind, items, said));
    b.push_str(&every_target(kind, items));
    let _ = write!(
        b,
        "<h2 id=\"downloads\">下载</h2><ul class=\"dl\"><li>全部目标：<a href=\"/evaluations/{id}.csv\">CSV</a> · \
         <a href=\"/evaluations/{id}.json\">JSON</a> · <a href=\"/evaluations/{id}.xlsx\">XLSX</a></li>\
         <li>清单与校验值：<a href=\"/evaluations/{id}/manifest.json\">manifest.json</a>\
         （用 <code>plangraph verify evaluation</code> 离线核对）</li></ul>"
    );
    page(&title, &[("/evaluations/", "监测评估报告")], &b)
}

/// Counts per class (columns) for each row of `rows`, and the rate.
fn counts_table(caption: &str, kind: Kind, rows: &[(&str, &Tally)]) -> String {
    let classes: Vec<Class> = Class::ALL
        .into_iter()
        .filter(|c| {
            rows.iter()
                .any(|(_, t)| t.counts.iter().any(|(x, _)| x == c))
        })
        .collect();
    let mut b = format!(
        "<div class=\"table\" tabindex=\"0\" role=\"region\" aria-label=\"{0}\"><table><caption>{0}</caption><thead><tr><th scope=\"col\">范围</th>",
        esc(caption)
    );
    for c in &classes {
        let _ = write!(b, "<th scope=\"col\">{}</th>", c.chinese(kind));
    }
    b.push_str("<th scope=\"col\">达标率</th></tr></thead><tbody>");
    for (name, t) in rows {
        let _ = write!(b, "<tr><th scope=\"row\">{}</th>", esc(name));
        for c in &classes {
            let n = t.counts.iter().find(|(x, _)| x == c).map_or(0, |p| p.1);
            let _ = write!(b, "<td class=\"n\">{n}</td>");
        }
        let shown = t.rate().map_or("—".to_string(), |r| {
            format!("{}%（{}/{}）", num(r * 100.0), t.achieved, t.monitorable)
        });
        let _ = write!(b, "<td class=\"n\">{shown}</td></tr>");
    }
    b.push_str("</tbody></table></div>");
    b
}

fn by_domain(kind: Kind, items: &[evaluation_item::Model]) -> String {
    let mut domains: BTreeMap<(String, String), Vec<Class>> = BTreeMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    for i in items {
        let key = (i.plan_code.clone(), i.domain.clone());
        if !domains.contains_key(&key) {
            order.push(key.clone());
        }
        domains.entry(key).or_default().push(class_of(i));
    }
    let tallies: Vec<(String, Tally)> = order
        .iter()
        .map(|k| {
            let name = if k.1.is_empty() {
                k.0.clone()
            } else {
                format!("{}：{}", k.0, k.1)
            };
            (name, Tally::of(domains.get(k).cloned().unwrap_or_default()))
        })
        .collect();
    let rows: Vec<(&str, &Tally)> = tallies.iter().map(|(n, t)| (n.as_str(), t)).collect();
    format!(
        "<h2 id=\"domains\">按领域</h2>{}",
        counts_table("各领域目标数（个）", kind, &rows)
    )
}

fn value(i: &evaluation_item::Model) -> String {
    match (i.value, i.value_year) {
        (Some(v), Some(y)) => format!("{}（{y}年）", num(v)),
        _ => "—".into(),
    }
}

fn lagging(kind: Kind, items: &[evaluation_item::Model]) -> String {
    let lag: Vec<&evaluation_item::Model> = items
        .iter()
        .filter(|i| i.binding && matches!(class_of(i), Class::Behind | Class::NotAchieved))
        .collect();
    let mut b = String::from("<h2 id=\"lagging\">滞后的约束性目标</h2>");
    if lag.is_empty() {
        b.push_str("<p>没有滞后或未实现的约束性目标。</p>");
        return b;
    }
    b.push_str("<ul>");
    for i in lag {
        let _ = write!(
            b,
            "<li><strong>{}</strong>（{}）：{}</li>",
            esc(&i.indicator),
            class_of(i).chinese(kind),
            esc(&i.reason_zh)
        );
    }
    b.push_str("</ul>");
    b
}

/// The plans' two warnings (预警): targets behind their trajectory, from the evaluation's own
/// classes (a final evaluation forecasts nothing), and indicators whose latest change up to
/// its year fluctuates, as the data stood at the publication it classed (`fluctuating`; None
/// for an evaluation frozen before publications were numbered).
fn warnings(
    kind: Kind,
    e: &evaluation::Model,
    items: &[evaluation_item::Model],
    fluctuating: Option<&[Fluctuating]>,
) -> String {
    let mut b = String::from("<h2 id=\"warnings\">预警</h2>");
    if kind != Kind::Final {
        let behind: Vec<&evaluation_item::Model> = items
            .iter()
            .filter(|i| matches!(class_of(i), Class::Behind))
            .collect();
        let _ = write!(b, "<p>预计达标困难（滞后于进度）的目标 {} 个", behind.len());
        b.push_str(if behind.is_empty() {
            "。</p>"
        } else {
            "：</p><ul>"
        });
        for i in &behind {
            let _ = write!(
                b,
                "<li><strong>{}</strong>（{}）：{}</li>",
                esc(&i.indicator),
                esc(&i.plan_code),
                esc(&i.reason_zh)
            );
        }
        if !behind.is_empty() {
            b.push_str("</ul>");
        }
    }
    let Some(list) = fluctuating else {
        b.push_str("<p>波动较大：无法还原本评估所用发布时已发布的数据（冻结于发布编号之前）。</p>");
        return b;
    };
    let seq = e.publication_seq.unwrap_or(e.data_version);
    let _ = write!(
        b,
        "<p>截至{}年最新变化波动较大的指标 {} 个（按发布序号 {seq} 时已发布的数据）",
        e.through_year,
        list.len()
    );
    if list.is_empty() {
        b.push_str("。</p>");
        return b;
    }
    b.push_str("：</p><ul>");
    for f in list {
        let _ = write!(
            b,
            "<li><strong>{}</strong>：{}</li>",
            esc(&f.indicator),
            esc(&f.describe())
        );
    }
    b.push_str("</ul>");
    b
}

fn every_target(kind: Kind, items: &[evaluation_item::Model]) -> String {
    let mut b = String::from(
        "<h2 id=\"targets\">全部目标</h2><div class=\"table\" tabindex=\"0\" role=\"region\" aria-label=\"全部目标\"><table><caption>全部目标</caption>\
         <thead><tr><th scope=\"col\">序号</th><th scope=\"col\">规划</th><th scope=\"col\">指标</th>\
         <th scope=\"col\">类别</th><th scope=\"col\">所用数值</th><th scope=\"col\">说明</th></tr></thead><tbody>",
    );
    for i in items {
        let _ = write!(
            b,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            i.ordinal + 1,
            esc(&i.plan_code),
            esc(&i.indicator),
            if i.binding { "（约束性）" } else { "" },
            class_of(i).chinese(kind),
            value(i),
            esc(&i.reason_zh)
        );
    }
    b.push_str("</tbody></table></div>");
    b
}

/// The classes as horizontal bars (inline SVG, no script; a table above says the same).
fn chart(kind: Kind, all: &Tally) -> String {
    let most = all.counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let rows = all.counts.len();
    // About a phone's width, so that the 13-unit text stays readable there (≥ 11 CSS px).
    let (bar, gap, label, width) = (20, 8, 110, 200);
    let height = rows * (bar + gap) + gap;
    let mut b = format!(
        "<figure><svg role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 {} {height}\" \
         width=\"100%\" style=\"max-width:{}px\"><title id=\"chart-title\">各类目标数</title>",
        label + width + 40,
        label + width + 40
    );
    for (row, (class, n)) in all.counts.iter().enumerate() {
        let y = gap + row * (bar + gap);
        let w = width * n / most;
        let _ = write!(
            b,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{}</text>\
             <rect x=\"{label}\" y=\"{y}\" width=\"{w}\" height=\"{bar}\" fill=\"#2b5797\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\">{n}</text>",
            label - 8,
            y + bar - 4,
            class.chinese(kind),
            label + w + 6,
            y + bar - 4
        );
    }
    b.push_str("</svg><figcaption>各类目标数（个）</figcaption></figure>");
    b
}

/// The departments' approved self-assessments beside the computed classes, disagreements
/// first.
fn self_assessed(
    kind: Kind,
    items: &[evaluation_item::Model],
    said: &HashMap<i32, Vec<Assessed>>,
) -> String {
    let mut rows: Vec<(bool, &evaluation_item::Model, &Assessed)> = Vec::new();
    for i in items {
        for a in said.get(&i.target_id).into_iter().flatten() {
            let own = Class::stored(&a.row.class);
            let differs = crate::rules::self_assessment::disagrees(own, class_of(i));
            rows.push((differs, i, a));
        }
    }
    let mut b = String::from("<h2 id=\"self\">部门自我评估</h2>");
    if rows.is_empty() {
        b.push_str("<p>本轮评估尚无经审核的部门自我评估。</p>");
        return b;
    }
    rows.sort_by_key(|(differs, i, _)| (!*differs, i.ordinal));
    let differing = rows.iter().filter(|r| r.0).count();
    let _ = write!(
        b,
        "<p>经审核的自我评估 {} 份，其中 {differing} 份与计算结果不一致。</p>\
         <div class=\"table\" tabindex=\"0\" role=\"region\" aria-label=\"部门自我评估\"><table>\
         <caption>部门自我评估</caption><thead><tr><th scope=\"col\">指标</th><th scope=\"col\">部门</th>\
         <th scope=\"col\">计算结果</th><th scope=\"col\">部门自评</th><th scope=\"col\">工作进展</th>\
         <th scope=\"col\">存在问题</th></tr></thead><tbody>",
        rows.len()
    );
    for (differs, i, a) in rows {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td></tr>",
            esc(&i.indicator),
            esc(&a.department),
            class_of(i).chinese(kind),
            Class::stored(&a.row.class).chinese(kind),
            if differs { "（不一致）" } else { "" },
            esc(&a.row.done),
            esc(&a.row.held_back)
        );
    }
    b.push_str("</tbody></table></div>");
    b
}
