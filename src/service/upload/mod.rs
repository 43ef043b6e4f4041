//! One upload of a filled-in template: every row checked as `submitValue` checks it (the
//! uploader's scope, the years, the unit's range), every problem listed at once with its cell,
//! a stable code and a Chinese message; then all rows submitted, or none. A dry run does the
//! same work and rolls it back. A row whose value and note are those already submitted or
//! published is `UNCHANGED`, so the same file committed twice changes nothing the second time;
//! the receipt is a hash of what was accepted, the same both times. A cell saying there is no
//! figure (不适用) is stored as the department's statement, not as a value.
//!
//! A submitter uploads for its own department; the monitoring office (a reviewer or admin)
//! uploads the all-departments workbook on the departments' behalf, each row reported for the
//! department it names (`department_id`) and checked against that department's scope.

mod outdated;
mod verdict;

use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};

use super::unavailable::{self, Statement};
use super::values::{self, Submission};
use super::Done;
use crate::auth::{Actor, UserRole};
use crate::error::AppError;
use crate::reporting::grid::Grid;
use crate::reporting::read;
use crate::reporting::rows::{self, Entry};
use outdated::outdated;
use verdict::{verdict, Seen, Verdict};

/// The code of a row saying the figure does not exist (不适用).
const NOT_AVAILABLE: &str = "NOT_AVAILABLE";

/// What happened to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Imported,
    Unchanged,
    Rejected,
}

/// One row of the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct RowReport {
    pub sheet: String,
    pub cell: String,
    pub row: u32,
    pub indicator_id: Option<i32>,
    pub year: Option<i32>,
    pub outcome: Outcome,
    /// A stable code for a rejected or noteworthy row (`OUT_OF_RANGE`, `NOT_AVAILABLE` …).
    pub code: Option<&'static str>,
    pub message: String,
}

/// The answer to an upload.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub rows: Vec<RowReport>,
    pub imported: usize,
    pub unchanged: usize,
    pub rejected: usize,
    /// SHA-256 of the accepted rows (indicator, year, value, note), sorted.
    pub receipt: String,
    /// Whether anything was stored: a commit without a rejected row.
    pub stored: bool,
}

/// Reads an uploaded file into its grid, refused as a whole with a code in the details
/// (`FILE_TOO_LARGE`, `NOT_A_WORKBOOK`, `MACRO_ENABLED`, `INFLATES_TOO_FAR` …). Reading is CPU
/// work proportional to the file (up to its bounds): it runs on a blocking thread, not on the
/// worker serving other requests, and before the upload's transaction begins.
pub async fn read_file(bytes: Vec<u8>) -> Result<Grid, AppError> {
    let read = tokio::task::spawn_blocking(move || read::read(&bytes, &read::LIMITS))
        .await
        .map_err(|e| AppError::internal(format!("reading an upload: {e}")))?;
    read.map_err(|r| refusal(r.code, r.message))
}

/// The code of a refusal of a whole file, if `err` is one.
pub fn refusal_code(err: &AppError) -> Option<&str> {
    match err {
        AppError::Invalid { details, .. } => details.get(0)?.get("code")?.as_str(),
        _ => None,
    }
}

/// Checks and (unless `dry_run` or a row is rejected) submits every row of `grid`, in the
/// caller's transaction; the returned `Done` says whether to keep it.
pub async fn upload(
    db: &impl ConnectionTrait,
    actor: &Actor,
    grid: &Grid,
    dry_run: bool,
) -> Result<Done<Receipt>, AppError> {
    if actor.role == UserRole::Submitter && actor.department_id.is_none() {
        return Err(AppError::Forbidden("the account has no department".into()));
    }
    if let Some(changed) = outdated(db, grid).await? {
        return Err(refusal("TEMPLATE_OUTDATED", changed));
    }
    let columns = rows::columns(grid).map_err(|r| refusal(r.code, r.message))?;
    let entries = rows::entries(grid, &columns);
    let mut seen = Seen::default();
    let mut reports = Vec::new();
    let mut accepted = Vec::new();
    for entry in &entries {
        let verdict = verdict(db, actor, entry, &mut seen).await?;
        let (outcome, code, message) = apply(db, actor, verdict, &mut accepted).await?;
        reports.push(report(grid, entry, outcome, code, message));
    }
    Ok(finish(reports, accepted, dry_run))
}

/// Stores what a row's verdict says to store; the row's outcome, code and message (an
/// imported row's message is said by [`finish`], which knows whether anything was kept).
async fn apply(
    db: &impl ConnectionTrait,
    actor: &Actor,
    verdict: Verdict,
    accepted: &mut Vec<String>,
) -> Result<(Outcome, Option<&'static str>, String), AppError> {
    Ok(match verdict {
        Verdict::Submit(submission) => match values::submit(db, actor, &submission).await {
            Ok(_) => {
                accepted.push(key(&submission));
                (Outcome::Imported, None, String::new())
            }
            Err(e) => (Outcome::Rejected, Some(e.code()), e.message().to_string()),
        },
        Verdict::Same(submission) => {
            accepted.push(key(&submission));
            let message = "与已提交或已发布的数值相同，未改变".to_string();
            (Outcome::Unchanged, None, message)
        }
        Verdict::Declare(statement) => {
            unavailable::declare(db, actor, &statement).await?;
            accepted.push(stated_key(&statement));
            (Outcome::Imported, Some(NOT_AVAILABLE), String::new())
        }
        Verdict::Stated(statement) => {
            accepted.push(stated_key(&statement));
            let message = "已注明不适用，未改变".to_string();
            (Outcome::Unchanged, Some(NOT_AVAILABLE), message)
        }
        Verdict::Skip(code, message) => (Outcome::Unchanged, Some(code), message),
        Verdict::Rejected(code, message) => (Outcome::Rejected, Some(code), message),
    })
}

fn finish(mut rows: Vec<RowReport>, mut accepted: Vec<String>, dry_run: bool) -> Done<Receipt> {
    let count = |rows: &[RowReport], o: Outcome| rows.iter().filter(|r| r.outcome == o).count();
    let (imported, unchanged, rejected) = (
        count(&rows, Outcome::Imported),
        count(&rows, Outcome::Unchanged),
        count(&rows, Outcome::Rejected),
    );
    accepted.sort();
    let receipt = format!("{:x}", Sha256::digest(accepted.join("\n").as_bytes()));
    let stored = !dry_run && rejected == 0 && imported > 0;
    let said = if stored {
        "已提交，待审核"
    } else if dry_run {
        "可以提交（试运行，未保存）"
    } else {
        "可以提交；因有被拒绝的行，本次全部未保存"
    };
    let stated = if stored {
        "已注明不适用（无需审核）"
    } else if dry_run {
        "可以注明不适用（试运行，未保存）"
    } else {
        "可以注明不适用；因有被拒绝的行，本次全部未保存"
    };
    for row in rows.iter_mut().filter(|r| r.outcome == Outcome::Imported) {
        row.message = if row.code == Some(NOT_AVAILABLE) {
            stated
        } else {
            said
        }
        .to_string();
    }
    let after = serde_json::json!({
        "dryRun": dry_run, "imported": imported, "unchanged": unchanged,
        "rejected": rejected, "receipt": receipt, "stored": stored,
    });
    let done = Done::new(Receipt {
        rows,
        imported,
        unchanged,
        rejected,
        receipt,
        stored,
    })
    .after(after);
    if stored {
        done
    } else {
        done.discard()
    }
}

/// A file refused as a whole: BAD_USER_INPUT with its code in the details.
pub fn refusal(code: &'static str, message: String) -> AppError {
    AppError::Invalid {
        message: message.clone(),
        details: serde_json::json!([{ "code": code, "message": message }]),
    }
}

/// The accepted row as the receipt hashes it.
fn key(s: &Submission) -> String {
    format!(
        "{}\t{}\t{}\t{}",
        s.indicator_id,
        s.year,
        crate::export::csv::number(s.value),
        s.note.as_deref().unwrap_or("")
    )
}

/// The statement as the receipt hashes it.
fn stated_key(s: &Statement) -> String {
    format!(
        "{}\t{}\t{NOT_AVAILABLE}\t{}\t{}",
        s.indicator_id,
        s.year,
        s.department_id,
        s.note.as_deref().unwrap_or("")
    )
}

fn report(
    grid: &Grid,
    e: &Entry,
    outcome: Outcome,
    code: Option<&'static str>,
    message: String,
) -> RowReport {
    RowReport {
        sheet: grid.sheet.clone(),
        cell: e.cell.clone(),
        row: e.row,
        indicator_id: e.indicator.clone().ok(),
        year: e.year.clone().ok(),
        outcome,
        code,
        message,
    }
}
