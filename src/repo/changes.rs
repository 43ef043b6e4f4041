//! The public changes in publication order: what each publication made public or took back —
//! a value approved, a public value superseded, the document imported — read from the history
//! tables (`migration::history`), so that each change is told once, under the publication
//! that made it, with the value as it stood then. `Query.changes`, the subscriptions and the
//! Atom feed all read this one list.
//!
//! A change's place is (publication, order): within a publication the document comes first
//! (order 0), then the values in the order of their events (order = the event's id).

use chrono::{DateTime, Utc};
use entity::vocab::ValueOrigin;
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement};

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A value became public (a report approved).
    ValuePublished,
    /// A public value was replaced by a newer approved one for its indicator and year.
    ValueSuperseded,
    /// The source document was imported (targets and figures may have changed).
    DocumentImported,
}

/// A value as it stood at the change.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangedValue {
    pub id: i32,
    pub indicator_id: i32,
    pub year: i32,
    pub value: f64,
    pub version: i32,
    pub origin: ValueOrigin,
    pub department_id: Option<i32>,
    /// The cell of a declared breakdown (`SEX=F`); empty for the total.
    pub breakdown: String,
}

/// The document as that import left it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedDocument {
    pub number: String,
    pub sha256: String,
    pub imported_at: DateTime<Utc>,
}

/// One public change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub seq: i64,
    /// The publication's commit time, µs since 1970 (UTC).
    pub at_us: i64,
    pub order: i32,
    pub kind: ChangeKind,
    pub value: Option<ChangedValue>,
    pub document: Option<ImportedDocument>,
}

impl Change {
    pub fn place(&self) -> Place {
        Place {
            seq: self.seq,
            order: self.order,
        }
    }
}

/// A place in the list: a reading after it starts with the next change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Place {
    pub seq: i64,
    pub order: i32,
}

impl Place {
    /// Before every change of publication `seq` (after all of the ones before it).
    pub fn before_publication(seq: i64) -> Place {
        Place {
            seq: seq - 1,
            order: i32::MAX,
        }
    }
}

/// What to read: the changes after `after`, up to publication `up_to` (an `asOf` answer's),
/// at most `limit`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub after: Place,
    pub up_to: Option<i64>,
    pub limit: u64,
    /// The newest first (the Atom feed), not the oldest.
    pub newest_first: bool,
    /// Values of breakdown cells too, not only totals (asked for: a client that takes every
    /// published value for its series' new figure would take a girls' figure for the total).
    pub cells: bool,
}

impl Window {
    /// The condition on a history table's `h_from` and order column. Integers only, owned by
    /// the caller, so they are written into the statement.
    fn condition(&self, order: &str) -> String {
        let Place { seq, order: o } = self.after;
        let upper = self
            .up_to
            .map_or(String::new(), |u| format!(" AND x.h_from <= {u}"));
        format!("x.h_from IS NOT NULL AND (x.h_from > {seq} OR (x.h_from = {seq} AND {order} > {o})){upper}")
    }

    fn direction(&self) -> &'static str {
        if self.newest_first {
            "DESC"
        } else {
            "ASC"
        }
    }
}

/// The approvals and the supersedings of public totals (and of cells, when the window asks),
/// each with the value in force at it; unordered and unlimited ([`page`] adds both).
fn values_sql(w: &Window) -> String {
    let totals = if w.cells {
        ""
    } else {
        "AND COALESCE(v.breakdown, '') = '' "
    };
    format!(
        "SELECT x.h_from, p.at_us, x.id, x.action, v.id, v.indicator_id, v.year, v.value, \
         v.version, v.origin, v.department_id, COALESCE(v.breakdown, '') \
         FROM value_event__history x JOIN publication p ON p.seq = x.h_from \
         JOIN indicator_value__history v ON v.id = x.value_id AND v.h_from IS NOT NULL \
         AND v.h_from <= x.h_from AND (v.h_to IS NULL OR v.h_to = -1 OR v.h_to > x.h_from) \
         {totals}WHERE {} AND (x.action = 'approve' OR (x.action = 'supersede' AND x.old_status = 'published'))",
        w.condition("x.id"),
    )
}

/// The document's versions: each import that changed its row. Order 0 puts it first.
fn documents_sql(w: &Window) -> String {
    format!(
        "SELECT x.h_from, p.at_us, x.number, x.sha256, x.imported_at FROM document__history x \
         JOIN publication p ON p.seq = x.h_from WHERE {}",
        w.condition("0"),
    )
}

/// One of the two lists in the window's order, at most its limit.
fn page(w: &Window, select: &str) -> String {
    format!(
        "{select} ORDER BY x.h_from {d}, x.id {d} LIMIT {}",
        w.limit,
        d = w.direction()
    )
}

fn value_change(row: &QueryResult) -> Result<Change, DbErr> {
    let action: String = row.try_get_by_index(3)?;
    Ok(Change {
        seq: row.try_get_by_index(0)?,
        at_us: row.try_get_by_index(1)?,
        order: row.try_get_by_index(2)?,
        kind: if action == "approve" {
            ChangeKind::ValuePublished
        } else {
            ChangeKind::ValueSuperseded
        },
        value: Some(ChangedValue {
            id: row.try_get_by_index(4)?,
            indicator_id: row.try_get_by_index(5)?,
            year: row.try_get_by_index(6)?,
            value: row.try_get_by_index(7)?,
            version: row.try_get_by_index(8)?,
            origin: row.try_get_by_index(9)?,
            department_id: row.try_get_by_index(10)?,
            breakdown: row.try_get_by_index(11)?,
        }),
        document: None,
    })
}

fn document_change(row: &QueryResult) -> Result<Change, DbErr> {
    Ok(Change {
        seq: row.try_get_by_index(0)?,
        at_us: row.try_get_by_index(1)?,
        order: 0,
        kind: ChangeKind::DocumentImported,
        value: None,
        document: Some(ImportedDocument {
            number: row.try_get_by_index(2)?,
            sha256: row.try_get_by_index(3)?,
            imported_at: row.try_get_by_index(4)?,
        }),
    })
}

async fn rows(
    db: &impl ConnectionTrait,
    sql: String,
    map: fn(&QueryResult) -> Result<Change, DbErr>,
) -> Result<Vec<Change>, DbErr> {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    db.query_all_raw(statement).await?.iter().map(map).collect()
}

/// The changes in `window`, in publication order (or its reverse).
pub async fn after(db: &impl ConnectionTrait, window: Window) -> Result<Vec<Change>, DbErr> {
    let documents = page(&window, &documents_sql(&window));
    let mut all = rows(db, documents, document_change).await?;
    all.extend(rows(db, page(&window, &values_sql(&window)), value_change).await?);
    all.sort_by_key(|c| c.place());
    if window.newest_first {
        all.reverse();
    }
    all.truncate(usize::try_from(window.limit).unwrap_or(usize::MAX));
    Ok(all)
}

/// How many changes `window` holds, whatever its limit.
pub async fn count(db: &impl ConnectionTrait, window: Window) -> Result<u64, DbErr> {
    let mut total = 0;
    for select in [documents_sql(&window), values_sql(&window)] {
        let statement = Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) FROM ({select}) c"),
        );
        if let Some(row) = db.query_one_raw(statement).await? {
            total += u64::try_from(row.try_get_by_index::<i64>(0)?).unwrap_or(0);
        }
    }
    Ok(total)
}

/// The last publication's number, or 0 before the first.
pub async fn last_seq(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let found = crate::repo::publications::latest(db).await?;
    Ok(found.map_or(0, |p| p.seq))
}
