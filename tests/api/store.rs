//! The importer against real stores: idempotence, changes, refusals that change nothing,
//! migrations up and down, and the same rows on SQLite and PostgreSQL.

use migration::{Migrator, MigratorTrait};
use plangraph::import::{self, store, BUNDLED_DOCUMENT};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};

use crate::on_both_backends;
use crate::support::{Backend, TestDb};

/// Every imported row of every table, as text, ids and timestamps left out (they are the
/// store's, not the document's) — except the foreign keys, resolved to natural keys.
async fn dump(db: &DatabaseConnection) -> Vec<String> {
    let queries = [
        "SELECT number || '|' || issuer || '|' || CAST(issue_date AS TEXT) || '|' || title || '|' || sha256 || '|' || line_count || '|' || model_version FROM document",
        "SELECT code || '|' || ordinal || '|' || title || '|' || COALESCE(notice_title, '') || '|' || period_start || '-' || period_end || '|' || COALESCE(overall_goal, '') || '|' || line_start || '-' || line_end FROM plan ORDER BY code",
        "SELECT d.key || '|' || p.code || '|' || d.ordinal || '|' || d.number || '|' || d.title || '|' || d.chapter || '|' || d.line_start || '|' || d.source_text FROM domain d JOIN plan p ON p.id = d.plan_id ORDER BY d.key",
        "SELECT g.key || '|' || COALESCE(d.key, '') || '|' || g.ordinal || '|' || g.kind || '|' || COALESCE(g.number, '') || '|' || g.text || '|' || COALESCE(g.department_tag, '') || '|' || g.line_start || '-' || g.line_end || '|' || g.source_text FROM goal g LEFT JOIN domain d ON d.id = g.domain_id ORDER BY g.key",
        "SELECT name || '|' || kind || '|' || line_start || '|' || source_text FROM department ORDER BY name",
        "SELECT a.alias || '|' || d.name FROM department_alias a JOIN department d ON d.id = a.department_id ORDER BY a.alias",
        "SELECT g.key || '|' || d.name || '|' || l.role || '|' || l.ordinal || '|' || l.raw FROM goal_department l JOIN goal g ON g.id = l.goal_id JOIN department d ON d.id = l.department_id ORDER BY g.key, d.name, l.role",
        "SELECT g.key || '|' || x.role || '|' || x.ordinal || '|' || x.phrase FROM goal_group x JOIN goal g ON g.id = x.goal_id ORDER BY g.key, x.ordinal",
        "SELECT key || '|' || ordinal || '|' || name || '|' || COALESCE(unit, '') || '|' || direction || '|' || CASE WHEN direction_inferred THEN 'inferred' ELSE 'written' END || '|' || line_start FROM indicator ORDER BY key",
        "SELECT t.key || '|' || i.key || '|' || p.code || '|' || COALESCE(d.key, '') || '|' || COALESCE(g.key, '') || '|' || t.ordinal || '|' || t.name || '|' || COALESCE(t.unit, '') || '|' || t.direction || '|' || t.nature || '|' || COALESCE(t.table_category, '') || '|' || COALESCE(CAST(t.baseline_year AS TEXT), '') || '|' || COALESCE(CAST(t.baseline_value AS TEXT), '') || '|' || COALESCE(t.baseline_raw, '') || '|' || t.year || '|' || COALESCE(t.comparator, '') || '|' || COALESCE(CAST(t.value AS TEXT), '') || '|' || t.basis || '|' || t.raw || '|' || t.inferred || '|' || t.line_start || '-' || t.line_end || '|' || t.source_text FROM target t JOIN indicator i ON i.id = t.indicator_id JOIN plan p ON p.id = t.plan_id LEFT JOIN domain d ON d.id = t.domain_id LEFT JOIN goal g ON g.id = t.goal_id ORDER BY t.key",
        "SELECT COALESCE(v.key, 'submitted') || '|' || i.key || '|' || v.year || '|' || CAST(v.value AS TEXT) || '|' || v.status || '|' || v.origin || '|' || CASE WHEN v.year_inferred THEN 'inferred' ELSE 'written' END || '|' || COALESCE(v.raw, '') || '|' || COALESCE(CAST(v.line_start AS TEXT), '') FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id ORDER BY v.key, v.year",
    ];
    let backend = db.get_database_backend();
    let mut rows = Vec::new();
    for sql in queries {
        for row in db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
        {
            let text: String = row
                .try_get_by_index(0)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            rows.push(normalise_floats(&text));
        }
    }
    rows
}

/// PostgreSQL prints 80.0 as 80 and SQLite as 80.0, and SQLite prints 15 significant digits
/// where PostgreSQL prints 17: compare numbers to 12 digits, not their spelling.
fn normalise_floats(text: &str) -> String {
    text.split('|')
        .map(|field| match field.parse::<f64>() {
            Ok(v)
                if field.contains('.') || field.chars().all(|c| c.is_ascii_digit() || c == '-') =>
            {
                format!("{}", format!("{v:.12e}").parse::<f64>().unwrap_or(v))
            }
            _ => field.to_string(),
        })
        .collect::<Vec<_>>()
        .join("|")
}

async fn count(db: &DatabaseConnection, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("count {table}: {e}"))
        .unwrap_or_else(|| panic!("count {table}: no row"));
    row.try_get_by_index(0)
        .unwrap_or_else(|e| panic!("count {table}: {e}"))
}

async fn imported(backend: Backend) -> Option<(TestDb, DatabaseConnection)> {
    let test_db = TestDb::new(backend).await?;
    let db = test_db.connect().await;
    let data = import::parse(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
    let report = store::import(&db, &data)
        .await
        .unwrap_or_else(|e| panic!("import: {e}"));
    assert!(!report.is_unchanged());
    Some((test_db, db))
}

on_both_backends!(
    an_import_leaves_the_planner_statistics,
    |backend| async move {
        let Some((_guard, db)) = imported(backend).await else {
            return;
        };
        // Exactly the rows written: ANALYZE ran after the import, not autovacuum some time later.
        let sql = match backend {
        Backend::Sqlite => "SELECT CAST(stat AS TEXT) FROM sqlite_stat1 WHERE tbl = 'target' AND idx IS NOT NULL LIMIT 1",
        Backend::Postgres => "SELECT CAST(CAST(reltuples AS BIGINT) AS TEXT) FROM pg_class WHERE relname = 'target'",
    };
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no statistics for target"));
        let stat: String = row.try_get_by_index(0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stat.split(' ').next(), Some("184"), "{stat}");
    }
);

on_both_backends!(importing_twice_changes_nothing, |backend| async move {
    let Some((_guard, db)) = imported(backend).await else {
        return;
    };
    let before = dump(&db).await;
    let data = import::parse(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
    let report = store::import(&db, &data)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.is_unchanged(), "second import changed: {report}");
    assert_eq!(dump(&db).await, before);
    assert_eq!(count(&db, "goal").await, 396);
    assert_eq!(count(&db, "goal_department").await, 951);
    assert_eq!(count(&db, "goal_group").await, 36);
    assert_eq!(count(&db, "department").await, 46);
    assert_eq!(count(&db, "department_alias").await, 40);
    assert_eq!(count(&db, "indicator").await, 160);
    assert_eq!(count(&db, "target").await, 184);
    assert_eq!(count(&db, "indicator_value").await, 39);
});

on_both_backends!(
    a_changed_document_updates_in_place_and_reports_it,
    |backend| async move {
        let Some((_guard, db)) = imported(backend).await else {
            return;
        };
        let id_of = |key: &'static str| {
            let db = db.clone();
            async move {
                let sql = format!("SELECT id FROM target WHERE key = '{key}'");
                let row = db
                    .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                    .await;
                row.ok()
                    .flatten()
                    .and_then(|r| r.try_get_by_index::<i32>(0).ok())
            }
        };
        let id_before = id_of("health/table1/7").await;
        let text = String::from_utf8_lossy(BUNDLED_DOCUMENT)
        .replace("\t23.16\n\t30.32", "\t23.16\n\t31.00")
        .replace("（9）12岁儿童龋患率控制在30%以内。（牵头单位：县卫健局，责任单位：县发改局、教育和体育局）\n", "");
        let data = import::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let report = store::import(&db, &data)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let changed = |table: &str| {
            report
                .tables
                .iter()
                .find(|t| t.table == table)
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(
            changed("target")
                .updated
                .iter()
                .filter(|k| *k == "health/table1/7")
                .count(),
            1
        );
        // The clause goes, and with it the measure only it named.
        for table in ["target", "indicator"] {
            assert!(changed(table)
                .deleted
                .contains(&"children/d1/goal/9/t1".to_string()));
        }
        // 居民健康素养水平 keeps its other two targets and its 2020 value.
        assert!(!changed("indicator")
            .deleted
            .contains(&"measure/居民健康素养水平".to_string()));
        assert!(changed("goal")
            .deleted
            .contains(&"children/d1/goal/9".to_string()));
        assert_eq!(id_of("health/table1/7").await, id_before, "ids stay stable");
        assert_eq!(count(&db, "goal").await, 395);
    }
);

// Bad inputs: each is refused with the line to blame, and the store is left as it was.
on_both_backends!(bad_input_changes_nothing, |backend| async move {
    let Some((_guard, db)) = imported(backend).await else {
        return;
    };
    let before = dump(&db).await;
    let text = String::from_utf8_lossy(BUNDLED_DOCUMENT).to_string();
    let lines: Vec<&str> = text.split('\n').collect();
    let truncated_mid_sentence = {
        let cut = text
            .find("（三）健全完善监测评估机制")
            .map_or(0, |at| at + "（三）健全".len());
        text[..cut].to_string()
    };
    let truncated_at_line = lines[..600].join("\n");
    let missing_cell = text.replacen("\t21.46\n", "", 1);
    let mut not_utf8 = BUNDLED_DOCUMENT.to_vec();
    not_utf8.splice(100..100, [0xff, 0xfe]);
    let cases: Vec<(&str, Vec<u8>, Option<usize>)> = vec![
        ("empty file", Vec::new(), None),
        ("not UTF-8", not_utf8, Some(11)), // byte 100 falls in line 11, the notice title
        (
            "truncated mid-sentence",
            truncated_mid_sentence.into_bytes(),
            None,
        ),
        ("truncated at a line", truncated_at_line.into_bytes(), None),
        (
            "table row with a missing column",
            missing_cell.into_bytes(),
            Some(554),
        ),
    ];
    for (what, bytes, line) in cases {
        let err = import::parse(&bytes)
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        if let Some(line) = line {
            assert_eq!(err.line, Some(line), "{what}: {err}");
        }
        assert!(!err.message.is_empty());
    }
    assert_eq!(dump(&db).await, before);

    // A document the parser accepts but the store refuses (a submitted value holds an
    // indicator the new text drops) rolls back whole.
    db.execute_unprepared(
        "INSERT INTO indicator_value (key, indicator_id, year, value, status, origin, version, created_at) \
         SELECT NULL, id, 2021, 24.0, 'submitted', 'submission', 1, CURRENT_TIMESTAMP FROM indicator WHERE key = 'children/d1/goal/9/t1'",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let before = dump(&db).await;
    let without_goal_9 = text.replace("（9）12岁儿童龋患率控制在30%以内。（牵头单位：县卫健局，责任单位：县发改局、教育和体育局）\n", "");
    let data = import::parse(without_goal_9.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        store::import(&db, &data).await.is_err(),
        "dropping an indicator with submitted values must fail"
    );
    assert_eq!(dump(&db).await, before);
});

on_both_backends!(migrations_go_down_and_up, |backend| async move {
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    assert_eq!(count(&db, "goal").await, 0);
    Migrator::down(&db, None)
        .await
        .unwrap_or_else(|e| panic!("down: {e}"));
    let gone = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM goal",
        ))
        .await;
    assert!(gone.is_err(), "goal table still exists after down");
    Migrator::up(&db, None)
        .await
        .unwrap_or_else(|e| panic!("up: {e}"));
    let data = import::parse(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
    store::import(&db, &data)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(count(&db, "plan").await, 4);
});

#[tokio::test]
async fn postgres_holds_exactly_the_rows_sqlite_holds() {
    let Some((_pg_guard, pg)) = imported(Backend::Postgres).await else {
        return;
    };
    let Some((_lite_guard, lite)) = imported(Backend::Sqlite).await else {
        return;
    };
    let (pg_rows, lite_rows) = (dump(&pg).await, dump(&lite).await);
    assert_eq!(pg_rows.len(), lite_rows.len());
    for (p, l) in pg_rows.iter().zip(&lite_rows) {
        assert_eq!(p, l);
    }
    assert!(pg_rows.len() > 1500);
}

on_both_backends!(
    servers_starting_together_migrate_once,
    |backend| async move {
        let Some(test_db) = TestDb::new(backend).await else {
            return;
        };
        let (a, b, c) = tokio::join!(
            plangraph::db::connect(&test_db.url),
            plangraph::db::connect(&test_db.url),
            plangraph::db::connect(&test_db.url)
        );
        for db in [a, b, c] {
            let db = db.unwrap_or_else(|e| panic!("concurrent start: {e}"));
            assert_eq!(count(&db, "plan").await, 0);
        }
    }
);

on_both_backends!(
    a_server_on_an_empty_store_analyzes_once_it_serves,
    |backend| async move {
        let Some(app) = crate::support::TestApp::spawn(backend).await else {
            return;
        };
        // The import at start leaves ANALYZE until the server is up (cold start); it follows.
        let sql = match backend {
        Backend::Sqlite => "SELECT CAST(stat AS TEXT) FROM sqlite_stat1 WHERE tbl = 'target' AND idx IS NOT NULL LIMIT 1",
        Backend::Postgres => "SELECT CAST(CAST(reltuples AS BIGINT) AS TEXT) FROM pg_class WHERE relname = 'target'",
    };
        let started = std::time::Instant::now();
        loop {
            let stat: Option<String> = app
                .db
                .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
                .await
                // SQLite has no sqlite_stat1 table until its first ANALYZE.
                .ok()
                .flatten()
                .and_then(|row| row.try_get_by_index(0).ok());
            if stat.as_deref().and_then(|s| s.split(' ').next()) == Some("184") {
                break;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "no statistics 10 s after the start: {stat:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
);

on_both_backends!(
    a_start_restates_statuses_a_store_holds_wrongly,
    |backend| async move {
        let Some((guard, db)) = imported(backend).await else {
            return;
        };
        // As a store migrated to the status column holds it: every target `no_data`, and no
        // tally of them (the table came later).
        db.execute_unprepared("UPDATE target SET status = 'no_data'")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        db.execute_unprepared("DELETE FROM status_tally")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        db.execute_unprepared("UPDATE plan SET indicator_count = 0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let stale = plangraph::service::statuses::stale(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            stale.len(),
            18,
            "6 ACHIEVED and 12 NOT_QUANTIFIED in the document"
        );
        let settings = plangraph::config::Settings::new(guard.url.clone(), "127.0.0.1:0");
        plangraph::startup::import_if_empty(&db, &settings)
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        let stale = plangraph::service::statuses::stale(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stale, vec![]);
        assert_eq!(
            plangraph::service::tally::drift(&db)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
            vec![]
        );
        // Indicators per plan, as the document's targets name them (women, children,
        // health, earthquake).
        let mut plans = entity::plan::Entity::find()
            .all(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        plans.sort_by_key(|p| p.ordinal);
        let counts: Vec<(&str, i32)> = plans
            .iter()
            .map(|p| (p.code.as_str(), p.indicator_count))
            .collect();
        assert_eq!(
            counts,
            [
                ("women", 35),
                ("children", 39),
                ("health", 89),
                ("earthquake", 7)
            ]
        );
        let every = plangraph::repo::tally::of_filter(&db, &Default::default())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_default();
        let mut every: Vec<(String, usize)> =
            every.into_iter().map(|(s, n)| (s.to_string(), n)).collect();
        every.sort();
        assert_eq!(
            every,
            [
                ("achieved".to_string(), 6),
                ("no_data".to_string(), 166),
                ("not_quantified".to_string(), 12)
            ]
        );
    }
);
