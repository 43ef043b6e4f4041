//! Stage 7: a [`Dataset`] → rows, in one transaction, by natural key.
//!
//! Rows are matched on their natural key (plan code, domain/goal/target/indicator key,
//! department name …), so re-importing the same document changes nothing and IDs stay stable;
//! a changed document updates rows in place and the report lists what changed. Stale rows are
//! deleted children first; submitted values hold their indicator (a foreign key), so an import
//! can never silently drop reported figures.
//!
//! An indicator whose key is new is matched through its targets: it takes over the row of the
//! indicator its first target had, and the rows of its other targets' indicators are merged
//! into it — their reported values, assignments and history move with them (this is how a
//! store written before indicators were series is brought up to date). Values of one
//! indicator and year are then numbered again: the document's figures first, in line order,
//! then the submissions in the order they came; of two published submissions only the later
//! stays published.

mod existing;
mod indicators;
mod structure;
mod upsert;
mod values;

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use entity::document;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter,
};

use super::dataset::{Dataset, Source};
use crate::service::statuses::Which;
use existing::{Existing, Wanted};

/// The data model the importer writes (2: indicators as series with targets); a store whose
/// document row says less was written by an older plangraph.
pub const MODEL_VERSION: i32 = 2;

/// What one import changed, per table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub tables: Vec<TableChanges>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TableChanges {
    pub table: &'static str,
    pub inserted: Vec<String>,
    pub updated: Vec<String>,
    pub deleted: Vec<String>,
}

impl Report {
    pub fn is_unchanged(&self) -> bool {
        self.tables
            .iter()
            .all(|t| t.inserted.is_empty() && t.updated.is_empty() && t.deleted.is_empty())
    }

    fn table(&mut self, table: &'static str) -> &mut TableChanges {
        if let Some(at) = self.tables.iter().position(|t| t.table == table) {
            return &mut self.tables[at];
        }
        self.tables.push(TableChanges {
            table,
            ..Default::default()
        });
        self.tables
            .last_mut()
            .unwrap_or_else(|| unreachable!("just pushed"))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_unchanged() {
            return writeln!(f, "store unchanged: the document was imported before");
        }
        for t in &self.tables {
            if t.inserted.is_empty() && t.updated.is_empty() && t.deleted.is_empty() {
                continue;
            }
            writeln!(
                f,
                "{:<18} +{} ~{} -{}",
                t.table,
                t.inserted.len(),
                t.updated.len(),
                t.deleted.len()
            )?;
            for (sign, keys) in [("~", &t.updated), ("-", &t.deleted)] {
                for key in keys.iter().take(20) {
                    writeln!(f, "    {sign} {key}")?;
                }
                if keys.len() > 20 {
                    writeln!(f, "    {sign} … and {} more", keys.len() - 20)?;
                }
            }
        }
        Ok(())
    }
}

/// The tables whose statistics the read queries depend on (the many-row ones; a plan or
/// document table of four rows or one is planned well without).
const ANALYZED_TABLES: [&str; 5] = [
    "goal",
    "goal_department",
    "indicator",
    "target",
    "indicator_value",
];

/// Imports a parsed document into the store in one transaction, then, if it changed
/// anything, brings the planner's statistics up to date ([`analyze`]).
pub async fn import(db: &DatabaseConnection, data: &Dataset) -> Result<Report, DbErr> {
    let report = import_unanalyzed(db, data).await?;
    if !report.is_unchanged() {
        analyze(db).await?;
    }
    Ok(report)
}

/// [`import`] without the [`analyze`] after it, for a caller that runs it later (the server
/// answers its first request first).
pub async fn import_unanalyzed(db: &DatabaseConnection, data: &Dataset) -> Result<Report, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let report = write(&txn, data).await?;
    txn.commit().await?;
    Ok(report)
}

/// [`import_unanalyzed`] inside the caller's transaction (a new store's seed, written before
/// its keys: `db::Seed`).
pub async fn import_in(db: &impl ConnectionTrait, data: &Dataset) -> Result<Report, DbErr> {
    write(db, data).await
}

/// Fresh statistics for the planner: without them (a PostgreSQL whose autovacuum is off, or
/// has not come round yet) it plans the new rows as if the tables were empty. On PostgreSQL
/// also VACUUM, which sets the visibility map: without it a count by an index (a plan's
/// targets by status, `totalCount`) still reads every row from the table. Named tables only:
/// a bare ANALYZE on PostgreSQL also reads the system catalogs, which costs a fresh import
/// as much again.
pub async fn analyze(db: &DatabaseConnection) -> Result<(), DbErr> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            format!("VACUUM (ANALYZE) {}", ANALYZED_TABLES.join(", "))
        }
        // FTS5 writes an index segment per flush, and every search looks each one up;
        // `optimize` merges them into one (little work on the document's 1,400 names).
        _ => "ANALYZE; INSERT INTO indicator_search(indicator_search) VALUES ('optimize')"
            .to_string(),
    };
    db.execute_unprepared(&sql).await.map(|_| ())
}

/// The whole import, parents before children: the document row, the stale rows gone
/// (children first), the outline, the series and their targets, the figures, and last the
/// targets' statuses restated on what is now written.
async fn write<C: ConnectionTrait>(db: &C, data: &Dataset) -> Result<Report, DbErr> {
    let mut report = Report::default();
    let now = Utc::now();
    let doc_id = write_document(db, &mut report, data, now).await?;
    let mut existing = Existing::load(db).await?;
    let wanted = Wanted::of(data);
    upsert::delete_stale(db, &mut report, wanted.stale(&existing)).await?;
    let outline = structure::write_outline(db, &mut report, data, doc_id, &mut existing).await?;
    let indicator_ids = indicators::write_series(
        db,
        &mut report,
        data,
        &outline,
        &wanted,
        std::mem::take(&mut existing.indicators),
        std::mem::take(&mut existing.targets),
    )
    .await?;
    indicators::write_monitored(
        db,
        &mut report,
        data,
        &outline,
        &indicator_ids,
        std::mem::take(&mut existing.monitored),
    )
    .await?;
    // The bundled breakdown declarations of the measures that have none (a new indicator's,
    // or all of them in a new store); an admin's declarations stay as they are.
    let seeded = crate::service::declarations::seed(db).await?;
    if seeded > 0 {
        report
            .table("breakdown_declaration")
            .inserted
            .push(format!("{seeded} declarations and code lists"));
    }
    let values_now = std::mem::take(&mut existing.values);
    values::write_values(db, &mut report, data, &indicator_ids, values_now, now).await?;
    // Last, so that they follow the targets and series as now written (and fill the column
    // on a store upgraded to it).
    let restated = crate::service::statuses::restate(db, Which::All).await?;
    for (key, status) in restated {
        report
            .table("target status")
            .updated
            .push(format!("{key} → {status}"));
    }
    // Last: numbers what the import made public (nothing when the document is unchanged).
    migration::history::publish(db).await?;
    Ok(report)
}

/// The document row: updated only when the text itself changed. Returns its id.
async fn write_document(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let (y, m, d) = data.document.issue_date;
    let issue_date = NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| DbErr::Custom(format!("invalid issue date {y}-{m}-{d}")))?;
    let existing = document::Entity::find()
        .filter(document::Column::Number.eq(&data.document.number))
        .one(db)
        .await?;
    let desired = document::Model {
        id: existing.as_ref().map_or(0, |e| e.id),
        number: data.document.number.clone(),
        issuer: data.document.issuer.clone(),
        issue_date,
        title: data.document.title.clone(),
        sha256: data.document.sha256.clone(),
        line_count: to_i32(data.document.line_count),
        imported_at: existing.as_ref().map_or(now, |e| e.imported_at),
        model_version: MODEL_VERSION,
    };
    match existing {
        Some(e) if e == desired => Ok(e.id),
        Some(e) => {
            document::Model {
                imported_at: now,
                ..desired
            }
            .into_active_model()
            .reset_all()
            .update(db)
            .await?;
            report.table("document").updated.push(e.number);
            Ok(e.id)
        }
        None => {
            let mut am = desired.into_active_model().reset_all();
            am.id = sea_orm::ActiveValue::NotSet;
            let res = document::Entity::insert(am).exec(db).await?;
            report
                .table("document")
                .inserted
                .push(data.document.number.clone());
            Ok(res.last_insert_id)
        }
    }
}

pub(super) fn provenance(source: &Source) -> (i32, i32, String) {
    (
        to_i32(source.line_start),
        to_i32(source.line_end),
        source.text.clone(),
    )
}

/// Line numbers and counts of a ~1,000-line document always fit.
pub(super) fn to_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
