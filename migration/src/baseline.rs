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
    date(db).await
}

/// Whether the script makes the store of every migration (none is newer than it).
pub fn is_current() -> bool {
    use sea_orm_migration::MigratorTrait;
    crate::Migrator::migrations().iter().all(|m| {
        POSTGRES.contains(&format!(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('{}', 0);",
            m.name()
        ))
    })
}

/// The script in its two parts: the tables, with everything that acts on rows as they are
/// written (identities, triggers, the migrations' own rows), and then the keys, indexes and
/// foreign keys, which [`load_seeded`] makes after the first rows are in.
pub fn parts() -> (&'static str, &'static str) {
    POSTGRES.split_once(KEYS).unwrap_or((POSTGRES, ""))
}

/// Whether a line of the keys part is a plain index: no constraint rests on it (keys, unique
/// indexes and foreign keys do), so a seeded store may answer its first requests without it.
fn is_plain_index(line: &str) -> bool {
    line.starts_with("CREATE INDEX ")
}

/// The keys part without its plain indexes: what a seeded store needs before it answers.
fn keys_now() -> String {
    let (_, keys) = parts();
    keys.lines()
        .filter(|line| !is_plain_index(line))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The plain indexes of the script: (name, statement).
pub fn deferred_indexes() -> Vec<(&'static str, &'static str)> {
    let (_, keys) = parts();
    keys.lines()
        .filter(|line| is_plain_index(line))
        .filter_map(|line| {
            let name = line.strip_prefix("CREATE INDEX ")?.split(' ').next()?;
            Some((name, line))
        })
        .collect()
}

/// Makes those of the plain indexes a seeded store was loaded without ([`load_seeded`]) that
/// are not in `have`, each in a statement of its own (`crate::later`). Only with a current
/// script: then the store, migrated by this build, has exactly the script's indexes, none
/// dropped by a migration newer than it.
pub(crate) async fn ensure_deferred_indexes(
    db: &impl ConnectionTrait,
    have: &[String],
) -> Result<(), DbErr> {
    if !is_current() {
        return Ok(());
    }
    for (name, statement) in deferred_indexes() {
        if !have.iter().any(|h| h == name) {
            db.execute_unprepared(statement).await?;
        }
    }
    Ok(())
}

/// Errors of [`load_seeded`]: the script's (the caller may run the migrations instead, as
/// after [`load`]) or the seed's (the store's first rows were refused: nothing is made).
#[derive(Debug)]
pub enum SeedError {
    Schema(DbErr),
    Seed(DbErr),
}

/// [`load`] with a store's first rows written between the tables and their keys, as `pg_dump`
/// restores: a key or index made over rows is built once, where rows written into keyed
/// tables were each checked against every foreign key (one query per row and key: 3,501 for
/// the bundled document's 1,849 rows) and entered in every index. The keys and
/// foreign keys are checked as they are made, so rows that break one fail the whole load, as
/// they would have failed one by one. The plain indexes are left for
/// `crate::later::ensure_indexes` after the first answer: on the seed's few thousand rows they
/// buy the first requests nothing.
pub async fn load_seeded<C: ConnectionTrait>(
    db: &C,
    seed: impl AsyncFnOnce(&C) -> Result<(), DbErr>,
) -> Result<(), SeedError> {
    let (tables, _) = parts();
    db.execute_unprepared(tables)
        .await
        .map_err(SeedError::Schema)?;
    seed(db).await.map_err(SeedError::Seed)?;
    db.execute_unprepared(&keys_now())
        .await
        .map_err(SeedError::Seed)?;
    date(db).await.map_err(SeedError::Schema)
}

async fn date(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_unprepared(
        "UPDATE seaql_migrations SET applied_at = EXTRACT(EPOCH FROM now())::bigint; \
         UPDATE data_version SET changed_at = EXTRACT(EPOCH FROM now())::bigint",
    )
    .await
    .map(|_| ())
}

/// The line between the script's parts (see [`parts`]).
const KEYS: &str = "-- Keys, indexes and foreign keys: made after a seeded store's first rows.\n";

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

/// `pg_dump --column-inserts --no-owner --no-privileges` of a migrated store, as a script that
/// loads into whatever schema the connection's search path names: without the comments on
/// extensions (the tables' comments are the fingerprints of `applied`) and session settings (its `set_config('search_path', '')` would outlive
/// the script on a pooled connection), names unqualified, and the dates of its rows zero so that
/// the script changes only when the schema does.
pub fn from_dump(dump: &str) -> String {
    let (mut tables, mut keys) = (String::from(HEADER), String::new());
    // pg_dump writes keys and unique constraints (`ALTER TABLE ONLY … ADD CONSTRAINT`) and
    // indexes after the rows, triggers among them: the triggers go with the tables (they act
    // on a seed's rows as on any), the rest after [`KEYS`].
    let mut in_keys = false;
    for line in dump.lines() {
        if line.is_empty()
            || line.starts_with("--")
            || line.starts_with("SET ")
            || line.starts_with("SELECT pg_catalog.set_config(")
            // An extension's comment is its owner's to set; a table's is kept (`applied`).
            || line.starts_with("COMMENT ON EXTENSION ")
            || line.starts_with("\\")
        {
            continue;
        }
        // A history's indexes are `later::ensure_indexes`'s, made after the start.
        if line.starts_with("CREATE INDEX ") && line.contains(crate::history::SUFFIX) {
            continue;
        }
        if !line.starts_with(' ') {
            in_keys = line.starts_with("ALTER TABLE ONLY ")
                || line.starts_with("CREATE INDEX ")
                || line.starts_with("CREATE UNIQUE INDEX ");
        }
        // Extensions go where the store's tables go (pg_trgm, for search).
        let line = line.replace(" WITH SCHEMA public;", ";");
        let line = undated(&line.replace("public.", ""));
        let out = if in_keys { &mut keys } else { &mut tables };
        out.push_str(&line);
        out.push('\n');
    }
    tables.push_str(KEYS);
    tables.push_str(&keys);
    tables
}

#[cfg(test)]
mod tests {
    use super::from_dump;

    #[test]
    fn a_dump_becomes_a_script_for_any_schema_with_undated_rows_and_keys_last() {
        let dump = "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n\
                    SELECT pg_catalog.set_config('search_path', '', false);\n\
                    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;\n\
                    COMMENT ON EXTENSION pg_trgm IS 'text similarity';\n\
                    CREATE TABLE public.plan (\n    id integer NOT NULL\n);\n\n\
                    COMMENT ON TABLE public.plan IS 'history 0123';\n\
                    INSERT INTO public.seaql_migrations (version, applied_at) VALUES ('m1', 1764412345);\n\
                    INSERT INTO public.data_version (id, version, changed_at) VALUES (1, 3, 1764412345);\n\
                    INSERT INTO public.goal (id, text) VALUES (1, 'a, b');\n\
                    ALTER TABLE ONLY public.plan\n    ADD CONSTRAINT plan_pkey PRIMARY KEY (id);\n\
                    CREATE INDEX idx_goal_text ON public.goal USING btree (text);\n\
                    CREATE TRIGGER plan_bumps AFTER INSERT ON public.plan FOR EACH STATEMENT \
                    EXECUTE FUNCTION public.bump();\n\
                    ALTER TABLE ONLY public.goal\n    ADD CONSTRAINT fk_goal_plan FOREIGN KEY (plan_id) \
                    REFERENCES public.plan(id);\n";
        let script = from_dump(dump);
        let (tables, keys) = script
            .split_once(super::KEYS)
            .unwrap_or_else(|| panic!("the script has its two parts"));
        assert!(tables.starts_with(super::HEADER));
        let lines = |part: &str| {
            part.lines()
                .filter(|l| !l.starts_with("--"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            lines(keys),
            [
                "ALTER TABLE ONLY plan",
                "    ADD CONSTRAINT plan_pkey PRIMARY KEY (id);",
                "CREATE INDEX idx_goal_text ON goal USING btree (text);",
                "ALTER TABLE ONLY goal",
                "    ADD CONSTRAINT fk_goal_plan FOREIGN KEY (plan_id) REFERENCES plan(id);",
            ]
        );
        let body = lines(tables);
        assert_eq!(
            body,
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
                "CREATE TABLE plan (",
                "    id integer NOT NULL",
                ");",
                "COMMENT ON TABLE plan IS 'history 0123';",
                "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m1', 0);",
                "INSERT INTO data_version (id, version, changed_at) VALUES (1, 3, 0);",
                "INSERT INTO goal (id, text) VALUES (1, 'a, b');",
                "CREATE TRIGGER plan_bumps AFTER INSERT ON plan FOR EACH STATEMENT EXECUTE FUNCTION bump();",
            ]
        );
    }
}
