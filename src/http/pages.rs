//! `GET /plans`, `GET /plans/{code}`, `GET /indicators/{id}`: the readable pages
//! (`crate::pages`), with an ETag of the data version so a browser revalidates cheaply.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::DatabaseConnection;

use super::downloads::{etag, failed, not_found, not_modified};
use crate::error::AppError;
use crate::ids::{self, Kind};
use crate::repo::{self, targets::TargetFilter, Stamp};
use crate::version::DataVersion;

/// Answers 304 when the client has the page of this data version, else renders it.
pub(crate) async fn respond<F, Fut>(
    req: &HttpRequest,
    db: &DatabaseConnection,
    version: &DataVersion,
    render: F,
) -> HttpResponse
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Option<String>, AppError>>,
{
    let version = match version.stamp(db).await {
        Ok(stamp) => stamp.version,
        Err(e) => return failed(e.into()),
    };
    let tag = etag(version, req.path());
    if let Some(unchanged) = not_modified(req, &tag) {
        return unchanged;
    }
    match render().await {
        Ok(Some(html)) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            // Nothing on these pages comes from another host, and nothing may.
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'",
            ))
            .body(html),
        Ok(None) => not_found("no such page; the plans are listed at /plans"),
        Err(e) => failed(e),
    }
}

/// `GET /plans`.
pub async fn index(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
) -> HttpResponse {
    let db = db.get_ref();
    respond(&req, db, &version, || async move {
        let mut plans = Vec::new();
        for p in repo::plans(db).await? {
            let filter = TargetFilter {
                plan_code: Some(p.code.clone()),
                ..TargetFilter::default()
            };
            let counts = repo::targets::counts(db, &filter, None).await?;
            plans.push((p, counts));
        }
        Ok(Some(crate::pages::plan::index(&plans)))
    })
    .await
}

/// `GET /plans/{code}`.
pub async fn plan(
    req: HttpRequest,
    code: web::Path<String>,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
) -> HttpResponse {
    let db = db.get_ref();
    let code = code.into_inner();
    respond(&req, db, &version, || async move {
        if repo::find_plan(db, &code).await?.is_none() {
            return Ok(None);
        }
        let snapshot = repo::export::snapshot(db, Some(&code)).await?;
        Ok(Some(crate::pages::plan::plan(&snapshot)))
    })
    .await
}

/// `GET /indicators/{id}`: the indicator's global ID, as the API gives it.
pub async fn indicator(
    req: HttpRequest,
    id: web::Path<String>,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
) -> HttpResponse {
    let db = db.get_ref();
    let id = id.into_inner();
    respond(&req, db, &version, || async move {
        let Ok(id) = ids::decode_as(&async_graphql::ID(id), Kind::Indicator) else {
            return Ok(None);
        };
        let view = match repo::export::indicator_view(db, id).await? {
            Some(view) => Some(view),
            // An indicator merged into another keeps its ID as a target's.
            None => match repo::indicators::of_target(db, id).await? {
                Some(into) => repo::export::indicator_view(db, into).await?,
                None => None,
            },
        };
        Ok(view.map(|v| crate::pages::indicator::indicator(&v)))
    })
    .await
}

/// How many changes the feed lists.
const FEED_ENTRIES: u64 = 50;

/// `GET /feed.atom`: the newest public changes.
pub async fn feed(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
) -> HttpResponse {
    let db = db.get_ref();
    let Stamp {
        version,
        changed_at,
        ..
    } = match version.stamp(db).await {
        Ok(stamp) => stamp,
        Err(e) => return failed(e.into()),
    };
    // The base is part of the answer, so of its tag.
    let (base, configured) = super::base::of(&req);
    let tag = etag(version, &format!("feed.atom {base}"));
    if let Some(unchanged) = not_modified(&req, &tag) {
        return unchanged;
    }
    match repo::export::feed(db, FEED_ENTRIES).await {
        Ok(entries) => {
            let updated = chrono::DateTime::from_timestamp(changed_at, 0).unwrap_or_default();
            HttpResponse::Ok()
                .content_type("application/atom+xml; charset=utf-8")
                .insert_header((header::VARY, super::base::vary(configured)))
                .insert_header((header::ETAG, tag))
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .body(crate::pages::feed::atom(&base, &entries, updated))
        }
        Err(e) => failed(e),
    }
}

/// `GET /schema.graphql`: the schema this server answers with, as SDL (what `schema.graphql`
/// in the repository holds).
pub async fn schema() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(crate::graphql::sdl())
}
