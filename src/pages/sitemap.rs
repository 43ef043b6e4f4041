//! `robots.txt` and `sitemap.xml` (sitemaps.org 0.9): how a search engine finds the pages
//! people read — the plans, each indicator, each evaluation report and the two folders.

use std::fmt::Write;

use super::esc;

/// Every page and when it last changed: `day` (the data's last change) for the pages that
/// follow the data, its freezing time for an evaluation's report (which never changes).
pub fn pages(
    day: &str,
    plans: &[String],
    indicators: &[String],
    evaluations: &[(String, String)],
) -> Vec<(String, String)> {
    let now = |path: String| (path, day.to_string());
    let mut pages = vec![now("/".into())];
    pages.extend(plans.iter().map(|c| now(format!("/plans/{c}"))));
    pages.extend(indicators.iter().map(|id| now(format!("/indicators/{id}"))));
    pages.push(now("/evaluations/".into()));
    pages.extend(
        evaluations
            .iter()
            .map(|(id, frozen)| (format!("/evaluations/{id}"), frozen.clone())),
    );
    pages.push(now("/downloads/".into()));
    pages
}

/// The sitemap of `pages` (path, W3C Datetime) under `base`.
pub fn xml(base: &str, pages: &[(String, String)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, day) in pages {
        let _ = writeln!(
            out,
            "<url><loc>{}</loc><lastmod>{day}</lastmod></url>",
            esc(&format!("{base}{path}"))
        );
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt`: every page may be read; the API and the departments' files are not pages.
pub fn robots(base: &str) -> String {
    format!(
        "User-agent: *\nDisallow: /graphql\nDisallow: /graphiql\nDisallow: /templates/\n\
         Disallow: /reporting/\nAllow: /\n\nSitemap: {base}/sitemap.xml\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sitemap_lists_each_page_under_the_base() {
        let pages = pages(
            "2026-12-07",
            &["women".into()],
            &["SW5kaWNhdG9yOjE".into()],
            &[("RXZhbHVhdGlvbjox".into(), "2026-01-31".into())],
        );
        assert_eq!(
            xml("https://data.example.cn", &pages),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
             <url><loc>https://data.example.cn/</loc><lastmod>2026-12-07</lastmod></url>\n\
             <url><loc>https://data.example.cn/plans/women</loc><lastmod>2026-12-07</lastmod></url>\n\
             <url><loc>https://data.example.cn/indicators/SW5kaWNhdG9yOjE</loc><lastmod>2026-12-07</lastmod></url>\n\
             <url><loc>https://data.example.cn/evaluations/</loc><lastmod>2026-12-07</lastmod></url>\n\
             <url><loc>https://data.example.cn/evaluations/RXZhbHVhdGlvbjox</loc><lastmod>2026-01-31</lastmod></url>\n\
             <url><loc>https://data.example.cn/downloads/</loc><lastmod>2026-12-07</lastmod></url>\n\
             </urlset>\n"
        );
    }
}
