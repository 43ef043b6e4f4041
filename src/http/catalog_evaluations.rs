//! The catalog's entries for frozen evaluations: one `dcat:Dataset` each, versioned (its
//! number, `dcat:previousVersion` the evaluation it revises), with its files as
//! distributions carrying their size and SHA-256 — the same the manifest gives.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use sea_orm::DatabaseConnection;
use serde_json::{json, Value};

use super::dcat::{self, both, FileFacts};
use crate::error::AppError;
use crate::export::evaluation as release;
use crate::export::Format;
use crate::ids::{self, Kind};
use crate::repo::evaluations as repo;

/// One released file of an evaluation, as the catalog describes it.
#[derive(Debug, Clone)]
pub struct Released {
    name: String,
    format: Format,
    size: usize,
    sha256: String,
}

/// The released files of each evaluation, made once per process: a frozen evaluation never
/// changes, so a catalog request builds no workbook for it again (anonymous clients fetch the
/// catalog without `If-None-Match` as often as they like). A few hundred bytes an evaluation.
#[derive(Default)]
pub struct ReleasedFiles(Mutex<HashMap<i32, Arc<[Released]>>>);

impl ReleasedFiles {
    async fn of(
        &self,
        db: &DatabaseConnection,
        e: &entity::evaluation::Model,
    ) -> Result<Arc<[Released]>, AppError> {
        if let Some(kept) = self.lock().get(&e.id) {
            return Ok(Arc::clone(kept));
        }
        let items = repo::all_items(db, e.id).await?;
        let files = release::files(e, &items).map_err(|err| {
            AppError::internal(format!("the workbook of evaluation {}: {err}", e.id))
        })?;
        let facts: Arc<[Released]> = files
            .iter()
            .map(|(name, format, bytes)| Released {
                name: name.clone(),
                format: *format,
                size: bytes.len(),
                sha256: release::sha256_hex(bytes),
            })
            .collect();
        self.lock().insert(e.id, Arc::clone(&facts));
        Ok(facts)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i32, Arc<[Released]>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The datasets of every evaluation, oldest first, for a catalog at `base`.
pub async fn datasets(
    db: &DatabaseConnection,
    released: &ReleasedFiles,
    base: &str,
    plans: &[entity::plan::Model],
    (publisher, contact): (&Value, &Value),
) -> Result<Vec<Value>, AppError> {
    let mut out = Vec::new();
    for e in repo::all(db).await? {
        let files = released.of(db, &e).await?;
        // An evaluation covers its plan's period (all plans': the earliest start) to its year.
        let start = plans
            .iter()
            .filter(|p| e.plan_code.as_deref().is_none_or(|c| c == p.code))
            .map(|p| p.period_start)
            .min()
            .unwrap_or(e.through_year);
        out.push(dataset(&e, &files, base, start, (publisher, contact)));
    }
    Ok(out)
}

fn node(base: &str, id: i32) -> String {
    format!("{base}/catalog.jsonld#evaluation-{id}")
}

fn dataset(
    e: &entity::evaluation::Model,
    files: &[Released],
    base: &str,
    start: i32,
    (publisher, contact): (&Value, &Value),
) -> Value {
    let id = ids::encode(Kind::Evaluation, e.id).0;
    let scope = e.plan_code.as_deref().unwrap_or("all");
    let kind = crate::rules::evaluation::Kind::parse(&e.kind)
        .unwrap_or(crate::rules::evaluation::Kind::Annual);
    let title = crate::rules::evaluation::title_of(e);
    let kind_en = match kind {
        crate::rules::evaluation::Kind::Annual => "Annual monitoring",
        crate::rules::evaluation::Kind::Midterm => "Mid-term evaluation",
        crate::rules::evaluation::Kind::Final => "Final evaluation",
    };
    let title_en = format!(
        "{kind_en} through {}: {}",
        e.through_year,
        crate::publisher::english_title(scope)
    );
    let frozen = e
        .frozen_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let distributions: Vec<Value> = files
        .iter()
        .map(|file| {
            let ext = file.format.extension();
            dcat::distribution(FileFacts {
                url: format!("{base}/evaluations/{id}.{ext}"),
                title: (
                    file.name.clone(),
                    format!("{title_en} ({})", ext.to_uppercase()),
                ),
                description: (
                    "每个目标一行：分类、依据的数值与理由；冻结后内容不再改变。".into(),
                    "One row per target: its class, the value it rests on and the reason; \
                     frozen, the content never changes."
                        .into(),
                ),
                media: file.format.media_type().split(';').next().unwrap_or(""),
                extension: ext,
                size: file.size,
                sha256: Some(file.sha256.clone()),
                modified: None,
            })
        })
        .collect();
    let mut d = json!({
        "@id": node(base, e.id),
        "@type": "dcat:Dataset",
        "dct:identifier": release::file_name(e, Format::Csv).trim_end_matches(".csv"),
        "dct:title": both(&title, &title_en),
        "dct:description": both(
            &format!("{}：{} 个目标按其截至{}年的已发布数值分类（提前实现/已实现、快于预期、基本符合预期、滞后、未实现、无数据）及达标率；冻结后不再改变。", kind.chinese(), e.item_count, e.through_year),
            &format!("{title_en}: {} targets classed by their values published through {}, with the achievement rate; frozen, never changed.", e.item_count, e.through_year),
        ),
        "dct:publisher": publisher,
        "dcat:contactPoint": contact,
        "dct:issued": dcat::date_time(&frozen),
        "dct:license": dcat::license(),
        "dct:language": dcat::language(),
        "dct:spatial": dcat::spatial(base),
        "dcat:theme": dcat::theme(scope),
        "dcat:keyword": [{ "@value": "评估", "@language": "zh-CN" }, { "@value": "evaluation", "@language": "en" }],
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": { "@value": format!("{start}-01-01"), "@type": "xsd:date" },
            "dcat:endDate": { "@value": format!("{}-12-31", e.through_year), "@type": "xsd:date" },
        },
        "dcat:version": e.id.to_string(),
        "dcat:landingPage": dcat::document(&format!("{base}/evaluations/{id}")),
        "dct:relation": { "@id": format!("{base}/catalog.jsonld#{scope}") },
        "dcat:distribution": distributions,
    });
    if let Some(prior) = e.revises_id {
        d["dcat:previousVersion"] = json!({ "@id": node(base, prior) });
    }
    d
}
