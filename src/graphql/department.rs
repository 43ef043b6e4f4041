//! `Department`: a department under its canonical name, and the root fields that find them.

use async_graphql::{Context, Object};
use entity::{department, department_alias};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::enums::DepartmentKind;
use super::loaders::AliasesOfDepartment;
use super::{load_one, store};
use crate::error::{ApiResult, AppError};

/// A department, normalised to one canonical name (县卫健局, 县委宣传部, 团县委 …).
pub struct Department(pub department::Model);

/// A department, normalised to one canonical name (县卫健局, 县委宣传部, 团县委 …).
#[Object]
impl Department {
    /// Canonical name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What sort of body it is.
    async fn kind(&self) -> ApiResult<DepartmentKind> {
        Ok(DepartmentKind::from_stored(&self.0.kind)?)
    }

    /// Other spellings the document uses for it (e.g. 发改局).
    async fn aliases(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let rows = load_one(ctx, AliasesOfDepartment(self.0.id)).await?;
        Ok(rows.into_iter().map(|a| a.alias).collect())
    }
}

/// Root fields for departments.
#[derive(Default)]
pub struct DepartmentQuery;

#[Object]
impl DepartmentQuery {
    /// All departments, by canonical name.
    async fn departments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Department>> {
        let rows = department::Entity::find()
            .order_by_asc(department::Column::Name)
            .all(store(ctx)?)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(Department).collect())
    }

    /// One department by its canonical name or any spelling the document uses; null if none.
    async fn department(&self, ctx: &Context<'_>, name: String) -> ApiResult<Option<Department>> {
        let db = store(ctx)?;
        let name = name.trim().to_string();
        if let Some(row) = department::Entity::find()
            .filter(department::Column::Name.eq(name.as_str()))
            .one(db)
            .await
            .map_err(AppError::from)?
        {
            return Ok(Some(Department(row)));
        }
        let Some(alias) = department_alias::Entity::find()
            .filter(department_alias::Column::Alias.eq(name))
            .one(db)
            .await
            .map_err(AppError::from)?
        else {
            return Ok(None);
        };
        let row = department::Entity::find_by_id(alias.department_id)
            .one(db)
            .await
            .map_err(AppError::from)?;
        Ok(row.map(Department))
    }
}
