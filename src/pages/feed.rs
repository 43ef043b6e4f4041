//! The Atom feed of the public changes (RFC 4287): one entry per change — a value published,
//! a public value superseded, the document imported — newest first, for people who follow the
//! data in a feed reader. Each entry names its publication (`seq`), as the API does.

use std::fmt::Write;

use chrono::{DateTime, Utc};

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

/// The feed for a server reached at `base`; `updated` is when the data last changed.
pub fn atom(base: &str, entries: &[FeedEntry], updated: DateTime<Utc>) -> String {
    // The base is checked where it is chosen (`http::base`); escaped here all the same, as
    // everything written into XML is.
    let base = esc(base);
    let at = |e: &FeedEntry| DateTime::from_timestamp_micros(e.change.at_us).unwrap_or_default();
    let updated = entries.first().map_or(updated, at).to_rfc3339();
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\
         <title>昌乐县规划监测数据发布</title><subtitle>经审核发布的指标年度数值及其更正、规划文本的导入</subtitle>\
         <id>{base}/feed.atom</id><link rel=\"self\" type=\"application/atom+xml\" href=\"{base}/feed.atom\"/>\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/plans\"/><updated>{updated}</updated>\
         <author><name>昌乐县人民政府</name></author>"
    );
    for e in entries {
        let when = at(e);
        let (title, summary, fragment, page) = entry_text(e, &when);
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
