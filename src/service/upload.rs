//! One upload of a filled-in template: every row checked as `submitValue` checks it (the
//! uploader's scope, the years, the unit's range), every problem listed at once with its cell,
//! a stable code and a Chinese message; then all rows submitted, or none. A dry run does the
//! same work and rolls it back. A row whose value and note are those already submitted or
//! published is `UNCHANGED`, so the same file committed twice changes nothing the second time;
//! the receipt is a hash of what was accepted, the same both times.

use std::collections::HashSet;

use entity::indicator;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use super::values::{self, Submission};
use super::Done;
use crate::auth::Actor;
use crate::domain::ValueStatus;
use crate::error::AppError;
use crate::reporting::figure::{self, Figure};
use crate::reporting::grid::Grid;
use crate::reporting::read;
use crate::reporting::rows::{self, Entry};
use crate::rules::workflow;

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

/// A row's verdict before anything is written.
enum Verdict {
    Submit(Submission),
    /// What the row says is what is stored.
    Same(Submission),
    /// Nothing to submit (an empty or "not available" cell), with its code.
    Skip(&'static str, String),
    Rejected(&'static str, String),
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
    let department = actor
        .department_id
        .ok_or_else(|| AppError::Forbidden("the account has no department".into()))?;
    if let Some(changed) = outdated(db, department, grid).await? {
        return Err(refusal("TEMPLATE_OUTDATED", changed));
    }
    let columns = rows::columns(grid).map_err(|r| refusal(r.code, r.message))?;
    let entries = rows::entries(grid, &columns);
    let mut seen = HashSet::new();
    let mut reports = Vec::new();
    let mut accepted = Vec::new();
    for entry in &entries {
        let verdict = verdict(db, department, entry, &mut seen).await?;
        let (outcome, code, message) = match verdict {
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
            Verdict::Skip(code, message) => (Outcome::Unchanged, Some(code), message),
            Verdict::Rejected(code, message) => (Outcome::Rejected, Some(code), message),
        };
        reports.push(report(grid, entry, outcome, code, message));
    }
    Ok(finish(reports, accepted, dry_run))
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
    for row in rows.iter_mut().filter(|r| r.outcome == Outcome::Imported) {
        row.message = said.to_string();
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

/// What changed in the department's obligations for the template's year since the template
/// was made, when the store's structure moved and they differ: a template that asks for cells
/// no longer owed, or lacks cells now owed, is refused as a whole.
async fn outdated(
    db: &impl ConnectionTrait,
    department: i32,
    grid: &Grid,
) -> Result<Option<String>, AppError> {
    let meta = &grid.meta.pairs;
    let number = |key: &str| meta.get(key).and_then(|v| v.parse::<i64>().ok());
    let (Some(structure), Some(year)) = (number("structure"), number("year")) else {
        return Ok(None);
    };
    let year = i32::try_from(year).unwrap_or(0);
    let ours = crate::repo::users::department_name(db, department).await?;
    if meta.get("department") != Some(&ours)
        || crate::repo::data_version(db).await?.structure == structure
    {
        return Ok(None);
    }
    let now = crate::repo::templates::obligations(db, Some(department), year).await?;
    let owed: HashSet<i32> = now
        .iter()
        .filter(|o| o.year == year)
        .map(|o| o.indicator.id)
        .collect();
    let listed: HashSet<i32> = grid
        .meta
        .rows
        .iter()
        .filter(|(_, y)| *y == year)
        .map(|(i, _)| *i)
        .collect();
    if owed == listed {
        return Ok(None);
    }
    let names = |ids: Vec<i32>| async move {
        let found = indicator::Entity::find()
            .filter(indicator::Column::Id.is_in(ids))
            .all(db)
            .await?;
        Ok::<_, AppError>(
            found
                .into_iter()
                .map(|i| i.name)
                .collect::<Vec<_>>()
                .join("、"),
        )
    };
    let added = names(owed.difference(&listed).copied().collect()).await?;
    let dropped = names(listed.difference(&owed).copied().collect()).await?;
    Ok(Some(format!(
        "模板生成后，本单位{year}年的填报任务已变化（新增：{}；不再填报：{}）：请下载最新模板后重新填报",
        if added.is_empty() { "无" } else { &added },
        if dropped.is_empty() { "无" } else { &dropped },
    )))
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

/// What to do with one row: every check `submitValue` makes, said in Chinese, before any
/// write.
async fn verdict(
    db: &impl ConnectionTrait,
    department: i32,
    e: &Entry,
    seen: &mut HashSet<(i32, i32)>,
) -> Result<Verdict, AppError> {
    let (indicator_id, year) = match (&e.indicator, &e.year) {
        (Err(m), _) | (_, Err(m)) => return Ok(Verdict::Rejected("BAD_KEY", m.clone())),
        (Ok(i), Ok(y)) => (*i, *y),
    };
    if !seen.insert((indicator_id, year)) {
        let message = format!("同一指标、同一年份的行重复出现（{year}年）：只保留一行");
        return Ok(Verdict::Rejected("DUPLICATE_ROW", message));
    }
    let Some(indicator) = indicator::Entity::find_by_id(indicator_id).one(db).await? else {
        return Ok(Verdict::Rejected(
            "BAD_KEY",
            "指标ID不存在：请使用最新模板".into(),
        ));
    };
    let unit = indicator.unit.as_deref();
    let value = match figure::read(&e.value, unit) {
        Ok(Figure::Value(v)) => v,
        Ok(Figure::Blank) => return Ok(Verdict::Skip("EMPTY", "未填写".into())),
        Ok(Figure::NotAvailable) => {
            let message = "已注明不适用：本行不提交数值".to_string();
            return Ok(Verdict::Skip("NOT_AVAILABLE", message));
        }
        Err(u) => return Ok(Verdict::Rejected(u.code, u.message)),
    };
    if let Some(rejected) = scope_and_range(db, department, &indicator, year, value).await? {
        return Ok(rejected);
    }
    let stored = values::latest(db, indicator_id, year).await?;
    let same = stored.as_ref().is_some_and(|s| {
        matches!(s.status, ValueStatus::Submitted | ValueStatus::Published)
            && (s.value - value).abs() <= 1e-9 * value.abs().max(1.0)
            && s.note.as_deref().unwrap_or("") == e.note.as_deref().unwrap_or("")
    });
    let submission = Submission {
        indicator_id,
        year,
        value,
        note: e.note.clone(),
        expected_version: None,
    };
    Ok(if same {
        Verdict::Same(submission)
    } else {
        Verdict::Submit(submission)
    })
}

/// The uploader's scope, the year and the unit's range, as `submitValue` checks them.
async fn scope_and_range(
    db: &impl ConnectionTrait,
    department: i32,
    indicator: &indicator::Model,
    year: i32,
    value: f64,
) -> Result<Option<Verdict>, AppError> {
    if !crate::repo::values::reporters(db, indicator)
        .await?
        .contains(&department)
    {
        let message = format!("本单位不填报“{}”：请使用本单位的模板", indicator.name);
        return Ok(Some(Verdict::Rejected("OUT_OF_SCOPE", message)));
    }
    let years = values::reportable_years(db, indicator.id).await?;
    if !years.allows(year) {
        let message = format!(
            "{year}年不在“{}”的规划期（{}–{}年）及其基期内",
            indicator.name, years.first, years.last
        );
        return Ok(Some(Verdict::Rejected("YEAR_NOT_REPORTABLE", message)));
    }
    if workflow::check_range(value, indicator.unit.as_deref()).is_err() {
        let (low, high) = workflow::range(indicator.unit.as_deref());
        let unit = indicator.unit.as_deref().unwrap_or("");
        let message = if high < f64::MAX {
            format!("{value} 超出单位“{unit}”的范围 {low}–{high}")
        } else {
            format!("{value} 不能为负数（单位“{unit}”）")
        };
        return Ok(Some(Verdict::Rejected("OUT_OF_RANGE", message)));
    }
    Ok(None)
}
