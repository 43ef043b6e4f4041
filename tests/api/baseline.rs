//! The PostgreSQL baseline (migration/baseline/postgres.sql), which a new store loads instead
//! of running the migrations one by one, makes the store the migrations make, and is current.
//! `PLANGRAPH_BLESS=1 cargo test --test api baseline` rewrites it after a new migration.

use migration::{baseline, versioning, Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database};

use crate::support::{Backend, TestDb};

/// The store as `pg_dump` prints it (schema and rows), as [`baseline::from_dump`] rewrites it.
fn dump(url: &str) -> String {
    let out = std::process::Command::new("pg_dump")
        .args([
            "--column-inserts",
            "--no-owner",
            "--no-privileges",
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
    migration::history::ensure(&db)
        .await
        .unwrap_or_else(|e| panic!("history tables: {e}"));
    migration::later::ensure_indexes(&db)
        .await
        .unwrap_or_else(|e| panic!("history indexes: {e}"));
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

/// `db::open` as `serve` calls it, with `seed` as the new store's first rows.
async fn open(
    url: &str,
    seed: Option<plangraph::db::Seed>,
) -> Result<plangraph::db::Opened, plangraph::db::OpenError> {
    plangraph::db::open(
        url,
        std::time::Duration::from_secs(5),
        plangraph::db::Access::Create,
        seed,
    )
    .await
}

/// `dump` with the times rows were written (when the import ran, when it was published) as
/// `'T'`.
fn undated_rows(dump: &str) -> String {
    let stamp = regex_lite::Regex::new(r"'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00'")
        .unwrap_or_else(|e| panic!("pattern: {e}"));
    let published = regex_lite::Regex::new(
        r"(INSERT INTO publication \(seq, version, at_us\) VALUES \(\d+, \d+), \d+\)",
    )
    .unwrap_or_else(|e| panic!("pattern: {e}"));
    let undated = stamp.replace_all(dump, "'T'");
    history_sorted(&published.replace_all(&undated, "$1, T)"))
}

/// History tables have no key, so a dump lists their rows in the order they lie on disk,
/// which depends on how `publish`'s updates were planned: each table's rows are sorted (a
/// row's statement may span lines: its text has line breaks).
fn history_sorted(dump: &str) -> String {
    let mut statements: Vec<String> = Vec::new();
    for line in dump.lines() {
        match statements.last_mut() {
            Some(open) if open.starts_with("INSERT INTO ") && !open.ends_with(");") => {
                open.push('\n');
                open.push_str(line);
            }
            _ => statements.push(line.to_string()),
        }
    }
    let table = |s: &str| {
        s.strip_prefix("INSERT INTO ")
            .and_then(|rest| rest.split_once(' '))
            .map(|(t, _)| t.to_string())
            .filter(|t| t.ends_with("__history"))
    };
    let mut out: Vec<String> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    for s in statements {
        let t = table(&s);
        if t.is_some() && run.first().is_none_or(|f| table(f) == t) {
            run.push(s);
            continue;
        }
        run.sort_unstable();
        out.append(&mut run);
        if t.is_some() {
            run.push(s);
        } else {
            out.push(s);
        }
    }
    run.sort_unstable();
    out.append(&mut run);
    out.join("\n")
}

/// A new PostgreSQL store gets the bundled document in the transaction that makes it, before
/// its keys (`db::open` with a seed, as `serve` does): it holds what a store migrated first and
/// imported into afterwards holds, row for row and key for key.
#[tokio::test]
async fn a_store_seeded_as_it_is_made_holds_what_an_import_writes() {
    let (Some(seeded), Some(imported)) = (
        TestDb::new(Backend::Postgres).await,
        TestDb::new(Backend::Postgres).await,
    ) else {
        return;
    };
    let data = std::sync::Arc::new(
        plangraph::import::parse(plangraph::import::BUNDLED_DOCUMENT)
            .unwrap_or_else(|e| panic!("the bundled document parses: {e}")),
    );
    let seed: plangraph::db::Seed = {
        let data = std::sync::Arc::clone(&data);
        Box::new(move |txn| {
            Box::pin(async move {
                plangraph::import::store::import_in(txn, &data)
                    .await
                    .map(|_| ())
            })
        })
    };
    let opened = open(&seeded.url, Some(seed))
        .await
        .unwrap_or_else(|e| panic!("open the new store: {e}"));
    assert!(
        opened.seeded,
        "a new store made from the baseline takes the seed"
    );
    // Its history's indexes and its plain read indexes are left for the server to make after
    // its first answer; its keys, unique indexes and foreign keys are there.
    assert_eq!(history_indexes(&opened.db).await, 0);
    assert_eq!(read_indexes(&opened.db).await, 0);
    migration::later::ensure_indexes(&opened.db)
        .await
        .unwrap_or_else(|e| panic!("later indexes: {e}"));
    assert_eq!(history_indexes(&opened.db).await, HISTORY_INDEXES);
    assert_eq!(read_indexes(&opened.db).await, READ_INDEXES);
    let _ = opened.db.close().await;

    let db = imported.connect().await;
    plangraph::import::store::import(&db, &data)
        .await
        .unwrap_or_else(|e| panic!("import: {e}"));
    let _ = db.close().await;

    let (from_seed, from_import) = (
        undated_rows(&dump(&seeded.url)),
        undated_rows(&dump(&imported.url)),
    );
    // The document's rows, not two empty stores: 184 targets, the last one numbered so.
    assert!(
        from_seed.contains("INSERT INTO target (")
            && from_seed.contains("SELECT pg_catalog.setval('target_id_seq', 184, true);"),
        "the seeded store holds the document's 184 targets"
    );
    assert!(
        from_seed == from_import,
        "the seeded store differs from the imported one ({})",
        first_difference(&from_seed, &from_import)
    );

    // Opened again, the store is not new: the seed is not written twice.
    let again = open(
        &seeded.url,
        Some(Box::new(|_| {
            Box::pin(async { Err(sea_orm::DbErr::Custom("not a new store".into())) })
        })),
    )
    .await
    .unwrap_or_else(|e| panic!("open the store again: {e}"));
    assert!(!again.seeded);
    let _ = again.db.close().await;
}

/// A seed the store refuses leaves nothing: no tables, no rows, and the next start makes the
/// store afresh.
#[tokio::test]
async fn a_refused_seed_leaves_the_database_empty() {
    let Some(store) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let refused = open(
        &store.url,
        Some(Box::new(|txn| {
            Box::pin(async move {
                // A row the keys made after it refuse: a plan of a document that is not there.
                txn.execute_unprepared(
                    "INSERT INTO plan (document_id, code, ordinal, title, notice_title, \
                     period_start, period_end, overall_goal, line_start, line_end, source_text, \
                     indicator_count) VALUES (42, 'x', 1, 't', 'n', 2021, 2025, 'g', 1, 1, 's', 0)",
                )
                .await
                .map(|_| ())
            })
        })),
    )
    .await;
    let Err(err) = refused else {
        panic!("a plan without its document was let in");
    };
    assert!(
        err.to_string().contains("fk_plan_document"),
        "the refusal names the key: {err}"
    );
    let db = sea_orm::Database::connect(&store.url)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let tables = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()",
        ))
        .await
        .unwrap_or_else(|e| panic!("count tables: {e}"))
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()
        .unwrap_or_else(|e| panic!("read the count: {e}"));
    assert_eq!(tables, Some(0), "nothing of the refused store is left");
    let _ = db.close().await;
    let opened = open(&store.url, None)
        .await
        .unwrap_or_else(|e| panic!("the next start makes the store: {e}"));
    assert!(!opened.seeded);
    let _ = opened.db.close().await;
}

/// The history's and versioning's triggers are made again only when their text changed: a
/// store made from the baseline starts with their fingerprints, so a start sends none of them;
/// a stale fingerprint (a new version of the statements) makes them again.
#[tokio::test]
async fn the_statements_made_at_every_start_run_only_when_they_changed() {
    let Some(store) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let db = store.connect().await;
    let exists = async |db: &sea_orm::DatabaseConnection| {
        db.query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'plan_history_update'",
        ))
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
            == Some(1)
    };
    let comment = async |db: &sea_orm::DatabaseConnection| {
        db.query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT obj_description('publication'::regclass, 'pg_class')",
        ))
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get_by_index::<String>(0).ok())
        .unwrap_or_default()
    };
    assert!(exists(&db).await);
    let mark = comment(&db).await;
    assert!(baseline::POSTGRES.contains(&format!("COMMENT ON TABLE publication IS '{mark}';")));
    // Unchanged statements are not sent: a trigger dropped behind the server's back stays
    // dropped (which is how it shows that nothing ran).
    let drop = "DROP TRIGGER plan_history_update ON plan";
    db.execute_unprepared(drop)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    migration::history::ensure(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!exists(&db).await, "the unchanged statements ran again");
    // A fingerprint of other statements: they all run again, and the new one is kept.
    db.execute_unprepared("COMMENT ON TABLE publication IS 'history 0'")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    migration::history::ensure(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(exists(&db).await, "changed statements did not run");
    assert_eq!(comment(&db).await, mark);
    let _ = db.close().await;
}

/// The script's plain indexes (`CREATE INDEX`, no constraint on them): 25, from
/// idx_alias_department to publication_at.
const READ_INDEXES: i64 = 25;

/// How many of the script's plain indexes the store has.
async fn read_indexes(db: &sea_orm::DatabaseConnection) -> i64 {
    let names: Vec<String> = migration::baseline::deferred_indexes()
        .iter()
        .map(|(name, _)| format!("'{name}'"))
        .collect();
    assert_eq!(names.len() as i64, READ_INDEXES);
    let sql = format!(
        "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() \
         AND indexname IN ({})",
        names.join(", ")
    );
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql,
    ))
    .await
    .ok()
    .flatten()
    .and_then(|r| r.try_get_by_index::<i64>(0).ok())
    .unwrap_or(-1)
}

/// The history's indexes: 20 history tables with two each, and three read indexes.
const HISTORY_INDEXES: i64 = 43;

async fn history_indexes(db: &sea_orm::DatabaseConnection) -> i64 {
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() \
         AND tablename LIKE '%!_!_history' ESCAPE '!'",
    ))
    .await
    .ok()
    .flatten()
    .and_then(|r| r.try_get_by_index::<i64>(0).ok())
    .unwrap_or(-1)
}

/// The server makes a new store's history indexes and plain read indexes after its first
/// answer; any other open makes them at once.
#[tokio::test]
async fn the_history_indexes_are_made_after_the_first_answer() {
    let Some(store) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let db = store.connect().await;
    assert_eq!(history_indexes(&db).await, HISTORY_INDEXES);
    assert_eq!(read_indexes(&db).await, READ_INDEXES);
    let _ = db.close().await;

    let Some(app) = crate::support::TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let body = app.query("{ plans { code } }").await;
    assert_eq!(body["data"]["plans"][0]["code"], "women");
    let mut made = (-1, -1);
    for _ in 0..100 {
        made = (history_indexes(&app.db).await, read_indexes(&app.db).await);
        if made == (HISTORY_INDEXES, READ_INDEXES) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        made,
        (HISTORY_INDEXES, READ_INDEXES),
        "the server did not make them"
    );
}
