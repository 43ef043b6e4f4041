//! Every number the document writes is accounted for (issue 29): it is part of a target, part
//! of a figure, or of a kind or a phrase `docs/TARGETS.md` lists as neither, with its reason.
//! A number nobody accounted for fails the test with its line, so a clause the importer does
//! not read cannot go unnoticed; and every exclusion must be needed, so the list stays true.

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::ops::RangeInclusive;

    use regex_lite::Regex;

    use crate::import::dataset::Dataset;
    use crate::import::{measures, parse, text, BUNDLED_DOCUMENT};

    const TARGETS_MD: &str = include_str!("../../docs/TARGETS.md");
    const KINDS_HEADING: &str = "### Kinds of numbers that are neither";
    const PHRASES_HEADING: &str = "### Phrases that are neither";

    /// Chinese numerals; with a count word after them they are numbers (一批, 三级, 两个).
    const CN: &str = "一二三四五六七八九十百千万两";
    const COUNT_WORDS: &str = "个|名|支|所|家|项|级|类|张|次|倍|岁|年|月|天|日|小时|周|批|座|处|\
        条|种|套|台|人|位|成|户|件|份|万|亿|元|分钟|公里|米|层|轮|场|期|届|对|组|辆|剂|价|大";

    /// A numeric phrase: Arabic numbers with their range, ratio and unit (`1-2项`, `3：2`,
    /// `8.2/10万`, `1个百分点`), fractions (`三分之一`, `一半`) and Chinese numbers with a
    /// count word (`两级`, `一批`).
    fn phrase_pattern() -> Regex {
        let num = "[0-9]+(?:\\.[0-9]+)?";
        let pattern = format!(
            "{num}(?:\\s*[-—～~至到]\\s*{num})?(?:\\s*[：:/／×]\\s*{num}万?)?\\s*(?:%|‰|个百分点|{COUNT_WORDS})?\
             |[{CN}]+分之[{CN}]+|一半|[{CN}]+(?:至[{CN}]+)?(?:{COUNT_WORDS})"
        );
        Regex::new(&pattern).unwrap_or_else(|e| panic!("{e}"))
    }

    #[derive(Debug, Clone)]
    struct Phrase {
        line: usize,
        start: usize,
        end: usize,
        text: String,
    }

    fn phrases(lines: &[text::Line]) -> Vec<Phrase> {
        let pattern = phrase_pattern();
        let mut out = Vec::new();
        for line in lines {
            for m in pattern.find_iter(&line.text) {
                let text = m.as_str().trim_end();
                out.push(Phrase {
                    line: line.no,
                    start: m.start(),
                    end: m.start() + text.len(),
                    text: text.to_string(),
                });
            }
        }
        out
    }

    /// Text the dataset quotes on some lines: a target's raw, a document value's, a measure's name.
    struct Quote {
        lines: RangeInclusive<usize>,
        text: String,
    }

    fn quotes(data: &Dataset) -> Vec<Quote> {
        let mut out = Vec::new();
        let mut add = |lines: RangeInclusive<usize>, text: &str| {
            if !text.is_empty() {
                out.push(Quote {
                    lines,
                    text: text.to_string(),
                });
            }
        };
        for plan in &data.plans {
            for t in &plan.targets {
                let lines = t.source.line_start..=t.source.line_end;
                add(lines.clone(), &t.target.raw);
                add(lines.clone(), &t.name);
                if let Some(raw) = t.baseline.as_ref().and_then(|b| b.raw.as_deref()) {
                    add(lines, raw);
                }
            }
        }
        // A figure counts once it is in a series: one read but given to no measure is lost.
        for i in &data.indicators {
            for v in &i.values {
                add(v.source.line_start..=v.source.line_end, &v.raw);
            }
        }
        // A measure's name is never a number of its own (5岁以下儿童死亡率, 每千人口…), on any line.
        let everywhere = 1..=usize::MAX;
        for i in &data.indicators {
            add(everywhere.clone(), &i.name);
        }
        for m in measures::identity().unwrap_or_else(|e| panic!("{e}")) {
            for s in &m.spellings {
                add(everywhere.clone(), s);
            }
        }
        out
    }

    /// One row of `docs/TARGETS.md`'s lists of numbers that are neither targets nor figures.
    #[derive(Debug, Clone)]
    struct Exclusion {
        /// The row as written, to name it.
        row: String,
        /// A pattern (a kind) or the phrase's own text, quoted exactly.
        pattern: Regex,
    }

    /// The rows of the table under `heading`: cells split on unescaped `|`.
    fn table_rows<'a>(md: &'a str, heading: &str) -> Vec<(&'a str, Vec<String>)> {
        let Some(at) = md.find(heading) else {
            panic!("docs/TARGETS.md has no section {heading:?}");
        };
        md[at..]
            .lines()
            .skip(1)
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2) // header and rule
            .map(|l| {
                let cells = l
                    .replace("\\|", "\u{0}")
                    .split('|')
                    .map(|c| c.replace('\u{0}', "|").trim().to_string())
                    .collect::<Vec<_>>();
                (l, cells)
            })
            .collect()
    }

    /// Text in backticks.
    fn code_spans(cell: &str) -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    /// Kinds: the second column's code spans are patterns. Phrases: the first column's code
    /// spans are the document's text.
    fn exclusions(md: &str) -> Vec<Exclusion> {
        let mut out = Vec::new();
        for (row, cells) in table_rows(md, KINDS_HEADING) {
            for p in code_spans(&cells[2]) {
                let pattern = Regex::new(&p).unwrap_or_else(|e| panic!("{p:?}: {e}"));
                out.push(Exclusion {
                    row: row.to_string(),
                    pattern,
                });
            }
        }
        for (row, cells) in table_rows(md, PHRASES_HEADING) {
            for p in code_spans(&cells[1]) {
                out.push(Exclusion {
                    row: row.to_string(),
                    pattern: Regex::new(&regex_lite::escape(&p)).unwrap_or_else(|e| panic!("{e}")),
                });
            }
        }
        out
    }

    /// Whether `needle` occurs in `haystack` around `start..end`.
    fn covers(haystack: &str, needle: &str, start: usize, end: usize) -> bool {
        haystack
            .match_indices(needle)
            .any(|(at, s)| at <= start && end <= at + s.len())
    }

    /// Each phrase with what accounts for it: whether the dataset quotes it, and the rows of
    /// `docs/TARGETS.md` whose patterns cover it.
    fn accounts<'a>(
        lines: &[text::Line],
        quotes: &[Quote],
        exclusions: &'a [Exclusion],
    ) -> Vec<(Phrase, bool, Vec<&'a str>)> {
        phrases(lines)
            .into_iter()
            .map(|p| {
                let line = &lines[p.line - 1].text;
                let quoted = quotes
                    .iter()
                    .any(|q| q.lines.contains(&p.line) && covers(line, &q.text, p.start, p.end));
                let rows = exclusions
                    .iter()
                    .filter(|x| {
                        x.pattern
                            .find_iter(line)
                            .any(|m| m.start() <= p.start && p.end <= m.end())
                    })
                    .map(|x| x.row.as_str())
                    .collect();
                (p, quoted, rows)
            })
            .collect()
    }

    fn report(lines: &[text::Line], left: &[Phrase]) -> String {
        left.iter()
            .map(|p| {
                let line = &lines[p.line - 1].text;
                let from = line.floor_char_boundary(p.start.saturating_sub(30));
                let to = line.ceil_char_boundary((p.end + 24).min(line.len()));
                format!("L{} {:?} in …{}…", p.line, p.text, &line[from..to])
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn document() -> (Vec<text::Line>, Vec<Quote>) {
        let lines = text::lines(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
        let data = parse(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
        let quotes = quotes(&data);
        (lines, quotes)
    }

    #[test]
    fn every_numeric_phrase_is_accounted_for() {
        let (lines, quotes) = document();
        let exclusions = exclusions(TARGETS_MD);
        let all = accounts(&lines, &quotes, &exclusions);
        assert!(all.len() > 900, "the walk found only {} phrases", all.len());
        let left: Vec<Phrase> = all
            .into_iter()
            .filter(|(_, quoted, rows)| !quoted && rows.is_empty())
            .map(|(p, _, _)| p)
            .collect();
        assert!(
            left.is_empty(),
            "{} numeric phrases are neither part of a target or a figure nor listed in \
             docs/TARGETS.md:\n{}",
            left.len(),
            report(&lines, &left)
        );
    }

    /// Removing any row of `docs/TARGETS.md`'s lists leaves a number unaccounted for: each
    /// row is the only account of some phrase, so none is there for nothing.
    #[test]
    fn every_exclusion_is_needed() {
        let (lines, quotes) = document();
        let exclusions = exclusions(TARGETS_MD);
        let all = accounts(&lines, &quotes, &exclusions);
        let needed: HashSet<&str> = all
            .iter()
            .filter(|(_, quoted, rows)| !quoted && rows.iter().all(|r| *r == rows[0]))
            .filter_map(|(_, _, rows)| rows.first().copied())
            .collect();
        let idle: Vec<&str> = exclusions
            .iter()
            .map(|x| x.row.as_str())
            .filter(|row| !needed.contains(row))
            .collect();
        assert!(
            idle.is_empty(),
            "rows of docs/TARGETS.md that account for nothing else:\n{}",
            idle.join("\n")
        );
    }

    #[test]
    fn the_walk_reads_every_kind_of_numeric_phrase() {
        let line = |text: &str| text::Line {
            no: 1,
            text: text.to_string(),
        };
        let found: Vec<String> = phrases(&[line(
            "不低于三分之一，一半以上，至少为3：2，8.2/10万以下，1-2项，降低1个百分点，两级，一批，80.15以上",
        )])
        .into_iter()
        .map(|p| p.text)
        .collect();
        assert_eq!(
            found,
            [
                "三分之一",
                "一半",
                "3：2",
                "8.2/10万",
                "1-2项",
                "1个百分点",
                "两级",
                "一批",
                "80.15"
            ]
        );
    }
}
