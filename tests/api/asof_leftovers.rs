//! Copies for `asOf` reads that a server left when it ended (killed, crashed) are removed by
//! the next server's first copy; copies of a server still running beside it on the same store
//! are kept. "Still running" is a lock on the copies' token: held here by the test itself, as
//! another process would hold it.

use plangraph::db::snapshot::lease;
use sea_orm::sqlx::{self, Connection};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, TestApp};

const GONE: u32 = 0x0000_0de4;
const ALIVE: u32 = 0x0000_0a11;

/// A copy's schema (PostgreSQL) or file (SQLite) with this name exists.
async fn exists(app: &TestApp, backend: Backend, name: &str) -> bool {
    match backend {
        Backend::Postgres => {
            let sql = format!("SELECT COUNT(*) FROM pg_namespace WHERE nspname = '{name}'");
            crate::workflow::scalar(app, &sql).await == 1
        }
        Backend::Sqlite => std::path::Path::new(&copies_dir(app))
            .join(format!("{name}.sqlite"))
            .exists(),
    }
}

fn copies_dir(app: &TestApp) -> String {
    let store = app.url.trim_start_matches("sqlite://");
    format!("{}.asof", store.split('?').next().unwrap_or(""))
}

/// Leaves a copy named `name` as a process would have.
async fn leave(app: &TestApp, backend: Backend, name: &str) {
    match backend {
        Backend::Postgres => {
            let sql = format!("CREATE SCHEMA \"{name}\"; CREATE TABLE \"{name}\".plan (id int)");
            let made = app.db.execute_unprepared(&sql).await;
            made.unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        Backend::Sqlite => {
            let dir = copies_dir(app);
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
            std::fs::write(format!("{dir}/{name}.sqlite"), b"")
                .unwrap_or_else(|e| panic!("{dir}: {e}"));
        }
    }
}

/// What another running process holds: its lock on `ALIVE` (let go when dropped).
async fn hold_alive(app: &TestApp, backend: Backend) -> Box<dyn std::any::Any + Send> {
    match backend {
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&app.url)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            sqlx::query("SELECT pg_advisory_lock($1, $2)")
                .bind(lease::CLASS)
                .bind(ALIVE.cast_signed())
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            Box::new(conn)
        }
        Backend::Sqlite => {
            let path = format!("{}/{ALIVE:08x}.lock", copies_dir(app));
            let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            file.lock().unwrap_or_else(|e| panic!("{path}: {e}"));
            Box::new(file)
        }
    }
}

on_both_backends!(
    copies_a_gone_server_left_are_removed_and_a_running_ones_kept,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let gone = lease::copy_name(1, GONE);
        let earlier_form = "asof_1_1f2a3b4c5d6e";
        let alive = lease::copy_name(1, ALIVE);
        for name in [gone.as_str(), earlier_form, alive.as_str()] {
            leave(&app, backend, name).await;
        }
        let held = hold_alive(&app, backend).await;
        assert!(exists(&app, backend, &gone).await);

        // The first asOf read makes this server's copy, taking its lease first.
        let at = crate::asof::rfc3339(chrono::Utc::now());
        let asked = Some(json!({ "asOf": at }));
        let (_, body) = crate::asof::raw(&app, "{ plans { code } }", asked).await;
        assert!(body.contains("\"resolvedSeq\":1"), "{body}");

        assert!(!exists(&app, backend, &gone).await, "{gone} left");
        assert!(
            !exists(&app, backend, earlier_form).await,
            "{earlier_form} left"
        );
        assert!(exists(&app, backend, &alive).await, "{alive} removed");
        drop(held);
        // and the server goes on answering from its own copy
        let again = app.query("{ plans { code } }").await;
        assert_eq!(again["data"]["plans"][0]["code"], "women");
    }
);
