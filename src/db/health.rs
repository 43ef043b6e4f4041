//! Whether the store answers, as the requests and a probe find it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbBackend};

/// Whether the store answers, as the requests and a probe find it. While it is down, requests
/// are answered 503 at once instead of each waiting for a connection; a probe pings it every
/// quarter second and lets requests through again as soon as it answers.
pub struct StoreHealth {
    db: DatabaseConnection,
    down: AtomicBool,
}

/// How often the probe pings a store that is down.
pub(super) const PROBE_EVERY: Duration = Duration::from_millis(250);

impl StoreHealth {
    pub fn new(db: DatabaseConnection) -> Arc<StoreHealth> {
        Arc::new(StoreHealth {
            db,
            down: AtomicBool::new(false),
        })
    }

    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// Records that the store failed to answer; the first report starts the probe.
    pub fn report_down(self: &Arc<Self>) {
        // A file store that fails to answer in time is busy — another process (the CLI, a
        // backup) holds its write lock — not down: its requests wait out their own time
        // limit instead of every request being refused.
        if self.db.get_database_backend() == DbBackend::Sqlite {
            return;
        }
        if self.down.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::error!("the store is down; answering 503 until it is back");
        let health = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                let ping = tokio::time::timeout(Duration::from_secs(1), health.db.ping()).await;
                if matches!(ping, Ok(Ok(()))) {
                    health.down.store(false, Ordering::Release);
                    tracing::info!("the store is back");
                    return;
                }
            }
        });
    }
}
