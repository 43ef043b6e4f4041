//! `Goal`: a numbered goal, measure, task, project, project box or implementation item.

use async_graphql::{Context, InputObject, Object, ID};
use entity::{goal, goal_department};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

use super::department::Department;
use super::domain::Domain;
use super::enums::{GoalKind, Role};
use super::ids::{self, Kind};
use super::loaders::{
    DepartmentById, DomainById, GroupsOfGoal, LinksOfGoal, PlanById, TargetsOfGoal,
};
use super::pagination::{self, connection, Keyset, PageArgs, SortKey};
use super::plan::Plan;
use super::source::Source;
use super::target::{Target, TargetConnection};
use super::{load_one, store};
use crate::domain;
use crate::error::{ApiResult, AppError};

/// A numbered item of a plan, with the departments its tag names.
#[derive(Clone)]
pub struct Goal(pub goal::Model);

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

    /// The targets the item's sentences set, in order (Relay connection, 1–100 per page).
    async fn targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<TargetConnection> {
        let rows = load_one(ctx, TargetsOfGoal(self.0.id)).await?;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        Ok(pagination::nested(rows, &args, |t| (t.line_start, t.ordinal), Target)?.into())
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

/// The goals a filter selects; a plan or department that does not exist is an error.
fn filtered(filter: &GoalFilter) -> ApiResult<Select<goal::Entity>> {
    let mut select = goal::Entity::find();
    if let Some(code) = &filter.plan_code {
        select = select.filter(crate::repo::in_plan(goal::Column::PlanId, code));
    }
    if let Some(id) = &filter.domain_id {
        select = select.filter(goal::Column::DomainId.eq(ids::decode_as(id, Kind::Domain)?));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(goal::Column::Kind.eq(domain::GoalKind::from(kind).as_str()));
    }
    if let Some(name) = &filter.department {
        select =
            select.filter(goal::Column::Id.in_subquery(goals_of_department(name, filter.role)));
    } else if filter.role.is_some() {
        return Err(
            AppError::BadUserInput("`role` filters by a `department`; give one".into()).into(),
        );
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = select.filter(pagination::contains(goal::Column::Text, text));
    }
    Ok(select)
}

/// After a filter found nothing: NOT_FOUND for a plan code or department that names nothing.
async fn check_names(ctx: &Context<'_>, filter: &GoalFilter) -> ApiResult<()> {
    let db = store(ctx)?;
    if let Some(code) = &filter.plan_code {
        crate::repo::plan_by_code(db, code).await?;
    }
    if let Some(name) = &filter.department {
        crate::repo::department_by_name(db, name).await?;
    }
    Ok(())
}

/// The goals a department is linked to, optionally in one role, as a subquery.
fn goals_of_department(name: &str, role: Option<Role>) -> sea_orm::sea_query::SelectStatement {
    let mut q = sea_orm::sea_query::Query::select();
    q.column(goal_department::Column::GoalId)
        .from(goal_department::Entity)
        .cond_where(crate::repo::in_department(
            goal_department::Column::DepartmentId,
            name,
        ));
    if let Some(role) = role {
        q.and_where(goal_department::Column::Role.eq(domain::Role::from(role).as_str()));
    }
    q.to_owned()
}

/// One page of goals in document order.
async fn list(ctx: &Context<'_>, filter: GoalFilter, args: PageArgs) -> ApiResult<GoalConnection> {
    let select = filtered(&filter)?;
    let keyset = Keyset {
        first: Expr::col(goal::Column::LineStart),
        second: Expr::col(goal::Column::Id),
        descending: false,
        text: false,
    };
    let page = pagination::page(
        store(ctx)?,
        select,
        &keyset,
        &args,
        |m| SortKey::Ints(m.line_start, m.id),
        Goal,
    )
    .await?;
    if page.total_count == 0 {
        check_names(ctx, &filter).await?;
    }
    Ok(page.into())
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
        list(
            ctx,
            filter.unwrap_or_default(),
            PageArgs {
                first,
                after,
                last,
                before,
            },
        )
        .await
    }

    /// One goal by global ID; null if there is none.
    async fn goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID.")] id: ID,
    ) -> ApiResult<Option<Goal>> {
        let id = ids::decode_as(&id, Kind::Goal)?;
        Ok(goal::Entity::find_by_id(id)
            .one(store(ctx)?)
            .await
            .map_err(AppError::from)?
            .map(Goal))
    }
}
