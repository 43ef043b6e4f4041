//! The Atom feed of the public changes (RFC 4287): one entry per change — a value published,
//! a public value superseded, the document imported — and per evaluation frozen, newest
//! first, for people who follow the data in a feed reader. Each entry names its publication
//! (`seq`), as the API does.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use entity::evaluation;

use super::{esc, num};
use crate::ids::{self, Kind};
use crate::repo::changes::ChangeKind;
use crate::repo::export::FeedEntry;

/// An entry's title, its summary, its fragment id and its page (relative to the base).
fn entry_text(e: &FeedEntry, at: &DateTime<Utc>) -> (String, String, String, String) {
    let change = &e.change;
    let day = at.format("%Y-%m-%d");
    let seq = change.seq;
    match (change.kind, change.value.as_ref(), change.document.as_ref()) {
        (ChangeKind::DocumentImported, _, Some(d)) => (
            format!("{}导入", d.number),
            format!(
                "规划文本（SHA-256 {}）于{day}导入，目标与数字可能有变（第{seq}次发布）。",
                d.sha256
            ),
            format!("import-{seq}"),
            "/plans".into(),
        ),
        (kind, Some(v), _) => {
            let name = e.indicator.as_ref().map_or("指标", |i| i.name.as_str());
            let unit = e
                .indicator
                .as_ref()
                .and_then(|i| i.unit.clone())
                .unwrap_or_default();
            let who = e.department.as_ref().map_or("部门", |d| d.name.as_str());
            let page = format!(
                "/indicators/{}",
                ids::encode(Kind::Indicator, v.indicator_id).0
            );
            let head = format!("{name}：{}年{}{unit}", v.year, num(v.value));
            if kind == ChangeKind::ValueSuperseded {
                (
                    format!("{head}（已被更正）"),
                    format!(
                        "{day}起由更正后的数值取代（第{}版；第{seq}次发布）。",
                        v.version
                    ),
                    format!("supersede-{}", change.order),
                    page,
                )
            } else {
                (
                    head,
                    format!(
                        "{who}报送，经审核于{day}发布（第{}版；第{seq}次发布）。",
                        v.version
                    ),
                    format!("approval-{}", change.order),
                    page,
                )
            }
        }
        _ => (
            String::new(),
            String::new(),
            format!("change-{seq}"),
            "/plans".into(),
        ),
    }
}

/// A frozen evaluation's entry: its report, when it was frozen and on which publication.
fn evaluation_text(e: &evaluation::Model) -> (String, String, String, String) {
    let revises = if e.revises_id.is_some() {
        "；它修订了此前的一份"
    } else {
        ""
    };
    let data = e
        .publication_seq
        .map_or(String::new(), |seq| format!("第{seq}次发布的数据，"));
    (
        crate::rules::evaluation::title_of(e),
        format!(
            "{}冻结（{data}共{}个目标），报告与数据文件不再改变{revises}。",
            e.frozen_at.format("%Y-%m-%d"),
            e.item_count
        ),
        format!("evaluation-{}", e.id),
        format!("/evaluations/{}", ids::encode(Kind::Evaluation, e.id).0),
    )
}

/// One entry of the feed: a public change or a frozen evaluation.
enum Item<'a> {
    Change(&'a FeedEntry),
    Evaluation(&'a evaluation::Model),
}

impl Item<'_> {
    fn at(&self) -> DateTime<Utc> {
        match self {
            Item::Change(e) => DateTime::from_timestamp_micros(e.change.at_us).unwrap_or_default(),
            Item::Evaluation(e) => e.frozen_at,
        }
    }
}

/// The changes and the evaluations (each newest first), newest first, at most `limit`.
fn merged<'a>(
    changes: &'a [FeedEntry],
    evaluations: &'a [evaluation::Model],
    limit: usize,
) -> Vec<Item<'a>> {
    let mut items: Vec<Item<'a>> = changes.iter().map(Item::Change).collect();
    items.extend(evaluations.iter().map(Item::Evaluation));
    items.sort_by_key(|i| std::cmp::Reverse(i.at()));
    items.truncate(limit);
    items
}

/// The feed for a server reached at `base`: the newest `limit` of the changes and the
/// evaluations; `updated` is when the data last changed.
pub fn atom(
    base: &str,
    changes: &[FeedEntry],
    evaluations: &[evaluation::Model],
    limit: usize,
    updated: DateTime<Utc>,
) -> String {
    // The base is checked where it is chosen (`http::base`); escaped here all the same, as
    // everything written into XML is.
    let base = esc(base);
    let entries = merged(changes, evaluations, limit);
    let updated = entries.first().map_or(updated, Item::at).to_rfc3339();
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\
         <title>昌乐县规划监测数据发布</title><subtitle>经审核发布的指标年度数值及其更正、规划文本的导入、冻结的监测评估</subtitle>\
         <id>{base}/feed.atom</id><link rel=\"self\" type=\"application/atom+xml\" href=\"{base}/feed.atom\"/>\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/plans\"/><updated>{updated}</updated>\
         <author><name>昌乐县人民政府</name></author>"
    );
    for item in &entries {
        let when = item.at();
        let (title, summary, fragment, page) = match item {
            Item::Change(e) => entry_text(e, &when),
            Item::Evaluation(e) => evaluation_text(e),
        };
        let _ = write!(
            s,
            "<entry><title>{}</title><id>{base}/feed.atom#{fragment}</id>\
             <link rel=\"alternate\" type=\"text/html\" href=\"{base}{page}\"/>\
             <updated>{}</updated><summary>{}</summary></entry>",
            esc(&title),
            when.to_rfc3339(),
            esc(&summary),
        );
    }
    s.push_str("</feed>\n");
    s
}
