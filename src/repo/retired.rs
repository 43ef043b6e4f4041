//! Rows an import removed, found by their old ids: what a global ID named, and what now stands
//! for it. Every public table keeps every version of its rows (`migration::history`), so a
//! target the document no longer has — merged into another, or a table row that now sets
//! nothing — is still known by its id; what replaced it is what the store now reads from the
//! same text (its clause, or a clause that contains it or that it contains), or the monitored
//! row with the same key. Lines are no guide: a changed document moves them.

use entity::{monitored, target};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};

use crate::error::AppError;

/// A removed row: its natural key and the rows that now stand for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Retired {
    pub key: String,
    pub lines: (i32, i32),
    /// Targets now read from its text (for an indicator: from its targets' texts).
    pub targets: Vec<target::Model>,
    /// Table rows with its key that now monitor an indicator without a target.
    pub monitored: Vec<monitored::Model>,
}

/// The last version of a removed target: key, plan, first and last line, source text.
type Version = (String, i32, i32, i32, String);

/// Where to look: the store with the history, and (for an `asOf` read) the publication the
/// answer is as of — only versions public by then count.
pub struct History<'a, C> {
    pub db: &'a C,
    pub up_to: Option<i64>,
}

// By hand: a derive would ask `C: Copy` of the connection behind the reference.
impl<C> Clone for History<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for History<'_, C> {}

impl<C: ConnectionTrait> History<'_, C> {
    /// `SELECT {columns}` from the history of `table` where `condition` holds (and, for an
    /// `asOf` read, the version was public by its publication), newest version first.
    async fn select(
        &self,
        columns: &str,
        table: &str,
        condition: &str,
    ) -> Result<Vec<sea_orm::QueryResult>, AppError> {
        let up_to = self.up_to.map_or(String::new(), |seq| {
            format!(" AND h_from IS NOT NULL AND h_from <= {seq}")
        });
        let sql = format!(
            "SELECT {columns} FROM {table}{suffix} WHERE {condition}{up_to} \
             ORDER BY COALESCE(h_from, 0) DESC",
            suffix = migration::history::SUFFIX,
        );
        let backend = self.db.get_database_backend();
        Ok(self
            .db
            .query_all_raw(Statement::from_string(backend, sql))
            .await?)
    }
}

/// Versions of the targets with `id`, or (with `indicator`) of those that measured indicator
/// `id`, newest first. The id is an integer decoded from a global ID: inlining it is safe.
async fn versions<C: ConnectionTrait>(
    history: History<'_, C>,
    id: i32,
    indicator: bool,
) -> Result<Vec<Version>, AppError> {
    let column = if indicator { "indicator_id" } else { "id" };
    let rows = history
        .select(
            "key, plan_id, line_start, line_end, source_text",
            "target",
            &format!("{column} = {id}"),
        )
        .await?;
    let mut out = Vec::new();
    for row in rows {
        out.push((
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
            row.try_get_by_index(3)?,
            row.try_get_by_index(4)?,
        ));
    }
    Ok(out)
}

/// Whether two clauses' texts are one clause: equal, or one within the other (a paragraph
/// read again as several clauses, or several as one).
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && !b.is_empty() && (a.contains(b) || b.contains(a))
}

/// What stands for versions of removed targets: the targets of the same plan now read from
/// their text, and monitored rows with their keys, each once, in document order.
async fn successors(db: &impl ConnectionTrait, old: &[Version]) -> Result<Retired, AppError> {
    let mut targets: Vec<target::Model> = Vec::new();
    let mut monitored: Vec<monitored::Model> = Vec::new();
    for (key, plan, _, _, text) in old {
        let now = target::Entity::find()
            .filter(target::Column::PlanId.eq(*plan))
            .order_by_asc(target::Column::LineStart)
            .order_by_asc(target::Column::Ordinal)
            .all(db)
            .await?;
        for t in now {
            if same_text(&t.source_text, text) && !targets.iter().any(|s| s.id == t.id) {
                targets.push(t);
            }
        }
        let rows = monitored::Entity::find()
            .filter(monitored::Column::Key.eq(key.as_str()))
            .all(db)
            .await?;
        for m in rows {
            if !monitored.iter().any(|s| s.id == m.id) {
                monitored.push(m);
            }
        }
    }
    let (key, _, start, end, _) = old.first().cloned().unwrap_or_default();
    Ok(Retired {
        key,
        lines: (start, end),
        targets,
        monitored,
    })
}

/// A target id the store had and an import removed, with what stands for it in `db` (the
/// store, or the copy an `asOf` read answers from); None if it never had it.
pub async fn target<C: ConnectionTrait>(
    history: History<'_, C>,
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<Retired>, AppError> {
    let old = versions(history, id, false).await?;
    if old.is_empty() {
        return Ok(None);
    }
    successors(db, &old[..1]).await.map(Some)
}

/// An indicator id the store had and an import removed, with what stands in `db` for the
/// targets that measured it; None if no target ever measured it.
pub async fn indicator<C: ConnectionTrait>(
    history: History<'_, C>,
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<Retired>, AppError> {
    let old = versions(history, id, true).await?;
    if old.is_empty() {
        return Ok(None);
    }
    let mut retired = successors(db, &old).await?;
    // The indicator is named by its own key where the store kept it.
    let rows = history
        .select("key", "indicator", &format!("id = {id}"))
        .await?;
    let row = rows.first();
    if let Some(row) = row {
        retired.key = row.try_get_by_index(0)?;
    }
    Ok(Some(retired))
}

/// Where an indicator id the store no longer has went, by what its targets measure now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whereabouts {
    /// Its targets measure this indicator now: it was merged into it.
    MergedInto(i32),
    /// Its targets are gone too: it was removed.
    Removed,
    /// No target of the history measured it (an id issued before the history was kept).
    Unknown,
}

/// What became of indicator `id`: the first (in document order) of the indicators its targets
/// of the history measure now, if any of those targets is still there.
pub async fn whereabouts<C: ConnectionTrait>(
    history: History<'_, C>,
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Whereabouts, AppError> {
    let rows = history
        .select("id", "target", &format!("indicator_id = {id}"))
        .await?;
    let mut ids: Vec<i32> = Vec::new();
    for row in rows {
        let id: i32 = row.try_get_by_index(0)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Ok(Whereabouts::Unknown);
    }
    let now = target::Entity::find()
        .filter(target::Column::Id.is_in(ids))
        .order_by_asc(target::Column::LineStart)
        .order_by_asc(target::Column::Ordinal)
        .one(db)
        .await?;
    Ok(now.map_or(Whereabouts::Removed, |t| {
        Whereabouts::MergedInto(t.indicator_id)
    }))
}
