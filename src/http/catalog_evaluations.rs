//! The catalog's entries for frozen evaluations: one `dcat:Dataset` each, versioned (its
//! number, `dcat:previousVersion` the evaluation it revises), with its files as
//! distributions carrying their size and SHA-256 — the same the manifest gives.

use sea_orm::DatabaseConnection;
use serde_json::{json, Value};

use crate::error::AppError;
use crate::export::evaluation as release;
use crate::ids::{self, Kind};
use crate::repo::evaluations as repo;

/// The datasets of every evaluation, oldest first, for a catalog at `base`.
pub async fn datasets(
    db: &DatabaseConnection,
    base: &str,
    publisher: &Value,
    license: &str,
) -> Result<Vec<Value>, AppError> {
    let mut out = Vec::new();
    for e in repo::all(db).await? {
        let items = repo::all_items(db, e.id).await?;
        let files = release::files(&e, &items).map_err(|err| {
            AppError::internal(format!("the workbook of evaluation {}: {err}", e.id))
        })?;
        out.push(dataset(&e, &files, base, publisher, license));
    }
    Ok(out)
}

fn node(base: &str, id: i32) -> String {
    format!("{base}/catalog.jsonld#evaluation-{id}")
}

fn dataset(
    e: &entity::evaluation::Model,
    files: &[(String, crate::export::Format, Vec<u8>)],
    base: &str,
    publisher: &Value,
    license: &str,
) -> Value {
    let id = ids::encode(Kind::Evaluation, e.id).0;
    let scope = e.plan_code.as_deref().unwrap_or("all");
    let kind = crate::rules::evaluation::Kind::parse(&e.kind)
        .unwrap_or(crate::rules::evaluation::Kind::Annual);
    let title = crate::rules::evaluation::title(kind, e.plan_code.as_deref(), e.through_year);
    let frozen = e
        .frozen_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let distributions: Vec<Value> = files
        .iter()
        .map(|(name, format, bytes)| {
            let url = format!("{base}/evaluations/{id}.{}", format.extension());
            let media = format.media_type().split(';').next().unwrap_or("");
            json!({
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": name,
                "dcat:downloadURL": { "@id": url },
                "dcat:accessURL": { "@id": url },
                "dcat:mediaType": { "@id": format!("https://www.iana.org/assignments/media-types/{media}") },
                "dct:format": format.extension().to_uppercase(),
                "dcat:byteSize": { "@value": bytes.len().to_string(), "@type": "xsd:nonNegativeInteger" },
                "dct:license": { "@id": license },
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": { "@id": "spdx:checksumAlgorithm_sha256" },
                    "spdx:checksumValue": release::sha256_hex(bytes),
                },
            })
        })
        .collect();
    let mut d = json!({
        "@id": node(base, e.id),
        "@type": "dcat:Dataset",
        "dct:identifier": release::file_name(e, crate::export::Format::Csv).trim_end_matches(".csv"),
        "dct:title": { "@value": title, "@language": "zh-CN" },
        "dct:description": {
            "@value": format!("{}：{} 个目标按其截至{}年的已发布数值分类（提前实现/已实现、快于预期、基本符合预期、滞后、未实现、无数据）及达标率；冻结后不再改变。", kind.chinese(), e.item_count, e.through_year),
            "@language": "zh-CN",
        },
        "dct:publisher": publisher,
        "dct:issued": { "@value": frozen, "@type": "xsd:dateTime" },
        "dct:license": { "@id": license },
        "dcat:version": e.id.to_string(),
        "dcat:landingPage": { "@id": format!("{base}/evaluations/{id}") },
        "dct:relation": { "@id": format!("{base}/catalog.jsonld#{scope}") },
        "dcat:distribution": distributions,
    });
    if let Some(prior) = e.revises_id {
        d["dcat:previousVersion"] = json!({ "@id": node(base, prior) });
    }
    d
}
