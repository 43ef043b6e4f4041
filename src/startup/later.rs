//! What a server does a second after it starts answering: work that matters for a store that
//! grows, not for the first requests on the document's few hundred rows (the cold start).

use sea_orm::DatabaseConnection;

use crate::import;

/// How long after the start the work waits: run beside the first request, VACUUM (ANALYZE)
/// slows it.
const AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Spawns the work: a new store's history indexes and plain read indexes (`indexes`), and the
/// planner's statistics of a fresh import (`analyze`).
pub(super) fn spawn(db: DatabaseConnection, analyze: bool, indexes: bool) {
    if !(analyze || indexes) {
        return;
    }
    tokio::spawn(async move {
        tokio::time::sleep(AFTER).await;
        if indexes {
            if let Err(err) = migration::later::ensure_indexes(&db).await {
                tracing::warn!(error = %err, "the history's or the read indexes were not made");
            }
        }
        if analyze {
            if let Err(err) = import::store::analyze(&db).await {
                tracing::warn!(error = %err, "ANALYZE after the import failed");
            }
        }
    });
}
