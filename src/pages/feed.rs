//! The Atom feed of publications (RFC 4287): one entry per approved value, newest first, for
//! people who follow the data in a feed reader.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::{esc, num};
use crate::ids::{self, Kind};
use crate::repo::export::Publication;

/// The feed for a server reached at `base`; `updated` is when the data last changed.
pub fn atom(base: &str, publications: &[Publication], updated: DateTime<Utc>) -> String {
    // The base is checked where it is chosen (`http::base`); escaped here all the same, as
    // everything written into XML is.
    let base = esc(base);
    let updated = publications
        .first()
        .map_or(updated, |p| p.event.at)
        .to_rfc3339();
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\
         <title>昌乐县规划监测数据发布</title><subtitle>经审核发布的指标年度数值</subtitle>\
         <id>{base}/feed.atom</id><link rel=\"self\" type=\"application/atom+xml\" href=\"{base}/feed.atom\"/>\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/plans\"/><updated>{updated}</updated>\
         <author><name>昌乐县人民政府</name></author>"
    );
    for p in publications {
        let unit = p.indicator.unit.clone().unwrap_or_default();
        let indicator = ids::encode(Kind::Indicator, p.indicator.id).0;
        let who = p.department.as_ref().map_or("部门", |d| d.name.as_str());
        let title = format!(
            "{}：{}年{}{}",
            p.indicator.name,
            p.value.year,
            num(p.value.value),
            unit
        );
        let _ = write!(
            s,
            "<entry><title>{}</title><id>{base}/feed.atom#approval-{}</id>\
             <link rel=\"alternate\" type=\"text/html\" href=\"{base}/indicators/{indicator}\"/>\
             <updated>{}</updated><summary>{}</summary></entry>",
            esc(&title),
            p.event.id,
            p.event.at.to_rfc3339(),
            esc(&format!(
                "{who}报送，经审核于{}发布（第{}版）。",
                p.event.at.format("%Y-%m-%d"),
                p.value.version
            )),
        );
    }
    s.push_str("</feed>\n");
    s
}
