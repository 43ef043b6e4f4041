//! Departments' self-assessments as the API reads them: a page of them (who may see which is
//! the caller's filter), and the approved ones of a round for an evaluation's targets.

use std::collections::HashMap;

use entity::{department, self_assessment};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::page::{self, Page, PageArgs, SortKey};
use crate::error::AppError;

/// A self-assessment with its department's name.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub row: self_assessment::Model,
    pub department: String,
}

/// Which self-assessments to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kind: Option<String>,
    pub through_year: Option<i32>,
    pub status: Option<String>,
    /// Only those with this status, or this department's whatever their status (a
    /// submitter sees the approved ones and its own).
    pub public_or_department: Option<(String, i32)>,
}

/// The names of the rows' departments, by id.
async fn names(
    db: &impl ConnectionTrait,
    rows: &[&self_assessment::Model],
) -> Result<HashMap<i32, String>, AppError> {
    Ok(super::departments::names(db, rows.iter().map(|r| r.department_id)).await?)
}

fn named(names: &HashMap<i32, String>, row: self_assessment::Model) -> Assessed {
    Assessed {
        department: names.get(&row.department_id).cloned().unwrap_or_default(),
        row,
    }
}

/// One page, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    args: &PageArgs,
) -> Result<Page<Assessed>, AppError> {
    use self_assessment::Column as C;
    let mut q = self_assessment::Entity::find();
    if let Some(kind) = &filter.kind {
        q = q.filter(C::Kind.eq(kind.as_str()));
    }
    if let Some(year) = filter.through_year {
        q = q.filter(C::ThroughYear.eq(year));
    }
    if let Some(status) = &filter.status {
        q = q.filter(C::Status.eq(status.as_str()));
    }
    if let Some((status, id)) = &filter.public_or_department {
        q = q.filter(C::Status.eq(status.as_str()).or(C::DepartmentId.eq(*id)));
    }
    let keyset = super::values::newest_first(C::Id);
    let found = page::page(db, q, &keyset, args, |m| SortKey::Ints(m.id, m.id), |m| m).await?;
    let rows: Vec<&self_assessment::Model> = found.edges.iter().map(|(_, n)| n).collect();
    let names = names(db, &rows).await?;
    Ok(found.map(|row| named(&names, row)))
}

/// The approved self-assessments of a round (kind and year) for these targets, by target.
pub async fn approved_for(
    db: &impl ConnectionTrait,
    kind: &str,
    through_year: i32,
    target_ids: &[i32],
) -> Result<HashMap<i32, Vec<Assessed>>, AppError> {
    use self_assessment::Column as C;
    let rows = self_assessment::Entity::find()
        .filter(C::Kind.eq(kind))
        .filter(C::ThroughYear.eq(through_year))
        .filter(C::Status.eq(crate::rules::self_assessment::APPROVED))
        .filter(C::TargetId.is_in(target_ids.iter().copied()))
        .all(db)
        .await?;
    let names = names(db, &rows.iter().collect::<Vec<_>>()).await?;
    let mut out: HashMap<i32, Vec<Assessed>> = HashMap::new();
    for row in rows {
        out.entry(row.target_id)
            .or_default()
            .push(named(&names, row));
    }
    for list in out.values_mut() {
        list.sort_by_key(|a| a.row.department_id);
    }
    Ok(out)
}

/// A department's name (empty if it is gone).
pub async fn department_name(db: &impl ConnectionTrait, id: i32) -> Result<String, AppError> {
    Ok(department::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|d| d.name)
        .unwrap_or_default())
}
