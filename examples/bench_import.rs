//! Benchmark: parse + import of the bundled document into a fresh SQLite store, and a
//! re-import of the same text (the no-change path). Run with
//! `cargo run --release --example bench_import [ROUNDS]`; prints min / median / max per phase.

use std::time::{Duration, Instant};

use plangraph::import::{self, store, BUNDLED_DOCUMENT};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let dir = std::env::temp_dir().join(format!("plangraph-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (mut parse, mut fresh, mut again) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let url = format!("sqlite://{}/r{round}.db?mode=rwc", dir.display());
        let db = plangraph::db::connect(&url).await?;
        let started = Instant::now();
        let data = import::parse(BUNDLED_DOCUMENT)?;
        parse.push(started.elapsed());
        store::import(&db, &data).await?;
        fresh.push(started.elapsed());
        let started = Instant::now();
        let data = import::parse(BUNDLED_DOCUMENT)?;
        let report = store::import(&db, &data).await?;
        again.push(started.elapsed());
        assert!(report.is_unchanged());
        db.close().await?;
    }
    std::fs::remove_dir_all(&dir)?;
    println!("rounds: {rounds}");
    for (name, mut times) in [
        ("parse", parse),
        ("parse+import (empty store)", fresh),
        ("re-import (unchanged)", again),
    ] {
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{name:<28} min {:>7.2} ms  median {:>7.2} ms  max {:>7.2} ms",
            ms(times[0]),
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1])
        );
    }
    Ok(())
}
