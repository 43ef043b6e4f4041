//! A SQLite copy: a file in `<store>.asof/`, made by a connection of its own that attaches
//! the store (read in one transaction, which WAL lets run beside the writer) and copies its
//! schema's text and the rows in force.
use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};

use super::{in_force, shared_columns, version_row};

/// The store's file, as SQLite itself names it ("" for a store in memory).
async fn store_file(live: &DatabaseConnection) -> Result<String, DbErr> {
    let row = live
        .query_one_raw(Statement::from_string(
            live.get_database_backend(),
            "SELECT file FROM pragma_database_list WHERE name = 'main'",
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get_by_index::<String>(0))
        .transpose()?
        .unwrap_or_default())
}

/// The copies' directory: `<store>.asof/` beside the store's file.
pub(super) async fn dir(live: &DatabaseConnection) -> Result<PathBuf, DbErr> {
    let store = store_file(live).await?;
    if store.is_empty() {
        return Err(DbErr::Custom(
            "a store in memory keeps no copies for asOf reads".into(),
        ));
    }
    let mut dir = Path::new(&store).as_os_str().to_owned();
    dir.push(".asof");
    Ok(PathBuf::from(dir))
}

/// Removes a copy's file and its WAL.
pub(super) fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Makes the copy of publication `seq` and opens it.
pub(super) async fn make(
    live: &DatabaseConnection,
    name: &str,
    seq: i64,
) -> Result<(DatabaseConnection, PathBuf), DbErr> {
    let store = store_file(live).await?;
    let dir = dir(live).await?;
    crate::private::create_dir(&dir).map_err(|e| DbErr::Custom(e.to_string()))?;
    let path = dir.join(format!("{name}.sqlite"));
    remove(&path);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = super::super::pool::open_pool(&url, std::time::Duration::from_secs(5), 1).await?;
    let filled = fill(&db, &store, seq).await;
    let _ = db.execute_unprepared("DETACH DATABASE src").await;
    match filled {
        Ok(()) => Ok((db, path)),
        Err(err) => {
            db.close().await.ok();
            remove(&path);
            Err(err)
        }
    }
}

/// What the copy holds: the store's tables (empty but for the rows in force), then its
/// indexes and search tables.
async fn fill(db: &DatabaseConnection, store: &str, seq: i64) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_unprepared(&format!("ATTACH DATABASE {} AS src", literal(store)))
        .await?;
    // A copy is read only: its keys were checked in the store, and its tables fill in any order.
    db.execute_unprepared("PRAGMA foreign_keys = OFF").await?;
    db.execute_unprepared("BEGIN").await?;
    let result = async {
        let schema = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT m.type, m.name, m.tbl_name, m.sql, t.type FROM src.sqlite_master m \
                 LEFT JOIN pragma_table_list t ON t.schema = 'src' AND t.name = m.name \
                 WHERE m.sql IS NOT NULL AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!' \
                 AND m.tbl_name NOT LIKE '%!_!_history' ESCAPE '!' \
                 AND m.type IN ('table', 'index') ORDER BY m.type DESC, m.rowid",
            ))
            .await?;
        let mut tables = Vec::new();
        let mut virtual_tables = Vec::new();
        let mut indexes = Vec::new();
        for row in &schema {
            let kind: String = row.try_get_by_index(0)?;
            let name: String = row.try_get_by_index(1)?;
            let sql: String = row.try_get_by_index(3)?;
            let listed: Option<String> = row.try_get_by_index(4)?;
            match (kind.as_str(), listed.as_deref()) {
                ("table", Some("table")) => tables.push((name, sql)),
                ("table", Some("virtual")) => virtual_tables.push((name, sql)),
                ("index", _) => indexes.push(sql),
                _ => {} // a search table's own shadow tables: made by the virtual table
            }
        }
        for (_, sql) in tables.iter().chain(&virtual_tables) {
            db.execute_unprepared(sql).await?;
        }
        copy_rows(db, &tables, seq).await?;
        for sql in &indexes {
            db.execute_unprepared(sql).await?;
        }
        for (name, _) in &virtual_tables {
            db.execute_unprepared(&format!(
                "INSERT INTO \"{name}\"(\"{name}\") VALUES ('rebuild')"
            ))
            .await?;
        }
        db.execute_unprepared("ANALYZE main").await?;
        Ok::<(), DbErr>(())
    }
    .await;
    match result {
        Ok(()) => db.execute_unprepared("COMMIT").await.map(|_| ()),
        Err(err) => {
            let _ = db.execute_unprepared("ROLLBACK").await;
            Err(err)
        }
    }
}

/// Each historized table's rows in force at `seq`, in key order; the data version row as it
/// stood then. Other tables (accounts, audit, statements never public) stay empty.
async fn copy_rows(
    db: &DatabaseConnection,
    tables: &[(String, String)],
    seq: i64,
) -> Result<(), DbErr> {
    for (table, _) in tables {
        let history = format!("{table}{}", migration::history::SUFFIX);
        let history_cols = columns_in_src(db, &history).await?;
        if history_cols.is_empty() {
            continue;
        }
        let cols = shared_columns(db, table, &history_cols).await?;
        db.execute_unprepared(&format!(
            "INSERT INTO main.\"{table}\" ({cols}) SELECT {cols} FROM src.\"{history}\" \
             WHERE {} ORDER BY rowid",
            in_force(seq)
        ))
        .await?;
    }
    db.execute_unprepared("INSERT INTO main.data_version SELECT * FROM src.data_version")
        .await?;
    db.execute_unprepared(&version_row(seq, "main.data_version", "src.publication"))
        .await?;
    Ok(())
}

async fn columns_in_src(
    db: &DatabaseConnection,
    table: &str,
) -> Result<Vec<(String, String)>, DbErr> {
    db.query_all_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT name, type FROM pragma_table_info(?, 'src') ORDER BY cid",
        [table.into()],
    ))
    .await?
    .iter()
    .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
    .collect()
}
