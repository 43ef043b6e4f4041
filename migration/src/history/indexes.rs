//! The history tables' indexes, apart from the tables and triggers because they are made
//! apart: after a new store's first answer, one at a time (`crate::later`).
use sea_orm_migration::sea_orm::{ConnectionTrait, DbErr};

use super::{historized, history_tables, quoted, Catalog, SUFFIX};

/// Indexes for reading a history by publication rather than by instant: the public change
/// list (`plangraph::repo::changes`) reads the events of the publications after one, and
/// each event's value as it stood then; the ID of a removed target is looked up by id
/// (`plangraph::repo::retired`: every null `target(id:)` asks whether it was removed).
/// (The document's history is a row per import: it needs none.)
const READ_INDEXES: &[(&str, &str)] = &[
    ("value_event", "h_from, id"),
    ("indicator_value", "id, h_from"),
    ("target", "id, h_from"),
];

/// Gives every history table its indexes (idempotent). They serve a history that has grown —
/// `publish`'s updates, a row trigger closing a row's version, the change list's reads — and
/// none of them is a constraint: a new store's history holds only its first rows, so the
/// server makes them after its first answer (`plangraph::startup`); every other open makes
/// them at once.
///
/// Only the missing ones are made, each in a statement of its own: making an index locks its
/// table against writes, and one transaction making several while writers of the same tables
/// run (a server answering, another process) would deadlock with them.
pub(crate) async fn ensure_indexes(
    db: &impl ConnectionTrait,
    have: &[String],
) -> Result<(), DbErr> {
    let existing = history_tables(db).await?;
    let catalog = Catalog::read(db).await?;
    for table in historized(db).await? {
        let history = format!("{table}{SUFFIX}");
        if !existing.contains(&history) {
            continue;
        }
        let key = catalog.primary_key(db, &table).await?;
        for (name, statement) in indexes(&table, &key) {
            let needed = match name.strip_prefix('-') {
                Some(old) => have.iter().any(|h| h == old),
                None => !have.contains(&name),
            };
            if needed {
                db.execute_unprepared(&statement).await?;
            }
        }
    }
    Ok(())
}

/// A history table's indexes by name, with the statement that makes each: one for both of
/// `publish`'s updates (each condition implies the index's), over the few rows a transaction
/// leaves pending; the open version of each row by its key (the row trigger closes it); and
/// those of [`READ_INDEXES`]. A name starting with `-` is one to drop (an earlier layout's).
fn indexes(table: &str, key: &[String]) -> Vec<(String, String)> {
    let history = format!("{table}{SUFFIX}");
    let mut out = Vec::new();
    for old in ["pending_from", "pending_to"] {
        out.push((
            format!("-{history}_{old}"),
            format!("DROP INDEX IF EXISTS \"{history}_{old}\""),
        ));
    }
    out.push((
        format!("{history}_pending"),
        format!("CREATE INDEX IF NOT EXISTS \"{history}_pending\" ON \"{history}\" (h_from, h_to) WHERE h_from IS NULL OR h_to = -1"),
    ));
    out.push((
        format!("{history}_open"),
        format!(
            "CREATE INDEX IF NOT EXISTS \"{history}_open\" ON \"{history}\" ({}) WHERE h_to IS NULL",
            quoted(key).join(", ")
        ),
    ));
    if let Some((_, cols)) = READ_INDEXES.iter().find(|(t, _)| *t == table) {
        out.push((
            format!("{history}_read"),
            format!("CREATE INDEX IF NOT EXISTS \"{history}_read\" ON \"{history}\" ({cols})"),
        ));
    }
    out
}
