//! The data version this process answers for, known without asking the store on every request.
//!
//! Every write bumps `data_version` in its own transaction (triggers, so other processes'
//! writes count too). On PostgreSQL the same trigger sends `NOTIFY plangraph_data_version`,
//! delivered when the transaction commits (one per transaction: the payload is empty, and
//! PostgreSQL folds identical notifications of a transaction into one). A listener task reads
//! the version once per notification, so a cached answer costs no statement at all, and every
//! process on the store follows the others' writes within a notification's delivery time.
//!
//! Without a listener — SQLite, where another process cannot notify, or while the listener's
//! connection is being re-established — each request reads the version itself, as before: on
//! SQLite that is an in-process read. After its own writes a process reads the version at once
//! ([`DataVersion::refresh`]) rather than wait for its notification, so a client that writes
//! and then reads through the same process never sees the answer from before its write.
//!
//! The same row holds `structure_version`, which every change moves except those to reported
//! values and the statuses derived from them; it is read and learned with the version, and
//! answers that read no value are cached under it (`graphql::reads`).

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbBackend, DbErr};
use tokio::sync::watch;

use crate::repo::{self, Stamp};

/// The channel the data-version trigger notifies (migration m20261129_000009).
pub const CHANNEL: &str = "plangraph_data_version";

/// How long to wait before listening again after the listener failed to connect.
const RETRY: Duration = Duration::from_secs(1);

/// After this long without a notification the listener asks its connection for an answer
/// (LISTEN again, a no-op): a network that drops packets instead of refusing them leaves the
/// connection silent rather than closed, and only an answer that does not come shows it.
const HEARTBEAT: Duration = Duration::from_secs(30);
/// How long that answer may take before the connection counts as lost.
const HEARTBEAT_WAIT: Duration = Duration::from_secs(5);

pub struct DataVersion {
    version: AtomicI64,
    changed_at: AtomicI64,
    structure: AtomicI64,
    /// Whether `version` follows the store by notification right now.
    live: AtomicBool,
    /// Tells the change feed that the version moved (it reads what changed).
    moved: watch::Sender<i64>,
}

impl DataVersion {
    /// A version read on every request (no listener).
    pub fn polled(start: Stamp) -> Arc<DataVersion> {
        Arc::new(DataVersion {
            version: AtomicI64::new(start.version),
            changed_at: AtomicI64::new(start.changed_at),
            structure: AtomicI64::new(start.structure),
            live: AtomicBool::new(false),
            moved: watch::channel(start.version).0,
        })
    }

    /// Follows the store: on PostgreSQL by LISTEN on `follower` (its own pool, so the
    /// listening connection is never one a request waits for); elsewhere not at all.
    pub async fn follow(follower: DatabaseConnection) -> Result<Arc<DataVersion>, DbErr> {
        let this = DataVersion::polled(repo::data_version(&follower).await?);
        if follower.get_database_backend() == DbBackend::Postgres {
            let weak = Arc::downgrade(&this);
            tokio::spawn(async move { listen(follower, weak).await });
        }
        Ok(this)
    }

    /// The current version and when it last moved: the known one while notifications keep it
    /// current, else read from the store.
    pub async fn stamp(&self, db: &DatabaseConnection) -> Result<Stamp, DbErr> {
        if self.live.load(Ordering::Acquire) {
            return Ok(self.known());
        }
        self.refresh(db).await
    }

    pub async fn current(&self, db: &DatabaseConnection) -> Result<i64, DbErr> {
        Ok(self.stamp(db).await?.version)
    }

    /// Reads the version from the store now (after this process wrote, or without a
    /// listener) and remembers it; a version never goes back.
    pub async fn refresh(&self, db: &DatabaseConnection) -> Result<Stamp, DbErr> {
        let read = repo::data_version(db).await?;
        Ok(self.learn(read))
    }

    /// Whether notifications keep the version current now (for the tests and /health).
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    /// Wakes when the version moves (the change feed waits on it).
    pub fn watch(&self) -> watch::Receiver<i64> {
        self.moved.subscribe()
    }

    fn known(&self) -> Stamp {
        Stamp {
            version: self.version.load(Ordering::Acquire),
            changed_at: self.changed_at.load(Ordering::Acquire),
            structure: self.structure.load(Ordering::Acquire),
        }
    }

    fn learn(&self, read: Stamp) -> Stamp {
        // changed_at and structure first: a reader that sees the new version sees them too.
        self.changed_at.fetch_max(read.changed_at, Ordering::AcqRel);
        self.structure.fetch_max(read.structure, Ordering::AcqRel);
        let before = self.version.fetch_max(read.version, Ordering::AcqRel);
        if read.version > before {
            self.moved.send_replace(read.version);
        }
        self.known()
    }
}

/// The listener task: LISTEN, read the version once (what committed before listening), then
/// read it again at every notification. A lost connection turns the version back to being
/// read per request until the listener is back and has read it again, so no change can be
/// missed in between. Ends when the [`DataVersion`] is dropped.
async fn listen(db: DatabaseConnection, this: std::sync::Weak<DataVersion>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        let Some(version) = this.upgrade() else {
            return;
        };
        version.live.store(false, Ordering::Release);
        let mut listener = match PgListener::connect_with(db.get_postgres_connection_pool()).await {
            Ok(l) => l,
            Err(err) => {
                tracing::warn!(error = %err, "data version: cannot listen; reading it per request");
                drop(version);
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        // Told of a lost connection at once (not after reconnecting inside `try_recv`), so
        // that requests read the version themselves while nothing is listening.
        listener.eager_reconnect(false);
        if let Err(err) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %err, "data version: LISTEN failed; reading it per request");
            drop(version);
            tokio::time::sleep(RETRY).await;
            continue;
        }
        if version.refresh(&db).await.is_err() {
            drop(version);
            tokio::time::sleep(RETRY).await;
            continue;
        }
        version.live.store(true, Ordering::Release);
        drop(version);
        loop {
            let got = match tokio::time::timeout(HEARTBEAT, listener.try_recv()).await {
                Ok(got) => got,
                Err(_) => {
                    match tokio::time::timeout(HEARTBEAT_WAIT, listener.listen(CHANNEL)).await {
                        Ok(Ok(())) => continue,
                        _ => {
                            tracing::warn!("data version: the listener's connection went silent");
                            break;
                        }
                    }
                }
            };
            let Some(version) = this.upgrade() else {
                return;
            };
            match got {
                Ok(Some(_)) => {
                    if version.refresh(&db).await.is_err() {
                        // Notified but cannot read: per request until it can.
                        break;
                    }
                }
                // The connection was lost (and is being re-established): notifications may
                // have been missed, so read per request until listening again.
                Ok(None) | Err(_) => break,
            }
        }
    }
}
