//! `GET /downloads/` and `GET /evaluations/` (and the same without the slash, redirected):
//! what each folder holds. A browser gets a page (`crate::pages::listing`); any other client
//! the downloads' `sha256sum -c` lines, or the evaluations one a line.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::DatabaseConnection;

use super::downloads::{etag, failed, not_modified, Described, Downloads, File, PLAN_CODES};
use super::missing::{wants_html, CSP};
use crate::error::AppError;
use crate::export::Format;
use crate::pages::listing::{self, Listed, Section};
use crate::repo::{self, Stamp};
use crate::version::DataVersion;

/// `GET /downloads` and `GET /evaluations`: the folder's address, with its slash.
pub async fn to_folder(req: HttpRequest) -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, format!("{}/", req.path())))
        .finish()
}

/// The answer's tag (it depends on the data version and on Accept), or the answer already.
async fn current(
    req: &HttpRequest,
    db: &DatabaseConnection,
    version: &DataVersion,
) -> Result<(Stamp, String, bool), HttpResponse> {
    let stamp = version.stamp(db).await.map_err(|e| failed(e.into()))?;
    let html = wants_html(req);
    let tag = etag(stamp.version, &format!("{} html={html}", req.path()));
    match not_modified(req, &tag) {
        Some(unchanged) => Err(by_accept(unchanged)),
        None => Ok((stamp, tag, html)),
    }
}

/// The answer, saying that it depends on Accept (a cache must not give the page to curl).
fn by_accept(mut answer: HttpResponse) -> HttpResponse {
    answer
        .headers_mut()
        .insert(header::VARY, header::HeaderValue::from_static("Accept"));
    answer
}

/// The page or the text, tagged, revalidated on each use.
fn answer(stamp: &Stamp, tag: String, html: bool, body: String) -> HttpResponse {
    let mut r = HttpResponse::Ok();
    r.insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if !html {
        return by_accept(r.content_type("text/plain; charset=utf-8").body(body));
    }
    by_accept(
        r.content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
            .body(crate::pages::stamped(&body, Some(stamp.changed_at))),
    )
}

/// `GET /downloads/`.
pub async fn downloads(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
    downloads: web::Data<Downloads>,
) -> HttpResponse {
    let db = db.get_ref();
    let (stamp, tag, html) = match current(&req, db, &version).await {
        Ok(current) => current,
        Err(answered) => return answered,
    };
    match sections(db, &downloads, &stamp).await {
        Ok(s) if html => answer(&stamp, tag, html, listing::downloads(&s)),
        Ok(s) => answer(&stamp, tag, html, listing::checksums(&s)),
        Err(e) => failed(e),
    }
}

/// Every download, by scope (all plans, then each plan), then the documents.
async fn sections(
    db: &DatabaseConnection,
    downloads: &Downloads,
    stamp: &Stamp,
) -> Result<Vec<Section>, AppError> {
    let plans = repo::plans(db).await?;
    let mut scopes = vec![("all".to_string(), "全部规划".to_string())];
    for code in PLAN_CODES {
        if let Some(p) = plans.iter().find(|p| p.code == code) {
            scopes.push((p.code.clone(), p.title.clone()));
        }
    }
    let mut sections = Vec::new();
    for (scope, heading) in scopes {
        let files = scope_files(&scope);
        sections.push(Section {
            heading,
            files: listed(db, downloads, stamp, files).await?,
        });
    }
    let documents = vec![File::Source, File::SourceChecksum, File::Dictionary];
    sections.push(Section {
        heading: "规划原文与数据字典".into(),
        files: listed(db, downloads, stamp, documents).await?,
    });
    Ok(sections)
}

/// A scope's files, in the order its pages link them: its data, then their descriptions.
fn scope_files(scope: &str) -> Vec<File> {
    let mut files = File::data_of(scope);
    for form in Described::ALL {
        let scope = scope.to_string();
        files.push(File::Described { scope, form });
    }
    files
}

async fn listed(
    db: &DatabaseConnection,
    downloads: &Downloads,
    stamp: &Stamp,
    files: Vec<File>,
) -> Result<Vec<Listed>, AppError> {
    let mut listed = Vec::with_capacity(files.len());
    for file in files {
        let built = downloads.get(db, &file, stamp).await?;
        let (what, format) = described(&file);
        listed.push(Listed {
            path: file.path(),
            what,
            format,
            size: built.bytes.len(),
            modified: built.modified,
            sha256: built.sha256,
        });
    }
    Ok(listed)
}

/// What a file holds and its format, in the pages' words.
fn described(file: &File) -> (String, &'static str) {
    match file {
        File::Table { table, format, .. } => {
            let format = if *format == Format::Csv {
                "CSV"
            } else {
                "JSON"
            };
            (crate::pages::table_name(table).to_string(), format)
        }
        File::Workbook { .. } => ("工作簿（三张表）".into(), "XLSX"),
        File::Described {
            form: Described::DataPackage,
            ..
        } => ("CSV 的列说明（Frictionless 数据包）".into(), "JSON"),
        File::Described {
            form: Described::Csvw,
            ..
        } => ("CSV 的列说明（CSVW 元数据）".into(), "JSON"),
        File::Dictionary => ("数据字典".into(), "Markdown"),
        File::Source => ("规划原文（乐政字〔2022〕16号）".into(), "TXT"),
        File::SourceChecksum => ("原文的 SHA-256".into(), "TXT"),
    }
}

/// `GET /evaluations/`.
pub async fn evaluations(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
) -> HttpResponse {
    let db = db.get_ref();
    let (stamp, tag, html) = match current(&req, db, &version).await {
        Ok(current) => current,
        Err(answered) => return answered,
    };
    match repo::evaluations::all(db).await {
        Ok(list) if html => answer(&stamp, tag, html, listing::evaluations(&list)),
        Ok(list) => answer(&stamp, tag, html, evaluation_lines(&list)),
        Err(e) => failed(e),
    }
}

/// A line per frozen evaluation, newest first: its report's path, when it was frozen, its
/// title (tab-separated).
fn evaluation_lines(list: &[entity::evaluation::Model]) -> String {
    let mut out = String::new();
    for e in list.iter().rev() {
        let id = crate::ids::encode(crate::ids::Kind::Evaluation, e.id).0;
        out.push_str(&format!(
            "/evaluations/{id}\t{}\t{}\n",
            e.frozen_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            crate::rules::evaluation::title_of(e)
        ));
    }
    out
}
