//! `uploadSheet`: a filled-in template (XLSX or CSV) as one upload, with a dry run. The file
//! comes as the GraphQL multipart request spec's `Upload`; `POST /templates/upload` takes the
//! same file from a plain form (`curl -F`).

use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, SimpleObject, Upload};

use super::session::mutate;
use crate::error::{ApiResult, AppError};
use crate::service::operations;
use crate::service::upload::{self, Receipt, RowReport};

/// What happened to a row of an upload.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::upload::Outcome")]
pub enum RowOutcome {
    /// Submitted (on a dry run: would be submitted), waiting for review; or, with code
    /// `NOT_AVAILABLE`, the department's statement that the figure does not exist, stored as
    /// such.
    Imported,
    /// Nothing to store: the value and note (or the statement of "not available") are those
    /// already there, the same figure as an earlier row, or the cell is empty (`code` tells).
    Unchanged,
    /// Refused; `code` and `message` say why. One refused row stores nothing of the file.
    Rejected,
}

/// Input of `uploadSheet`.
#[derive(InputObject)]
pub struct UploadSheetInput {
    /// The filled-in template: XLSX (as Excel, WPS or LibreOffice save it) or CSV (UTF-8 or
    /// GB18030), at most 5 MiB.
    pub file: Upload,
    /// Check everything and store nothing.
    pub dry_run: bool,
}

/// One row of an upload, as the file has it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct UploadRow {
    /// The sheet's name (`CSV` for a CSV file).
    pub sheet: String,
    /// The row's value cell, as a spreadsheet names it: `填报!J7`.
    pub cell: String,
    /// The row's number in the sheet (from 1).
    pub row: i32,
    #[graphql(skip)]
    pub indicator_id: Option<i32>,
    /// The year the row's key names.
    pub year: Option<i32>,
    /// What happened to the row.
    pub outcome: RowOutcome,
    /// A stable code: why a row was rejected (`OUT_OF_RANGE`, `OUT_OF_SCOPE`, `NOT_A_NUMBER`,
    /// `YEAR_NOT_REPORTABLE`, `BAD_KEY`, `DUPLICATE_ROW`, `DEPARTMENT_REQUIRED`,
    /// `VALUE_EXISTS`, `FORMULA_NOT_CALCULATED` …), or `NOT_AVAILABLE` for a statement that the
    /// figure does not exist, `EMPTY` for an empty cell.
    pub code: Option<String>,
    /// What happened, in Chinese, with the numbers.
    pub message: String,
}

#[ComplexObject]
impl UploadRow {
    /// The indicator the row's key names, when it names one.
    async fn indicator(&self, ctx: &Context<'_>) -> ApiResult<Option<super::indicator::Indicator>> {
        match self.indicator_id {
            Some(id) => super::indicator::find(ctx, id).await,
            None => Ok(None),
        }
    }
}

/// What `uploadSheet` did.
#[derive(SimpleObject)]
pub struct UploadSheetPayload {
    /// Every row below the header that holds anything, once, in sheet order.
    pub rows: Vec<UploadRow>,
    /// Rows submitted (on a dry run, or beside a rejected row: rows that would be).
    pub imported: i32,
    /// Rows with nothing to submit.
    pub unchanged: i32,
    /// Rows refused.
    pub rejected: i32,
    /// SHA-256 of the accepted rows (indicator, year, value, note): the same for the same
    /// figures, so a file committed twice answers the same receipt.
    pub receipt: String,
    /// Whether anything was stored (a commit without a rejected row).
    pub stored: bool,
}

#[derive(Default)]
pub struct UploadMutation;

#[Object]
impl UploadMutation {
    /// A filled-in template, all rows or none: a department's own (SUBMITTER), or the
    /// all-departments workbook sent by the monitoring office on the departments' behalf
    /// (REVIEWER, ADMIN; each row for the department its `department_id` names). Every problem
    /// is listed at once, each with its cell; `dryRun: true` checks and stores nothing.
    async fn upload_sheet(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file and whether to store it.")] input: UploadSheetInput,
    ) -> ApiResult<UploadSheetPayload> {
        let file = input
            .file
            .value(ctx)
            .map_err(|e| AppError::BadUserInput(format!("the upload could not be read: {e}")))?;
        let bytes = file.content;
        let receipt = run(ctx, &bytes, input.dry_run).await?;
        Ok(payload(receipt))
    }
}

/// Reads and uploads `bytes` for the caller, in the one mutation wrapper (a file refused as a
/// whole is a refusal of the mutation, audited like any other).
pub async fn run(ctx: &Context<'_>, bytes: &[u8], dry_run: bool) -> ApiResult<Receipt> {
    let target = if dry_run { "dry run" } else { "commit" };
    let operation =
        operations::UPLOAD_SHEET.on(format!("upload ({target}, {} bytes)", bytes.len()));
    let grid = upload::read_file(bytes.to_vec()).await;
    mutate(ctx, operation, async |txn, actor| {
        upload::upload(txn, actor, &grid?, dry_run).await
    })
    .await
}

fn payload(r: Receipt) -> UploadSheetPayload {
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    UploadSheetPayload {
        rows: r.rows.into_iter().map(row).collect(),
        imported: count(r.imported),
        unchanged: count(r.unchanged),
        rejected: count(r.rejected),
        receipt: r.receipt,
        stored: r.stored,
    }
}

fn row(r: RowReport) -> UploadRow {
    UploadRow {
        sheet: r.sheet,
        cell: r.cell,
        row: i32::try_from(r.row).unwrap_or(i32::MAX),
        indicator_id: r.indicator_id,
        year: r.year,
        outcome: r.outcome.into(),
        code: r.code.map(str::to_string),
        message: r.message,
    }
}
