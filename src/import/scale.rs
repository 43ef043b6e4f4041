//! A store at `factor` times the document's size, for the benchmarks and the tests that
//! check that reads do not slow down with the data: every indicator and target of the document
//! copied `factor − 1` times (same plans, domains and goals, so lists grow 100× where the
//! document's grow), and ten published yearly values (2014–2023, so that 2025's targets are
//! still under way) for every copied indicator, varied so that the copies take every status
//! a series can give. One transaction; the statuses are restated and the tables analysed as
//! after an import.
//!
//! Copies are marked in their key (`…~x7`) and name (`…·7`): they are never mistaken for the
//! document's rows, and a scaled store is for measuring, not for publishing.

use entity::{indicator, target};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Iterable, Statement, TransactionTrait,
};

use crate::service::statuses::{self, Which};

/// The key suffix of copies.
pub const MARK: &str = "~x";

/// Years of the generated series.
const YEARS: std::ops::RangeInclusive<i32> = 2014..=2023;

/// What a scaled store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scaled {
    pub indicators: i64,
    pub targets: i64,
    pub values: i64,
}

/// Copies the document's indicators and targets until the store holds `factor` times them.
pub async fn scale(db: &DatabaseConnection, factor: u32) -> Result<Scaled, DbErr> {
    let txn = db.begin().await?;
    for copy in 1..factor {
        copy_rows::<indicator::Entity>(&txn, copy, |column, copy| match column {
            "key" => Some(format!("key || '{MARK}{copy}'")),
            "name" => Some(format!("name || '·{copy}'")),
            "ordinal" => Some(format!("ordinal + {}", copy * 100_000)),
            _ => None,
        })
        .await?;
        copy_rows::<target::Entity>(&txn, copy, |column, copy| match column {
            "key" => Some(format!("key || '{MARK}{copy}'")),
            "ordinal" => Some(format!("ordinal + {}", copy * 100_000)),
            "indicator_id" => Some(format!(
                "(SELECT c.id FROM indicator c WHERE c.key = \
                 (SELECT o.key FROM indicator o WHERE o.id = target.indicator_id) || '{MARK}{copy}')"
            )),
            _ => None,
        })
        .await?;
        let years = YEARS
            .map(|y| format!("SELECT {y} AS year"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        // A value that wanders with the indicator and the year, so that statuses vary.
        execute(
            &txn,
            format!(
                "INSERT INTO indicator_value (key, indicator_id, year, value, status, origin, version, created_at, year_inferred) \
                 SELECT NULL, i.id, y.year, ((i.id * 7919 + y.year * 104729) % 1000) / 10.0, \
                 'published', 'submission', 1, CURRENT_TIMESTAMP, FALSE \
                 FROM indicator i CROSS JOIN ({years}) y WHERE i.key LIKE '%{MARK}{copy}'"
            ),
        )
        .await?;
    }
    statuses::restate(&txn, Which::All).await?;
    let scaled = Scaled {
        indicators: count(&txn, "indicator").await?,
        targets: count(&txn, "target").await?,
        values: count(&txn, "indicator_value").await?,
    };
    migration::history::publish(&txn).await?;
    txn.commit().await?;
    super::store::analyze(db).await?;
    Ok(scaled)
}

/// The cells a store with breakdowns gives each of a quarter of its indicators, every year it
/// has a published total: by sex and by urban/rural, the shape the child death rates report.
const CELLS: [&str; 4] = ["SEX=F", "SEX=M", "URBANISATION=U", "URBANISATION=R"];

/// Adds published values by breakdown to a quarter of the indicators (those whose id is a
/// multiple of 4): for every year with a published total, one value per cell of [`CELLS`],
/// near the total. Returns how many values it added. For the benchmark of reads over figures
/// by sex (issue 33): the cells grow the value table by about as much as the totals.
pub async fn add_breakdowns(db: &DatabaseConnection) -> Result<i64, DbErr> {
    let txn = db.begin().await?;
    let before = count(&txn, "indicator_value").await?;
    for (n, cell) in (1..).zip(CELLS) {
        execute(
            &txn,
            format!(
                "INSERT INTO indicator_value (key, indicator_id, year, value, status, origin, version, created_at, year_inferred, breakdown) \
                 SELECT NULL, v.indicator_id, v.year, v.value * (0.9 + 0.05 * {n}), 'published', 'submission', 1, CURRENT_TIMESTAMP, FALSE, '{cell}' \
                 FROM indicator_value v WHERE v.indicator_id % 4 = 0 AND v.breakdown = '' AND v.status = 'published' \
                 AND v.version = (SELECT MAX(w.version) FROM indicator_value w WHERE w.indicator_id = v.indicator_id \
                 AND w.year = v.year AND w.breakdown = '' AND w.status = 'published')"
            ),
        )
        .await?;
    }
    let added = count(&txn, "indicator_value").await? - before;
    migration::history::publish(&txn).await?;
    txn.commit().await?;
    super::store::analyze(db).await?;
    Ok(added)
}

/// `INSERT INTO t (every column but id) SELECT … FROM t` over the document's rows, with the
/// expressions `change` gives for some columns.
async fn copy_rows<E: EntityTrait>(
    db: &impl ConnectionTrait,
    copy: u32,
    change: impl Fn(&str, u32) -> Option<String>,
) -> Result<(), DbErr> {
    use sea_orm::IdenStatic;
    let table = E::default().table_name().to_string();
    let columns: Vec<&str> = E::Column::iter()
        .map(|c| c.as_str())
        .filter(|c| *c != "id")
        .collect();
    let values: Vec<String> = columns
        .iter()
        .map(|c| change(c, copy).unwrap_or_else(|| format!("{table}.{c}")))
        .collect();
    execute(
        db,
        format!(
            "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE {table}.key NOT LIKE '%{MARK}%'",
            columns.join(", "),
            values.join(", ")
        ),
    )
    .await
}

async fn execute(db: &impl ConnectionTrait, sql: String) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .map(|_| ())
}

async fn count(db: &impl ConnectionTrait, table: &str) -> Result<i64, DbErr> {
    db.query_one_raw(Statement::from_string(
        db.get_database_backend(),
        format!("SELECT COUNT(*) FROM {table}"),
    ))
    .await?
    .ok_or_else(|| DbErr::RecordNotFound(table.into()))?
    .try_get_by_index(0)
}
