//! `GET /catalog.jsonld`: a DCAT-AP 3 catalog in JSON-LD, the form CKAN's DCAT harvester and
//! most open-data portals read, and `GET /catalog.ttl`, the same in Turtle. One dataset for
//! all four plans and one per plan, and one per frozen evaluation (`catalog_evaluations`);
//! every download is a distribution with its URL, media type, size, checksum and the time its
//! content last changed; the GraphQL API is a data service.

use std::time::{Duration, UNIX_EPOCH};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde_json::{json, Value};

use super::dcat::{self, both, FileFacts};
use super::downloads::{self, Built, Downloads, File};
use crate::error::AppError;
use crate::export::Format;
use crate::publisher;
use crate::repo::{self, Stamp};
use crate::version::DataVersion;

/// `GET /catalog.jsonld`.
pub async fn catalog(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
    downloads: web::Data<Downloads>,
) -> HttpResponse {
    serve(req, db, version, downloads, Rdf::JsonLd).await
}

/// `GET /catalog.ttl`: the same catalog in Turtle.
pub async fn turtle(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
    downloads: web::Data<Downloads>,
) -> HttpResponse {
    serve(req, db, version, downloads, Rdf::Turtle).await
}

/// The two forms the catalog is served in.
#[derive(Clone, Copy)]
enum Rdf {
    JsonLd,
    Turtle,
}

async fn serve(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    version: web::Data<DataVersion>,
    downloads: web::Data<Downloads>,
    form: Rdf,
) -> HttpResponse {
    let stamp = match version.stamp(db.get_ref()).await {
        Ok(stamp) => stamp,
        Err(e) => return downloads::failed(e.into()),
    };
    let (name, media) = match form {
        Rdf::JsonLd => ("catalog.jsonld", "application/ld+json"),
        Rdf::Turtle => ("catalog.ttl", "text/turtle; charset=utf-8"),
    };
    // The base is part of the answer, so of its tag: a derived one from another Host is
    // another answer.
    let (base, configured) = super::base::of(&req);
    let etag = downloads::etag(stamp.version, &format!("{name} {base}"));
    if let Some(unchanged) = downloads::not_modified(&req, &etag) {
        return unchanged;
    }
    let doc = match build(db.get_ref(), &downloads, &base, &stamp).await {
        Ok(doc) => doc,
        Err(e) => return downloads::failed(e),
    };
    let body = match form {
        Rdf::JsonLd => doc.to_string(),
        Rdf::Turtle => crate::export::turtle::from_jsonld(&doc),
    };
    HttpResponse::Ok()
        .content_type(media)
        .insert_header((header::VARY, super::base::vary(configured)))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((
            header::LINK,
            format!(
                "<{base}/catalog.jsonld>; rel=\"alternate\"; type=\"application/ld+json\", \
                 <{base}/catalog.ttl>; rel=\"alternate\"; type=\"text/turtle\""
            ),
        ))
        .body(body)
}

/// What every part of the catalog says the same way: where it is served, the document, when
/// the data last changed, who publishes it and whom to ask.
struct Common<'a> {
    base: &'a str,
    document: &'a entity::document::Model,
    modified: String,
    publisher: Value,
    contact: Value,
}

/// Unix seconds as an RFC 3339 date-time.
fn rfc3339(secs: i64) -> String {
    let t: DateTime<Utc> =
        (UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap_or(0))).into();
    t.to_rfc3339()
}

/// The catalog for a server reached at `base`.
pub async fn build(
    db: &DatabaseConnection,
    downloads: &Downloads,
    base: &str,
    stamp: &Stamp,
) -> Result<Value, AppError> {
    let document = repo::export::document(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no document is imported".into()))?;
    let plans = repo::plans(db).await?;
    let common = Common {
        base,
        document: &document,
        modified: rfc3339(stamp.changed_at),
        publisher: dcat::publisher(base),
        contact: dcat::contact(base),
    };
    let mut files = Vec::new();
    for file in File::all() {
        let built = downloads.get(db, &file, stamp).await?;
        files.push((file, built));
    }
    let mut datasets = vec![all_plans(&common, &plans, &files)];
    datasets.extend(plans.iter().map(|plan| one_plan(&common, plan, &files)));
    datasets.extend(
        super::catalog_evaluations::datasets(
            db,
            &downloads.released,
            base,
            &plans,
            (&common.publisher, &common.contact),
        )
        .await?,
    );
    Ok(catalog_of(&common, &plans, datasets))
}

/// The catalog around its datasets, with the GraphQL API as its data service.
fn catalog_of(common: &Common<'_>, plans: &[entity::plan::Model], datasets: Vec<Value>) -> Value {
    let base = common.base;
    json!({
        "@context": dcat::context(),
        "@id": format!("{base}/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": both("昌乐县发展规划开放数据（plangraph）", "Changle County development plans open data (plangraph)"),
        "dct:description": both(
            &format!("{}所载规划的目标与监测数据：下载文件与 GraphQL 接口。", common.document.number),
            "Targets and monitoring figures of the plans in Changle County's document \
             Lezhengzi [2022] No. 16: downloads and a GraphQL API.",
        ),
        "dct:publisher": common.publisher,
        "dct:issued": { "@value": common.document.issue_date.to_string(), "@type": "xsd:date" },
        "dct:modified": dcat::date_time(&common.modified),
        "dct:license": dcat::license(),
        "dct:language": dcat::language(),
        "dct:spatial": dcat::spatial(base),
        "dcat:themeTaxonomy": dcat::theme_taxonomy(),
        "foaf:homepage": dcat::document(&format!("{base}/")),
        "dcat:dataset": datasets,
        "dcat:service": service(common, plans),
    })
}

/// The GraphQL API as a data service serving every plan dataset.
fn service(common: &Common<'_>, plans: &[entity::plan::Model]) -> Value {
    let base = common.base;
    json!({
        "@id": format!("{base}/graphql"),
        "@type": "dcat:DataService",
        "dct:title": both("plangraph GraphQL 接口", "plangraph GraphQL API"),
        "dcat:endpointURL": { "@id": format!("{base}/graphql") },
        "dcat:endpointDescription": dcat::document(&format!("{base}/schema.graphql")),
        "dcat:landingPage": dcat::document(&format!("{base}/graphql")),
        "dct:conformsTo": { "@id": "https://spec.graphql.org/October2021/", "@type": "dct:Standard" },
        "dct:publisher": common.publisher.clone(),
        "dcat:contactPoint": common.contact.clone(),
        "dcat:theme": dcat::theme("all"),
        "dcat:keyword": keywords(&["GraphQL"]),
        "dct:license": dcat::license(),
        "dcat:servesDataset": plans
            .iter()
            .map(|p| json!({ "@id": format!("{base}/catalog.jsonld#{}", p.code) }))
            .chain(std::iter::once(json!({ "@id": format!("{base}/catalog.jsonld#all") })))
            .collect::<Vec<_>>(),
    })
}

/// What tells one dataset from another; the rest of a dataset is the same for all.
struct About<'a> {
    /// The fragment of its `@id`, the tail of its `dct:identifier`, and its theme's key.
    name: &'a str,
    title: &'a str,
    description: String,
    description_en: String,
    years: (i32, i32),
    landing: String,
    keyword: &'a [&'a str],
}

/// A dataset with the files `own` picks as its distributions. Its modification time is
/// its newest file's, so a change in another plan does not move it.
fn dataset(
    common: &Common<'_>,
    about: About<'_>,
    files: &[(File, Built)],
    own: impl Fn(&File) -> bool,
) -> Value {
    let (base, document) = (common.base, common.document);
    let mine: Vec<&(File, Built)> = files.iter().filter(|(f, _)| own(f)).collect();
    let modified = mine.iter().map(|(_, b)| b.modified).max().map(rfc3339);
    json!({
        "@id": format!("{base}/catalog.jsonld#{}", about.name),
        "@type": "dcat:Dataset",
        "dct:identifier": format!("changle-plans-{}", about.name),
        "dct:title": both(about.title, publisher::english_title(about.name)),
        "dct:description": both(&about.description, &about.description_en),
        "dct:publisher": common.publisher.clone(),
        "dcat:contactPoint": common.contact.clone(),
        "dct:issued": { "@value": document.issue_date.to_string(), "@type": "xsd:date" },
        "dct:modified": dcat::date_time(modified.as_deref().unwrap_or(&common.modified)),
        "dct:temporal": period(about.years.0, about.years.1),
        "dct:spatial": dcat::spatial(base),
        "dct:language": dcat::language(),
        "dct:license": dcat::license(),
        "dcat:theme": dcat::theme(about.name),
        "dcat:landingPage": dcat::document(&about.landing),
        "dcat:keyword": keywords(about.keyword),
        "dcat:distribution": mine
            .iter()
            .map(|(f, built)| distribution(common, f, built))
            .collect::<Vec<_>>(),
    })
}

/// The dataset of all four plans: the whole-document files and the source.
fn all_plans(common: &Common<'_>, plans: &[entity::plan::Model], files: &[(File, Built)]) -> Value {
    let document = common.document;
    let about = About {
        name: "all",
        title: &document.title,
        description: format!(
            "{}《{}》所载四个规划（2021—2025年）的目标、指标年度数值与部门分工。",
            document.number, document.title
        ),
        description_en: "Targets, yearly indicator values and the departments responsible, \
                         for the four 2021-2025 plans of Changle County's document \
                         Lezhengzi [2022] No. 16."
            .into(),
        years: (
            plans.iter().map(|p| p.period_start).min().unwrap_or(2021),
            plans.iter().map(|p| p.period_end).max().unwrap_or(2025),
        ),
        landing: format!("{}/plans", common.base),
        keyword: &["妇女", "儿童", "健康", "防震减灾"],
    };
    let whole =
        |f: &File| matches!(f, File::Source | File::SourceChecksum) || f.path().starts_with("all");
    dataset(common, about, files, whole)
}

/// One plan's dataset: the files of its scope.
fn one_plan(common: &Common<'_>, plan: &entity::plan::Model, files: &[(File, Built)]) -> Value {
    let about = About {
        name: &plan.code,
        title: &plan.title,
        description: format!(
            "《{}》的目标、指标年度数值与部门分工（{}）。",
            plan.title, common.document.number
        ),
        description_en: format!(
            "Targets, yearly indicator values and the departments responsible: {}.",
            publisher::english_title(&plan.code)
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

/// A download as a distribution: its URLs, media type, size, checksum and dates.
fn distribution(common: &Common<'_>, file: &File, built: &Built) -> Value {
    let (media, extension) = media_of(file);
    let (title, description) = describe(common, file);
    dcat::distribution(FileFacts {
        url: format!("{}/downloads/{}", common.base, file.path()),
        title,
        description,
        media,
        extension,
        size: built.bytes.len(),
        sha256: Some(built.sha256.clone()),
        modified: Some(rfc3339(built.modified)),
    })
}

/// A download's title and description, in Chinese and English.
fn describe(common: &Common<'_>, file: &File) -> ((String, String), (String, String)) {
    let number = &common.document.number;
    match file {
        File::Table { table, format, .. } => {
            let (zh, en) = table_words(table);
            let ext = format.extension().to_uppercase();
            (
                (format!("{zh}（{ext}）"), format!("{table} ({ext})")),
                (
                    format!(
                        "{zh}，每行一条。列的含义见数据字典 {base}/downloads/dictionary.md ；\
                         列的类型见同目录的 datapackage.json 与 csv-metadata.json 。",
                        base = common.base
                    ),
                    format!(
                        "{en}, one per row; the columns are described in {base}/downloads/dictionary.md \
                         and typed in datapackage.json and csv-metadata.json beside the file.",
                        base = common.base
                    ),
                ),
            )
        }
        File::Workbook { .. } => (
            (
                "工作簿（目标、年度数值、部门分工）".into(),
                "Workbook (targets, values, departments)".into(),
            ),
            (
                "三张表各占一个工作表，另有列说明表 columns。".into(),
                "The three tables as worksheets, with a `columns` sheet describing them.".into(),
            ),
        ),
        File::Described { form, .. } => (
            match form {
                super::downloads::Described::DataPackage => (
                    "Frictionless 数据包".into(),
                    "Frictionless data package".into(),
                ),
                super::downloads::Described::Csvw => ("CSVW 元数据".into(), "CSVW metadata".into()),
            },
            (
                "本范围 CSV 文件的列名、中文表头与类型。".into(),
                "The names, Chinese headers and types of the scope's CSV columns.".into(),
            ),
        ),
        File::Dictionary => (
            ("数据字典".into(), "Data dictionary".into()),
            (
                "每个下载文件的列及其含义。".into(),
                "Every download's columns and what they mean.".into(),
            ),
        ),
        File::Source => (
            (
                format!("{number} 原文"),
                "Source document (plain text)".into(),
            ),
            (
                "发布规划的文件原文，UTF-8 纯文本，逐字节为导入所用文本。".into(),
                "The document that published the plans, as UTF-8 text, byte for byte as imported."
                    .into(),
            ),
        ),
        File::SourceChecksum => (
            (
                "原文 SHA-256 校验值".into(),
                "SHA-256 of the source document".into(),
            ),
            (
                "sha256sum 格式，可用 sha256sum -c 校验原文。".into(),
                "In sha256sum's format: check the source with sha256sum -c.".into(),
            ),
        ),
    }
}

/// A table's name in Chinese and what one row of it is, in English.
fn table_words(table: &str) -> (&'static str, &'static str) {
    match table {
        "targets" => ("目标", "Targets the plans set"),
        "values" => ("指标年度数值", "Published yearly values of the indicators"),
        _ => ("部门分工", "Departments leading or sharing each goal"),
    }
}

/// A file's media type and extension.
fn media_of(file: &File) -> (&'static str, &'static str) {
    let format = match file {
        File::Table { format, .. } => *format,
        File::Workbook { .. } => Format::Xlsx,
        File::Described { .. } => return ("application/json", "json"),
        File::Dictionary => return ("text/markdown", "txt"),
        File::Source | File::SourceChecksum => return ("text/plain", "txt"),
    };
    let media = match format {
        Format::Csv => "text/csv",
        Format::Json => "application/json",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    (media, format.extension())
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
