//! `POST /templates/upload?dryRun=true|false`: a filled-in template from a plain form
//! (`curl -F file=@template.xlsx`), or as the body itself; the same service and answer as the
//! `uploadSheet` mutation. The token is checked before the body is read, and the body is read
//! only up to the upload limit: an anonymous request costs no more than its headers.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use crate::auth::token::Keys;
use crate::error::AppError;
use crate::ids::{self, Kind};
use crate::reporting::read::LIMITS;
use crate::service::upload::{self, Outcome, Receipt};
use crate::service::{self, operations};

/// The form's room beyond the file: boundaries and part headers.
const FORM_OVERHEAD: usize = 64 * 1024;

#[derive(Deserialize)]
pub struct UploadQuery {
    #[serde(rename = "dryRun")]
    dry_run: Option<bool>,
}

/// `POST /templates/upload`.
pub async fn upload(
    req: HttpRequest,
    payload: web::Payload,
    query: web::Query<UploadQuery>,
    db: web::Data<DatabaseConnection>,
    keys: web::Data<Keys>,
) -> HttpResponse {
    let Some(dry_run) = query.dry_run else {
        let err = AppError::BadUserInput("say dryRun=true (check only) or dryRun=false".into());
        return super::templates::refuse(&err);
    };
    let actor = match super::templates::caller(&req, &db, &keys).await {
        Ok(actor) => actor,
        Err(e) => return super::templates::refuse(&e),
    };
    let bytes = match file(&req, payload).await {
        Ok(bytes) => bytes,
        Err(e) => return refused(&e),
    };
    let address = super::client::address_of(&req).map(|a| a.to_string());
    let target = if dry_run { "dry run" } else { "commit" };
    let operation =
        operations::UPLOAD_SHEET.on(format!("upload ({target}, {} bytes)", bytes.len()));
    let grid = upload::read_file(bytes).await;
    let result = service::run(
        &db,
        &actor,
        address.as_deref(),
        operation,
        async |txn, actor| upload::upload(txn, actor, &grid?, dry_run).await,
    )
    .await;
    match result {
        Ok(receipt) => HttpResponse::Ok().json(answer(receipt)),
        Err(e) => refused(&e),
    }
}

/// The body, read up to the upload limit (and a form's room around the file).
async fn body(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, AppError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadUserInput(format!("the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large() -> AppError {
    refusal(
        "FILE_TOO_LARGE",
        format!("文件超过上限 {} 字节", LIMITS.bytes),
    )
}

/// The file: the form's `file` part, or the whole body when it is not a form.
async fn file(req: &HttpRequest, payload: web::Payload) -> Result<Vec<u8>, AppError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return body(payload, LIMITS.bytes).await;
    };
    let whole = body(payload, LIMITS.bytes + FORM_OVERHEAD).await?;
    let stream = futures_util::stream::once(async move {
        Ok::<_, std::convert::Infallible>(web::Bytes::from(whole))
    });
    let limits =
        multer::SizeLimit::new().per_field(u64::try_from(LIMITS.bytes).unwrap_or(u64::MAX));
    let constraints = multer::Constraints::new()
        .allowed_fields(vec!["file"])
        .size_limit(limits);
    let mut form = multer::Multipart::with_constraints(stream, boundary, constraints);
    let form_error = |e: multer::Error| match e {
        multer::Error::FieldSizeExceeded { .. } => too_large(),
        e => AppError::BadUserInput(format!("the form: {e}")),
    };
    let Some(field) = form.next_field().await.map_err(form_error)? else {
        return Err(AppError::BadUserInput("the form has no `file` part".into()));
    };
    field.bytes().await.map(|b| b.to_vec()).map_err(form_error)
}

fn refusal(code: &'static str, message: String) -> AppError {
    AppError::Invalid {
        message: message.clone(),
        details: serde_json::json!([{ "code": code, "message": message }]),
    }
}

/// A refusal: a file refused as a whole answers with its own status and code.
fn refused(err: &AppError) -> HttpResponse {
    let status = match upload::refusal_code(err) {
        Some("FILE_TOO_LARGE" | "INFLATES_TOO_FAR" | "TOO_MANY_ENTRIES") => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        Some("NOT_A_WORKBOOK" | "MACRO_ENABLED") => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => return super::templates::refuse(err),
    };
    let code = upload::refusal_code(err).unwrap_or("BAD_USER_INPUT");
    super::graphql::reply(status, "application/json", err.message(), code)
}

/// The receipt as `uploadSheet` answers it.
fn answer(r: Receipt) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = r
        .rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "sheet": row.sheet, "cell": row.cell, "row": row.row,
                "indicator": row.indicator_id.map(|id| serde_json::json!({ "id": ids::encode(Kind::Indicator, id).to_string() })),
                "year": row.year,
                "outcome": match row.outcome {
                    Outcome::Imported => "IMPORTED",
                    Outcome::Unchanged => "UNCHANGED",
                    Outcome::Rejected => "REJECTED",
                },
                "code": row.code, "message": row.message,
            })
        })
        .collect();
    serde_json::json!({
        "rows": rows, "imported": r.imported, "unchanged": r.unchanged,
        "rejected": r.rejected, "receipt": r.receipt, "stored": r.stored,
    })
}
