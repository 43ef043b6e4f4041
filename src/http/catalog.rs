//! `GET /catalog.jsonld`: a DCAT-AP catalog in JSON-LD, the form CKAN's DCAT harvester and
//! most open-data portals read. One dataset for all four plans and one per plan, and one per
//! frozen evaluation (`catalog_evaluations`); every download is a distribution with its URL,
//! media type and byte size; the GraphQL API is a data service.

use std::time::{Duration, UNIX_EPOCH};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde_json::{json, Value};

use super::downloads::{self, Downloads, File};
use crate::error::AppError;
use crate::export::Format;
use crate::repo::{self, Stamp};
use crate::version::DataVersion;

/// Publisher of the source document.
const PUBLISHER: &str = "昌乐县人民政府";
/// The licence the catalog states for the data (an operator may have to change it).
const LICENSE: &str = "http://creativecommons.org/licenses/by/4.0/";

/// `GET /catalog.jsonld`.
pub async fn catalog(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
    downloads: web::Data<Downloads>,
) -> HttpResponse {
    let Stamp {
        version,
        changed_at,
        ..
    } = match version.stamp(db.get_ref()).await {
        Ok(stamp) => stamp,
        Err(e) => return downloads::failed(e.into()),
    };
    // The base is part of the answer, so of its tag: a derived one from another Host is
    // another answer.
    let (base, configured) = super::base::of(&req);
    let etag = downloads::etag(version, &format!("catalog.jsonld {base}"));
    if let Some(unchanged) = downloads::not_modified(&req, &etag) {
        return unchanged;
    }
    match build(db.get_ref(), &downloads, &base, version, changed_at).await {
        Ok(body) => HttpResponse::Ok()
            .content_type("application/ld+json")
            .insert_header((header::VARY, super::base::vary(configured)))
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(body.to_string()),
        Err(e) => downloads::failed(e),
    }
}

/// What every part of the catalog says the same way: where it is served, the document, when
/// the data last changed, who publishes it.
struct Common<'a> {
    base: &'a str,
    document: &'a entity::document::Model,
    modified: String,
    publisher: Value,
}

/// The catalog for a server reached at `base`.
pub async fn build(
    db: &DatabaseConnection,
    downloads: &Downloads,
    base: &str,
    version: i64,
    changed_at: i64,
) -> Result<Value, AppError> {
    let document = repo::export::document(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no document is imported".into()))?;
    let plans = repo::plans(db).await?;
    let modified: DateTime<Utc> =
        (UNIX_EPOCH + Duration::from_secs(u64::try_from(changed_at).unwrap_or(0))).into();
    let common = Common {
        base,
        document: &document,
        modified: modified.to_rfc3339(),
        publisher: json!({
            "@id": format!("{base}/catalog.jsonld#publisher"),
            "@type": "foaf:Agent",
            "foaf:name": { "@value": PUBLISHER, "@language": "zh-CN" },
        }),
    };
    let mut files = Vec::new();
    for file in File::all() {
        let bytes = downloads.bytes(db, &file, version).await?;
        files.push((file, bytes.len()));
    }
    let mut datasets = vec![all_plans(&common, &plans, &files)];
    datasets.extend(plans.iter().map(|plan| one_plan(&common, plan, &files)));
    datasets
        .extend(super::catalog_evaluations::datasets(db, base, &common.publisher, LICENSE).await?);
    Ok(catalog_of(&common, &plans, datasets))
}

/// The catalog around its datasets, with the GraphQL API as its data service.
fn catalog_of(common: &Common<'_>, plans: &[entity::plan::Model], datasets: Vec<Value>) -> Value {
    let base = common.base;
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "spdx": "http://spdx.org/rdf/terms#",
        },
        "@id": format!("{base}/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": { "@value": "昌乐县发展规划开放数据（plangraph）", "@language": "zh-CN" },
        "dct:description": {
            "@value": format!("{}所载规划的目标与监测数据：下载文件与 GraphQL 接口。", common.document.number),
            "@language": "zh-CN",
        },
        "dct:publisher": common.publisher,
        "dct:modified": { "@value": common.modified, "@type": "xsd:dateTime" },
        "dct:license": { "@id": LICENSE },
        "dcat:dataset": datasets,
        "dcat:service": {
            "@id": format!("{base}/graphql"),
            "@type": "dcat:DataService",
            "dct:title": "plangraph GraphQL API",
            "dcat:endpointURL": { "@id": format!("{base}/graphql") },
            "dcat:endpointDescription": { "@id": format!("{base}/schema.graphql") },
            "dcat:landingPage": { "@id": format!("{base}/graphql") },
            "dcat:servesDataset": plans
                .iter()
                .map(|p| json!({ "@id": format!("{base}/catalog.jsonld#{}", p.code) }))
                .chain(std::iter::once(json!({ "@id": format!("{base}/catalog.jsonld#all") })))
                .collect::<Vec<_>>(),
        },
    })
}

/// What tells one dataset from another; the rest of a dataset is the same for all.
struct About<'a> {
    /// The fragment of its `@id` and the tail of its `dct:identifier`.
    name: &'a str,
    title: &'a str,
    description: String,
    years: (i32, i32),
    landing: String,
    keyword: &'a [&'a str],
}

/// A dataset with the files `own` picks as its distributions.
fn dataset(
    common: &Common<'_>,
    about: About<'_>,
    files: &[(File, usize)],
    own: impl Fn(&File) -> bool,
) -> Value {
    let (base, document) = (common.base, common.document);
    json!({
        "@id": format!("{base}/catalog.jsonld#{}", about.name),
        "@type": "dcat:Dataset",
        "dct:identifier": format!("changle-plans-{}", about.name),
        "dct:title": { "@value": about.title, "@language": "zh-CN" },
        "dct:description": { "@value": about.description, "@language": "zh-CN" },
        "dct:publisher": common.publisher.clone(),
        "dct:issued": { "@value": document.issue_date.to_string(), "@type": "xsd:date" },
        "dct:modified": { "@value": common.modified, "@type": "xsd:dateTime" },
        "dct:temporal": period(about.years.0, about.years.1),
        "dct:license": { "@id": LICENSE },
        "dcat:landingPage": { "@id": about.landing },
        "dcat:keyword": keywords(about.keyword),
        "dcat:distribution": files
            .iter()
            .filter(|(f, _)| own(f))
            .map(|(f, size)| distribution(common, f, *size))
            .collect::<Vec<_>>(),
    })
}

/// The dataset of all four plans: the whole-document files and the source.
fn all_plans(common: &Common<'_>, plans: &[entity::plan::Model], files: &[(File, usize)]) -> Value {
    let document = common.document;
    let about = About {
        name: "all",
        title: &document.title,
        description: format!(
            "{}《{}》所载四个规划（2021—2025年）的目标、指标年度数值与部门分工。",
            document.number, document.title
        ),
        years: (
            plans.iter().map(|p| p.period_start).min().unwrap_or(2021),
            plans.iter().map(|p| p.period_end).max().unwrap_or(2025),
        ),
        landing: format!("{}/plans", common.base),
        keyword: &["妇女", "儿童", "健康", "防震减灾"],
    };
    let whole =
        |f: &File| matches!(f, File::Source | File::SourceChecksum) || f.path().starts_with("all");
    let mut d = dataset(common, about, files, whole);
    d["dct:language"] =
        json!({ "@id": "http://publications.europa.eu/resource/authority/language/ZHO" });
    d
}

/// One plan's dataset: the files of its scope.
fn one_plan(common: &Common<'_>, plan: &entity::plan::Model, files: &[(File, usize)]) -> Value {
    let about = About {
        name: &plan.code,
        title: &plan.title,
        description: format!(
            "《{}》的目标、指标年度数值与部门分工（{}）。",
            plan.title, common.document.number
        ),
        years: (plan.period_start, plan.period_end),
        landing: format!("{}/plans/{}", common.base, plan.code),
        keyword: &[plan_keyword(&plan.code)],
    };
    let own = |f: &File| match f {
        File::Table { scope, .. } | File::Workbook { scope } => *scope == plan.code,
        _ => false,
    };
    let mut d = dataset(common, about, files, own);
    d["dct:isPartOf"] = json!({ "@id": format!("{}/catalog.jsonld#all", common.base) });
    d
}

/// A download as a distribution: its URLs, media type, size and, for the source, checksum.
fn distribution(common: &Common<'_>, file: &File, size: usize) -> Value {
    let url = format!("{}/downloads/{}", common.base, file.path());
    let (media, format_name) = media_of(file);
    let title = match file {
        File::Table { table, .. } => format!("{table} ({format_name})"),
        File::Workbook { .. } => "targets, values, departments (XLSX workbook)".to_string(),
        File::Source => format!("{} 原文 (source document)", common.document.number),
        File::SourceChecksum => "SHA-256 of the source document".to_string(),
    };
    let mut d = json!({
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": title,
        "dcat:downloadURL": { "@id": url },
        "dcat:accessURL": { "@id": url },
        "dcat:mediaType": { "@id": format!("https://www.iana.org/assignments/media-types/{media}") },
        "dct:format": format_name,
        "dcat:byteSize": { "@value": size.to_string(), "@type": "xsd:nonNegativeInteger" },
        "dct:license": { "@id": LICENSE },
        "dct:modified": { "@value": common.modified, "@type": "xsd:dateTime" },
    });
    if matches!(file, File::Source) {
        d["spdx:checksum"] = json!({
            "@type": "spdx:Checksum",
            "spdx:algorithm": { "@id": "spdx:checksumAlgorithm_sha256" },
            "spdx:checksumValue": common.document.sha256,
        });
    }
    d
}

/// A file's media type and format name.
fn media_of(file: &File) -> (&'static str, &'static str) {
    let format = match file {
        File::Table { format, .. } => *format,
        File::Workbook { .. } => Format::Xlsx,
        File::Source | File::SourceChecksum => return ("text/plain", "TXT"),
    };
    match format {
        Format::Csv => ("text/csv", "CSV"),
        Format::Json => ("application/json", "JSON"),
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "XLSX",
        ),
    }
}

/// A period of whole years.
fn period(start: i32, end: i32) -> Value {
    json!({
        "@type": "dct:PeriodOfTime",
        "dcat:startDate": { "@value": format!("{start}-01-01"), "@type": "xsd:date" },
        "dcat:endDate": { "@value": format!("{end}-12-31"), "@type": "xsd:date" },
    })
}

/// The keywords every dataset has, and `extra`, in Chinese.
fn keywords(extra: &[&str]) -> Vec<Value> {
    let mut k = vec!["昌乐县", "发展规划", "十四五", "指标", "监测"];
    k.extend_from_slice(extra);
    k.into_iter()
        .map(|w| json!({ "@value": w, "@language": "zh-CN" }))
        .collect()
}

fn plan_keyword(code: &str) -> &'static str {
    match code {
        "women" => "妇女发展",
        "children" => "儿童发展",
        "health" => "卫生健康",
        "earthquake" => "防震减灾",
        _ => "规划",
    }
}
