//! The largest lists the store holds now (domains of a plan, goals of a domain …), which the
//! cost of a query multiplies by. Measured with one statement when the server starts and
//! again whenever the data version moves, so the estimate follows the data: a store with ten
//! times the goals makes a query over all goals ten times as costly.

use std::sync::RwLock;

use sea_orm::{ConnectionTrait, DbErr, Statement};

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
}

const ALL: [Measured; 11] = [
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
 (SELECT COUNT(*) FROM app_user)";

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

/// The bounds in force, with the data version they were measured at.
#[derive(Default)]
pub struct LiveBounds {
    current: RwLock<(Option<i64>, Bounds)>,
    /// Held while measuring: the requests that see a new version together wait for one
    /// measurement instead of each running it (16 readers after every write did).
    measuring: tokio::sync::Mutex<()>,
}

impl LiveBounds {
    pub fn get(&self) -> Bounds {
        self.current.read().map(|c| c.1.clone()).unwrap_or_default()
    }

    fn seen(&self) -> Option<i64> {
        self.current.read().ok().and_then(|c| c.0)
    }

    /// Measures again when the data version moved since the last measure (or there was none).
    pub async fn refresh(&self, db: &impl ConnectionTrait, version: i64) -> Result<(), DbErr> {
        self.refresh_with(version, || measure(db)).await
    }

    async fn refresh_with<F, Fut>(&self, version: i64, measure: F) -> Result<(), DbErr>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Bounds, DbErr>>,
    {
        if self.seen().is_some_and(|v| v >= version) {
            return Ok(());
        }
        let _measuring = self.measuring.lock().await;
        // Measured meanwhile, by the request that held the lock.
        if self.seen().is_some_and(|v| v >= version) {
            return Ok(());
        }
        let bounds = measure().await?;
        if let Ok(mut current) = self.current.write() {
            if current.0.is_none_or(|v| v <= version) {
                *current = (Some(version), bounds);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn requests_that_see_a_new_version_together_measure_once() {
        let live = LiveBounds::default();
        let runs = AtomicUsize::new(0);
        let measure = |size: usize| {
            let runs = &runs;
            move || async move {
                runs.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                Ok(Bounds::default().with(Measured::Plans, size))
            }
        };
        let together = (0..8).map(|_| live.refresh_with(5, measure(4)));
        for done in futures_util::future::join_all(together).await {
            done.unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(live.get().get(Measured::Plans), 4);
        // The same version again, or an older one, is not measured; a newer one is.
        live.refresh_with(5, measure(9))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        live.refresh_with(4, measure(9))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        live.refresh_with(6, measure(7))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (runs.load(Ordering::SeqCst), live.get().get(Measured::Plans)),
            (2, 7)
        );
    }
}
