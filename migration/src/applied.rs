//! Statements made again at every start — the triggers and indexes that follow the live tables'
//! columns (`versioning`, `history`) — sent to PostgreSQL only when their text changed. The
//! text's fingerprint is kept as the comment of a table they belong to: `pg_dump` keeps it, so
//! a store made from the baseline script starts with it, and a migration that changes a
//! column changes the text. On SQLite the statements are local calls and always run.
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// FNV-1a: stable across toolchains (the fingerprint is stored), and enough to tell one
/// generated text from another.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Runs `changes` (statements joined by `;`, for what the store lacks: a table, a column) and
/// `steady` (what is made again at every start), unless there are no changes and the comment
/// of table `anchor` says this very `steady` text ran last; then records that it did, in the
/// same round trip. `label` names the batch in the comment.
pub async fn run_changed(
    db: &impl ConnectionTrait,
    anchor: &str,
    label: &str,
    changes: &str,
    steady: &str,
) -> Result<(), DbErr> {
    let batch = [changes, steady]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(";\n");
    if batch.is_empty() {
        return Ok(());
    }
    if db.get_database_backend() != DbBackend::Postgres {
        db.execute_unprepared(&batch).await?;
        return Ok(());
    }
    let mark = format!("{label} {:016x}", fingerprint(steady));
    if changes.is_empty() {
        let found = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT obj_description(to_regclass('{anchor}'), 'pg_class')"),
            ))
            .await?
            .map(|row| row.try_get_by_index::<Option<String>>(0))
            .transpose()?
            .flatten();
        if found.as_deref() == Some(mark.as_str()) {
            return Ok(());
        }
    }
    db.execute_unprepared(&format!(
        "{batch};\nCOMMENT ON TABLE \"{anchor}\" IS '{mark}'"
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn the_fingerprint_is_fnv1a() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fingerprint(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fingerprint("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fingerprint("foobar"), 0x8594_4171_f739_67e8);
    }
}
