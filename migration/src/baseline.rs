//! The schema of a new PostgreSQL store in one script: what the migrations it names make of
//! an empty database, as `pg_dump` printed it, made loadable by [`from_dump`]. A new store
//! loads it in one round trip instead of running each migration's statements one by one (about
//! 150, each prepared: 70–170 ms of a cold start, issue 11); migrations newer than the script
//! run after it as usual. The test `baseline` in tests/api checks that the script still makes
//! the store the migrations make, and rewrites it when run with `PLANGRAPH_BLESS=1`.
//!
//! SQLite stores run the migrations themselves: there they are local calls, not round trips.
use sea_orm_migration::sea_orm::{ConnectionTrait, DbErr};

/// The script (migration/baseline/postgres.sql).
pub const POSTGRES: &str = include_str!("../baseline/postgres.sql");

/// Loads [`POSTGRES`] into an empty database, inside the caller's transaction, and dates its
/// rows now. It fails on a server without an extension the script creates (pg_trgm): the
/// caller then runs the migrations, which go without it.
pub async fn load(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_unprepared(POSTGRES).await?;
    db.execute_unprepared(
        "UPDATE seaql_migrations SET applied_at = EXTRACT(EPOCH FROM now())::bigint; \
         UPDATE data_version SET changed_at = EXTRACT(EPOCH FROM now())::bigint",
    )
    .await
    .map(|_| ())
}

/// The header of the script.
const HEADER: &str = "\
-- The schema of a new plangraph store on PostgreSQL: pg_dump of a database the migrations
-- made, rewritten by migration::baseline::from_dump. Generated; do not edit. To remake it:
--   PLANGRAPH_BLESS=1 cargo test --test api baseline
";

/// Columns that date a row when the migrations ran: zero in the script, now when it loads.
const DATES: &[&str] = &["applied_at", "changed_at"];

/// `INSERT INTO t (a, b) VALUES (1, 2);` with the values of [`DATES`] zero (the rows the
/// migrations write hold numbers and plain names, no commas inside values).
fn undated(line: &str) -> String {
    let parts = line
        .strip_prefix("INSERT INTO ")
        .and_then(|rest| rest.split_once(" ("))
        .and_then(|(table, rest)| {
            let (columns, values) = rest.split_once(") VALUES (")?;
            Some((table, columns, values.strip_suffix(");")?))
        });
    let Some((table, columns, values)) = parts else {
        return line.to_string();
    };
    let columns: Vec<&str> = columns.split(", ").collect();
    let values: Vec<&str> = values.split(", ").collect();
    if columns.len() != values.len() || !columns.iter().any(|c| DATES.contains(c)) {
        return line.to_string();
    }
    let values: Vec<&str> = columns
        .iter()
        .zip(values)
        .map(|(c, v)| if DATES.contains(c) { "0" } else { v })
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({});",
        columns.join(", "),
        values.join(", ")
    )
}

/// `pg_dump --column-inserts --no-owner --no-privileges --no-comments` of a migrated store, as a
/// script that loads into whatever schema the connection's search path names: without the
/// dump's comments and session settings (its `set_config('search_path', '')` would outlive
/// the script on a pooled connection), names unqualified, and the dates of its rows zero so that
/// the script changes only when the schema does.
pub fn from_dump(dump: &str) -> String {
    let mut out = String::from(HEADER);
    for line in dump.lines() {
        if line.is_empty()
            || line.starts_with("--")
            || line.starts_with("SET ")
            || line.starts_with("SELECT pg_catalog.set_config(")
            || line.starts_with("\\")
        {
            continue;
        }
        // Extensions go where the store's tables go (pg_trgm, for search).
        let line = line.replace(" WITH SCHEMA public;", ";");
        let line = undated(&line.replace("public.", ""));
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::from_dump;

    #[test]
    fn a_dump_becomes_a_script_for_any_schema_with_undated_rows() {
        let dump = "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n\
                    SELECT pg_catalog.set_config('search_path', '', false);\n\
                    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;\n\
                    CREATE TABLE public.plan (\n    id integer NOT NULL\n);\n\n\
                    INSERT INTO public.seaql_migrations (version, applied_at) VALUES ('m1', 1764412345);\n\
                    INSERT INTO public.data_version (id, version, changed_at) VALUES (1, 3, 1764412345);\n\
                    INSERT INTO public.goal (id, text) VALUES (1, 'a, b');\n";
        let script = from_dump(dump);
        let body: Vec<&str> = script.lines().filter(|l| !l.starts_with("--")).collect();
        assert_eq!(
            body,
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
                "CREATE TABLE plan (",
                "    id integer NOT NULL",
                ");",
                "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m1', 0);",
                "INSERT INTO data_version (id, version, changed_at) VALUES (1, 3, 0);",
                "INSERT INTO goal (id, text) VALUES (1, 'a, b');",
            ]
        );
    }
}
