//! `GET /plans`, `GET /plans/{code}`, `GET /indicators/{id}`: the readable pages
//! (`crate::pages`), with an ETag of the data version so a browser revalidates cheaply.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::DatabaseConnection;

use super::downloads::{etag, failed, not_modified};
use super::missing::{missing, CSP};
use crate::error::AppError;
use crate::ids::{self, Kind};
use crate::repo::{self, targets::TargetFilter, Stamp};
use crate::version::DataVersion;

/// The data version and the tag of this path's answer at it; or the answer already: 304 when
/// the client holds it, 503 when the store does not answer.
async fn current(
    req: &HttpRequest,
    db: &DatabaseConnection,
    version: &DataVersion,
) -> Result<(Stamp, String), HttpResponse> {
    let stamp = version.stamp(db).await.map_err(|e| failed(e.into()))?;
    let tag = etag(stamp.version, req.path());
    match not_modified(req, &tag) {
        Some(unchanged) => Err(unchanged),
        None => Ok((stamp, tag)),
    }
}

/// An indicator's page data by its global ID; an indicator merged into another keeps its ID
/// as a target's, and leads to the one it became.
async fn view_of(
    db: &DatabaseConnection,
    id: String,
) -> Result<Option<repo::export::IndicatorView>, AppError> {
    let Ok(id) = ids::decode_as(&async_graphql::ID(id), Kind::Indicator) else {
        return Ok(None);
    };
    match repo::export::indicator_view(db, id).await? {
        Some(view) => Ok(Some(view)),
        None => match repo::indicators::of_target(db, id).await? {
            Some(into) => repo::export::indicator_view(db, into).await,
            None => Ok(None),
        },
    }
}

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
    let (stamp, tag) = match current(req, db, version).await {
        Ok(current) => current,
        Err(answered) => return answered,
    };
    match render().await {
        Ok(Some(html)) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
            .body(crate::pages::stamped(&html, Some(stamp.changed_at))),
        Ok(None) => missing(req),
        Err(e) => failed(e),
    }
}

/// `default_service`: every path no route takes. A served path written with a slash at its
/// end (`/plans/health/`, as people and some link writers add it) is sent to the path.
pub async fn fallback(req: HttpRequest) -> HttpResponse {
    let path = req.path();
    match path.strip_suffix('/') {
        // (never to `//host`, which a browser reads as another site)
        Some(bare)
            if !bare.is_empty()
                && !bare.starts_with("//")
                && req.resource_map().has_resource(bare) =>
        {
            let query = req.query_string();
            let to = if query.is_empty() {
                bare.to_string()
            } else {
                format!("{bare}?{query}")
            };
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, to))
                .finish()
        }
        _ => missing(&req),
    }
}

/// `GET /favicon.svg` (and `/favicon.ico`, which browsers ask for unprompted): the site icon,
/// a bar chart, drawn here so nothing is fetched from elsewhere.
pub async fn favicon() -> HttpResponse {
    const ICON: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">\
        <rect width=\"32\" height=\"32\" rx=\"6\" fill=\"#0b57a4\"/>\
        <rect x=\"7\" y=\"17\" width=\"4\" height=\"8\" fill=\"#fff\"/>\
        <rect x=\"14\" y=\"12\" width=\"4\" height=\"13\" fill=\"#fff\"/>\
        <rect x=\"21\" y=\"7\" width=\"4\" height=\"18\" fill=\"#fff\"/></svg>";
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(ICON)
}

/// `GET /` and `GET /plans`: the plans, what a person typing the address lands on.
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
        let evaluations = repo::evaluations::all(db).await?;
        Ok(Some(crate::pages::plan::index(&plans, &evaluations)))
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
        let mut evaluations = repo::evaluations::all(db).await?;
        evaluations.retain(|e| e.plan_code.as_ref().is_none_or(|c| *c == code));
        Ok(Some(crate::pages::plan::plan(&snapshot, &evaluations)))
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
        let view = view_of(db, id).await?;
        Ok(view.map(|v| crate::pages::indicator::indicator(&v)))
    })
    .await
}

/// `GET /indicators/{id}/values.csv`: the indicator page's values as a download, the
/// columns of `values.csv`.
pub async fn indicator_values(
    req: HttpRequest,
    id: web::Path<String>,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
) -> HttpResponse {
    let db = db.get_ref();
    let tag = match current(&req, db, &version).await {
        Ok((_, tag)) => tag,
        Err(answered) => return answered,
    };
    match view_of(db, id.into_inner()).await {
        Ok(Some(v)) => {
            let mut values = v.values;
            match repo::export::published_cell_rows(db, v.indicator.id).await {
                Ok(cells) => values.extend(cells),
                Err(e) => return failed(e),
            }
            let id = ids::encode(Kind::Indicator, v.indicator.id).0;
            let indicators = std::collections::HashMap::from([(v.indicator.id, v.indicator)]);
            values.sort_by(|a, b| (a.year, &a.breakdown).cmp(&(b.year, &b.breakdown)));
            let table = crate::export::tables::values_of(&values, &indicators, &v.departments);
            HttpResponse::Ok()
                .content_type(crate::export::Format::Csv.media_type())
                .insert_header((header::ETAG, tag))
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .insert_header(super::attachment::attachment(
                    &format!("indicator-{id}-values.csv"),
                    "values.csv",
                ))
                .body(crate::export::csv::write(&table))
        }
        Ok(None) => missing(&req),
        Err(e) => failed(e),
    }
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
    let read = async {
        let changes = repo::export::feed(db, FEED_ENTRIES).await?;
        let evaluations = repo::evaluations::newest(db, FEED_ENTRIES).await?;
        Ok::<_, AppError>((changes, evaluations))
    };
    match read.await {
        Ok((changes, evaluations)) => {
            let updated = chrono::DateTime::from_timestamp(changed_at, 0).unwrap_or_default();
            HttpResponse::Ok()
                .content_type("application/atom+xml; charset=utf-8")
                .insert_header((header::VARY, super::base::vary(configured)))
                .insert_header((header::ETAG, tag))
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .body(crate::pages::feed::atom(
                    &base,
                    &changes,
                    &evaluations,
                    FEED_ENTRIES as usize,
                    updated,
                ))
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
