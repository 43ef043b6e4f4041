//! `Goal`: a numbered goal, measure, task, project, project box or implementation item.

use async_graphql::{Context, Object};
use entity::{goal, goal_department};

use super::department::Department;
use super::domain::Domain;
use super::enums::{GoalKind, Role};
use super::load_one;
use super::loaders::{DepartmentById, DomainById, GroupsOfGoal, LinksOfGoal, PlanById};
use super::plan::Plan;
use super::source::Source;
use crate::error::ApiResult;

/// A numbered item of a plan, with the departments its tag names.
pub struct Goal(pub goal::Model);

/// A numbered item of a plan, with the departments its tag names.
#[Object]
impl Goal {
    /// What kind of item this is.
    async fn kind(&self) -> ApiResult<GoalKind> {
        Ok(GoalKind::from_stored(&self.0.kind)?)
    }

    /// Number as published without brackets (4 for （4）, 一 for （一）, 1 for 专栏1); null when unnumbered.
    async fn number(&self) -> Option<&str> {
        self.0.number.as_deref()
    }

    /// Full text as published, without its number and without its department tag.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// The department tag as published, e.g. （牵头单位：县卫健局，责任单位：县医保局、发改局）.
    async fn department_tag(&self) -> Option<&str> {
        self.0.department_tag.as_deref()
    }

    /// Departments the tag names, in tag order, each with its role.
    async fn departments(&self, ctx: &Context<'_>) -> ApiResult<Vec<GoalDepartment>> {
        let rows = load_one(ctx, LinksOfGoal(self.0.id)).await?;
        Ok(rows.into_iter().map(GoalDepartment).collect())
    }

    /// Group phrases of the tag, as published (e.g. 县妇儿工委各成员单位、特邀单位); never departments.
    async fn groups(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let rows = load_one(ctx, GroupsOfGoal(self.0.id)).await?;
        Ok(rows.into_iter().map(|g| g.phrase).collect())
    }

    /// The domain the item belongs to; null for plan-level items (具体目标, 组织实施).
    async fn domain(&self, ctx: &Context<'_>) -> ApiResult<Option<Domain>> {
        match self.0.domain_id {
            Some(id) => Ok(Some(Domain(load_one(ctx, DomainById(id)).await?))),
            None => Ok(None),
        }
    }

    /// The plan the item belongs to.
    async fn plan(&self, ctx: &Context<'_>) -> ApiResult<Plan> {
        Ok(Plan(load_one(ctx, PlanById(self.0.plan_id)).await?))
    }

    /// Where the item stands in the source document.
    async fn source(&self) -> Source {
        Source::new(self.0.line_start, self.0.line_end, &self.0.source_text)
    }
}

/// A department named in a goal's tag, with its role there.
pub struct GoalDepartment(pub goal_department::Model);

/// A department named in a goal's tag, with its role there.
#[Object]
impl GoalDepartment {
    /// The department's role on this goal.
    async fn role(&self) -> ApiResult<Role> {
        Ok(Role::from_stored(&self.0.role)?)
    }

    /// The department, under its canonical name.
    async fn department(&self, ctx: &Context<'_>) -> ApiResult<Department> {
        Ok(Department(
            load_one(ctx, DepartmentById(self.0.department_id)).await?,
        ))
    }

    /// The spelling the tag uses (e.g. 发改局 for 县发改局).
    async fn spelled_as(&self) -> &str {
        &self.0.raw
    }
}
