//! Checks of the imported dataset against the document's own text (issue 29): what the
//! importer quotes is the document's, exactly.

#[cfg(test)]
mod tests {
    use crate::import::dataset::Source;
    use crate::import::{parse, BUNDLED_DOCUMENT};

    /// Every quotation, named by what quotes it.
    fn quotations(data: &crate::import::dataset::Dataset) -> Vec<(String, &Source)> {
        let mut out = Vec::new();
        for p in &data.plans {
            out.push((format!("plan {}", p.code), &p.source));
            for d in &p.domains {
                out.push((format!("domain {}", d.key), &d.source));
            }
            for g in &p.goals {
                out.push((format!("goal {}", g.key), &g.source));
            }
            for t in &p.targets {
                out.push((format!("target {}", t.key), &t.source));
            }
            for f in &p.figures {
                out.push((format!("figure {}", f.name), &f.value.source));
            }
        }
        for d in &data.departments {
            out.push((format!("department {}", d.name), &d.source));
            for (alias, source) in &d.aliases {
                out.push((format!("alias {alias}"), source));
            }
        }
        for i in &data.indicators {
            for v in &i.values {
                out.push((format!("value {} {}", i.key, v.year), &v.source));
            }
        }
        out
    }

    /// Every quotation is the text of the lines it names, as the importer reads them: the
    /// converter's `[bookmark: …]` anchors are not the document's words (`text::strip_debris`).
    #[test]
    fn every_quotation_is_the_documents_text_on_its_lines() {
        let read = crate::import::text::lines(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
        let lines: Vec<&str> = read.iter().map(|l| l.text.as_str()).collect();
        let data = parse(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
        let mut wrong = Vec::new();
        for (what, source) in quotations(&data) {
            let span = lines
                .get(source.line_start.saturating_sub(1)..source.line_end.min(lines.len()))
                .map(|l| l.join("\n"))
                .unwrap_or_default();
            if source.text.is_empty() || !span.contains(source.text.as_str()) {
                wrong.push(format!(
                    "{what} (lines {}–{}): {:?}",
                    source.line_start, source.line_end, source.text
                ));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} not exact:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    /// What the importer says a figure or a target is "as written" is written so.
    #[test]
    fn every_figure_and_target_as_written_is_in_the_document() {
        let read = crate::import::text::lines(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
        let text: String = read
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let data = parse(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
        let mut wrong = Vec::new();
        for p in &data.plans {
            for t in &p.targets {
                let mut raws = vec![t.target.raw.as_str()];
                raws.extend(t.baseline.as_ref().and_then(|b| b.raw.as_deref()));
                for raw in raws.into_iter().filter(|r| !r.is_empty()) {
                    if !text.contains(raw) {
                        wrong.push(format!("target {}: {raw:?}", t.key));
                    }
                }
            }
        }
        for i in &data.indicators {
            for v in i.values.iter().filter(|v| !text.contains(v.raw.as_str())) {
                wrong.push(format!("value {} {}: {:?}", i.key, v.year, v.raw));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} not as written:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }
}
