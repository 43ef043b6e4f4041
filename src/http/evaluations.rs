//! A frozen evaluation's report page, `GET /evaluations/{id}`, and its release:
//! `GET /evaluations/{id}.csv`, `.json` (its targets),
//! `.xlsx` (targets and summary) and `GET /evaluations/{id}/manifest.json` (each file's size
//! and SHA-256, for `plangraph verify evaluation`). `{id}` is the evaluation's global ID. An
//! evaluation never changes, so its files are served as immutable.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::DatabaseConnection;

use super::downloads::{content_etag, failed, not_modified};
use crate::db::snapshot::Snapshots;
use crate::error::AppError;
use crate::export::evaluation as release;
use crate::export::Format;
use crate::ids::{self, Kind};
use crate::repo::evaluations as repo;
use crate::repo::warnings::Fluctuating;
use crate::version::DataVersion;

/// What a path under `/evaluations/` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    File(Format),
    Manifest,
}

fn parse(path: &str) -> Option<(&str, Wanted)> {
    if let Some(id) = path.strip_suffix("/manifest.json") {
        return Some((id, Wanted::Manifest));
    }
    let (id, extension) = path.rsplit_once('.')?;
    Some((id, Wanted::File(Format::parse(extension)?)))
}

/// `GET /evaluations/{path}`: the report page (`{id}` alone) or a file.
pub async fn file(
    req: HttpRequest,
    path: web::Path<String>,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
    snapshots: Option<web::Data<Snapshots>>,
) -> HttpResponse {
    if !path.contains(['.', '/']) {
        let db = db.get_ref();
        let id = path.into_inner();
        return super::pages::respond(&req, db, &version, || async move {
            let Ok(n) = ids::decode_as(&async_graphql::ID(id), Kind::Evaluation) else {
                return Ok(None);
            };
            let Some(e) = repo::by_id(db, n).await? else {
                return Ok(None);
            };
            let items = repo::all_items(db, n).await?;
            let targets: Vec<i32> = items.iter().map(|i| i.target_id).collect();
            let said =
                crate::repo::self_assessments::approved_for(db, &e.kind, e.through_year, &targets)
                    .await?;
            let snapshots = snapshots.map(web::Data::into_inner);
            let fluctuating = fluctuating_then(&e, &targets, snapshots.as_ref()).await?;
            let revised_by = repo::revised_by(db, n).await?;
            Ok(Some(crate::pages::evaluation::report(
                &e,
                &items,
                &said,
                fluctuating.as_deref(),
                revised_by,
            )))
        })
        .await;
    }
    let missing = || {
        super::missing::missing_saying(
            &req,
            &format!(
                "no file /evaluations/{path}: an evaluation's files are /evaluations/{{id}}.csv, \
                 .json, .xlsx and /evaluations/{{id}}/manifest.json, {{id}} its global ID"
            ),
        )
    };
    let Some((id, wanted)) = parse(&path) else {
        return missing();
    };
    let Ok(number) = ids::decode_as(&async_graphql::ID(id.to_string()), Kind::Evaluation) else {
        return missing();
    };
    match answer(db.get_ref(), number, wanted).await {
        Ok(Some((bytes, media_type, name))) => respond(&req, bytes, media_type, name),
        Ok(None) => missing(),
        Err(e) => failed(e),
    }
}

/// The fluctuation warnings of the evaluation's targets as the data stood at the publication it
/// classed, read from that publication's copy (`db::snapshot`); None when it has none (frozen
/// before publications were numbered) or no copy can be made (a store in memory).
async fn fluctuating_then(
    e: &entity::evaluation::Model,
    targets: &[i32],
    snapshots: Option<&std::sync::Arc<Snapshots>>,
) -> Result<Option<Vec<Fluctuating>>, AppError> {
    let (Some(seq), Some(snapshots)) = (e.publication_seq, snapshots) else {
        return Ok(None);
    };
    match snapshots.get(seq).await {
        Ok(copy) => Ok(Some(
            crate::repo::warnings::fluctuating(&copy.db, targets, e.through_year).await?,
        )),
        Err(err) => {
            tracing::warn!(error = %err, seq, "no copy of the evaluation's publication");
            Ok(None)
        }
    }
}

/// The bytes, media type and (for a file) the name to save it under.
async fn answer(
    db: &DatabaseConnection,
    id: i32,
    wanted: Wanted,
) -> Result<Option<(Vec<u8>, &'static str, Option<String>)>, AppError> {
    let Some(e) = repo::by_id(db, id).await? else {
        return Ok(None);
    };
    let items = repo::all_items(db, id).await?;
    let files = release::files(&e, &items)
        .map_err(|err| AppError::internal(format!("the workbook of evaluation {id}: {err}")))?;
    Ok(Some(match wanted {
        Wanted::Manifest => {
            let manifest = release::manifest(describe(&e), &files);
            let mut bytes = serde_json::to_vec_pretty(&manifest)
                .map_err(|err| AppError::internal(format!("a manifest: {err}")))?;
            bytes.push(b'\n');
            (bytes, "application/json", None)
        }
        Wanted::File(format) => {
            let Some((name, _, bytes)) = files.into_iter().find(|f| f.1 == format) else {
                return Ok(None);
            };
            (bytes, format.media_type(), Some(name))
        }
    }))
}

/// The evaluation as its manifest names it.
pub fn describe(e: &entity::evaluation::Model) -> serde_json::Value {
    serde_json::json!({
        "id": ids::encode(Kind::Evaluation, e.id).0,
        "kind": e.kind,
        "planCode": e.plan_code,
        "throughYear": e.through_year,
        // As `Evaluation.asOf` / `.seq` say them: the instant and publication it classed.
        "asOf": e.as_of.unwrap_or(e.frozen_at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "seq": e.publication_seq.unwrap_or(e.data_version),
        "sha256": e.sha256,
        "rulesVersion": e.rules_version,
        "itemCount": e.item_count,
        "revises": e.revises_id.map(|r| ids::encode(Kind::Evaluation, r).0),
    })
}

fn respond(
    req: &HttpRequest,
    bytes: Vec<u8>,
    media_type: &str,
    name: Option<String>,
) -> HttpResponse {
    let etag = content_etag(&bytes);
    if let Some(unchanged) = not_modified(req, &etag) {
        return unchanged;
    }
    let mut r = HttpResponse::Ok();
    r.content_type(media_type)
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"));
    if let Some(name) = name {
        r.insert_header(super::attachment::attachment(&name, &name));
    }
    r.body(bytes)
}
