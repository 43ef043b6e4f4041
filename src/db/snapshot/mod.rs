//! The store as it was after a publication, for `asOf` reads: a copy of every public table's
//! rows in force then (`migration::history`), in a store of the same kind — a SQLite file
//! beside the store, or a schema of the same PostgreSQL database — so that the read side runs
//! unchanged on it and answers byte for byte as it did then. A copy is made on first use and
//! kept while it is among the [`KEPT`] last used; one is made at a time, whoever asks. Copies
//! a process left when it ended are removed by the next process's first copy ([`lease`]).

pub mod lease;
mod postgres;
mod sqlite;

use std::sync::{Arc, Mutex};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr};
use tokio::sync::{OnceCell, Semaphore};

/// Copies kept at once: each costs a file (or a schema) as large as the public data and a
/// pool; asking for more copies than this only makes the oldest be made again.
pub const KEPT: usize = 4;

/// One publication's copy; dropping the last handle removes it.
pub struct Snapshot {
    pub db: DatabaseConnection,
    remove: Option<Removal>,
}

enum Removal {
    File(std::path::PathBuf),
    Schema(DatabaseConnection, String),
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        match self.remove.take() {
            Some(Removal::File(path)) => sqlite::remove(&path),
            Some(Removal::Schema(live, schema)) => {
                if let Ok(handle) = tokio::runtime::Handle::try_current() {
                    handle.spawn(async move { postgres::remove(&live, &schema).await });
                }
            }
            None => {}
        }
    }
}

type Cell = Arc<OnceCell<Result<Arc<Snapshot>, String>>>;

/// The copies this process keeps, most recently used last.
pub struct Snapshots {
    live: DatabaseConnection,
    url: String,
    /// Names this process's copies apart from another's sharing the store.
    token: u32,
    /// The lock on `token`, taken before the first copy.
    lease: tokio::sync::Mutex<Option<lease::Lease>>,
    building: Semaphore,
    held: Mutex<Vec<(i64, Cell)>>,
}

impl Snapshots {
    pub fn new(live: DatabaseConnection, url: &str) -> Arc<Snapshots> {
        Arc::new(Snapshots {
            live,
            url: url.to_string(),
            token: lease::token(),
            lease: tokio::sync::Mutex::new(None),
            building: Semaphore::new(1),
            held: Mutex::new(Vec::new()),
        })
    }

    /// The copy of publication `seq`, made now if it is not kept. The making runs on its own
    /// task: a request that gives up does not leave half a copy.
    pub async fn get(self: &Arc<Self>, seq: i64) -> Result<Arc<Snapshot>, String> {
        let cell = self.cell(seq);
        let this = Arc::clone(self);
        let made = cell
            .get_or_init(|| async move {
                match tokio::spawn(async move { this.make(seq).await }).await {
                    Ok(Ok(snapshot)) => Ok(Arc::new(snapshot)),
                    Ok(Err(err)) => Err(err.to_string()),
                    Err(err) => Err(err.to_string()),
                }
            })
            .await
            .clone();
        if made.is_err() {
            // Not remembered: the next request tries again.
            if let Ok(mut held) = self.held.lock() {
                held.retain(|(_, c)| !Arc::ptr_eq(c, &cell));
            }
        }
        made
    }

    /// The cell of `seq`, now the most recently used; the least recently used beyond
    /// [`KEPT`] are let go (removed once no answer holds them).
    fn cell(&self, seq: i64) -> Cell {
        let Ok(mut held) = self.held.lock() else {
            return Cell::default();
        };
        let cell = match held.iter().position(|(s, _)| *s == seq) {
            Some(at) => held.remove(at).1,
            None => Cell::default(),
        };
        held.push((seq, Arc::clone(&cell)));
        while held.len() > KEPT {
            held.remove(0);
        }
        cell
    }

    async fn make(&self, seq: i64) -> Result<Snapshot, DbErr> {
        let _turn = self
            .building
            .acquire()
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        self.hold_lease().await?;
        let name = lease::copy_name(seq, self.token);
        match self.live.get_database_backend() {
            DbBackend::Postgres => {
                let db = postgres::make(&self.live, &self.url, &name, seq).await?;
                Ok(Snapshot {
                    db,
                    remove: Some(Removal::Schema(self.live.clone(), name)),
                })
            }
            _ => {
                let (db, path) = sqlite::make(&self.live, &name, seq).await?;
                Ok(Snapshot {
                    db,
                    remove: Some(Removal::File(path)),
                })
            }
        }
    }
}

impl Snapshots {
    /// Holds this process's lease (taking it again if its connection was cut).
    async fn hold_lease(&self) -> Result<(), DbErr> {
        let mut held = self.lease.lock().await;
        if let Some(lease) = held.as_mut() {
            if lease.holds().await {
                return Ok(());
            }
        }
        *held = Some(match self.live.get_database_backend() {
            DbBackend::Postgres => lease::take_postgres(&self.url, self.token).await?,
            _ => lease::take_file(&sqlite::dir(&self.live).await?, self.token)?,
        });
        Ok(())
    }
}

/// The columns the live table and its history share, quoted and joined.
async fn shared_columns(
    db: &impl ConnectionTrait,
    table: &str,
    history: &[(String, String)],
) -> Result<String, DbErr> {
    let live = migration::history::columns(db, table).await?;
    Ok(live
        .iter()
        .filter(|(c, _)| history.iter().any(|(h, _)| h == c))
        .map(|(c, _)| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", "))
}

/// The condition on a history table's rows in force at `seq`.
fn in_force(seq: i64) -> String {
    migration::history::IN_FORCE.replace("{seq}", &seq.to_string())
}

/// The data version row of `target` as it stood at `seq`, from the publications in `source`:
/// the publication's version (both counters: a copy's counters are never compared with
/// another's, only answered from).
fn version_row(seq: i64, target: &str, source: &str) -> String {
    format!(
        "UPDATE {target} AS d SET version = p.version, structure_version = p.version, \
         changed_at = p.at_us / 1000000 FROM (SELECT version, at_us FROM {source} \
         WHERE seq = {seq}) AS p WHERE d.id = 1"
    )
}
