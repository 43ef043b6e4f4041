//! `POST /templates/upload?dryRun=true|false`: a filled-in template from a plain form
//! (`curl -F file=@template.xlsx`), or as the body itself; the same service and answer as the
//! `uploadSheet` mutation. The token is checked before the body is read, and the body is read
//! only up to the upload limit: an anonymous request costs no more than its headers.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::graphql::body::read_body;
use crate::auth::token::Keys;
use crate::config::Limits;
use crate::error::AppError;
use crate::http::graphql::JSON;
use crate::ids::{self, Kind};
use crate::reporting::grid::FORM_OVERHEAD;
use crate::reporting::read::LIMITS;
use crate::service::upload::{self, Outcome, Receipt};
use crate::service::{self, operations};

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
    limits: web::Data<Limits>,
) -> HttpResponse {
    let Some(dry_run) = query.dry_run else {
        let err = AppError::BadUserInput("say dryRun=true (check only) or dryRun=false".into());
        return super::templates::refuse(&err);
    };
    let actor = match super::templates::caller(&req, &db, &keys).await {
        Ok(actor) => actor,
        Err(e) => return super::templates::refuse(&e),
    };
    let bytes = match file(&req, payload, &limits).await {
        Ok(bytes) => bytes,
        Err(answer) => return answer,
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

fn too_large() -> AppError {
    upload::refusal(
        "FILE_TOO_LARGE",
        format!("文件超过上限 {} 字节", LIMITS.bytes),
    )
}

/// The file: the form's `file` part, or the whole body when it is not a form.
async fn file(
    req: &HttpRequest,
    payload: web::Payload,
    limits: &Limits,
) -> Result<Vec<u8>, HttpResponse> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Within the size and the time every request body gets; a file past the upload limit is
    // then refused by the reader, with its own code.
    let whole = read_body(req, payload, (limits, LIMITS.bytes + FORM_OVERHEAD), JSON).await?;
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return Ok(whole.to_vec());
    };
    let stream =
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(whole) });
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
    let field = match form.next_field().await.map_err(form_error) {
        Ok(Some(field)) => field,
        Ok(None) => {
            let err = AppError::BadUserInput("the form has no `file` part".into());
            return Err(refused(&err));
        }
        Err(e) => return Err(refused(&e)),
    };
    field
        .bytes()
        .await
        .map(|b| b.to_vec())
        .map_err(|e| refused(&form_error(e)))
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
