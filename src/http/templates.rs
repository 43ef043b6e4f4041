//! `GET /templates/{department}/{year}.xlsx` (or `.csv`): the reporting template of a
//! department for a year, for a caller with a bearer token — a submitter gets its own
//! department's only, a reviewer or admin any, and `all` (every department's obligations in
//! one workbook, for the monitoring office). Errors are the API's one error shape, with
//! `extensions.code`.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::DatabaseConnection;

use crate::auth::token::Keys;
use crate::auth::{Actor, UserRole};
use crate::error::AppError;
use crate::reporting::{workbook, Template};
use crate::version::DataVersion;
use crate::{export, repo, service};

/// The years a template can be asked for: the plans' baselines to well after their period.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A template's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Csv,
}

/// `{year}.xlsx` or `{year}.csv`.
fn file(name: &str) -> Result<(i32, Format), AppError> {
    let (year, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    let format = match extension {
        "xlsx" => Format::Xlsx,
        "csv" => Format::Csv,
        _ => {
            return Err(AppError::NotFound(format!(
                "no template {name:?}: ask for YEAR.xlsx or YEAR.csv"
            )))
        }
    };
    match year.parse::<i32>() {
        Ok(year) if YEARS.contains(&year) => Ok((year, format)),
        _ => Err(AppError::NotFound(format!(
            "no template for the year {year:?}: a year from {} to {}",
            YEARS.start(),
            YEARS.end()
        ))),
    }
}

/// `GET /templates/{department}/{file}`.
pub async fn template(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    db: web::Data<DatabaseConnection>,
    keys: web::Data<Keys>,
    version: web::Data<DataVersion>,
) -> HttpResponse {
    let (department, name) = path.into_inner();
    match build(&req, &department, &name, &db, &keys, &version).await {
        Ok((bytes, format, file_name)) => answer(bytes, format, &file_name),
        Err(err) => refuse(&err),
    }
}

async fn build(
    req: &HttpRequest,
    department: &str,
    name: &str,
    db: &DatabaseConnection,
    keys: &Keys,
    version: &DataVersion,
) -> Result<(Vec<u8>, Format, String), AppError> {
    let (year, format) = file(name)?;
    let actor = caller(req, db, keys).await?;
    let department = scope(db, &actor, department).await?;
    let stamp = version.stamp(db).await?;
    let obligations =
        repo::templates::obligations(db, department.as_ref().map(|d| d.id), year).await?;
    let name = department.map(|d| d.name);
    let file_name = format!("{}-{year}", name.as_deref().unwrap_or("all"));
    let template = Template::new(name, year, (stamp.version, stamp.structure), &obligations);
    let bytes = match format {
        Format::Csv => export::csv::write(&template.table()),
        Format::Xlsx => workbook::write(&template)
            .map_err(|e| AppError::internal(format!("the template workbook: {e}")))?,
    };
    Ok((bytes, format, file_name))
}

/// `GET /reporting/{year}.csv` (or `.xlsx`): each department's cells for the year and how far
/// each got — who still owes what, for the monitoring office (reviewers and admins).
pub async fn completion(
    req: HttpRequest,
    path: web::Path<String>,
    db: web::Data<DatabaseConnection>,
    keys: web::Data<Keys>,
    version: web::Data<DataVersion>,
) -> HttpResponse {
    match completion_file(&req, &path, &db, &keys, &version).await {
        Ok((bytes, format, year)) => answer(bytes, format, &format!("completion-{year}")),
        Err(err) => refuse(&err),
    }
}

async fn completion_file(
    req: &HttpRequest,
    name: &str,
    db: &DatabaseConnection,
    keys: &Keys,
    version: &DataVersion,
) -> Result<(Vec<u8>, Format, i32), AppError> {
    let (year, format) = file(name)?;
    caller(req, db, keys).await?.require(&[
        UserRole::Reviewer,
        UserRole::Admin,
        UserRole::Evaluator,
    ])?;
    let reports = repo::values::reporting_status(db, year).await?;
    let (departments, _) = repo::values::departments_and_indicators(db).await?;
    let names = departments
        .into_iter()
        .map(|(id, d)| (id, d.name))
        .collect();
    let table = crate::reporting::completion::table(year, &reports, &names);
    let bytes = match format {
        Format::Csv => export::csv::write(&table),
        Format::Xlsx => {
            let about = export::xlsx::About {
                title: format!("{year}年各单位监测数据填报情况"),
                changed_at: version.stamp(db).await?.changed_at,
            };
            export::xlsx::write(&[table], &about)
                .map_err(|e| AppError::internal(format!("the completion workbook: {e}")))?
        }
    };
    Ok((bytes, format, year))
}

/// The caller, from its bearer token, as the store says it is now.
pub(super) async fn caller(
    req: &HttpRequest,
    db: &DatabaseConnection,
    keys: &Keys,
) -> Result<Actor, AppError> {
    let token = super::graphql::bearer(req).ok_or_else(|| {
        AppError::Unauthenticated(
            "a template is for a department's accounts: log in and send the token as \
             `Authorization: Bearer …`"
                .into(),
        )
    })?;
    let claims = keys.verify(&token)?;
    service::users::authenticate(db, &claims).await
}

/// The department asked for, as the caller may see it: `None` for `all`.
async fn scope(
    db: &DatabaseConnection,
    actor: &Actor,
    department: &str,
) -> Result<Option<entity::department::Model>, AppError> {
    if department == "all" {
        actor.require(&[UserRole::Reviewer, UserRole::Admin])?;
        return Ok(None);
    }
    let found = repo::department_by_name(db, department).await?;
    if actor.role == UserRole::Submitter && actor.department_id != Some(found.id) {
        return Err(AppError::Forbidden(format!(
            "a submitter gets its own department's template, not {}'s",
            found.name
        )));
    }
    Ok(Some(found))
}

fn answer(bytes: Vec<u8>, format: Format, file_name: &str) -> HttpResponse {
    let (media, extension) = match format {
        Format::Xlsx => (export::Format::Xlsx.media_type(), "xlsx"),
        Format::Csv => (export::Format::Csv.media_type(), "csv"),
    };
    HttpResponse::Ok()
        .content_type(media)
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(super::attachment::attachment(
            &format!("{file_name}.{extension}"),
            &format!("template.{extension}"),
        ))
        .body(bytes)
}

pub(super) fn refuse(err: &AppError) -> HttpResponse {
    err.log();
    let status = match err {
        AppError::BadUserInput(_) | AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
        AppError::NotFound(_) | AppError::Gone { .. } => StatusCode::NOT_FOUND,
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut response = super::graphql::reply(status, "application/json", err.message(), err.code());
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    response
}
