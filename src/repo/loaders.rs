//! One request's batch loading: the keys a level of resolvers asks for (a page's plans, a
//! plan's domains, their goals…) are gathered and read in one statement per kind of key, by
//! the [`Loader`]s in `repo::batch`.
//!
//! A batch runs as soon as the resolvers that could add to it have run, not after a fixed
//! wait. async-graphql's DataLoader waits a delay for a level's keys on tokio's timer, which
//! counts whole milliseconds: idle time at every level of a query. Measured against it in one
//! run (`bench/pair.sh`, PostgreSQL, goal 1's queries): this serves 1.16–1.30× the requests
//! per second (docs/BENCHMARKS.md, issue 28), so it is kept. The
//! resolvers of a level ask for their keys when
//! the rows above them arrive, in the turns of the request's task that follow, before it waits
//! for anything else: the batch's task yields to the runtime until a turn adds no key, then
//! reads the keys gathered. No timer, so no machine is too slow for a level's keys to meet.
//! Waiters hear from their batch on a channel outside tokio's cooperative budget: woken by a
//! tokio channel, the request's task runs out of budget part-way through a level and asks for
//! the rest of its keys turns later, splitting a level's batch.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::batch::Loader;
use futures_channel::oneshot;
use sea_orm::DatabaseConnection;

use super::batch::{LoadError, Store};

/// Loaders that remember nothing: the schema's own, for callers that bring none.
pub fn for_schema(db: DatabaseConnection) -> Loaders {
    Loaders::new(db, false, std::time::Duration::ZERO)
}

/// Loaders for one request. A query's remember what they loaded, so a row or series asked
/// for at two depths (a target's status and its indicator's latest value) is read once; a
/// mutation's do not, since its fields run in turn and each may change what the next reads.
pub fn for_request(db: DatabaseConnection, query: bool, delay: std::time::Duration) -> Loaders {
    Loaders::new(db, query, delay)
}

/// What a batch's waiters receive: every row it read, by key.
type Batch<K, V> = Result<Arc<HashMap<K, V>>, LoadError>;

/// The batch loaders of one request (or, remembering nothing, of the schema).
#[derive(Clone)]
pub struct Loaders {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    /// Keep what was read for the rest of the request (a query: a row asked for at two
    /// depths is read once); a mutation's fields run in turn and may change what the next
    /// one reads, so it remembers nothing.
    remember: bool,
    /// Waited after the level's resolvers have run, before a batch is read: more keys per
    /// statement on a machine where a level's rows come back at different times, later
    /// answers (`PLANGRAPH_BATCH_DELAY_MS`; none by default).
    delay: Duration,
    /// A queue per kind of key, by its type.
    queues: Mutex<HashMap<TypeId, Box<dyn Any + Send>>>,
}

/// Keys of one kind waiting for their batch, their waiters, and what was read before.
struct Queue<K, V> {
    pending: HashSet<K>,
    waiters: Vec<oneshot::Sender<Batch<K, V>>>,
    remembered: HashMap<K, V>,
}

impl<K, V> Default for Queue<K, V> {
    fn default() -> Self {
        Queue {
            pending: HashSet::new(),
            waiters: Vec::new(),
            remembered: HashMap::new(),
        }
    }
}

/// Bounds every kind of key meets.
pub trait Key: Send + Sync + Hash + Eq + Clone + 'static {}
impl<K: Send + Sync + Hash + Eq + Clone + 'static> Key for K {}

impl Loaders {
    pub fn new(db: DatabaseConnection, remember: bool, delay: Duration) -> Loaders {
        Loaders {
            inner: Arc::new(Inner {
                store: Store { db },
                remember,
                delay,
                queues: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The rows of one key, with the rest of its level's keys.
    pub async fn load_one<K>(
        &self,
        key: K,
    ) -> Result<Option<<Store as Loader<K>>::Value>, LoadError>
    where
        K: Key,
        Store: Loader<K, Error = LoadError>,
    {
        // A row this request has read already (a page's plans, prefetched, asked for by each
        // of its 50 targets) is answered here, without the maps a batch's answer is built in.
        if let Some(value) = queue::<K, <Store as Loader<K>>::Value>(&mut self.queues())
            .remembered
            .get(&key)
        {
            return Ok(Some(value.clone()));
        }
        let found = self.load_many([key]).await?;
        Ok(found.into_values().next())
    }

    /// The rows of many keys, with the rest of their level's keys; keys that name nothing are
    /// left out.
    pub async fn load_many<K>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<HashMap<K, <Store as Loader<K>>::Value>, LoadError>
    where
        K: Key,
        Store: Loader<K, Error = LoadError>,
    {
        let mut found = HashMap::new();
        let mut wanted = Vec::new();
        let waiting = {
            let mut queues = self.queues();
            let queue = queue::<K, <Store as Loader<K>>::Value>(&mut queues);
            for key in keys {
                match queue.remembered.get(&key) {
                    Some(value) => {
                        found.insert(key, value.clone());
                    }
                    None => wanted.push(key),
                }
            }
            if wanted.is_empty() {
                return Ok(found);
            }
            let first = queue.pending.is_empty();
            queue.pending.extend(wanted.iter().cloned());
            let (tell, waiting) = oneshot::channel();
            queue.waiters.push(tell);
            if first {
                tokio::spawn(dispatch::<K>(Arc::clone(&self.inner)));
            }
            waiting
        };
        let batch = waiting.await.map_err(|_| {
            Arc::new(crate::error::AppError::internal(
                "a batch of reads ended without an answer",
            ))
        })??;
        found.extend(
            wanted
                .into_iter()
                .filter_map(|key| batch.get(&key).map(|value| (key, value.clone()))),
        );
        Ok(found)
    }

    /// Reads keys known ahead (a page of targets' plans) at once, without waiting for a
    /// level, and remembers them for the resolvers that will each ask for one.
    pub async fn prefetch<K>(&self, keys: impl IntoIterator<Item = K>) -> Result<(), LoadError>
    where
        K: Key,
        Store: Loader<K, Error = LoadError>,
    {
        if !self.inner.remember {
            return Ok(());
        }
        let mut seen = HashSet::new();
        let keys: Vec<K> = {
            let mut queues = self.queues();
            let queue = queue::<K, <Store as Loader<K>>::Value>(&mut queues);
            keys.into_iter()
                .filter(|k| !queue.remembered.contains_key(k) && seen.insert(k.clone()))
                .collect()
        };
        if keys.is_empty() {
            return Ok(());
        }
        let found = self.inner.store.load(&keys).await?;
        queue::<K, <Store as Loader<K>>::Value>(&mut self.queues())
            .remembered
            .extend(found);
        Ok(())
    }

    fn queues(&self) -> std::sync::MutexGuard<'_, HashMap<TypeId, Box<dyn Any + Send>>> {
        self.inner.queues()
    }
}

impl Inner {
    fn queues(&self) -> std::sync::MutexGuard<'_, HashMap<TypeId, Box<dyn Any + Send>>> {
        // A panic elsewhere while holding the lock leaves the queues as they were: usable.
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The queue of keys of type `K`, made on first use.
fn queue<K: Key, V: Send + Sync + 'static>(
    queues: &mut HashMap<TypeId, Box<dyn Any + Send>>,
) -> &mut Queue<K, V> {
    let entry = queues
        .entry(TypeId::of::<K>())
        .or_insert_with(|| Box::new(Queue::<K, V>::default()));
    match entry.downcast_mut::<Queue<K, V>>() {
        Some(queue) => queue,
        // The entry of `K`'s TypeId is only ever made as a Queue<K, V> above, and a key type
        // has one Loader, so one value type.
        None => unreachable!(
            "a batch queue of another type under {:?}",
            TypeId::of::<K>()
        ),
    }
}

/// How many keys of type `K` wait for their batch.
fn pending<K>(inner: &Inner) -> usize
where
    K: Key,
    Store: Loader<K, Error = LoadError>,
{
    queue::<K, <Store as Loader<K>>::Value>(&mut inner.queues())
        .pending
        .len()
}

/// Reads the batch of `K` keys once the level's resolvers have run, and tells its waiters.
async fn dispatch<K>(inner: Arc<Inner>)
where
    K: Key,
    Store: Loader<K, Error = LoadError>,
{
    // Yield to the runtime until a turn adds no key: a level whose resolvers gave way part-way
    // (after 32 of a list, or at the end of the task's budget) asks for the rest of its keys
    // in the request task's next turns, which the runtime may run after this one's.
    let mut gathered = pending::<K>(&inner);
    loop {
        tokio::task::yield_now().await;
        let now = pending::<K>(&inner);
        if now == gathered {
            break;
        }
        gathered = now;
    }
    if !inner.delay.is_zero() {
        tokio::time::sleep(inner.delay).await;
    }
    let (keys, waiters) = {
        let mut queues = inner.queues();
        let queue = queue::<K, <Store as Loader<K>>::Value>(&mut queues);
        (
            std::mem::take(&mut queue.pending),
            std::mem::take(&mut queue.waiters),
        )
    };
    let keys: Vec<K> = keys.into_iter().collect();
    let batch: Batch<K, <Store as Loader<K>>::Value> = inner.store.load(&keys).await.map(Arc::new);
    if let (Ok(found), true) = (&batch, inner.remember) {
        let mut queues = inner.queues();
        queue::<K, <Store as Loader<K>>::Value>(&mut queues)
            .remembered
            .extend(found.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for waiter in waiters {
        // A waiter gone (its request ended) needs no answer.
        let _ = waiter.send(batch.clone());
    }
}
