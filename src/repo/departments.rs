//! Departments by filter, in name order.

use entity::{department, department_alias};
use sea_orm::sea_query::{Expr, Query};
use std::collections::HashMap;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::page::{self, Keyset, Page, PageArgs, SortKey};
use crate::domain::DepartmentKind;
use crate::error::AppError;

/// Which departments; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct DepartmentFilter {
    pub kind: Option<DepartmentKind>,
    /// A substring of the canonical name or of any published spelling.
    pub text: Option<String>,
}

/// The names of departments by id (ids may repeat).
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>, DbErr> {
    let mut ids: Vec<i32> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(department::Entity::find()
        .filter(department::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect())
}

/// One page of the departments a filter selects, by canonical name.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &DepartmentFilter,
    args: &PageArgs,
) -> Result<Page<department::Model>, AppError> {
    let mut select = department::Entity::find();
    if let Some(kind) = filter.kind {
        select = select.filter(department::Column::Kind.eq(kind));
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = select.filter(
            Condition::any()
                .add(page::contains(department::Column::Name, text))
                .add(
                    department::Column::Id.in_subquery(
                        Query::select()
                            .column(department_alias::Column::DepartmentId)
                            .from(department_alias::Entity)
                            .and_where(page::contains(department_alias::Column::Alias, text))
                            .to_owned(),
                    ),
                ),
        );
    }
    let keyset = Keyset {
        first: Expr::col(department::Column::Name),
        second: Expr::col(department::Column::Id),
        descending: false,
        text: true,
    };
    page::page(
        db,
        select,
        &keyset,
        args,
        |m| SortKey::Text(m.name.clone(), m.id),
        |m| m,
    )
    .await
}
