//! Benchmark: parse + import of the bundled document into a fresh store, and a re-import of
//! the same text (the no-change path). SQLite by default; with `PLANGRAPH_BENCH_PG` set to a
//! PostgreSQL admin URL, each round uses a fresh PostgreSQL database instead. Run with
//! `cargo run --release --example bench_import [ROUNDS]`; prints min / median / max per phase.
//! Connecting and migrating are not timed.

use std::time::{Duration, Instant};

use plangraph::import::{self, store, BUNDLED_DOCUMENT};
use sea_orm::{ConnectionTrait, Database};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let pg_admin = std::env::var("PLANGRAPH_BENCH_PG").ok();
    let dir = std::env::temp_dir().join(format!("plangraph-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (mut parse, mut fresh, mut again) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let url = match &pg_admin {
            Some(admin_url) => {
                let admin = Database::connect(admin_url).await?;
                let name = format!("plangraph_bench_{}_{round}", std::process::id());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await?;
                admin.close().await?;
                format!(
                    "{}/{name}",
                    admin_url
                        .rsplit_once('/')
                        .map_or(admin_url.as_str(), |(base, _)| base)
                )
            }
            None => format!("sqlite://{}/r{round}.db?mode=rwc", dir.display()),
        };
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
        if let Some(admin_url) = &pg_admin {
            let admin = Database::connect(admin_url).await?;
            let name = url.rsplit('/').next().unwrap_or_default();
            admin
                .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
                .await?;
            admin.close().await?;
        }
    }
    std::fs::remove_dir_all(&dir)?;
    println!(
        "store: {}, rounds: {rounds}",
        if pg_admin.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
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
