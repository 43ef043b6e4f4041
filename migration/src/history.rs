//! What the public could read after any publication. Every public table `t` has a history
//! table `t__history`: each version of each row, with the publication that made it (`h_from`)
//! and the one that replaced or removed it (`h_to`, NULL while in force). Row triggers write
//! it in the writer's own transaction; a publication's number is known only when the writer
//! is done, so its rows wait as pending (`h_from` NULL, `h_to` = [`PENDING_END`]) until
//! [`publish`] numbers them, in the same transaction. A row in force at publication `s` is
//! one with `h_from <= s` and `h_to` NULL, pending or `> s` ([`IN_FORCE`]).
//!
//! [`ensure`] runs after the migrations at every open, as `versioning::ensure` does: a table
//! or a column a later migration adds is historized without anyone remembering to.
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

mod indexes;
pub(crate) use indexes::ensure_indexes;

/// The history table of `t` is `t` followed by this.
pub const SUFFIX: &str = "__history";

/// `h_to` of a row replaced or removed by a transaction not yet published.
pub const PENDING_END: i64 = -1;

/// The condition on a history table's rows in force at publication `$seq` (written in, not
/// bound: the caller formats it with a number it owns).
pub const IN_FORCE: &str =
    "h_from IS NOT NULL AND h_from <= {seq} AND (h_to IS NULL OR h_to = -1 OR h_to > {seq})";

/// Tables read by public answers that are derived, not versioned, but still historized.
const DERIVED: &[&str] = &["status_tally"];

/// The tables with a history: the versioned ones and [`DERIVED`].
pub async fn historized(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let all = crate::versioning::tables(db).await?;
    let mut out = crate::versioning::versioned(db).await?;
    out.extend(
        DERIVED
            .iter()
            .filter(|d| all.iter().any(|t| t == *d))
            .map(|d| d.to_string()),
    );
    Ok(out)
}

/// The history tables that exist now.
pub async fn history_tables(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    Ok(crate::versioning::tables(db)
        .await?
        .into_iter()
        .filter(|t| t.ends_with(SUFFIX))
        .collect())
}

/// A table's columns with their declared types, in order.
pub async fn columns(
    db: &impl ConnectionTrait,
    table: &str,
) -> Result<Vec<(String, String)>, DbErr> {
    let backend = db.get_database_backend();
    let statement = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid \
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = $1 \
             AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT name, type FROM pragma_table_info(?) ORDER BY cid",
            [table.into()],
        ),
    };
    db.query_all_raw(statement)
        .await?
        .iter()
        .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
        .collect()
}

/// A table's primary key columns, in key order.
async fn primary_key(db: &impl ConnectionTrait, table: &str) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let statement = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT a.attname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid \
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) \
             WHERE i.indisprimary AND c.relname = $1 \
             AND c.relnamespace = current_schema()::regnamespace \
             ORDER BY array_position(i.indkey::int2[], a.attnum)",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
            [table.into()],
        ),
    };
    let key: Vec<String> = db
        .query_all_raw(statement)
        .await?
        .iter()
        .map(|row| row.try_get_by_index(0))
        .collect::<Result<_, _>>()?;
    if key.is_empty() {
        return Err(DbErr::Custom(format!(
            "table {table} has no primary key: its history could not tell its rows apart"
        )));
    }
    Ok(key)
}

/// Every table's columns and primary key, read in two statements on PostgreSQL (where each
/// statement is a round trip, and this runs at every start); SQLite's pragmas are read per
/// table, in process.
#[derive(Default)]
struct Catalog {
    columns: std::collections::HashMap<String, Vec<(String, String)>>,
    keys: std::collections::HashMap<String, Vec<String>>,
}

impl Catalog {
    async fn read(db: &impl ConnectionTrait) -> Result<Catalog, DbErr> {
        let backend = db.get_database_backend();
        let mut catalog = Catalog::default();
        if backend != DbBackend::Postgres {
            return Ok(catalog);
        }
        for row in db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod) \
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' \
                 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum",
            ))
            .await?
        {
            let table: String = row.try_get_by_index(0)?;
            let column = (row.try_get_by_index(1)?, row.try_get_by_index(2)?);
            catalog.columns.entry(table).or_default().push(column);
        }
        for row in db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT c.relname::text, a.attname::text FROM pg_index i \
                 JOIN pg_class c ON c.oid = i.indrelid \
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) \
                 WHERE i.indisprimary AND c.relnamespace = current_schema()::regnamespace \
                 ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)",
            ))
            .await?
        {
            let table: String = row.try_get_by_index(0)?;
            catalog
                .keys
                .entry(table)
                .or_default()
                .push(row.try_get_by_index(1)?);
        }
        Ok(catalog)
    }

    async fn columns(
        &self,
        db: &impl ConnectionTrait,
        table: &str,
    ) -> Result<Vec<(String, String)>, DbErr> {
        match self.columns.get(table) {
            Some(c) => Ok(c.clone()),
            None => columns(db, table).await,
        }
    }

    async fn primary_key(
        &self,
        db: &impl ConnectionTrait,
        table: &str,
    ) -> Result<Vec<String>, DbErr> {
        match self.keys.get(table) {
            Some(k) => Ok(k.clone()),
            None => primary_key(db, table).await,
        }
    }
}

fn quoted(names: &[String]) -> Vec<String> {
    names.iter().map(|n| format!("\"{n}\"")).collect()
}

/// Gives every historized table its history table, columns and triggers (idempotent; the
/// indexes are [`crate::later::ensure_indexes`]'s). Rows of a table whose history is new are copied into it and published, so
/// an upgraded store answers `asOf` from the moment it was upgraded. The statements go to the
/// store in one round trip, and on PostgreSQL only when they changed (`applied`): this runs at
/// every start.
pub async fn ensure(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let existing = history_tables(db).await?;
    let catalog = Catalog::read(db).await?;
    // What the store lacks (run whenever there is any), and what is made again (run when its
    // text changed: `applied`).
    let mut changes = Vec::new();
    let mut statements = Vec::new();
    let mut filled = false;
    for table in historized(db).await? {
        let history = format!("{table}{SUFFIX}");
        let live = catalog.columns(db, &table).await?;
        let key = catalog.primary_key(db, &table).await?;
        let new = !existing.contains(&history);
        let have = if new {
            Vec::new()
        } else {
            catalog.columns(db, &history).await?
        };
        changes.extend(table_and_columns(
            &history,
            &live,
            (!new).then_some(&have[..]),
        ));
        statements.extend(triggers(db.get_database_backend(), &table, &live, &key));
        if new {
            let cols = quoted(&live.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>()).join(", ");
            changes.push(format!(
                "INSERT INTO \"{history}\" ({cols}) SELECT {cols} FROM \"{table}\""
            ));
            filled |= db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT 1 FROM \"{table}\" LIMIT 1"),
                ))
                .await?
                .is_some();
        }
    }
    crate::applied::run_changed(
        db,
        "publication",
        "history",
        &changes.join(";\n"),
        &statements.join(";\n"),
    )
    .await?;
    if filled {
        publish_forced(db).await?;
    }
    Ok(())
}

/// The statements that make the history table with every live column (`have`: the columns it
/// has, None when it is new). A column the live table lost stays, nullable, for the rows that
/// had it.
fn table_and_columns(
    history: &str,
    live: &[(String, String)],
    have: Option<&[(String, String)]>,
) -> Vec<String> {
    // No constraints: a history row is a copy, and a NOT NULL dropped later must not refuse it.
    let declared = |(c, t): &(String, String)| format!("\"{c}\" {t}");
    let mut out = Vec::new();
    match have {
        None => {
            let cols: Vec<String> = live.iter().map(declared).collect();
            out.push(format!(
                "CREATE TABLE \"{history}\" ({}, h_from BIGINT, h_to BIGINT)",
                cols.join(", ")
            ));
        }
        Some(have) => {
            for column in live
                .iter()
                .filter(|(c, _)| !have.iter().any(|(h, _)| h == c))
            {
                out.push(format!(
                    "ALTER TABLE \"{history}\" ADD COLUMN {}",
                    declared(column)
                ));
            }
        }
    }
    out
}

/// The statements that (re)make the row triggers writing a table's history (the column list
/// may have grown). An update that changes nothing writes nothing.
fn triggers(
    backend: DbBackend,
    table: &str,
    live: &[(String, String)],
    key: &[String],
) -> Vec<String> {
    let history = format!("{table}{SUFFIX}");
    let names: Vec<String> = live.iter().map(|(c, _)| c.clone()).collect();
    let cols = quoted(&names).join(", ");
    let new_values = names
        .iter()
        .map(|c| format!("NEW.\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let same_key = key
        .iter()
        .map(|k| format!("\"{k}\" = OLD.\"{k}\""))
        .collect::<Vec<_>>()
        .join(" AND ");
    let close =
        format!("UPDATE \"{history}\" SET h_to = {PENDING_END} WHERE h_to IS NULL AND {same_key}");
    let open = format!("INSERT INTO \"{history}\" ({cols}) VALUES ({new_values})");
    let mut out = Vec::new();
    match backend {
        DbBackend::Postgres => {
            out.push(format!(
                "CREATE OR REPLACE FUNCTION \"{table}_history_row\"() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN \
                 IF TG_OP <> 'INSERT' THEN {close}; END IF; \
                 IF TG_OP <> 'DELETE' THEN {open}; END IF; \
                 RETURN NULL; END $$"
            ));
            // Inserts and deletes by statement, over the statement's rows (transition
            // tables): an import or a new store's seed writes thousands of rows a statement,
            // and a row trigger's call for each cost the cold start ~60 ms.
            let rows_cols = names
                .iter()
                .map(|c| format!("n.\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let gone_key = key
                .iter()
                .map(|k| format!("h.\"{k}\" = o.\"{k}\""))
                .collect::<Vec<_>>()
                .join(" AND ");
            out.push(format!(
                "CREATE OR REPLACE FUNCTION \"{table}_history_inserted\"() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN INSERT INTO \"{history}\" ({cols}) SELECT {rows_cols} FROM history_new_rows n; \
                 RETURN NULL; END $$"
            ));
            out.push(format!(
                "CREATE OR REPLACE FUNCTION \"{table}_history_deleted\"() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE \"{history}\" h SET h_to = {PENDING_END} FROM history_old_rows o \
                 WHERE h.h_to IS NULL AND {gone_key}; RETURN NULL; END $$"
            ));
            // A row trigger of this name (an earlier version) cannot become a statement one.
            out.push(format!(
                "DROP TRIGGER IF EXISTS \"{table}_history_write\" ON \"{table}\""
            ));
            out.push(format!(
                "CREATE OR REPLACE TRIGGER \"{table}_history_insert\" AFTER INSERT ON \"{table}\" \
                 REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT \
                 EXECUTE FUNCTION \"{table}_history_inserted\"()"
            ));
            out.push(format!(
                "CREATE OR REPLACE TRIGGER \"{table}_history_delete\" AFTER DELETE ON \"{table}\" \
                 REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT \
                 EXECUTE FUNCTION \"{table}_history_deleted\"()"
            ));
            out.push(format!(
                "CREATE OR REPLACE TRIGGER \"{table}_history_update\" AFTER UPDATE ON \"{table}\" \
                 FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION \"{table}_history_row\"()"
            ));
        }
        _ => {
            let changed = names
                .iter()
                .map(|c| format!("OLD.\"{c}\" IS NOT NEW.\"{c}\""))
                .collect::<Vec<_>>()
                .join(" OR ");
            for (event, when, body) in [
                ("insert", String::new(), format!("{open};")),
                (
                    "update",
                    format!("WHEN {changed}"),
                    format!("{close}; {open};"),
                ),
                ("delete", String::new(), format!("{close};")),
            ] {
                let name = format!("{table}_history_{event}");
                out.push(format!("DROP TRIGGER IF EXISTS \"{name}\""));
                out.push(format!(
                    "CREATE TRIGGER \"{name}\" AFTER {} ON \"{table}\" {when} BEGIN {body} END",
                    event.to_uppercase()
                ));
            }
        }
    }
    out
}

/// The last publication: (seq, data version, at in µs).
async fn last(db: &impl ConnectionTrait) -> Result<Option<(i64, i64, i64)>, DbErr> {
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_string(
        backend,
        "SELECT seq, version, at_us FROM publication ORDER BY seq DESC LIMIT 1",
    ))
    .await?
    .map(|row| {
        Ok((
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
        ))
    })
    .transpose()
}

/// The store's data version now.
async fn version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT version FROM data_version WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("data_version".into()))?;
    row.try_get_by_index(0)
}

/// Numbers what this transaction made public, when it made anything public (the data
/// version moved since the last publication): the next publication, its commit time, and
/// its rows in every history table. Call it last, just before the commit; the data version's
/// row, which the transaction's changes locked, orders concurrent writers. Returns the
/// publication's number.
pub async fn publish(db: &impl ConnectionTrait) -> Result<Option<i64>, DbErr> {
    let now = version(db).await?;
    if last(db).await?.is_some_and(|(_, v, _)| v == now) {
        return Ok(None);
    }
    publish_forced(db).await.map(Some)
}

async fn publish_forced(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let now = version(db).await?;
    let previous = last(db).await?;
    let seq = previous.map_or(1, |(s, _, _)| s + 1);
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    // Strictly increasing even if the clock steps back: an instant names one publication.
    let at = previous.map_or(clock, |(_, _, at)| clock.max(at + 1));
    let mut statements = vec![format!(
        "INSERT INTO publication (seq, version, at_us) VALUES ({seq}, {now}, {at})"
    )];
    for history in history_tables(db).await? {
        statements.push(format!(
            "UPDATE \"{history}\" SET h_from = {seq} WHERE h_from IS NULL"
        ));
        statements.push(format!(
            "UPDATE \"{history}\" SET h_to = {seq} WHERE h_to = {PENDING_END}"
        ));
    }
    db.execute_unprepared(&statements.join(";\n")).await?;
    Ok(seq)
}

/// Drops the history triggers of SQLite (made again by [`ensure`] after the migrations): a
/// SQLite trigger names its table's columns, and a migration that drops or renames one would
/// fail on it. PostgreSQL's trigger functions are bound when they run, and are made again too.
pub async fn drop_triggers(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    if backend == DbBackend::Postgres {
        return Ok(());
    }
    let names: Vec<String> = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT name FROM sqlite_master WHERE type = 'trigger' \
             AND (name LIKE '%!_history!_insert' ESCAPE '!' OR name LIKE '%!_history!_update' ESCAPE '!' \
             OR name LIKE '%!_history!_delete' ESCAPE '!')",
        ))
        .await?
        .iter()
        .map(|row| row.try_get_by_index(0))
        .collect::<Result<_, _>>()?;
    for name in names {
        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS \"{name}\""))
            .await?;
    }
    Ok(())
}

/// Removes the history: its triggers, functions and tables (the publication migration's
/// `down`).
pub async fn remove(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    drop_triggers(db).await?;
    for history in history_tables(db).await? {
        let table = history.trim_end_matches(SUFFIX);
        if db.get_database_backend() == DbBackend::Postgres {
            for function in ["row", "inserted", "deleted"] {
                db.execute_unprepared(&format!(
                    "DROP FUNCTION IF EXISTS \"{table}_history_{function}\"() CASCADE"
                ))
                .await?;
            }
        }
        db.execute_unprepared(&format!("DROP TABLE \"{history}\""))
            .await?;
    }
    Ok(())
}
