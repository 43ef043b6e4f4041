//! A template made before the obligations for its year changed: refused as a whole, naming
//! what changed, so a department never fills in cells no longer owed or misses new ones.

use std::collections::HashSet;

use entity::indicator;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::AppError;
use crate::reporting::grid::Grid;

/// What changed in the obligations for the template's year since the template was made, when
/// the store's structure moved and they differ: a template that asks for cells no longer
/// owed, or lacks cells now owed, is refused as a whole. A department's template is compared
/// with that department's obligations, the monitoring office's (`all`) with everyone's.
pub(super) async fn outdated(
    db: &impl ConnectionTrait,
    grid: &Grid,
) -> Result<Option<String>, AppError> {
    let meta = &grid.meta.pairs;
    let number = |key: &str| meta.get(key).and_then(|v| v.parse::<i64>().ok());
    let (Some(structure), Some(year), Some(named)) =
        (number("structure"), number("year"), meta.get("department"))
    else {
        return Ok(None);
    };
    if crate::repo::data_version(db).await?.structure == structure {
        return Ok(None);
    }
    let year = i32::try_from(year).unwrap_or(0);
    let department = if named == "all" {
        None
    } else {
        // A name no longer in the store: the rows' own checks say what is wrong.
        match crate::repo::department_by_name(db, named).await {
            Ok(d) => Some(d.id),
            Err(AppError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        }
    };
    let now = crate::repo::templates::obligations(db, department, year).await?;
    let owed: HashSet<i32> = now
        .iter()
        .filter(|o| o.year == year)
        .map(|o| o.indicator.id)
        .collect();
    let listed: HashSet<i32> = grid
        .meta
        .rows
        .iter()
        .filter(|(_, y)| *y == year)
        .map(|(i, _)| *i)
        .collect();
    if owed == listed {
        return Ok(None);
    }
    let names = |ids: Vec<i32>| async move {
        let found = indicator::Entity::find()
            .filter(indicator::Column::Id.is_in(ids))
            .all(db)
            .await?;
        Ok::<_, AppError>(
            found
                .into_iter()
                .map(|i| i.name)
                .collect::<Vec<_>>()
                .join("、"),
        )
    };
    let added = names(owed.difference(&listed).copied().collect()).await?;
    let dropped = names(listed.difference(&owed).copied().collect()).await?;
    Ok(Some(format!(
        "模板生成后，{year}年的填报任务已变化（新增：{}；不再填报：{}）：请下载最新模板后重新填报",
        if added.is_empty() { "无" } else { &added },
        if dropped.is_empty() { "无" } else { &dropped },
    )))
}
