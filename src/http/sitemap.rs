//! `GET /robots.txt` and `GET /sitemap.xml` (`crate::pages::sitemap`). Both carry absolute
//! URLs, so their base follows `http::base` as the feed's and the catalog's do.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::DatabaseConnection;

use super::downloads::{etag, failed, not_modified};
use crate::error::AppError;
use crate::ids::{self, Kind};
use crate::pages::sitemap;
use crate::repo;
use crate::version::DataVersion;

/// `GET /robots.txt`.
pub async fn robots(req: HttpRequest) -> HttpResponse {
    let (base, configured) = super::base::of(&req);
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::VARY, super::base::vary(configured)))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(sitemap::robots(&base))
}

/// `GET /sitemap.xml`.
pub async fn sitemap(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
) -> HttpResponse {
    let db = db.get_ref();
    let stamp = match version.stamp(db).await {
        Ok(stamp) => stamp,
        Err(e) => return failed(e.into()),
    };
    let (base, configured) = super::base::of(&req);
    let tag = etag(stamp.version, &format!("sitemap.xml {base}"));
    if let Some(unchanged) = not_modified(&req, &tag) {
        return unchanged;
    }
    let day = w3c(chrono::DateTime::from_timestamp(stamp.changed_at, 0).unwrap_or_default());
    match pages(db, &day).await {
        Ok(pages) => HttpResponse::Ok()
            .content_type("application/xml; charset=utf-8")
            .insert_header((header::VARY, super::base::vary(configured)))
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(sitemap::xml(&base, &pages)),
        Err(e) => failed(e),
    }
}

/// Every page with the day it last changed.
async fn pages(db: &DatabaseConnection, day: &str) -> Result<Vec<(String, String)>, AppError> {
    let plans: Vec<String> = repo::plans(db).await?.into_iter().map(|p| p.code).collect();
    let indicators: Vec<String> = repo::indicators::ids(db)
        .await?
        .into_iter()
        .map(|id| ids::encode(Kind::Indicator, id).0)
        .collect();
    let evaluations: Vec<(String, String)> = repo::evaluations::all(db)
        .await?
        .into_iter()
        .map(|e| {
            let id = ids::encode(Kind::Evaluation, e.id).0;
            (id, w3c(e.frozen_at))
        })
        .collect();
    Ok(sitemap::pages(day, &plans, &indicators, &evaluations))
}

/// A time as sitemaps write it (W3C Datetime, seconds, UTC offset).
fn w3c(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}
