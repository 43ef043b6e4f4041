//! The change feed behind GraphQL subscriptions: what was published, superseded or imported,
//! seen by every server process on the same store.
//!
//! Each process follows the store itself, so an approval made through another process (or the
//! `import` command) reaches this one's subscribers too: when the data version moves — told at
//! once by [`DataVersion`] on PostgreSQL, or seen by reading it every `every` — a task reads
//! the value events after the last one it saw. Only what the public may see goes out: approvals, and the superseding of a value that
//! was published; never a submission, a rejection or the replacing of a pending value.

use std::sync::Arc;
use std::time::Duration;

use entity::{document, indicator_value};
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;

use crate::domain::{ValueAction, ValueStatus};
use crate::repo;
use crate::version::DataVersion;

/// Something subscribers are told.
#[derive(Debug, Clone)]
pub enum Event {
    /// A value became public (its indicator's series has it for its year).
    Published(indicator_value::Model),
    /// A public value was replaced by a newer one for the same indicator and year.
    Superseded(indicator_value::Model),
    /// The document was imported again (the targets and figures may have changed).
    Imported(document::Model),
}

/// How many events a slow subscriber may fall behind before it misses some.
const BACKLOG: usize = 1024;
/// Events read per round.
const BATCH: u64 = 500;

/// The feed of one process.
pub struct Events {
    tx: broadcast::Sender<Arc<Event>>,
}

impl Events {
    /// A feed that follows nothing (for a schema without a store).
    pub fn idle() -> Arc<Events> {
        Arc::new(Events {
            tx: broadcast::channel(1).0,
        })
    }

    /// Starts following the store; the task ends with the runtime.
    pub async fn follow(
        db: DatabaseConnection,
        data: Arc<DataVersion>,
        every: Duration,
    ) -> Arc<Events> {
        let (tx, _) = broadcast::channel(BACKLOG);
        let events = Arc::new(Events { tx });
        let mut last = repo::events::latest_event(&db).await.unwrap_or(0);
        let mut version = repo::data_version(&db).await.map_or(0, |s| s.version);
        let mut moved = data.watch();
        let mut imported = repo::export::document(&db)
            .await
            .ok()
            .flatten()
            .map(|d| (d.sha256, d.imported_at));
        let feed = Arc::downgrade(&events);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                // Told when the version moves (by notification, or by this process's own
                // writes); the tick catches what nobody announced (another process on SQLite).
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = moved.changed() => {}
                }
                let Some(feed) = feed.upgrade() else {
                    return;
                };
                let now = if data.is_live() {
                    Ok(data.stamp(&db).await.map_or(version, |s| s.version))
                } else {
                    data.refresh(&db).await.map(|s| s.version)
                };
                match now {
                    Ok(v) if v == version => continue,
                    Ok(v) => version = v,
                    Err(_) => continue,
                }
                loop {
                    let Ok(found) = repo::events::events_after(&db, last, BATCH).await else {
                        break;
                    };
                    let done = (found.len() as u64) < BATCH;
                    for (event, value) in found {
                        last = last.max(event.id);
                        let public = match event.action {
                            ValueAction::Approve => Some(Event::Published(value)),
                            ValueAction::Supersede
                                if event.old_status == Some(ValueStatus::Published) =>
                            {
                                Some(Event::Superseded(value))
                            }
                            _ => None,
                        };
                        if let Some(public) = public {
                            let _ = feed.tx.send(Arc::new(public));
                        }
                    }
                    if done {
                        break;
                    }
                }
                if let Ok(Some(d)) = repo::export::document(&db).await {
                    let now = Some((d.sha256.clone(), d.imported_at));
                    if imported.is_some() && now != imported {
                        let _ = feed.tx.send(Arc::new(Event::Imported(d)));
                    }
                    imported = now;
                }
            }
        });
        events
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.tx.subscribe()
    }
}
