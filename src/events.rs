//! The change feed behind GraphQL subscriptions: the public changes (`repo::changes`) as
//! publications make them, seen by every server process on the same store.
//!
//! Each process follows the store itself, so a publication made through another process (or
//! the `import` command) reaches this one's subscribers too: when the data version moves —
//! told at once by [`DataVersion`] on PostgreSQL, or seen by reading it every `every` — a task
//! reads the changes after the last one it told. Only what the public may see goes out (the
//! list holds nothing else); a subscriber that falls behind reads what it missed from the
//! store (`graphql::subscription`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;

use crate::repo;
use crate::repo::changes::{Change, Place, Window};
use crate::version::DataVersion;

/// How many changes a slow subscriber may fall behind before it reads from the store.
const BACKLOG: usize = 1024;
/// Changes read per round.
const BATCH: u64 = 500;

/// The feed of one process.
pub struct Events {
    tx: broadcast::Sender<Arc<Change>>,
    /// The place of the last change told.
    told: Mutex<Place>,
}

impl Events {
    fn new(capacity: usize, place: Place) -> Events {
        Events {
            tx: broadcast::channel(capacity).0,
            told: Mutex::new(place),
        }
    }

    /// A feed that follows nothing (for a schema without a store).
    pub fn idle() -> Arc<Events> {
        Arc::new(Events::new(1, Place::default()))
    }

    /// Starts following the store; the task ends with the runtime. What was published before
    /// now is not told again.
    pub async fn follow(
        db: DatabaseConnection,
        data: Arc<DataVersion>,
        every: Duration,
    ) -> Arc<Events> {
        let last = repo::changes::last_seq(&db).await.unwrap_or(0);
        let events = Arc::new(Events::new(BACKLOG, Place::before_publication(last + 1)));
        let mut version = repo::data_version(&db).await.map_or(0, |s| s.version);
        let mut moved = data.watch();
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
                feed.tell_new(&db).await;
            }
        });
        events
    }

    /// Reads and sends every change after the last one told.
    async fn tell_new(&self, db: &DatabaseConnection) {
        loop {
            let window = Window {
                after: self.told(),
                up_to: None,
                limit: BATCH,
                newest_first: false,
                // Every subscriber hears the cells' changes too and keeps them only if asked.
                cells: true,
            };
            let Ok(found) = repo::changes::after(db, window).await else {
                return;
            };
            let done = (found.len() as u64) < BATCH;
            for change in found {
                let mut told = self.told.lock().unwrap_or_else(|e| e.into_inner());
                *told = change.place();
                // Sent under the lock: a subscriber's receiver and place agree.
                let _ = self.tx.send(Arc::new(change));
            }
            if done {
                return;
            }
        }
    }

    /// The place of the last change told.
    pub fn told(&self) -> Place {
        *self.told.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The changes told from now on, and the place of the last one told before.
    pub fn subscribe(&self) -> (broadcast::Receiver<Arc<Change>>, Place) {
        let told = self.told.lock().unwrap_or_else(|e| e.into_inner());
        (self.tx.subscribe(), *told)
    }
}
