//! The PostgreSQL baseline (migration/baseline/postgres.sql), which a new store loads instead
//! of running the migrations one by one, makes the store the migrations make, and is current.
//! `PLANGRAPH_BLESS=1 cargo test --test api baseline` rewrites it after a new migration.

use migration::{baseline, versioning, Migrator, MigratorTrait};
use sea_orm::Database;

use crate::support::{Backend, TestDb};

/// The store as `pg_dump` prints it (schema and rows), as [`baseline::from_dump`] rewrites it.
fn dump(url: &str) -> String {
    let out = std::process::Command::new("pg_dump")
        .args([
            "--column-inserts",
            "--no-owner",
            "--no-privileges",
            "--no-comments",
            "--dbname",
            url,
        ])
        .output()
        .unwrap_or_else(|e| panic!("pg_dump (PostgreSQL's client tools) must be installed: {e}"));
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    baseline::from_dump(
        &String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("pg_dump prints UTF-8: {e}")),
    )
}

fn first_difference(a: &str, b: &str) -> String {
    a.lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map_or_else(
            || {
                format!(
                    "lengths differ: {} vs {} lines",
                    a.lines().count(),
                    b.lines().count()
                )
            },
            |(n, (x, y))| format!("line {}: {x:?} vs {y:?}", n + 1),
        )
}

#[tokio::test]
async fn the_baseline_makes_the_store_the_migrations_make() {
    let (Some(stepwise), Some(loaded)) = (
        TestDb::new(Backend::Postgres).await,
        TestDb::new(Backend::Postgres).await,
    ) else {
        return;
    };
    // One migration after another, as a store older than the baseline is brought up to date.
    let db = Database::connect(&stepwise.url)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    Migrator::up(&db, None)
        .await
        .unwrap_or_else(|e| panic!("migrations: {e}"));
    versioning::ensure(&db)
        .await
        .unwrap_or_else(|e| panic!("versioning triggers: {e}"));
    let _ = db.close().await;
    let migrated = dump(&stepwise.url);
    assert!(
        migrated.contains("CREATE TABLE target (") && migrated.contains("bump_data_version"),
        "the dump holds the store's tables and functions"
    );

    if std::env::var("PLANGRAPH_BLESS").is_ok_and(|v| v == "1") {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/migration/baseline/postgres.sql"
        );
        std::fs::write(path, &migrated).unwrap_or_else(|e| panic!("write the baseline: {e}"));
        eprintln!("wrote {path}; build again and run this test without PLANGRAPH_BLESS");
        return;
    }
    assert!(
        migrated == baseline::POSTGRES,
        "migration/baseline/postgres.sql is stale ({}): run \
         PLANGRAPH_BLESS=1 cargo test --test api baseline",
        first_difference(&migrated, baseline::POSTGRES)
    );

    // The server's own way: an empty database gets the baseline.
    let _ = loaded.connect().await.close().await;
    let from_baseline = dump(&loaded.url);
    assert!(
        from_baseline == migrated,
        "the baseline makes another store than the migrations ({})",
        first_difference(&from_baseline, &migrated)
    );
}
