//! The 100× data generator for the benchmarks: opens (and migrates) the store at DATABASE_URL,
//! imports the bundled document if it is empty, and copies its indicators and targets until
//! the store holds FACTOR times them, with ten published yearly values per copy
//! (`plangraph::import::scale`). Run with `cargo run --release --example scale [FACTOR]`
//! (default 100) on a store made for measuring: the copies are not the document's. With
//! BREAKDOWNS=1 a quarter of the indicators also get values by sex and urban/rural.

use plangraph::config::Settings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let factor: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let settings = Settings::from_env()?;
    let db = plangraph::db::connect(&settings.database_url).await?;
    plangraph::startup::import_if_empty(&db, &settings).await?;
    let started = std::time::Instant::now();
    let scaled = plangraph::import::scale::scale(&db, factor).await?;
    println!(
        "{factor}×: {} indicators, {} targets, {} values in {:.1} s",
        scaled.indicators,
        scaled.targets,
        scaled.values,
        started.elapsed().as_secs_f64()
    );
    if std::env::var("BREAKDOWNS").is_ok_and(|v| v == "1") {
        let added = plangraph::import::scale::add_breakdowns(&db).await?;
        println!("{added} values by breakdown on a quarter of the indicators");
    }
    Ok(())
}
