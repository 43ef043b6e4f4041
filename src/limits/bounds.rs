//! The largest lists the store holds now (domains of a plan, goals of a domain …), which the
//! cost of a query multiplies by. Measured with one statement when the server starts and
//! again when the store changes ([`due`]), so the estimate follows the data: a store with ten
//! times the goals makes a query over all goals ten times as costly.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DbErr, Statement};

use crate::repo::Stamp;

/// A list size measured in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measured {
    Plans,
    DomainsPerPlan,
    ValuesPerIndicator,
    DepartmentsPerGoal,
    TargetsPerIndicator,
    ReportersPerIndicator,
    ApprovalsPerIndicator,
    EventsPerValue,
    Indicators,
    Departments,
    Users,
    /// All rows that monitor an indicator without a target: the most a plan or an indicator
    /// can have.
    Monitored,
}

const ALL: [Measured; 12] = [
    Measured::Plans,
    Measured::DomainsPerPlan,
    Measured::ValuesPerIndicator,
    Measured::DepartmentsPerGoal,
    Measured::TargetsPerIndicator,
    Measured::ReportersPerIndicator,
    Measured::ApprovalsPerIndicator,
    Measured::EventsPerValue,
    Measured::Indicators,
    Measured::Departments,
    Measured::Users,
    Measured::Monitored,
];

/// The measured sizes, at least 1 each (an empty list still costs its field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounds {
    sizes: [usize; ALL.len()],
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            sizes: [1; ALL.len()],
        }
    }
}

impl Bounds {
    pub fn get(&self, m: Measured) -> usize {
        self.sizes[m as usize].max(1)
    }

    pub fn with(mut self, m: Measured, size: usize) -> Bounds {
        self.sizes[m as usize] = size;
        self
    }
}

/// One statement, the same on SQLite and PostgreSQL.
const SQL: &str = "SELECT \
 (SELECT COUNT(*) FROM plan), \
 (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM domain GROUP BY plan_id) t1), \
 (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM indicator_value WHERE status = 'published' GROUP BY indicator_id) t2), \
 (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM goal_department GROUP BY goal_id) t3), \
 (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM target GROUP BY indicator_id) t4), \
 (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM indicator_assignment GROUP BY indicator_id) t5), \
 (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM value_event e JOIN indicator_value v ON v.id = e.value_id WHERE e.action = 'approve' GROUP BY v.indicator_id) t6), \
 (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM value_event GROUP BY value_id) t7), \
 (SELECT COUNT(*) FROM indicator), \
 (SELECT COUNT(*) FROM department), \
 (SELECT COUNT(*) FROM app_user), \
 (SELECT COUNT(*) FROM monitored)";

/// Measures the store.
pub async fn measure(db: &impl ConnectionTrait) -> Result<Bounds, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), SQL))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("list bounds".into()))?;
    let mut sizes = [0usize; ALL.len()];
    for (i, size) in sizes.iter_mut().enumerate() {
        let n: i64 = row.try_get_by_index(i)?;
        *size = usize::try_from(n).unwrap_or(0);
    }
    // A reporter is a lead or responsible department of the goal, or an assigned one.
    sizes[Measured::ReportersPerIndicator as usize] += sizes[Measured::DepartmentsPerGoal as usize];
    Ok(Bounds { sizes })
}

/// How often the bounds are measured again while only reported values change. Submissions
/// and approvals move three of the bounds (values, approvals and events per indicator), each by
/// one per write, but measuring is a pass over the whole store: after every write it would
/// hold up the readers behind each writer (goal 3; `FACTOR=100 bench/writes.sh`).
const VALUES_EVERY: Duration = Duration::from_secs(10);

/// The versions the bounds in force were measured at, and when.
#[derive(Debug, Clone, Copy)]
struct Measurement {
    version: i64,
    structure: i64,
    at: Instant,
}

/// Whether bounds measured as `last` says are to be measured again for a store at `stamp`:
/// at once when anything but reported values changed, at most every [`VALUES_EVERY`] when only
/// they did.
fn due(last: Option<&Measurement>, stamp: &Stamp, now: Instant) -> bool {
    match last {
        None => true,
        Some(m) if m.version >= stamp.version => false,
        Some(m) if m.structure < stamp.structure => true,
        Some(m) => now.saturating_duration_since(m.at) >= VALUES_EVERY,
    }
}

/// The bounds in force, with the versions they were measured at.
#[derive(Default)]
pub struct LiveBounds {
    current: RwLock<(Option<Measurement>, Bounds)>,
    /// Held while measuring: the requests that see a new version together run one measurement
    /// instead of each running it (16 readers after every write did).
    measuring: tokio::sync::Mutex<()>,
}

impl LiveBounds {
    pub fn get(&self) -> Bounds {
        self.current.read().map(|c| c.1.clone()).unwrap_or_default()
    }

    fn last(&self) -> Option<Measurement> {
        self.current.read().ok().and_then(|c| c.0)
    }

    /// Measures again when the store changed since the last measure ([`due`]), or there was
    /// none; a request that finds the measurement under way goes on under the bounds in force.
    pub async fn refresh(&self, db: &impl ConnectionTrait, stamp: &Stamp) -> Result<(), DbErr> {
        self.refresh_with(*stamp, || measure(db)).await
    }

    async fn refresh_with<F, Fut>(&self, stamp: Stamp, measure: F) -> Result<(), DbErr>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Bounds, DbErr>>,
    {
        let last = self.last();
        if !due(last.as_ref(), &stamp, Instant::now()) {
            return Ok(());
        }
        // While one request measures, the others answer under the bounds in force rather than
        // queue behind it (every reader in flight at a write took the measurement's time on
        // top of its own). Only before the first measurement is there nothing to use.
        let _measuring = match (last, self.measuring.try_lock()) {
            (_, Ok(guard)) => guard,
            (Some(_), Err(_)) => return Ok(()),
            (None, Err(_)) => self.measuring.lock().await,
        };
        // Measured meanwhile, by the request that held the lock.
        if !due(self.last().as_ref(), &stamp, Instant::now()) {
            return Ok(());
        }
        let bounds = measure().await?;
        if let Ok(mut current) = self.current.write() {
            if current.0.is_none_or(|m| m.version <= stamp.version) {
                let measured = Measurement {
                    version: stamp.version,
                    structure: stamp.structure,
                    at: Instant::now(),
                };
                *current = (Some(measured), bounds);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures_util::FutureExt;

    use super::*;

    /// A store whose every change so far moved its structure (`version` of them).
    fn changed(version: i64) -> Stamp {
        Stamp {
            version,
            changed_at: 0,
            structure: version,
        }
    }

    #[tokio::test]
    async fn requests_that_see_a_new_version_together_measure_once() {
        let live = LiveBounds::default();
        let runs = AtomicUsize::new(0);
        let measure = |size: usize| {
            let runs = &runs;
            move || async move {
                runs.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok(Bounds::default().with(Measured::Plans, size))
            }
        };
        let together = (0..8).map(|_| live.refresh_with(changed(5), measure(4)));
        for done in futures_util::future::join_all(together).await {
            done.unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(live.get().get(Measured::Plans), 4);
        // The same version again, or an older one, is not measured; a newer one is.
        for stamp in [changed(5), changed(4)] {
            live.refresh_with(stamp, measure(9))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        live.refresh_with(changed(6), measure(7))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (runs.load(Ordering::SeqCst), live.get().get(Measured::Plans)),
            (2, 7)
        );
    }

    #[tokio::test]
    async fn a_request_that_finds_a_measurement_under_way_goes_on_with_the_bounds_in_force() {
        let live = LiveBounds::default();
        let measured =
            |size: usize| async move { Ok(Bounds::default().with(Measured::Plans, size)) };
        live.refresh_with(changed(5), || measured(4))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let slow = live.refresh_with(changed(6), || async move {
            let _ = released.await;
            measured(7).await
        });
        tokio::pin!(slow);
        // The first request to see version 6 starts measuring and waits for the store.
        assert!(slow.as_mut().now_or_never().is_none());
        // Another one does not wait for it, and meanwhile answers under the bounds of 5.
        assert!(matches!(
            live.refresh_with(changed(6), || measured(9)).now_or_never(),
            Some(Ok(()))
        ));
        assert_eq!(live.get().get(Measured::Plans), 4);
        let _ = release.send(());
        slow.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(live.get().get(Measured::Plans), 7);
    }

    #[test]
    fn reported_values_alone_are_measured_again_at_most_every_ten_seconds() {
        let at = Instant::now();
        let last = Measurement {
            version: 5,
            structure: 3,
            at,
        };
        let store = |version, structure| Stamp {
            version,
            changed_at: 0,
            structure,
        };
        let later = |secs| at + Duration::from_secs(secs);
        assert!(due(None, &store(5, 3), at));
        // Nothing changed, or the store is behind what was measured.
        assert!(!due(Some(&last), &store(5, 3), later(60)));
        assert!(!due(Some(&last), &store(4, 3), later(60)));
        // A value submitted or approved: measured again once ten seconds have passed.
        assert!(!due(Some(&last), &store(6, 3), later(0)));
        assert!(!due(Some(&last), &store(9, 3), later(9)));
        assert!(due(Some(&last), &store(6, 3), later(10)));
        // Anything else (a plan, a department, an assignment): at once.
        assert!(due(Some(&last), &store(6, 4), later(0)));
    }
}
