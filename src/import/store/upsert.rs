//! Writing rows matched on their natural keys: inserts of new keys, updates of changed rows,
//! deletion of keys the document no longer holds. Generic over the entities, so each table's
//! writer only says how its rows are built.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use entity::{
    department, department_alias, domain, goal, indicator, indicator_value, monitored, plan, target,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PrimaryKeyToColumn,
    QuerySelect, QueryTrait,
};

use super::Report;

/// A model with a natural key; `adopt` takes over what the store assigned (id, timestamps).
pub(super) trait Keyed: Clone + PartialEq {
    /// The column `key` reads: the ids of inserted rows are read back with it alone.
    const KEY_COLUMN: &'static str;
    fn key(&self) -> String;
    fn id(&self) -> i32;
    fn adopt(&mut self, existing: &Self);
}

macro_rules! keyed {
    ($model:ty, $column:literal, |$m:ident| $key:expr) => {
        impl Keyed for $model {
            const KEY_COLUMN: &'static str = $column;
            fn key(&self) -> String {
                let $m = self;
                $key
            }
            fn id(&self) -> i32 {
                self.id
            }
            fn adopt(&mut self, existing: &Self) {
                self.id = existing.id;
            }
        }
    };
}

impl Keyed for plan::Model {
    const KEY_COLUMN: &'static str = "code";
    fn key(&self) -> String {
        self.code.clone()
    }
    fn id(&self) -> i32 {
        self.id
    }
    fn adopt(&mut self, existing: &Self) {
        self.id = existing.id;
        // Derived from the targets, counted after the import (`service::tally`).
        self.indicator_count = existing.indicator_count;
    }
}
keyed!(domain::Model, "key", |m| m.key.clone());
keyed!(goal::Model, "key", |m| m.key.clone());
keyed!(department::Model, "name", |m| m.name.clone());
keyed!(department_alias::Model, "alias", |m| m.alias.clone());
keyed!(indicator::Model, "key", |m| m.key.clone());
keyed!(monitored::Model, "key", |m| m.key.clone());

impl Keyed for target::Model {
    const KEY_COLUMN: &'static str = "key";
    fn key(&self) -> String {
        self.key.clone()
    }
    fn id(&self) -> i32 {
        self.id
    }
    fn adopt(&mut self, existing: &Self) {
        self.id = existing.id;
        // Derived from the series, restated after the import (`service::statuses`).
        self.status = existing.status;
    }
}

impl Keyed for indicator_value::Model {
    const KEY_COLUMN: &'static str = "key";
    fn key(&self) -> String {
        self.key.clone().unwrap_or_default()
    }
    fn id(&self) -> i32 {
        self.id
    }
    fn adopt(&mut self, existing: &Self) {
        self.id = existing.id;
        self.created_at = existing.created_at;
        // Numbered by `renumber`, not by the document.
        self.version = existing.version;
        self.status = existing.status;
    }
}

/// A row with the natural key it is matched on (link rows are keyed by what they link).
pub(super) struct Linked<M> {
    pub(super) key: String,
    pub(super) model: M,
}

/// Ids of the rows a stage wrote, by natural key. A key the dataset names that the stage did
/// not write is a bug in the importer: an error that rolls the import back, not a panic.
pub(super) struct Ids {
    table: &'static str,
    by_key: HashMap<String, i32>,
}

impl Ids {
    pub(super) fn new(table: &'static str, by_key: HashMap<String, i32>) -> Ids {
        Ids { table, by_key }
    }

    pub(super) fn of(&self, key: &str) -> Result<i32, DbErr> {
        self.by_key.get(key).copied().ok_or_else(|| {
            DbErr::Custom(format!(
                "import: the dataset names {} {key:?}, which it did not write",
                self.table
            ))
        })
    }
}

/// Rows of one table the document no longer holds: `existing` (key, id) not in `wanted`.
pub(super) struct Stale<'a> {
    pub(super) table: &'static str,
    pub(super) existing: Vec<(String, i32)>,
    pub(super) wanted: &'a HashSet<String>,
}

/// Deletes each table's stale rows, in the order given (children before their parents), and
/// reports their keys under the table's name.
pub(super) async fn delete_stale(
    db: &impl ConnectionTrait,
    report: &mut Report,
    tables: Vec<Stale<'_>>,
) -> Result<(), DbErr> {
    for Stale {
        table,
        existing,
        wanted,
    } in tables
    {
        let stale: Vec<(String, i32)> = existing
            .into_iter()
            .filter(|(key, _)| !wanted.contains(key))
            .collect();
        if stale.is_empty() {
            continue;
        }
        for chunk in stale.chunks(500) {
            let delete = Query::delete()
                .from_table(Alias::new(table))
                .and_where(Expr::col(Alias::new("id")).is_in(chunk.iter().map(|(_, id)| *id)))
                .to_owned();
            db.execute(&delete).await?;
        }
        report
            .table(table)
            .deleted
            .extend(stale.into_iter().map(|(key, _)| key));
    }
    Ok(())
}

/// Rows per INSERT statement.
const INSERT_CHUNK: usize = 1000;

/// Inserts new rows and updates changed ones; returns key → id for every desired row.
pub(super) async fn upsert<M, E, A>(
    db: &impl ConnectionTrait,
    report: &mut Report,
    table: &'static str,
    existing: Vec<M>,
    desired: Vec<M>,
) -> Result<HashMap<String, i32>, DbErr>
where
    M: Keyed + IntoActiveModel<A> + Send + Sync,
    E: EntityTrait<Model = M, ActiveModel = A>,
    A: ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    let inserted = upsert_keyed(db, report, table, existing, desired).await?;
    let mut ids = inserted.kept;
    if inserted.any_inserted {
        // Insert statements do not return ids on every backend: read the new ones back, by
        // their key alone (whole rows are most of the work of importing into an empty store).
        let key_column = E::Column::from_str(M::KEY_COLUMN)
            .map_err(|_| DbErr::Custom(format!("{table} has no column {}", M::KEY_COLUMN)))?;
        let rows: Vec<(i32, Option<String>)> = E::find()
            .select_only()
            .column(primary_column::<E>()?)
            .column(key_column)
            .into_tuple()
            .all(db)
            .await?;
        for (id, key) in rows {
            ids.entry(key.unwrap_or_default()).or_insert(id);
        }
    }
    Ok(ids)
}

/// Inserts new rows and updates changed ones, matched on their natural keys.
pub(super) async fn upsert_keyed<M, E, A>(
    db: &impl ConnectionTrait,
    report: &mut Report,
    table: &'static str,
    existing: Vec<M>,
    desired: Vec<M>,
) -> Result<Upserted, DbErr>
where
    M: Keyed + IntoActiveModel<A> + Send + Sync,
    E: EntityTrait<Model = M, ActiveModel = A>,
    A: ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    let linked = |models: Vec<M>| {
        models
            .into_iter()
            .map(|m| Linked {
                key: m.key(),
                model: m,
            })
            .collect()
    };
    upsert_linked(
        db,
        report,
        table,
        linked(existing),
        linked(desired),
        M::adopt,
        M::id,
    )
    .await
}

pub(super) struct Upserted {
    /// key → id of the rows that existed already.
    kept: HashMap<String, i32>,
    any_inserted: bool,
}

pub(super) async fn upsert_linked<M, E, A>(
    db: &impl ConnectionTrait,
    report: &mut Report,
    table: &'static str,
    existing: Vec<Linked<M>>,
    desired: Vec<Linked<M>>,
    adopt: impl Fn(&mut M, &M),
    id_of: impl Fn(&M) -> i32,
) -> Result<Upserted, DbErr>
where
    M: Clone + PartialEq + IntoActiveModel<A> + Send + Sync,
    E: EntityTrait<Model = M, ActiveModel = A>,
    A: ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    let id_column = primary_column::<E>()?;
    let mut by_key: HashMap<String, M> = existing.into_iter().map(|l| (l.key, l.model)).collect();
    let mut kept = HashMap::new();
    let mut inserts = Vec::new();
    for Linked { key, mut model } in desired {
        match by_key.remove(&key) {
            Some(old) => {
                adopt(&mut model, &old);
                if model != old {
                    model
                        .clone()
                        .into_active_model()
                        .reset_all()
                        .update(db)
                        .await?;
                    report.table(table).updated.push(key.clone());
                }
                kept.insert(key, id_of(&old));
            }
            None => {
                let mut am = model.into_active_model().reset_all();
                am.not_set(id_column);
                inserts.push(am);
                report.table(table).inserted.push(key);
            }
        }
    }
    let any_inserted = !inserts.is_empty();
    let backend = db.get_database_backend();
    let mut inserts = inserts.into_iter().peekable();
    while inserts.peek().is_some() {
        let chunk: Vec<A> = inserts.by_ref().take(INSERT_CHUNK).collect();
        db.execute_unprepared(&insert_statement::<E, A>(backend, chunk))
            .await?;
    }
    Ok(Upserted { kept, any_inserted })
}

/// An INSERT statement for rows, as text with the values inlined, sent with the simple
/// protocol: one statement per chunk of rows, however long (a long statement relies on
/// TCP_NODELAY, which the vendored sqlx-core sets).
fn insert_statement<E, A>(backend: sea_orm::DbBackend, rows: Vec<A>) -> String
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
{
    let insert = E::insert_many(rows).into_query();
    match backend {
        sea_orm::DbBackend::Postgres => insert.to_string(sea_orm::sea_query::PostgresQueryBuilder),
        _ => insert.to_string(sea_orm::sea_query::SqliteQueryBuilder),
    }
}

fn primary_column<E: EntityTrait>() -> Result<E::Column, DbErr> {
    use sea_orm::Iterable;
    E::PrimaryKey::iter()
        .next()
        .map(|pk| pk.into_column())
        .ok_or_else(|| DbErr::Custom("entity without a primary key".into()))
}
