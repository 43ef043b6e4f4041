//! Plain downloads and the DCAT catalog: `GET /downloads/{scope}/{table}.{csv|json}`,
//! `GET /downloads/{scope}.xlsx`, `GET /downloads/changle-2022-16-plans.txt` (and `.sha256`),
//! `GET /catalog.jsonld`. Scopes are `all` and the plan codes.
//!
//! The seven files of a scope are built from one read of the store, once per data version, and
//! kept (the set of files is fixed and small). A file's ETag is its content's hash, so a file
//! whose bytes did not change keeps its tag across versions; `Last-Modified` is the time the
//! version moved (ETags take precedence for a client that sends both).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::export::{self, Format, TABLES};
use crate::import::BUNDLED_DOCUMENT;
use crate::repo;
use crate::version::DataVersion;

mod kept;
pub use kept::{Built, Downloads};

/// The source document's file name.
pub const SOURCE_NAME: &str = "changle-2022-16-plans.txt";
/// The plan codes a scope may name besides `all`.
pub const PLAN_CODES: [&str; 4] = ["women", "children", "health", "earthquake"];

/// What a download path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum File {
    Table {
        scope: String,
        table: &'static str,
        format: Format,
    },
    Workbook {
        scope: String,
    },
    /// A scope's CSVs described for tools that type columns: `datapackage.json`
    /// (Frictionless) or `csv-metadata.json` (CSVW). Not in the catalog: they describe
    /// files, they are not data.
    Described {
        scope: String,
        form: Described,
    },
    /// docs/DOWNLOADS.md, the data dictionary, as it ships with this build.
    Dictionary,
    Source,
    SourceChecksum,
}

/// The two descriptions of a scope's CSVs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Described {
    DataPackage,
    Csvw,
}

impl Described {
    pub(crate) const ALL: [Described; 2] = [Described::DataPackage, Described::Csvw];

    fn file_name(self) -> &'static str {
        match self {
            Described::DataPackage => "datapackage.json",
            Described::Csvw => "csv-metadata.json",
        }
    }
}

/// The data dictionary.
const DICTIONARY: &str = include_str!("../../docs/DOWNLOADS.md");

impl File {
    /// Every file there is, in the order the catalog lists them.
    pub fn all() -> Vec<File> {
        let mut files = vec![File::Source, File::SourceChecksum];
        for scope in std::iter::once("all").chain(PLAN_CODES) {
            files.extend(File::data_of(scope));
        }
        files
    }

    /// A scope's data: each table as CSV and JSON, then the workbook.
    pub fn data_of(scope: &str) -> Vec<File> {
        let mut files = Vec::new();
        for table in TABLES {
            for format in [Format::Csv, Format::Json] {
                let scope = scope.to_string();
                files.push(File::Table {
                    scope,
                    table,
                    format,
                });
            }
        }
        files.push(File::Workbook {
            scope: scope.to_string(),
        });
        files
    }

    /// The file a path under `/downloads/` names, if any.
    pub fn parse(path: &str) -> Option<File> {
        if path == SOURCE_NAME {
            return Some(File::Source);
        }
        if path.strip_suffix(".sha256") == Some(SOURCE_NAME) {
            return Some(File::SourceChecksum);
        }
        if path == "dictionary.md" {
            return Some(File::Dictionary);
        }
        let scope_ok = |s: &str| s == "all" || PLAN_CODES.contains(&s);
        if let Some(scope) = path.strip_suffix(".xlsx") {
            return scope_ok(scope).then(|| File::Workbook {
                scope: scope.to_string(),
            });
        }
        let (scope, file) = path.split_once('/')?;
        if let Some(form) = Described::ALL.into_iter().find(|d| d.file_name() == file) {
            return scope_ok(scope).then(|| File::Described {
                scope: scope.to_string(),
                form,
            });
        }
        let (table, extension) = file.rsplit_once('.')?;
        let table = TABLES.into_iter().find(|t| *t == table)?;
        let format = Format::parse(extension).filter(|f| *f != Format::Xlsx)?;
        scope_ok(scope).then(|| File::Table {
            scope: scope.to_string(),
            table,
            format,
        })
    }

    /// Its path under `/downloads/`.
    pub fn path(&self) -> String {
        match self {
            File::Table {
                scope,
                table,
                format,
            } => format!("{scope}/{table}.{}", format.extension()),
            File::Workbook { scope } => format!("{scope}.xlsx"),
            File::Described { scope, form } => format!("{scope}/{}", form.file_name()),
            File::Dictionary => "dictionary.md".to_string(),
            File::Source => SOURCE_NAME.to_string(),
            File::SourceChecksum => format!("{SOURCE_NAME}.sha256"),
        }
    }

    /// The name a browser saves it under.
    pub fn file_name(&self) -> String {
        match self {
            File::Table {
                scope,
                table,
                format,
            } => export::file_name(scope, Some(table), *format),
            File::Workbook { scope } => export::file_name(scope, None, Format::Xlsx),
            File::Described { scope, form } => {
                format!("changle-plans-{scope}-{}", form.file_name())
            }
            File::Dictionary | File::Source | File::SourceChecksum => self.path(),
        }
    }

    pub fn media_type(&self) -> &'static str {
        match self {
            File::Table { format, .. } => format.media_type(),
            File::Workbook { .. } => Format::Xlsx.media_type(),
            File::Described {
                form: Described::DataPackage,
                ..
            } => "application/json",
            File::Described {
                form: Described::Csvw,
                ..
            } => "application/csvm+json",
            File::Dictionary => "text/markdown; charset=utf-8",
            File::Source | File::SourceChecksum => "text/plain; charset=utf-8",
        }
    }

    /// The scope a table or workbook belongs to (`all` or a plan code).
    fn scope_name(&self) -> Option<&str> {
        match self {
            File::Table { scope, .. }
            | File::Workbook { scope }
            | File::Described { scope, .. } => Some(scope.as_str()),
            File::Dictionary | File::Source | File::SourceChecksum => None,
        }
    }
}

/// A file's bytes, from the store (or the bundled document).
pub async fn build(db: &DatabaseConnection, file: &File) -> Result<Vec<u8>, AppError> {
    match file {
        File::Source => source(db).await,
        File::SourceChecksum => {
            let text = source(db).await?;
            Ok(format!("{:x}  {SOURCE_NAME}\n", Sha256::digest(&text)).into_bytes())
        }
        File::Dictionary => Ok(DICTIONARY.as_bytes().to_vec()),
        File::Table { scope, .. } | File::Workbook { scope } | File::Described { scope, .. } => {
            build_scope(db, scope)
                .await?
                .into_iter()
                .find(|(f, _)| f == file)
                .map(|(_, bytes)| bytes)
                .ok_or_else(|| AppError::internal(format!("{} was not built", file.path())))
        }
    }
}

/// Every file of a scope (`all` or a plan code) from one read of the store: each table as CSV
/// and JSON, the workbook, and the CSVs' two descriptions.
pub async fn build_scope(
    db: &DatabaseConnection,
    scope: &str,
) -> Result<Vec<(File, Vec<u8>)>, AppError> {
    let plan = Some(scope).filter(|s| *s != "all");
    let snapshot = repo::export::snapshot(db, plan).await?;
    let imported_at = repo::export::document(db)
        .await?
        .map_or(0, |d| d.imported_at.timestamp());
    let tables = export::build(&snapshot);
    let workbook = export::xlsx::write(&tables, &export::about(&snapshot, scope, imported_at))
        .map_err(|e| AppError::internal(format!("the workbook of {scope}: {e}")))?;
    let mut files = Vec::new();
    for table in &tables {
        for format in [Format::Csv, Format::Json] {
            let bytes = match format {
                Format::Json => export::json::write(table),
                _ => export::csv::write(table),
            };
            files.push((
                File::Table {
                    scope: scope.to_string(),
                    table: table.name,
                    format,
                },
                bytes,
            ));
        }
    }
    files.push((
        File::Workbook {
            scope: scope.to_string(),
        },
        workbook,
    ));
    let csvs: Vec<(&export::Table, &[u8])> = tables
        .iter()
        .filter_map(|t| {
            files.iter().find_map(|(f, bytes)| match f {
                File::Table { table, format, .. } if *table == t.name && *format == Format::Csv => {
                    Some((t, bytes.as_slice()))
                }
                _ => None,
            })
        })
        .collect();
    let mut described = Vec::new();
    for form in Described::ALL {
        let bytes = match form {
            Described::DataPackage => export::described::datapackage(scope, &csvs),
            Described::Csvw => export::described::csvw(scope, &tables),
        };
        described.push((
            File::Described {
                scope: scope.to_string(),
                form,
            },
            bytes,
        ));
    }
    files.extend(described);
    Ok(files)
}

/// The document the store holds, byte for byte: the bundled one, when it is the one imported.
async fn source(db: &DatabaseConnection) -> Result<Vec<u8>, AppError> {
    let bundled = format!("{:x}", Sha256::digest(BUNDLED_DOCUMENT));
    match repo::export::document(db).await?.map(|d| d.sha256) {
        Some(sha) if sha == bundled => Ok(BUNDLED_DOCUMENT.to_vec()),
        Some(_) => Err(AppError::NotFound(
            "the store was imported from another file than the bundled document; its text is \
             not kept"
                .into(),
        )),
        None => Err(AppError::NotFound("no document is imported".into())),
    }
}

/// `GET /downloads/{path}`.
pub async fn download(
    req: HttpRequest,
    path: web::Path<String>,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
    downloads: web::Data<Downloads>,
) -> HttpResponse {
    let Some(file) = File::parse(&path) else {
        return super::missing::missing_saying(
            &req,
            &format!(
                "no download /downloads/{path}; /downloads/ lists every one, with its SHA-256"
            ),
        );
    };
    let stamp = match version.stamp(db.get_ref()).await {
        Ok(stamp) => stamp,
        Err(e) => return failed(e.into()),
    };
    // The ETag and the date follow the file's content: an approval in one plan leaves the
    // other plans' files as they were (a harvester fetches only what changed).
    let Built {
        bytes,
        etag,
        modified,
        ..
    } = match downloads.get(db.get_ref(), &file, &stamp).await {
        Ok(built) => built,
        Err(e) => return failed(e),
    };
    let modified = UNIX_EPOCH + Duration::from_secs(u64::try_from(modified).unwrap_or(0));
    if fresh(&req, &etag, modified) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::LAST_MODIFIED, header::HttpDate::from(modified)))
            .finish();
    }
    let name = file.file_name();
    HttpResponse::Ok()
        .content_type(file.media_type())
        .insert_header((header::ETAG, etag))
        .insert_header((header::LAST_MODIFIED, header::HttpDate::from(modified)))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(super::attachment::attachment(&name, &name))
        .body(bytes)
}

/// A file's ETag: the first 128 bits of its SHA-256, so it changes exactly when its bytes do.
pub fn content_etag(bytes: &[u8]) -> String {
    etag_of_hash(&format!("{:x}", Sha256::digest(bytes)))
}

/// The content ETag of bytes whose SHA-256 (hex) is known already.
fn etag_of_hash(sha256: &str) -> String {
    format!("\"c{}\"", &sha256[..32])
}

/// `"d<version>-<path hash>"`: an answer's ETag that changes exactly when the data does.
pub fn etag(version: i64, path: &str) -> String {
    let mut hasher = DefaultHasher::new();
    path.hash(&mut hasher);
    format!("\"d{version}-{:016x}\"", hasher.finish())
}

/// 304 for a client that holds the answer with this ETag already.
pub(crate) fn not_modified(req: &HttpRequest, etag: &str) -> Option<HttpResponse> {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| super::cache::matches(t, etag))
        .then(|| {
            HttpResponse::NotModified()
                .insert_header((header::ETAG, etag.to_string()))
                .finish()
        })
}

/// Whether the client's copy is current: If-None-Match, or (without it) If-Modified-Since.
fn fresh(req: &HttpRequest, etag: &str, modified: SystemTime) -> bool {
    if let Some(tags) = req.headers().get(header::IF_NONE_MATCH) {
        return tags.to_str().is_ok_and(|t| super::cache::matches(t, etag));
    }
    req.headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<header::HttpDate>().ok())
        .is_some_and(|since| SystemTime::from(since) >= modified)
}

pub(crate) fn failed(err: AppError) -> HttpResponse {
    let status = match &err {
        AppError::NotFound(_) | AppError::Gone { .. } => StatusCode::NOT_FOUND,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    err.log();
    let message = err.message().to_string();
    let mut r = HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(format!("{message}\n"));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_back_from_its_path() {
        let files = File::all();
        assert_eq!(files.len(), 2 + 5 * 7);
        for f in files {
            assert_eq!(File::parse(&f.path()), Some(f.clone()), "{}", f.path());
        }
        assert_eq!(File::parse("all/targets.xlsx"), None);
        assert_eq!(File::parse("mars/targets.csv"), None);
        assert_eq!(File::parse("all/secrets.csv"), None);
        assert_eq!(File::parse("../etc/passwd"), None);
    }
}
