//! Whose copies are still in use. Several servers may share a store, and with it the copies'
//! directory (SQLite) or database (PostgreSQL). Each process names its copies with a token of
//! its own and holds a lock on that token while it runs — a file lock beside the copies, an
//! advisory lock on PostgreSQL — which the operating system or the database lets go when the
//! process ends, however it ends. A copy whose token nobody holds was left by a process that
//! is gone, and is removed when a process takes its lease (before its first copy).

use std::fs::{File, TryLockError};
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};

use sea_orm::sqlx::{self, Connection, PgConnection};
use sea_orm::DbErr;

/// The advisory lock class of copies' tokens ("asof"); the token is the lock's second key.
pub const CLASS: i32 = 0x6173_6f66;

/// A token for this process's copies: random, so that processes on other hosts differ too.
pub fn token() -> u32 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    (hasher.finish() & u64::from(u32::MAX)) as u32
}

/// The name of copy `seq` of the process holding `token`.
pub fn copy_name(seq: i64, token: u32) -> String {
    format!("asof_{seq}_{token:08x}")
}

/// The token in a copy's name; `None` for a name no copy has. A name of an earlier form (a
/// longer token) reads as token 0, which no process holds: such copies are all left over.
pub fn token_of(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("asof_")?;
    let (seq, token) = rest.split_once('_')?;
    if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(if token.len() == 8 {
        u32::from_str_radix(token, 16).ok()?
    } else {
        0
    })
}

/// A held lease; dropping it lets the lock go.
pub enum Lease {
    Postgres(PgConnection),
    File(File),
}

impl Lease {
    /// Whether the lock is still held (a PostgreSQL connection can be cut).
    pub async fn holds(&mut self) -> bool {
        match self {
            Lease::Postgres(conn) => conn.ping().await.is_ok(),
            Lease::File(_) => true,
        }
    }
}

fn db_err(err: impl std::fmt::Display) -> DbErr {
    DbErr::Custom(format!("the asOf copies' lease: {err}"))
}

/// Takes `token`'s lease on PostgreSQL (a connection of its own that holds the lock) and
/// drops the copies of processes that are gone.
pub async fn take_postgres(url: &str, token: u32) -> Result<Lease, DbErr> {
    let mut conn = PgConnection::connect(url).await.map_err(db_err)?;
    sqlx::query("SELECT pg_advisory_lock($1, $2)")
        .bind(CLASS)
        .bind(token.cast_signed())
        .execute(&mut conn)
        .await
        .map_err(db_err)?;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'asof!_%' ESCAPE '!'",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(db_err)?;
    for name in names {
        match token_of(&name) {
            Some(other) if other != token => sweep_schema(&mut conn, &name, other).await?,
            _ => {}
        }
    }
    Ok(Lease::Postgres(conn))
}

/// Drops schema `name` when no process holds `token`.
async fn sweep_schema(conn: &mut PgConnection, name: &str, token: u32) -> Result<(), DbErr> {
    let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
        .bind(CLASS)
        .bind(token.cast_signed())
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)?;
    if !free {
        return Ok(());
    }
    // `name` passed token_of: asof_, digits, _, hex digits.
    let drop = format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE");
    let dropped = sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
        .execute(&mut *conn)
        .await;
    sqlx::query("SELECT pg_advisory_unlock($1, $2)")
        .bind(CLASS)
        .bind(token.cast_signed())
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    match dropped {
        Ok(_) => tracing::info!(schema = name, "a left-over asOf copy was dropped"),
        Err(err) => tracing::warn!(error = %err, schema = name, "a left-over asOf copy stays"),
    }
    Ok(())
}

fn lock_path(dir: &Path, token: u32) -> PathBuf {
    dir.join(format!("{token:08x}.lock"))
}

/// Takes `token`'s lease in the copies' directory `dir` (a locked file named by the token)
/// and removes the copies of processes that are gone.
pub fn take_file(dir: &Path, token: u32) -> Result<Lease, DbErr> {
    crate::private::create_dir(dir).map_err(db_err)?;
    let path = lock_path(dir, token);
    let file = File::create(&path).map_err(db_err)?;
    file.lock().map_err(db_err)?;
    sweep_dir(dir, token);
    Ok(Lease::File(file))
}

/// Removes every copy in `dir` whose token no process holds, with its lock file.
fn sweep_dir(dir: &Path, own: u32) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stem = name.split('.').next().unwrap_or("");
        let Some(token) = token_of(stem) else {
            continue;
        };
        if token != own && !held(dir, token) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    // Lock files of processes that are gone; one is removed only while this process holds
    // it, so a process starting with the same token waits and then makes its own.
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let token = name
            .strip_suffix(".lock")
            .and_then(|t| u32::from_str_radix(t, 16).ok());
        match token {
            Some(token) if token != own => {
                if let Ok(file) = File::open(entry.path()) {
                    if file.try_lock().is_ok() {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a running process holds `token`'s lock file.
fn held(dir: &Path, token: u32) -> bool {
    match File::open(lock_path(dir, token)) {
        Ok(file) => matches!(file.try_lock(), Err(TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_name_carries_its_token() {
        assert_eq!(copy_name(12, 0x0bad_f00d), "asof_12_0badf00d");
        assert_eq!(token_of("asof_12_0badf00d"), Some(0x0bad_f00d));
        // the earlier form, pid and nanoseconds in hex: left over whoever made it
        assert_eq!(token_of("asof_3_1f2a3b4c5d6e"), Some(0));
        assert_eq!(token_of("asof_x_0badf00d"), None);
        assert_eq!(token_of("asof_1_"), None);
        assert_eq!(token_of("public"), None);
    }

    #[test]
    fn copies_of_gone_processes_are_removed_and_held_ones_kept() {
        let dir = std::env::temp_dir().join(format!("plangraph-lease-{}", token()));
        std::fs::create_dir_all(&dir).unwrap();
        let alive = 0x0000_0a11;
        let gone = 0x0000_0de4;
        let other = File::create(lock_path(&dir, alive)).unwrap();
        other.lock().unwrap();
        File::create(lock_path(&dir, gone)).unwrap();
        for name in [
            "asof_1_00000a11.sqlite",
            "asof_1_00000de4.sqlite",
            "asof_2_00000de4.sqlite-wal",
            "asof_3_1f2a3b4c5d6e.sqlite",
            "notes.txt",
        ] {
            File::create(dir.join(name)).unwrap();
        }
        let lease = take_file(&dir, 0x0000_0001).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "00000001.lock",
                "00000a11.lock",
                "asof_1_00000a11.sqlite",
                "notes.txt"
            ]
        );
        drop((lease, other));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
