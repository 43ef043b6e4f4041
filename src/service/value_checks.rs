//! What a reviewer weighs a value by before approving it: the statistics bureau's quality
//! checks and, for a measure reported by breakdown, the consistency of its year's cells.

use entity::{indicator, indicator_value};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::error::AppError;

/// The quality checks' findings on a value (published totals of earlier years as the series
/// a total is judged against; a cell has none) and the consistency rules' of its year's cells.
pub async fn checks(
    db: &impl ConnectionTrait,
    value: &indicator_value::Model,
) -> Result<Vec<crate::rules::quality::Check>, AppError> {
    let indicator = indicator::Entity::find_by_id(value.indicator_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a value without its indicator"))?;
    let series = if value.breakdown.is_empty() {
        crate::repo::targets::series_of_many(db, &[value.indicator_id]).await?
    } else {
        Default::default()
    };
    let earlier = series
        .get(&value.indicator_id)
        .map_or(&[][..], Vec::as_slice);
    let mut found =
        crate::rules::quality::checks(indicator.unit.as_deref(), earlier, value.year, value.value);
    if let Some(declared) = crate::repo::declarations::of(db, indicator.id).await? {
        found.extend(
            crate::repo::cells::review_checks(
                db,
                &declared,
                indicator.id,
                value.year,
                &crate::breakdowns::Cell::parse(&value.breakdown).unwrap_or_default(),
            )
            .await?,
        );
    }
    Ok(found)
}

/// Approving a value the checks warn about needs the reviewer's comment saying why it stands.
pub(crate) async fn warned_needs_comment(
    db: &impl ConnectionTrait,
    value: &indicator_value::Model,
    comment: Option<&str>,
) -> Result<(), AppError> {
    if comment.is_some_and(|c| !c.trim().is_empty()) {
        return Ok(());
    }
    let found = checks(db, value).await?;
    if found.is_empty() {
        return Ok(());
    }
    Err(AppError::Invalid {
        message: format!(
            "the quality checks found {}: approving it needs a comment saying why the value stands",
            found.iter().map(|c| c.code).collect::<Vec<_>>().join(", ")
        ),
        details: serde_json::json!(found
            .iter()
            .map(|c| serde_json::json!({ "field": "comment", "code": "COMMENT_REQUIRED", "check": c.code, "message": c.message }))
            .collect::<Vec<_>>()),
    })
}
