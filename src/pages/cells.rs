//! The indicator page's figures by breakdown: each year's published cells beside the total,
//! and, where both sexes are published, the gap between them (parity index, who it favours).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{esc, num};
use crate::breakdowns::{Aggregation, Dimension};
use crate::repo::cells::{newest_by_year, CellValue, Figures};
use crate::repo::export::IndicatorView;
use crate::rules::breakdown::{gap, small, Favours};

/// The section; empty when nothing by breakdown was published.
pub fn section(v: &IndicatorView, unit: &str) -> String {
    if v.cells.is_empty() {
        return String::new();
    }
    let declared = v.declared.as_ref();
    let years = newest_by_year(&v.cells);
    let mut b = String::from(
        r#"<h2>分组数值</h2><div class="table" tabindex="0" role="region" aria-label="按性别、年龄或城乡公布的数值"><table><caption>按性别、年龄或城乡公布的数值</caption><thead><tr><th scope="col">年份</th><th scope="col">分组</th><th scope="col">数值</th></tr></thead><tbody>"#,
    );
    for (year, found) in &years {
        for (cell, value) in &found.cells {
            let _ = write!(
                b,
                r#"<tr><td class="n">{year}</td><td>{}</td><td class="n">{}{}</td></tr>"#,
                esc(&cell.labels(declared).join("，")),
                num(value.value),
                esc(unit)
            );
        }
    }
    b.push_str("</tbody></table></div>");
    b.push_str(&parity(v, &years));
    b
}

/// The sexes compared, year by year, where both were published.
fn parity(v: &IndicatorView, years: &BTreeMap<i32, Figures<'_, CellValue>>) -> String {
    let Some(declared) = v.declared.as_ref() else {
        return String::new();
    };
    let mut rows = String::new();
    for (year, found) in years {
        let of = |code: &str| {
            found
                .cells
                .iter()
                .find(|(c, _)| c.codes().len() == 1 && c.code(Dimension::Sex) == Some(code))
                .map(|(_, x)| x.value)
        };
        let (Some(f), Some(m)) = (of("F"), of("M")) else {
            continue;
        };
        let Some(g) = gap(f, m, v.indicator.direction, declared.aggregation) else {
            continue;
        };
        let few = declared.aggregation == Aggregation::Count && small(&[f, m]);
        let judged = match (few, g.parity_index, g.favours) {
            (true, _, _) => "人数不足5，不作比较".to_string(),
            (_, None, _) => "—".to_string(),
            (_, Some(p), Favours::Female) => format!("{}（有利于女性）", num(p)),
            (_, Some(p), Favours::Male) => format!("{}（有利于男性）", num(p)),
            (_, Some(p), Favours::Neither) => format!("{}（均等）", num(p)),
        };
        let _ = write!(
            rows,
            r#"<tr><td class="n">{year}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td>{}</td></tr>"#,
            num(f),
            num(m),
            num(g.difference),
            esc(&judged)
        );
    }
    if rows.is_empty() {
        return String::new();
    }
    format!(
        r#"<h3>分性别比较</h3><div class="table" tabindex="0" role="region" aria-label="女性与男性数值比较"><table><caption>女性与男性数值比较（性别均等指数＝女÷男，0.97–1.03为均等）</caption><thead><tr><th scope="col">年份</th><th scope="col">女</th><th scope="col">男</th><th scope="col">差（女−男）</th><th scope="col">性别均等指数</th></tr></thead><tbody>{rows}</tbody></table></div>"#
    )
}
