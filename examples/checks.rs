//! What the checks cost on the largest documents they accept, and what async-graphql's
//! validation then does with them (issue 27). Each shape is built at the limits (just under
//! the expanded-selection cap, within the body size) and timed: the checks alone (parse,
//! expansion, cost), then the schema's whole run of it without a store (validation, and
//! execution that stops at the first resolver needing the store). Prints a Markdown table.
//!
//!   cargo run --release --example checks [ROUNDS [SELECTIONS …]]
//!   cargo run --release --example checks --emit DIR     (the shapes as request bodies)
//!
//! With SELECTIONS, the shapes are built that large and the cap raised to fit, to show how
//! the work grows past the default (the reason for the cap).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::{Request, Variables};
use plangraph::config::Limits;
use plangraph::limits::bounds::LiveBounds;
use plangraph::limits::check::Checker;

/// The worst shapes found for validation, each with about `n` expanded selections.
fn shapes(n: usize) -> Vec<(&'static str, String)> {
    let repeated = format!("{{ plans {{ {} }} }}", "code ".repeat(n - 1));
    let fields: Vec<&str> = ["code", "title", "noticeTitle", "id", "overallGoal"].to_vec();
    let per = fields.len();
    let spread = format!(
        "{{ plans {{ {} }} }} fragment F on Plan {{ {} }}",
        "...F ".repeat((n - 1) / (per + 1)),
        fields.join(" ")
    );
    // Fragments spreading the previous one twice: selections double per level, text does not.
    let mut doubling = String::from("{ plans { ...D0 } }");
    let levels = (n as f64).log2() as usize - 1;
    for i in 0..levels {
        doubling.push_str(&format!(
            " fragment D{i} on Plan {{ ...D{} ...D{} }}",
            i + 1,
            i + 1
        ));
    }
    doubling.push_str(&format!(" fragment D{levels} on Plan {{ code }}"));
    // A chain as deep as the nesting limit, each level spreading a wide fragment.
    let mut chain = String::from("{ plans { ...C0 } }");
    // Two field levels a fragment, each multiplying by a list: two keep the cost of the wide
    // levels under the cost limit on the document's store.
    let depth = 2;
    let width = n / depth / 3;
    for i in 0..depth {
        chain.push_str(&format!(
            " fragment C{i} on Plan {{ {} domains {{ plan {{ ...C{} }} }} }}",
            "code ".repeat(width),
            i + 1
        ));
    }
    chain.push_str(&format!(" fragment C{depth} on Plan {{ code }}"));
    vec![
        ("one field repeated", repeated),
        ("one fragment spread again and again", spread),
        ("fragments doubling", doubling),
        ("a chain of wide fragments", chain),
    ]
}

/// `--emit DIR`: write each shape at the default cap as a request body, for bench/hostile.sh.
fn emit_dir() -> anyhow::Result<Option<String>> {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some("--emit") {
        return Ok(None);
    }
    Ok(Some(
        args.next().ok_or_else(|| anyhow::anyhow!("--emit DIR"))?,
    ))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    if let Some(dir) = emit_dir()? {
        for (n, (_, query)) in shapes(Limits::default().selections).into_iter().enumerate() {
            let body = serde_json::json!({ "query": query }).to_string();
            std::fs::write(format!("{dir}/shape{n}.json"), body)?;
        }
        return Ok(());
    }
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let rounds = args.first().copied().unwrap_or(21);
    let mut sizes: Vec<usize> = args.iter().skip(1).copied().collect();
    if sizes.is_empty() {
        sizes.push(Limits::default().selections);
    }
    let schema = plangraph::graphql::build_schema(None);
    println!("| shape | bytes | expanded selections | checks (median) | schema run (median) |");
    println!("|---|---|---|---|---|");
    for size in sizes {
        // Past the default, the cap is raised to the size asked for (and the cost limit
        // lifted): the rows then show what the cap saves.
        let limits = Limits {
            selections: size.max(Limits::default().selections),
            cost: if size > Limits::default().selections {
                usize::MAX / 2
            } else {
                Limits::default().cost
            },
            ..Limits::default()
        };
        table(&schema, limits, size, rounds).await?;
    }
    Ok(())
}

/// One row per shape, each about `size` expanded selections.
async fn table(
    schema: &plangraph::graphql::AppSchema,
    limits: Limits,
    size: usize,
    rounds: usize,
) -> anyhow::Result<()> {
    let checker = Checker::new(limits, Arc::new(LiveBounds::default()));
    checker.learn_table(plangraph::graphql::cost_table());
    for (name, query) in shapes(size) {
        let document = async_graphql::parser::parse_query(&query)?;
        let expanded = plangraph::limits::expand::measure(&document)
            .map_err(|e| anyhow::anyhow!("{name}: {e:?}"))?;
        let accepted = checker.check(&document, &Variables::default());
        let (mut checks, mut runs) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let t = Instant::now();
            checker.check_text(&query).ok();
            let d = async_graphql::parser::parse_query(&query)?;
            let _ = checker.check(&d, &Variables::default());
            checks.push(t.elapsed());
            let t = Instant::now();
            let _ = schema.execute(Request::new(query.clone())).await;
            runs.push(t.elapsed());
        }
        println!(
            "| {name}{} | {} | {} | {:.2} ms | {:.2} ms |",
            if accepted.is_ok() { "" } else { " (refused)" },
            query.len(),
            expanded.selections,
            median(checks).as_secs_f64() * 1e3,
            median(runs).as_secs_f64() * 1e3,
        );
    }
    Ok(())
}
