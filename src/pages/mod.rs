//! Readable pages for people who will never write a GraphQL query: server-rendered HTML in
//! Chinese, with no script and no request to another host (the chart is inline SVG with a
//! text alternative), usable on a phone. Each page links its downloads and shows the GraphQL
//! query that fetches the same data.

pub mod cells;
pub mod chart;
pub mod evaluation;
pub mod feed;
pub mod indicator;
pub mod listing;
pub mod plan;
pub mod sitemap;

use std::fmt::Write;

use crate::rules::progress::Status;

/// Text as HTML character data or an attribute value.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;\
margin:0 auto;max-width:72rem;padding:1rem;line-height:1.6;color:#1a1a1a;background:#fff}\
a{color:#0b57a4}a:focus,summary:focus{outline:3px solid #f0b400}\
nav{font-size:.95rem;margin-bottom:1rem}\
h1{font-size:1.5rem;line-height:1.3}h2{font-size:1.2rem;margin-top:2rem}\
.table{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.95rem}\
caption{text-align:left;font-weight:600;padding:.25rem 0}\
th,td{border:1px solid #c8c8c8;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.s{display:inline-block;padding:0 .4rem;border-radius:.25rem;font-size:.85rem;white-space:nowrap}\
.ACHIEVED{background:#d7f0dd;color:#0d4d1c}.ON_TRACK{background:#dbe9f7;color:#0b3d6e}\
.AT_RISK{background:#fdf0c4;color:#5c4200}.OFF_TRACK{background:#f9d6d5;color:#7a1512}\
.NO_DATA,.NOT_QUANTIFIED{background:#ececec;color:#333}\
pre{background:#f6f6f6;padding:.75rem;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem}\
blockquote{margin:.5rem 0;padding:.25rem .75rem;border-left:4px solid #c8c8c8;color:#333}\
figure{margin:1rem 0}svg{max-width:100%;height:auto}\
ul.dl{padding-left:1.2rem}td code{word-break:break-all}\
ul.cards{list-style:none;padding:0;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr))}\
li.card{border:1px solid #c8c8c8;border-radius:.4rem;padding:.5rem .75rem}li.card h2{font-size:1.1rem;margin:.25rem 0}\
li.card p{margin:.25rem 0}ul.counts{list-style:none;padding:0;margin:.25rem 0;display:flex;flex-wrap:wrap;gap:.4rem}\
nav.toc ol{padding-left:1.5rem;margin:.25rem 0}nav.toc h2{margin-top:1rem}\
@media (max-width:40rem){body{padding:.5rem}th,td{padding:.25rem}\
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}\
table.stack tr{display:block;border:1px solid #c8c8c8;margin-bottom:.5rem}\
table.stack th,table.stack td{display:block;border:0;text-align:left}\
table.stack td[data-label]::before{content:attr(data-label) \"：\";font-weight:600}}\
@media print{@page{size:A4;margin:15mm}body{max-width:none;padding:0;font-size:10.5pt}\
nav,footer,#graphql,#downloads,#downloads+ul{display:none}a{color:inherit;text-decoration:none}\
.table{overflow:visible}table{font-size:9pt}tr,li{break-inside:avoid}h2{break-after:avoid}}";

/// Where a page's footer says when the data last changed; `stamped` fills it in (the
/// renderers do not know the data version, the HTTP layer does).
pub const UPDATED: &str = "<!--updated-->";

/// A whole page: title, breadcrumb, body, and a footer with the source, licence, last
/// change and contact.
pub fn page(title: &str, crumbs: &[(&str, &str)], body: &str) -> String {
    let mut nav = String::from(r#"<nav aria-label="位置"><a href="/">全部规划</a>"#);
    for (href, text) in crumbs {
        let _ = write!(nav, " › <a href=\"{}\">{}</a>", esc(href), esc(text));
    }
    nav.push_str("</nav>");
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · 昌乐县规划开放数据</title>\
         <link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
         <link rel=\"alternate\" type=\"application/atom+xml\" title=\"数据发布\" href=\"/feed.atom\">\
         <style>{STYLE}</style></head>\
         <body>{nav}<main>{body}</main>{}</body></html>\n",
        esc(title),
        footer()
    )
}

fn footer() -> String {
    use crate::publisher as p;
    format!(
        "<footer><p><small>数据来源：乐政字〔2022〕16号 · 发布：{} · \
         许可：<a href=\"{}\" rel=\"license\">知识共享署名 4.0（CC BY 4.0）</a>{UPDATED} · 联系：<a href=\"{}\">{}网站</a><br>\
         <a href=\"/catalog.jsonld\">数据目录（DCAT）</a> · <a href=\"/feed.atom\">发布订阅（Atom）</a> · \
         <a href=\"/graphql\">GraphQL 接口</a></small></p></footer>",
        p::NAME,
        p::LICENSE_PAGE,
        p::CONTACT_URL,
        p::NAME
    )
}

/// The page with its footer's last-change time filled in (Unix seconds, shown in Beijing
/// time), or without one when the time is not known.
pub fn stamped(html: &str, changed_at: Option<i64>) -> String {
    let shown = changed_at.and_then(beijing).map_or_else(String::new, |t| {
        format!(
            " · 数据更新：<time datetime=\"{}\">{}</time>",
            t.to_rfc3339(),
            t.format("%Y-%m-%d %H:%M")
        )
    });
    html.replacen(UPDATED, &shown, 1)
}

/// Unix seconds in Beijing time, as the pages show times.
pub fn beijing(at: i64) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let zone = chrono::FixedOffset::east_opt(8 * 3600)?;
    chrono::DateTime::from_timestamp(at, 0).map(|t| t.with_timezone(&zone))
}

/// What `GET /graphql` shows a person: what the endpoint is and where to go.
pub fn endpoint() -> String {
    page(
        "GraphQL 接口",
        &[],
        "<h1>GraphQL 接口</h1><p>这是昌乐县规划开放数据的 GraphQL 接口：向本地址发送 \
         <code>POST</code>（JSON）或带 <code>query</code> 参数的 <code>GET</code> 请求；\
         订阅请使用 WebSocket（<code>graphql-transport-ws</code>）。</p><ul>\
         <li><a href=\"/graphiql\">GraphiQL</a>：在浏览器中编写并运行查询（服务器开启发现功能时）</li>\
         <li><a href=\"/schema.graphql\">schema.graphql</a>：接口的完整模式（SDL）</li>\
         <li><a href=\"/\">规划页面</a> 与 <a href=\"/catalog.jsonld\">数据目录</a>：无需编写查询</li></ul>",
    )
}

/// A page for a path that leads nowhere, in the pages' language.
pub fn not_found(message: &str) -> String {
    page(
        "页面不存在",
        &[],
        &format!(
            "<h1>页面不存在</h1><p>{}</p><p>请从<a href=\"/\">全部规划</a>开始浏览，\
             或查看<a href=\"/evaluations/\">监测评估报告</a>和<a href=\"/downloads/\">下载文件</a>\
             （开放数据平台可采集<a href=\"/catalog.jsonld\">数据目录</a>）。</p>",
            esc(message)
        ),
    )
}

/// A status as a labelled badge (the word, not only the colour).
pub fn status(s: Status) -> String {
    let (class, word) = match s {
        Status::Achieved => ("ACHIEVED", "已达标"),
        Status::OnTrack => ("ON_TRACK", "进度正常"),
        Status::AtRisk => ("AT_RISK", "有风险"),
        Status::OffTrack => ("OFF_TRACK", "滞后"),
        Status::NoData => ("NO_DATA", "暂无数据"),
        Status::NotQuantified => ("NOT_QUANTIFIED", "非量化"),
    };
    format!(r#"<span class="s {class}">{word}</span>"#)
}

/// The downloads of a scope, as a list of links.
pub fn downloads(scope: &str) -> String {
    let mut s = String::from(r#"<h2 id="downloads">下载</h2><ul class="dl">"#);
    for table in crate::export::TABLES {
        let name = table_name(table);
        let _ = write!(
            s,
            "<li>{name}：<a href=\"/downloads/{scope}/{table}.csv\">CSV</a> · \
             <a href=\"/downloads/{scope}/{table}.json\">JSON</a></li>"
        );
    }
    let _ = write!(
        s,
        "<li>工作簿（三张表）：<a href=\"/downloads/{scope}.xlsx\">XLSX</a></li>\
         <li>列说明：<a href=\"/downloads/dictionary.md\">数据字典</a> · \
         <a href=\"/downloads/{scope}/datapackage.json\">Frictionless 数据包</a> · \
         <a href=\"/downloads/{scope}/csv-metadata.json\">CSVW 元数据</a></li>\
         <li>原文：<a href=\"/downloads/changle-2022-16-plans.txt\">TXT</a>\
         （<a href=\"/downloads/changle-2022-16-plans.txt.sha256\">SHA-256</a>）</li>\
         <li><a href=\"/downloads/\">全部文件</a>（大小、更新时间与 SHA-256）</li></ul>"
    );
    s
}

/// A download table's name as the pages say it.
pub fn table_name(table: &str) -> &'static str {
    match table {
        "targets" => "目标",
        "values" => "年度数值",
        _ => "部门分工",
    }
}

/// The GraphQL query that fetches what the page shows, to copy.
pub fn query(text: &str) -> String {
    format!(
        "<h2 id=\"graphql\">用 GraphQL 获取同样的数据</h2><p>向 <code>POST /graphql</code> 发送：</p><pre><code>{}</code></pre>",
        esc(text)
    )
}

/// A number as people read it: 80, 2.27, 33.3333.
pub fn num(v: f64) -> String {
    crate::export::csv::number(crate::rules::progress::shown(v))
}
