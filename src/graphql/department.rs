//! `Department`: a department under its canonical name, and the root fields that find them.

use async_graphql::{Context, InputObject, Object, ID};
use entity::department;

use super::enums::{DepartmentKind, Role};
use super::goal::{Goal, GoalConnection};
use super::ids::{self, Kind};
use super::indicator::{Indicator, IndicatorConnection};
use super::pagination::connection;
use super::target::{self, StatusCount, Target, TargetConnection};
use super::{load_one, store};
use crate::domain;
use crate::error::{ApiResult, AppError};
use crate::repo::batch::{AliasesOfDepartment, CountsOf, GoalsOfDepartment, Scope, Work, WorkOf};
use crate::repo::page;

/// A department, normalised to one canonical name (县卫健局, 县委宣传部, 团县委 …).
#[derive(Clone)]
pub struct Department(pub department::Model);

connection!(
    DepartmentConnection,
    DepartmentEdge,
    Department,
    "departments"
);

/// A department, normalised to one canonical name (县卫健局, 县委宣传部, 团县委 …).
#[Object]
impl Department {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Department, self.0.id)
    }

    /// Canonical name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What sort of body it is.
    async fn kind(&self) -> ApiResult<DepartmentKind> {
        Ok(DepartmentKind::from(self.0.kind))
    }

    /// Other spellings the document uses for it (e.g. 发改局).
    async fn aliases(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let rows = load_one(ctx, AliasesOfDepartment(self.0.id)).await?;
        Ok(rows.into_iter().map(|a| a.alias).collect())
    }

    /// Goals whose tag names the department, in document order; `role` narrows to one role.
    async fn goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only goals where the department has this role.")] role: Option<Role>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<GoalConnection> {
        let goals = load_one(ctx, GoalsOfDepartment(self.0.id, role.map(Into::into))).await?;
        let args = super::page_args(ctx, first, after, last, before);
        Ok(page::nested(goals, &args, |g| (g.line_start, g.id), Goal)?.into())
    }

    /// Targets set by goals whose tag names the department, in document order; `role`
    /// narrows to one role.
    async fn targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only targets whose goal gives the department this role.")] role: Option<
            Role,
        >,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<TargetConnection> {
        let work = self.work(ctx, role).await?;
        let args = super::page_args(ctx, first, after, last, before);
        Ok(page::nested(work.targets, &args, |t| (t.line_start, t.ordinal), Target)?.into())
    }

    /// How many of the targets the department's goals set have each status (every status
    /// listed); `role` narrows to one role.
    async fn status_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only targets whose goal gives the department this role.")] role: Option<
            Role,
        >,
        #[graphql(desc = "Assess as of this year (default: every value).")] year: Option<i32>,
    ) -> ApiResult<Vec<StatusCount>> {
        let scope = Scope::Department(self.0.id, role.map(Into::into));
        Ok(load_one(ctx, CountsOf(scope, year))
            .await?
            .into_iter()
            .map(target::to_count)
            .collect())
    }

    /// Indicators with a target set by a goal whose tag names the department, in document
    /// order; `role` narrows to one role.
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only indicators whose goal gives the department this role.")]
        role: Option<Role>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<IndicatorConnection> {
        let work = self.work(ctx, role).await?;
        let args = super::page_args(ctx, first, after, last, before);
        Ok(page::nested(
            work.indicators,
            &args,
            |(position, _)| *position,
            |(_, i)| Indicator(i),
        )?
        .into())
    }
}

impl Department {
    async fn work(&self, ctx: &Context<'_>, role: Option<Role>) -> ApiResult<Work> {
        load_one(ctx, WorkOf(self.0.id, role.map(Into::into))).await
    }
}

/// Which departments to list; all conditions must hold.
#[derive(InputObject, Default, Clone)]
pub struct DepartmentFilter {
    /// What sort of body.
    pub kind: Option<DepartmentKind>,
    /// Substring of the canonical name or of any published spelling.
    pub text: Option<String>,
}

/// Root fields for departments.
#[derive(Default)]
pub struct DepartmentQuery;

#[Object]
impl DepartmentQuery {
    /// Departments by canonical name, filtered and paged (Relay connection, 1–100 per page).
    async fn departments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which departments.")] filter: Option<DepartmentFilter>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<DepartmentConnection> {
        let filter = filter.unwrap_or_default();
        let filter = crate::repo::departments::DepartmentFilter {
            kind: filter.kind.map(domain::DepartmentKind::from),
            text: filter.text,
        };
        let args = super::page_args(ctx, first, after, last, before);
        let page = crate::repo::departments::page(store(ctx)?, &filter, &args).await?;
        Ok(page.map(Department).into())
    }

    /// One department by its canonical name or any spelling the document uses; null if none.
    async fn department(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Canonical name (县发改局) or a published spelling (发改局).")]
        name: String,
    ) -> ApiResult<Option<Department>> {
        match crate::repo::department_by_name(store(ctx)?, &name).await {
            Ok(row) => Ok(Some(Department(row))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
