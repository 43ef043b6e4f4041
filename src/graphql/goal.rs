//! `Goal`: a numbered goal, measure, task, project, project box or implementation item.

use async_graphql::{Context, InputObject, Object, ID};
use entity::goal;

use super::department::Department;
use super::domain::Domain;
use super::enums::{GoalKind, Role};
use super::ids::{self, Kind};
use super::pagination::connection;
use super::plan::Plan;
use super::source::Source;
use super::target::{Target, TargetConnection};
use super::{load_one, nested_page, store};
use crate::domain;
use crate::error::ApiResult;
use crate::repo::batch::{
    DomainById, GoalById, GoalSourceById, GroupsOfGoal, LinksOfGoal, PlanById, SizeOf,
    TargetsOfGoal,
};
use crate::repo::goals::GoalRow;

/// A numbered item of a plan, with the departments its tag names.
#[derive(Clone)]
pub struct Goal(pub GoalRow);

impl From<GoalRow> for Goal {
    fn from(row: GoalRow) -> Goal {
        Goal(row)
    }
}

impl From<goal::Model> for Goal {
    fn from(model: goal::Model) -> Goal {
        Goal(model.into())
    }
}

connection!(GoalConnection, GoalEdge, Goal, "goals");

/// A numbered item of a plan, with the departments its tag names.
#[Object]
impl Goal {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Goal, self.0.id)
    }

    /// What kind of item this is.
    async fn kind(&self) -> ApiResult<GoalKind> {
        Ok(GoalKind::from(self.0.kind))
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

    /// The targets the item's sentences set, in order (Relay connection, 1–100 per page).
    async fn targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<TargetConnection> {
        let args = super::page_args(ctx, first, after, last, before);
        let id = self.0.id;
        let size = SizeOf::TargetsOfGoal(id);
        let position = |t: &entity::target::Model| (t.line_start, t.ordinal);
        let page = nested_page(ctx, args, |s| TargetsOfGoal(id, s), size, position, Target);
        Ok(page.await?.into())
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
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Source> {
        let text = load_one(ctx, GoalSourceById(self.0.id)).await?;
        Ok(Source::new(self.0.line_start, self.0.line_end, &text))
    }
}

/// A department named in a goal's tag, with its role there.
pub struct GoalDepartment(pub crate::repo::batch::Link);

/// A department named in a goal's tag, with its role there.
#[Object]
impl GoalDepartment {
    /// The department's role on this goal.
    async fn role(&self) -> ApiResult<Role> {
        Ok(Role::from(self.0.role))
    }

    /// The department, under its canonical name.
    async fn department(&self) -> Department {
        Department(self.0.department.as_ref().clone())
    }

    /// The spelling the tag uses (e.g. 发改局 for 县发改局).
    async fn spelled_as(&self) -> &str {
        &self.0.raw
    }
}

/// Which goals to list; all conditions must hold.
#[derive(InputObject, Default, Clone)]
pub struct GoalFilter {
    /// Plan code (`women`, `children`, `health`, `earthquake`).
    pub plan_code: Option<String>,
    /// Global ID of a domain.
    pub domain_id: Option<ID>,
    /// Kind of item.
    pub kind: Option<GoalKind>,
    /// A department, by canonical name or any published spelling, that the tag names.
    pub department: Option<String>,
    /// With `department`: the role it must have.
    pub role: Option<Role>,
    /// Substring of the text (Chinese text matches without word splitting).
    pub text: Option<String>,
}

impl GoalFilter {
    /// The read side's filter; a domain ID of another kind is refused.
    fn to_repo(&self) -> ApiResult<crate::repo::goals::GoalFilter> {
        Ok(crate::repo::goals::GoalFilter {
            plan_code: self.plan_code.clone(),
            domain_id: self
                .domain_id
                .as_ref()
                .map(|id| ids::decode_as(id, Kind::Domain))
                .transpose()?,
            kind: self.kind.map(domain::GoalKind::from),
            department: self.department.clone(),
            role: self.role.map(domain::Role::from),
            text: self.text.clone(),
        })
    }
}

/// Root fields for goals.
#[derive(Default)]
pub struct GoalQuery;

#[Object]
impl GoalQuery {
    /// Goals, measures, tasks, projects, project boxes and implementation items, filtered and
    /// paged in document order (Relay connection, 1–100 per page).
    async fn goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which goals.")] filter: Option<GoalFilter>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<GoalConnection> {
        let filter = filter.unwrap_or_default().to_repo()?;
        let args = super::page_args(ctx, first, after, last, before);
        let page = crate::repo::goals::page(store(ctx)?, &filter, &args).await?;
        Ok(page.map(Goal::from).into())
    }

    /// One goal by global ID; null if there is none.
    async fn goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID.")] id: ID,
    ) -> ApiResult<Option<Goal>> {
        let id = ids::decode_as(&id, Kind::Goal)?;
        Ok(super::load_one_opt(ctx, GoalById(id))
            .await?
            .map(Goal::from))
    }
}
