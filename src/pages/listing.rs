//! The index pages of the two routes of files, `/downloads/` and `/evaluations/`: a person who
//! cuts a file's address back to its folder finds what is there (every download with its
//! size, date and SHA-256; every frozen evaluation's report), not a 404.

use std::fmt::Write;

use super::{esc, page};

/// One download as the index lists it.
pub struct Listed {
    /// Its path under `/downloads/`.
    pub path: String,
    /// What it holds, in words (目标, 工作簿, …).
    pub what: String,
    /// Its format as people name it (CSV, XLSX, …).
    pub format: &'static str,
    pub size: usize,
    /// When its content last changed (Unix seconds).
    pub modified: i64,
    pub sha256: String,
}

/// A group of downloads under a heading: a scope (all plans, a plan) or the documents.
pub struct Section {
    pub heading: String,
    pub files: Vec<Listed>,
}

/// `/downloads/`: every file, a table per section.
pub fn downloads(sections: &[Section]) -> String {
    let mut b = String::from(
        "<h1>下载文件</h1><p>本站提供的全部数据文件。每个文件的 SHA-256 可用于核对下载是否完整\
         （以 <code>curl</code> 等不请求网页的客户端访问本地址，得到 <code>sha256sum -c</code> \
         可读的校验清单）；各列的含义见<a href=\"/downloads/dictionary.md\">数据字典</a>。\
         开放数据平台可采集<a href=\"/catalog.jsonld\">数据目录</a>。</p>",
    );
    for s in sections {
        let _ = write!(
            b,
            "<div class=\"table\"><table class=\"stack\"><caption>{}</caption><thead><tr>\
             <th scope=\"col\">文件</th><th scope=\"col\">内容</th><th scope=\"col\">格式</th>\
             <th scope=\"col\">大小</th><th scope=\"col\">内容更新</th><th scope=\"col\">SHA-256</th>\
             </tr></thead><tbody>",
            esc(&s.heading)
        );
        for f in &s.files {
            let _ = write!(
                b,
                "<tr><th scope=\"row\"><a href=\"/downloads/{path}\">{path}</a></th>\
                 <td data-label=\"内容\">{}</td><td data-label=\"格式\">{}</td>\
                 <td class=\"n\" data-label=\"大小\">{}</td><td data-label=\"内容更新\">{}</td>\
                 <td data-label=\"SHA-256\"><code>{}</code></td></tr>",
                esc(&f.what),
                f.format,
                size(f.size),
                beijing(f.modified),
                f.sha256,
                path = esc(&f.path),
            );
        }
        b.push_str("</tbody></table></div>");
    }
    page("下载文件", &[("/downloads/", "下载文件")], &b)
}

/// `/downloads/` for a client that does not ask for HTML: `sha256sum -c` lines, each path
/// relative to `/downloads/` (a mirror of the folder checks itself with them).
pub fn checksums(sections: &[Section]) -> String {
    let mut out = String::new();
    for f in sections.iter().flat_map(|s| &s.files) {
        let _ = writeln!(out, "{}  {}", f.sha256, f.path);
    }
    out
}

/// `/evaluations/`: the frozen evaluations' reports, newest first.
pub fn evaluations(list: &[entity::evaluation::Model]) -> String {
    let body = format!(
        "<h1>监测评估</h1><p>已冻结的年度监测、中期评估和终期评估。冻结后的报告和数据文件不再改变，\
         可以引用；修订会作为新的评估发布。</p>{}",
        super::evaluation::list(list)
    );
    page("监测评估报告", &[("/evaluations/", "监测评估报告")], &body)
}

/// A size as people read it: 812 字节, 14.2 KB, 1.3 MB.
fn size(bytes: usize) -> String {
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} 字节")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.1} KB", b / 1024.0)
    } else {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    }
}

/// Unix seconds as a Beijing date and time.
fn beijing(at: i64) -> String {
    super::beijing(at).map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(0), "0 字节");
        assert_eq!(size(1023), "1023 字节");
        assert_eq!(size(1024), "1.0 KB");
        assert_eq!(size(14_541), "14.2 KB");
        assert_eq!(size(1_363_149), "1.3 MB");
    }

    #[test]
    fn times_are_beijing_times() {
        assert_eq!(beijing(0), "1970-01-01 08:00");
        assert_eq!(beijing(1_796_000_000), "2026-11-30 08:53");
    }
}
