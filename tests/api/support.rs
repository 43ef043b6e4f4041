//! Throwaway stores and a real server on a random port, for every test that needs one.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use plangraph::config::Settings;
use plangraph::startup::Application;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, TransactionTrait};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// Says that a test skipped what the machine lacks — or fails the test where `require` (the
/// variable `.ci/run` sets to 1) says it must be there. The notice goes to the terminal's
/// standard error directly: libtest keeps what `eprintln!` prints for a passing test to
/// itself, and a skip nobody sees is a silent pass. Each notice is written once per run.
pub fn skipped(message: &str, require: &str) {
    if std::env::var(require).is_ok_and(|v| v == "1") {
        panic!("{message}; {require}=1 makes this a failure");
    }
    static SAID: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let first = SAID
        .lock()
        .map(|mut said| said.insert(message.to_string()))
        .unwrap_or(true);
    if first {
        let _ = writeln!(
            std::io::stderr(),
            "\n{message}\n*** (the tests that need it pass without it; {require}=1 makes them fail)"
        );
    }
}

/// Why the PostgreSQL server could not be reached, once a test found out: the tests after it
/// skip at once instead of each waiting for a connection.
static POSTGRES_DOWN: Mutex<Option<String>> = Mutex::new(None);

/// The PostgreSQL admin connection, within a few seconds, or why not.
async fn postgres_admin(admin_url: &str) -> Result<DatabaseConnection, String> {
    if let Some(why) = POSTGRES_DOWN.lock().ok().and_then(|d| d.clone()) {
        return Err(why);
    }
    let mut options = sea_orm::ConnectOptions::new(admin_url.to_string());
    options
        .max_connections(1)
        .connect_timeout(Duration::from_secs(3))
        .acquire_timeout(Duration::from_secs(3))
        .sqlx_logging(false);
    Database::connect(options).await.map_err(|err| {
        let why = format!("no server at {admin_url} ({err})");
        if let Ok(mut down) = POSTGRES_DOWN.lock() {
            *down = Some(why.clone());
        }
        why
    })
}

/// Which store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test and is removed when the test ends, pass or fail.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

/// The server PostgreSQL tests use; `PLANGRAPH_TEST_PG` overrides it.
fn pg_admin_url() -> String {
    std::env::var("PLANGRAPH_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Whether a missing PostgreSQL fails the tests (CI) or only skips them (a laptop without one).
fn postgres_required() -> bool {
    std::env::var("PLANGRAPH_REQUIRE_PG").is_ok_and(|v| v == "1")
}

impl TestDb {
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{}.db", unique("plangraph_test")));
                Some(TestDb {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    cleanup: Cleanup::File(path),
                })
            }
            Backend::Postgres => {
                let admin_url = pg_admin_url();
                let admin = match postgres_admin(&admin_url).await {
                    Ok(db) => db,
                    Err(why) if !postgres_required() => {
                        skipped(
                            &format!("*** SKIPPED (PostgreSQL): {why}"),
                            "PLANGRAPH_REQUIRE_PG",
                        );
                        return None;
                    }
                    Err(why) => {
                        panic!("PostgreSQL is required (PLANGRAPH_REQUIRE_PG=1) but unreachable: {why}")
                    }
                };
                let name = unique("plangraph_test");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .unwrap_or_else(|e| panic!("create database {name}: {e}"));
                let _ = admin.close().await;
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(base, _)| base);
                Some(TestDb {
                    url: format!("{base}/{name}"),
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.clone(),
                        name,
                    },
                })
            }
        }
    }

    pub async fn connect(&self) -> DatabaseConnection {
        plangraph::db::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("connect {}: {e}", self.url))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                // Drop runs outside any runtime guarantee: use a thread with its own runtime.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// A running server on a random port over its own fresh store.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    /// SQL statements the server has run.
    pub statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The server's token signing secret (to forge tokens in tests).
    pub jwt_secret: String,
    /// The store's URL.
    pub url: String,
    _store: std::sync::Arc<TestDb>,
}

impl TestApp {
    /// A server with the default settings, except the per-address rate limit: every test
    /// client is 127.0.0.1, and the tests that are not about the rate limit send faster than
    /// one person would.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_with(backend, |s| s.rate.enabled = false).await
    }

    /// A server with settings adjusted by `adjust`.
    pub async fn spawn_with(
        backend: Backend,
        adjust: impl FnOnce(&mut Settings),
    ) -> Option<TestApp> {
        let store = TestDb::new(backend).await?;
        Some(TestApp::spawn_on(store, adjust).await)
    }

    /// A server over a store the test prepared.
    pub async fn spawn_on(store: TestDb, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        TestApp::start(std::sync::Arc::new(store), adjust).await
    }

    /// Another server over this one's store, as a second process would be: its own
    /// connections, response cache, data version and change listener.
    pub async fn beside(&self) -> TestApp {
        let secret = plangraph::config::Secret::new(self.jwt_secret.clone());
        TestApp::start(std::sync::Arc::clone(&self._store), |s| {
            s.rate.enabled = false;
            // One deployment: a token from one process is good at every other.
            s.jwt_secret = Some(secret);
        })
        .await
    }

    async fn start(store: std::sync::Arc<TestDb>, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        // RUST_LOG=error shows the servers' logs (an internal error's cause) in a failing test.
        if std::env::var_os("RUST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
                .with_test_writer()
                .try_init();
        }
        let mut settings = Settings::new(store.url.clone(), "127.0.0.1:0");
        adjust(&mut settings);
        let app = Application::build(&settings)
            .await
            .unwrap_or_else(|e| panic!("build app: {e:#}"));
        let address = format!("http://127.0.0.1:{}", app.port());
        let db = app.db().clone();
        let statements = app.statement_counter();
        // On PostgreSQL, start counting statements once the data-version listener is live:
        // until then each request reads the version itself, one statement more.
        let version = app.data_version();
        tokio::spawn(app.run_until_stopped());
        if store.url.starts_with("postgres") {
            let started = std::time::Instant::now();
            while !version.is_live() && started.elapsed() < std::time::Duration::from_secs(5) {
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        }
        TestApp {
            address,
            // Idle connections are dropped before the server's 5 s keep-alive closes them, so a
            // request after a pause (a Python check, a sleep) never reuses one the server is
            // closing at that moment ("error sending request").
            client: reqwest::Client::builder()
                .pool_idle_timeout(std::time::Duration::from_secs(2))
                .build()
                .unwrap_or_else(|e| panic!("{e}")),
            db,
            statements,
            jwt_secret: settings
                .jwt_secret
                .as_ref()
                .map(|s| s.expose().to_string())
                .unwrap_or_default(),
            url: store.url.clone(),
            _store: store,
        }
    }

    /// POSTs a query with variables and a bearer token.
    pub async fn query_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: serde_json::Value,
    ) -> serde_json::Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&serde_json::json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /graphql: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("response is not JSON: {e}"))
    }

    /// POSTs a query and returns the whole JSON response.
    pub async fn query(&self, query: &str) -> serde_json::Value {
        self.client
            .post(format!("{}/graphql", self.address))
            .json(&serde_json::json!({ "query": query }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /graphql: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("response is not JSON: {e}"))
    }
}

/// Runs a test body against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($(#[$meta:meta])* $name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let run = $body;
                run($crate::support::Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn postgres() {
                let run = $body;
                run($crate::support::Backend::Postgres).await;
            }
        }
    };
}

/// The `extensions.code` of a response's first error ("" when there is none).
pub fn code(body: &serde_json::Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

/// Publishes a value the way an approved submission is stored, straight into the store
/// (another process, as far as the server knows). The key is an indicator's or one of its
/// targets'.
pub async fn publish(db: &DatabaseConnection, indicator_key: &str, year: i32, value: f64) {
    let sql = format!(
        "INSERT INTO indicator_value (key, indicator_id, year, value, status, origin, version, created_at) \
         SELECT NULL, id, {year}, {value}, 'published', 'submission', 1, CURRENT_TIMESTAMP FROM indicator \
         WHERE key = '{indicator_key}' OR id IN (SELECT indicator_id FROM target WHERE key = '{indicator_key}') LIMIT 1"
    );
    let done = db
        .execute_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.rows_affected(), 1, "no indicator {indicator_key}");
    // Written around the services, so the stored statuses are restated as an approval would.
    // In a transaction, as every writer restates them (the tally's recount locks it).
    let txn = db.begin().await.unwrap_or_else(|e| panic!("{e}"));
    plangraph::service::statuses::restate(&txn, plangraph::service::statuses::Which::All)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    txn.commit().await.unwrap_or_else(|e| panic!("{e}"));
}

/// A TCP proxy to the store that a test can cut and restore, as a network or a database
/// outage would: cut, it drops every open connection and every new one; stalled, it forwards
/// nothing either way and closes nothing, as a network that drops packets does.
pub struct ChaosProxy {
    pub port: u16,
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
    stalled: std::sync::Arc<std::sync::atomic::AtomicBool>,
    kill: tokio::sync::broadcast::Sender<()>,
}

impl ChaosProxy {
    pub async fn start(target: String) -> ChaosProxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("proxy: {e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let down = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stalled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (kill, _) = tokio::sync::broadcast::channel(16);
        let (flag, killer, stall) = (down.clone(), kill.clone(), stalled.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if flag.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let mut killed = killer.subscribe();
                let (target, stall) = (target.clone(), stall.clone());
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = forward(&mut inbound, &mut outbound, &stall) => {}
                        _ = killed.recv() => {}
                    }
                    // Held open, silent, while stalled.
                    while stall.load(Ordering::SeqCst) {
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                });
            }
        });
        ChaosProxy {
            port,
            down,
            stalled,
            kill,
        }
    }

    /// Packets are dropped from now on: every connection stays open and hears nothing.
    pub fn stall(&self) {
        self.stalled.store(true, Ordering::SeqCst);
    }

    /// The store is gone: open connections drop, new ones are closed at once.
    pub fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        let _ = self.kill.send(());
    }

    pub fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
        self.stalled.store(false, Ordering::SeqCst);
    }
}

/// Copies both ways until either side closes; while `stall` is set nothing is copied.
async fn forward(
    a: &mut tokio::net::TcpStream,
    b: &mut tokio::net::TcpStream,
    stall: &std::sync::atomic::AtomicBool,
) {
    let (mut ar, mut aw) = a.split();
    let (mut br, mut bw) = b.split();
    tokio::select! {
        _ = copy_unless_stalled(&mut ar, &mut bw, stall) => {}
        _ = copy_unless_stalled(&mut br, &mut aw, stall) => {}
    }
}

/// One direction of [`forward`].
async fn copy_unless_stalled(
    from: &mut (impl tokio::io::AsyncRead + Unpin),
    to: &mut (impl tokio::io::AsyncWrite + Unpin),
    stall: &std::sync::atomic::AtomicBool,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        while stall.load(Ordering::SeqCst) {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

/// The host and port of a `scheme://user@host:port/db` URL, and the URL with another one.
pub fn authority(url: &str) -> (String, String) {
    let start = url
        .find('@')
        .map_or_else(|| url.find("//").map_or(0, |i| i + 2), |i| i + 1);
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    (
        url[start..end].to_string(),
        format!("{}{{}}{}", &url[..start], &url[end..]),
    )
}
