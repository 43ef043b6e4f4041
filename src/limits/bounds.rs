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
}

impl LiveBounds {
    pub fn get(&self) -> Bounds {
        self.current.read().map(|c| c.1.clone()).unwrap_or_default()
    }

    /// Measures again when the data version moved since the last measure (or there was none).
    pub async fn refresh(&self, db: &impl ConnectionTrait, version: i64) -> Result<(), DbErr> {
        let seen = self.current.read().ok().and_then(|c| c.0);
        if seen == Some(version) {
            return Ok(());
        }
        let bounds = measure(db).await?;
        if let Ok(mut current) = self.current.write() {
            if current.0.is_none_or(|v| v <= version) {
                *current = (Some(version), bounds);
            }
        }
        Ok(())
    }
}
