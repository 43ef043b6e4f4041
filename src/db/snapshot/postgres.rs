//! A PostgreSQL copy: a schema of the store's database with every table made `LIKE` the live
//! one (columns, defaults, indexes; no keys to other tables, no triggers), filled with the
//! rows in force in one transaction, and a pool whose `search_path` starts there.
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait};

use super::{in_force, shared_columns, version_row};

/// Makes the copy of publication `seq` in schema `name` and opens a pool on it.
pub(super) async fn make(
    live: &DatabaseConnection,
    url: &str,
    name: &str,
    seq: i64,
) -> Result<DatabaseConnection, DbErr> {
    let schema = current_schema(live).await?;
    let txn = live.begin().await?;
    txn.execute_unprepared(&format!(
        "DROP SCHEMA IF EXISTS \"{name}\" CASCADE; CREATE SCHEMA \"{name}\""
    ))
    .await?;
    let tables = migration::versioning::tables(&txn).await?;
    let histories = migration::history::history_tables(&txn).await?;
    for table in tables.iter().filter(|t| !histories.contains(t)) {
        txn.execute_unprepared(&format!(
            "CREATE TABLE \"{name}\".\"{table}\" (LIKE \"{schema}\".\"{table}\" INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING STATISTICS)"
        ))
        .await?;
        let history = format!("{table}{}", migration::history::SUFFIX);
        if !histories.contains(&history) {
            continue;
        }
        let history_cols = migration::history::columns(&txn, &history).await?;
        let cols = shared_columns(&txn, table, &history_cols).await?;
        txn.execute_unprepared(&format!(
            "INSERT INTO \"{name}\".\"{table}\" ({cols}) SELECT {cols} FROM \"{schema}\".\"{history}\" \
             WHERE {}",
            in_force(seq)
        ))
        .await?;
    }
    txn.execute_unprepared(&format!(
        "INSERT INTO \"{name}\".data_version SELECT * FROM \"{schema}\".data_version; {}",
        version_row(
            seq,
            &format!("\"{name}\".data_version"),
            &format!("\"{schema}\".publication")
        )
    ))
    .await?;
    txn.commit().await?;
    // As the live tables are after an import (`import::store::analyze`): the planner's
    // statistics, the visibility map (counts by index only) and the trigram index's pending
    // list merged (the rows went in after the indexes were made). Outside the transaction:
    // VACUUM cannot run in one.
    let all: Vec<String> = tables
        .iter()
        .filter(|t| !histories.contains(t))
        .map(|t| format!("\"{name}\".\"{t}\""))
        .collect();
    live.execute_unprepared(&format!("VACUUM (ANALYZE) {}", all.join(", ")))
        .await?;
    let path = format!("\"{name}\", \"{schema}\"");
    super::super::pool::open_pool_in(url, std::time::Duration::from_secs(5), 0, Some(&path)).await
}

async fn current_schema(live: &DatabaseConnection) -> Result<String, DbErr> {
    let row = live
        .query_one_raw(Statement::from_string(
            live.get_database_backend(),
            "SELECT current_schema()::text",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("no current schema".into()))?;
    row.try_get_by_index(0)
}

/// Drops a copy no answer holds any more.
pub(super) async fn remove(live: &DatabaseConnection, name: &str) {
    if let Err(err) = live
        .execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
        .await
    {
        tracing::warn!(error = %err, schema = name, "an asOf copy was not dropped");
    }
}
