//! Prints what the importer reads from a document: every target with its indicator, and every
//! indicator's document values. `cargo run --example targets [PATH]` (the bundled document by
//! default) — for reviewing the extraction and `data/measures.json` against the text.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bytes = match std::env::args().nth(1) {
        Some(path) => std::fs::read(path)?,
        None => plangraph::import::BUNDLED_DOCUMENT.to_vec(),
    };
    let data = plangraph::import::parse(&bytes).map_err(|e| e.to_string())?;
    for plan in &data.plans {
        for t in &plan.targets {
            let i = &data.indicators[t.indicator];
            println!(
                "{}\tL{}\t{}\t{:?}\t{:?}\t{}\t{:?}\t{}\tinferred c{} d{} y{}\t→ {}",
                t.key,
                t.source.line_start,
                t.name,
                t.target.comparator.map(|c| c.as_str()),
                t.target.value,
                t.unit.as_deref().unwrap_or(""),
                t.target.year,
                t.target.raw,
                u8::from(t.inferred.comparator),
                u8::from(t.inferred.direction),
                u8::from(t.inferred.year),
                i.key
            );
        }
    }
    for i in data.indicators.iter().filter(|i| !i.values.is_empty()) {
        for v in &i.values {
            println!(
                "value\t{}\t{}\t{}{}\t{}\tL{}",
                i.name,
                v.year,
                v.value,
                if v.year_inferred {
                    " (year inferred)"
                } else {
                    ""
                },
                v.raw,
                v.source.line_start
            );
        }
    }
    for s in data.summary() {
        println!(
            "summary\t{}\tdomains {}\tgoals {:?}\ttargets {}\tindicators {}\tdepartments {}",
            s.code, s.domains, s.goals_by_kind, s.targets, s.indicators, s.departments
        );
    }
    println!(
        "{} indicators, {} targets, {} document values",
        data.indicators.len(),
        data.plans.iter().map(|p| p.targets.len()).sum::<usize>(),
        data.indicators
            .iter()
            .map(|i| i.values.len())
            .sum::<usize>()
    );
    Ok(())
}
