//! The command line as a new user meets it: mistakes in DATABASE_URL or the address are named
//! with what to do, once and at once, and only `serve` and `import` ever create a store.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database};

use crate::on_both_backends;
use crate::support::{Backend, TestDb};

fn plangraph(args: &[&str], database_url: &str) -> (Output, Duration) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_plangraph"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .env(
            "PLANGRAPH_JWT_SECRET",
            "a-test-secret-of-enough-bytes-0123456789",
        )
        .output()
        .unwrap_or_else(|e| panic!("run plangraph: {e}"));
    (output, started.elapsed())
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[test]
fn help_names_the_store_variable() {
    let (output, _) = plangraph(&["--help"], "");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("DATABASE_URL"), "{help}");
    assert!(help.contains("PLANGRAPH_BIND"), "{help}");
}

/// The log written to a file or a pipe carries no terminal colour codes.
#[test]
fn a_log_not_written_to_a_terminal_has_no_colour_codes() {
    let dir = std::env::temp_dir().join(format!("plangraph_log_{}", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", dir.join("store.db").display());
    let document = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/changle-2022-16-plans.txt"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_plangraph"))
        .args(["import", document])
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "plangraph=debug")
        .env_remove("NO_COLOR")
        .output()
        .unwrap_or_else(|e| panic!("run plangraph: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success(), "{}", stderr(&output));
    let log = stderr(&output);
    assert!(log.contains("DEBUG"), "no log lines to look at: {log}");
    assert!(!log.contains('\u{1b}'), "colour codes in the log: {log:?}");
}

#[test]
fn account_commands_never_create_a_store() {
    let dir = std::env::temp_dir().join(format!("plangraph_cli_{}", std::process::id()));
    let file = dir.join("store.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let (output, _) = plangraph(&["user", "list"], &url);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("there is no store at") && message.contains("plangraph serve"),
        "{message}"
    );
    assert!(!dir.exists(), "the command created {}", dir.display());
}

#[tokio::test]
async fn postgres_mistakes_are_named_at_once() {
    let Some(store) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let (base, _) = store.url.rsplit_once('/').unwrap_or((&store.url, ""));
    let (output, took) = plangraph(&["user", "list"], &format!("{base}/plangraph_no_such_db"));
    let message = stderr(&output);
    assert!(!output.status.success());
    assert_eq!(message.matches("does not exist").count(), 1, "{message}");
    assert!(message.contains("createdb"), "{message}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    // nothing listens on port 1
    let (output, took) = plangraph(&["user", "list"], "postgres://postgres@127.0.0.1:1/x");
    let message = stderr(&output);
    assert!(message.contains("cannot reach the store at"), "{message}");
    assert!(message.contains("DATABASE_URL"), "{message}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

on_both_backends!(
    a_database_with_other_tables_is_left_alone,
    |backend| async move {
        let Some(store) = TestDb::new(backend).await else {
            return;
        };
        let db = Database::connect(&store.url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        db.execute_unprepared("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for args in [
            &["user", "list"][..],
            &["serve", "--bind", "127.0.0.1:0"][..],
        ] {
            let (output, _) = plangraph(args, &store.url);
            let message = stderr(&output);
            assert!(!output.status.success(), "{args:?} went ahead");
            assert!(
                message.contains("holds other tables (invoices) and no plangraph store"),
                "{args:?}: {message}"
            );
        }
        let tables = match backend {
        Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        }
    };
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                tables,
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no row"));
        assert_eq!(
            row.try_get_by_index::<i64>(0).unwrap_or(-1),
            1,
            "only invoices"
        );
        let _ = db.close().await;
    }
);

/// `plangraph user add` with the password on standard input.
fn add_user(args: &[&str], database_url: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_plangraph"))
        .args(["user", "add"])
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run plangraph: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(b"an evaluator password 1\n");
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("plangraph: {e}"))
}

/// An evaluator is let in for a stated period: the command asks for `--until` and lists it.
#[test]
fn an_evaluator_account_needs_the_end_of_its_access() {
    let dir = std::env::temp_dir().join(format!("plangraph_cli_eval_{}", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", dir.join("store.db").display());
    let document = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/changle-2022-16-plans.txt"
    );
    let (imported, _) = plangraph(&["import", document], &url);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let without = add_user(&["--username", "eval.gao", "--role", "evaluator"], &url);
    assert!(!without.status.success());
    assert!(
        stderr(&without).contains("needs an end"),
        "{}",
        stderr(&without)
    );
    let args = [
        "--username",
        "eval.gao",
        "--role",
        "evaluator",
        "--until",
        "2099-03-31T23:59:59+08:00",
    ];
    let with = add_user(&args, &url);
    assert!(with.status.success(), "{}", stderr(&with));
    let (listed, _) = plangraph(&["user", "list"], &url);
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        text.contains("eval.gao\tevaluator\t\tactive\tuntil 2099-03-31T15:59:59+00:00"),
        "{text}"
    );
}
