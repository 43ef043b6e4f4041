//! `Indicator`: a quantified target, its published values, progress and status; the root
//! fields that list, find and flag indicators.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use entity::{department, department_alias, goal_department, indicator, indicator_value, plan};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select};

use super::domain::Domain;
use super::enums::{
    Comparator, Direction, IndicatorStatus, Nature, OrderDirection, Role, TargetBasis,
};
use super::goal::{Goal, GoalDepartment};
use super::ids::{self, Kind};
use super::loaders::{DomainById, GoalById, LinksOfGoal, PlanById, PublishedValues};
use super::pagination::{self, connection, Keyset, PageArgs, SortKey};
use super::plan::Plan;
use super::source::Source;
use super::{load_one, store};
use crate::domain;
use crate::error::{ApiResult, AppError};
use crate::rules::progress::{self, Assessment};
use sea_orm::Condition;

/// A quantified indicator: a row of the health plan's 表1 or a target stated in a sentence.
#[derive(Clone)]
pub struct Indicator(pub indicator::Model);

connection!(IndicatorConnection, IndicatorEdge, Indicator, "indicators");

/// The starting point of an indicator as the document states it.
#[derive(SimpleObject)]
pub struct Baseline {
    /// Year of the baseline (2020 for the 十四五 plans).
    pub year: i32,
    /// The baseline value; null when the document names the year but gives no number.
    pub value: Option<f64>,
    /// The baseline as published (e.g. ≤3.2), where the document gives one.
    pub raw: Option<String>,
}

/// The target of an indicator.
#[derive(SimpleObject)]
pub struct Target {
    /// Year the target is for.
    pub year: i32,
    /// The target value; null when the target has no number (同比例增加).
    pub value: Option<f64>,
    /// How a value compares with the target value; null when there is no number.
    pub comparator: Option<Comparator>,
    /// Whether the value is a level, a change per year or a change from the baseline.
    pub basis: TargetBasis,
    /// The target as published (e.g. 80.15以上, 控制在8.2/10万以下, 同比例增加).
    pub raw: String,
}

/// A published value of an indicator.
#[derive(SimpleObject)]
pub struct YearValue {
    /// The year the value is for.
    pub year: i32,
    /// The value, in the indicator's unit.
    pub value: f64,
}

/// An indicator flagged by the early-warning rules, with the reason in plain words.
#[derive(SimpleObject)]
pub struct EarlyWarning {
    /// The indicator.
    pub indicator: Indicator,
    /// AT_RISK or OFF_TRACK.
    pub status: IndicatorStatus,
    /// Why, with the numbers: value, expected value on the trajectory, share of the way done.
    pub reason: String,
}

impl Indicator {
    fn rules(&self) -> progress::Indicator {
        let m = &self.0;
        progress::Indicator {
            direction: domain::Direction::parse(&m.direction)
                .unwrap_or(domain::Direction::Unspecified),
            nature: domain::Nature::parse(&m.nature).unwrap_or(domain::Nature::Unspecified),
            baseline: m.baseline_year.zip(m.baseline_value),
            target_year: m.target_year,
            target_value: m.target_value,
            comparator: m
                .target_comparator
                .as_deref()
                .and_then(domain::Comparator::parse),
            basis: domain::TargetBasis::parse(&m.target_basis)
                .unwrap_or(domain::TargetBasis::Level),
        }
    }

    async fn published(&self, ctx: &Context<'_>) -> ApiResult<Vec<indicator_value::Model>> {
        load_one(ctx, PublishedValues(self.0.id)).await
    }

    pub async fn assess(&self, ctx: &Context<'_>, year: Option<i32>) -> ApiResult<Assessment> {
        let values: Vec<progress::Point> = self
            .published(ctx)
            .await?
            .iter()
            .map(|v| (v.year, v.value))
            .collect();
        Ok(progress::assess(&self.rules(), &values, year))
    }
}

/// A quantified indicator: a row of the health plan's 表1 or a target stated in a sentence.
///
/// Status rules (see also `IndicatorStatus`): a linear trajectory runs from the start (the
/// stated baseline, or the first published value) to the target level. ACHIEVED when the latest
/// published value meets the target (AT_LEAST ≥, AT_MOST ≤, ABOUT within 5%, EXACTLY equal);
/// ON_TRACK when the share of the way done is at least the share of time elapsed; AT_RISK when
/// behind by at most 0.25 of the way; OFF_TRACK when further behind, when the target year has
/// passed unmet, or for a BINDING indicator behind at all; ABOUT/EXACTLY targets are AT_RISK
/// within twice their tolerance and OFF_TRACK beyond; NO_DATA without a value after the start;
/// NOT_QUANTIFIED when the target has no number.
#[Object]
impl Indicator {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Indicator, self.0.id)
    }

    /// Name as published (表1's 主要指标, or the subject of the target sentence).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Unit as published (%, ‰, /10万, 岁, 人, 张 …); null where the table leaves it blank.
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }

    /// 预期性 (EXPECTED), 约束性 (BINDING) or UNSPECIFIED.
    async fn nature(&self) -> ApiResult<Nature> {
        Ok(Nature::from_stored(&self.0.nature)?)
    }

    /// Which way the indicator should move.
    async fn direction(&self) -> ApiResult<Direction> {
        Ok(Direction::from_stored(&self.0.direction)?)
    }

    /// The 领域 column of 表1 (健康素质, 健康生活 …) for table rows.
    async fn table_category(&self) -> Option<&str> {
        self.0.table_category.as_deref()
    }

    /// The 序号 of the row in 表1, for table rows.
    async fn table_number(&self) -> Option<i32> {
        self.0.table_number
    }

    /// The plan the indicator belongs to.
    async fn plan(&self, ctx: &Context<'_>) -> ApiResult<Plan> {
        Ok(Plan(load_one(ctx, PlanById(self.0.plan_id)).await?))
    }

    /// The domain of the goal that states it; null for plan-level indicators (表1, 具体目标).
    async fn domain(&self, ctx: &Context<'_>) -> ApiResult<Option<Domain>> {
        match self.0.domain_id {
            Some(id) => Ok(Some(Domain(load_one(ctx, DomainById(id)).await?))),
            None => Ok(None),
        }
    }

    /// The goal, measure or task whose sentence states it; null for 表1 rows.
    async fn goal(&self, ctx: &Context<'_>) -> ApiResult<Option<Goal>> {
        match self.0.goal_id {
            Some(id) => Ok(Some(Goal(load_one(ctx, GoalById(id)).await?))),
            None => Ok(None),
        }
    }

    /// Departments of the stating goal's tag, with their roles; empty for 表1 rows.
    async fn departments(&self, ctx: &Context<'_>) -> ApiResult<Vec<GoalDepartment>> {
        match self.0.goal_id {
            Some(id) => Ok(load_one(ctx, LinksOfGoal(id))
                .await?
                .into_iter()
                .map(GoalDepartment)
                .collect()),
            None => Ok(Vec::new()),
        }
    }

    /// The baseline the document states; null when it states none.
    async fn baseline(&self) -> Option<Baseline> {
        self.0.baseline_year.map(|year| Baseline {
            year,
            value: self.0.baseline_value,
            raw: self.0.baseline_raw.clone(),
        })
    }

    /// The target.
    async fn target(&self) -> ApiResult<Target> {
        let comparator = match self.0.target_comparator.as_deref() {
            Some(text) => Some(Comparator::from_stored(text)?),
            None => None,
        };
        Ok(Target {
            year: self.0.target_year,
            value: self.0.target_value,
            comparator,
            basis: TargetBasis::from_stored(&self.0.target_basis)?,
            raw: self.0.target_raw.clone(),
        })
    }

    /// Published values by year (the document's own figures and approved submissions).
    async fn values(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First year to include.")] from_year: Option<i32>,
        #[graphql(desc = "Last year to include.")] to_year: Option<i32>,
    ) -> ApiResult<Vec<YearValue>> {
        Ok(self
            .published(ctx)
            .await?
            .into_iter()
            .filter(|v| {
                from_year.is_none_or(|y| v.year >= y) && to_year.is_none_or(|y| v.year <= y)
            })
            .map(|v| YearValue {
                year: v.year,
                value: v.value,
            })
            .collect())
    }

    /// The most recent published value; null when there is none.
    async fn latest_value(&self, ctx: &Context<'_>) -> ApiResult<Option<YearValue>> {
        Ok(self
            .published(ctx)
            .await?
            .into_iter()
            .last()
            .map(|v| YearValue {
                year: v.year,
                value: v.value,
            }))
    }

    /// Share of the way from the start to the target reached by the latest value (may exceed 1
    /// or be negative); null without a start, a numeric target or a later value.
    async fn progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Assess as of this year (values after it are ignored).")] year: Option<
            i32,
        >,
    ) -> ApiResult<Option<f64>> {
        let a = self.assess(ctx, year).await?;
        Ok(if a.status == progress::Status::NoData {
            None
        } else {
            a.progress
        })
    }

    /// Where the indicator stands against its target (rules in the type's description).
    async fn status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Assess as of this year (values after it are ignored).")] year: Option<
            i32,
        >,
    ) -> ApiResult<IndicatorStatus> {
        Ok(self.assess(ctx, year).await?.status.into())
    }

    /// Why the indicator has its status, in plain words with the numbers.
    async fn status_reason(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Assess as of this year (values after it are ignored).")] year: Option<
            i32,
        >,
    ) -> ApiResult<String> {
        Ok(self.assess(ctx, year).await?.reason)
    }

    /// Departments that may report this indicator: those leading or responsible for its goal,
    /// and any an admin assigned (表1 rows name none until one is assigned).
    async fn reporters(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::department::Department>> {
        super::submission::reporters_of(ctx, self.0.id).await
    }

    /// Every approval of a reported value for this indicator, oldest first (the public
    /// publication history).
    async fn publication_history(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<super::submission::Publication>> {
        super::submission::publications_of(ctx, self.0.id).await
    }

    /// The clause the indicator comes from: line numbers and exact text.
    async fn source(&self) -> Source {
        Source::new(self.0.line_start, self.0.line_end, &self.0.source_text)
    }
}

/// Which indicators to list; all conditions must hold.
#[derive(InputObject, Default, Clone)]
pub struct IndicatorFilter {
    /// Plan code (`women`, `children`, `health`, `earthquake`).
    pub plan_code: Option<String>,
    /// Global ID of a domain.
    pub domain_id: Option<ID>,
    /// A department, by canonical name or any published spelling; the indicator's goal must name it.
    pub department: Option<String>,
    /// With `department`: the role it must have on the goal.
    pub role: Option<Role>,
    /// 预期性 / 约束性.
    pub nature: Option<Nature>,
    /// Current status (as of the latest published values).
    pub status: Option<IndicatorStatus>,
    /// Substring of the name (Chinese text matches without word splitting).
    pub text: Option<String>,
}

/// What to sort indicators by.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndicatorOrderField {
    /// Document order.
    #[default]
    Position,
    /// Name (by code point).
    Name,
}

/// Sort order of an indicator list.
#[derive(InputObject, Default, Clone, Copy)]
pub struct IndicatorOrder {
    /// The field to sort by.
    #[graphql(default)]
    pub field: IndicatorOrderField,
    /// The direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// `department_id` of a department named by canonical name or alias, as a subquery.
pub fn department_ids(name: &str) -> Condition {
    let name = name.trim().to_string();
    Condition::any()
        .add(
            goal_department::Column::DepartmentId.in_subquery(
                Query::select()
                    .column(department::Column::Id)
                    .from(department::Entity)
                    .and_where(department::Column::Name.eq(name.clone()))
                    .to_owned(),
            ),
        )
        .add(
            goal_department::Column::DepartmentId.in_subquery(
                Query::select()
                    .column(department_alias::Column::DepartmentId)
                    .from(department_alias::Entity)
                    .and_where(department_alias::Column::Alias.eq(name))
                    .to_owned(),
            ),
        )
}

/// Goals a department (name or alias) is linked to, optionally in one role.
pub fn goals_of_department(name: &str, role: Option<Role>) -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.column(goal_department::Column::GoalId)
        .from(goal_department::Entity)
        .cond_where(department_ids(name));
    if let Some(role) = role {
        q.and_where(goal_department::Column::Role.eq(domain::Role::from(role).as_str()));
    }
    q.to_owned()
}

/// Ids of the plan with this code, as a subquery.
pub fn plan_ids(code: &str) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(plan::Column::Id)
        .from(plan::Entity)
        .and_where(plan::Column::Code.eq(code.trim()))
        .to_owned()
}

/// The indicators a filter selects, status aside.
fn filtered(filter: &IndicatorFilter) -> Result<Select<indicator::Entity>, AppError> {
    let mut select = indicator::Entity::find();
    if let Some(code) = &filter.plan_code {
        select = select.filter(indicator::Column::PlanId.in_subquery(plan_ids(code)));
    }
    if let Some(id) = &filter.domain_id {
        select = select.filter(indicator::Column::DomainId.eq(ids::decode_as(id, Kind::Domain)?));
    }
    if let Some(name) = &filter.department {
        select = select
            .filter(indicator::Column::GoalId.in_subquery(goals_of_department(name, filter.role)));
    } else if filter.role.is_some() {
        return Err(AppError::BadUserInput(
            "`role` filters by a `department`; give one".into(),
        ));
    }
    if let Some(nature) = filter.nature {
        select = select.filter(indicator::Column::Nature.eq(domain::Nature::from(nature).as_str()));
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = select.filter(pagination::contains(indicator::Column::Name, text));
    }
    Ok(select)
}

/// One page of indicators; `plan_id` pins the plan (Plan.indicators).
pub async fn list(
    ctx: &Context<'_>,
    filter: IndicatorFilter,
    order: IndicatorOrder,
    args: PageArgs,
    plan_id: Option<i32>,
) -> ApiResult<IndicatorConnection> {
    let db = store(ctx)?;
    let mut select = filtered(&filter)?;
    if let Some(plan_id) = plan_id {
        select = select.filter(indicator::Column::PlanId.eq(plan_id));
    }
    if let Some(wanted) = filter.status {
        // Status is computed, not stored: assess the candidates, keep the ids that match.
        let candidates = select.clone().all(db).await.map_err(AppError::from)?;
        let assessed = assess_many(db, candidates, None).await?;
        let keep = assessed
            .into_iter()
            .filter(|(_, a)| IndicatorStatus::from(a.status) == wanted)
            .map(|(i, _)| i.0.id);
        select = select.filter(indicator::Column::Id.is_in(keep.collect::<Vec<_>>()));
    }
    let descending = order.direction == OrderDirection::Desc;
    let page = match order.field {
        IndicatorOrderField::Position => {
            let keyset = Keyset {
                first: Expr::col(indicator::Column::LineStart),
                second: Expr::col(indicator::Column::Ordinal),
                descending,
                text: false,
            };
            pagination::page(
                db,
                select,
                &keyset,
                &args,
                |m| SortKey::Ints(m.line_start, m.ordinal),
                Indicator,
            )
            .await?
            .into()
        }
        IndicatorOrderField::Name => {
            let keyset = Keyset {
                first: Expr::col(indicator::Column::Name),
                second: Expr::col(indicator::Column::Id),
                descending,
                text: true,
            };
            pagination::page(
                db,
                select,
                &keyset,
                &args,
                |m| SortKey::Text(m.name.clone(), m.id),
                Indicator,
            )
            .await?
            .into()
        }
    };
    Ok(page)
}

/// Assesses many indicators with one query for all their published values.
async fn assess_many(
    db: &sea_orm::DatabaseConnection,
    rows: Vec<indicator::Model>,
    year: Option<i32>,
) -> ApiResult<Vec<(Indicator, Assessment)>> {
    let values = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.is_in(rows.iter().map(|r| r.id)))
        .filter(indicator_value::Column::Status.eq(domain::ValueStatus::Published.as_str()))
        .all(db)
        .await
        .map_err(AppError::from)?;
    let mut by_indicator: std::collections::HashMap<i32, Vec<progress::Point>> =
        std::collections::HashMap::new();
    for v in values {
        by_indicator
            .entry(v.indicator_id)
            .or_default()
            .push((v.year, v.value));
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let indicator = Indicator(row);
            let points = by_indicator
                .get(&indicator.0.id)
                .map_or(&[][..], Vec::as_slice);
            let a = progress::assess(&indicator.rules(), points, year);
            (indicator, a)
        })
        .collect())
}

/// Root fields for indicators.
#[derive(Default)]
pub struct IndicatorQuery;

#[Object]
impl IndicatorQuery {
    /// Indicators, filtered and paged (Relay connection, keyset cursors, 1–100 per page).
    #[allow(clippy::too_many_arguments)]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which indicators.")] filter: Option<IndicatorFilter>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
        #[graphql(desc = "Sort order (default: document order).")] order_by: Option<IndicatorOrder>,
    ) -> ApiResult<IndicatorConnection> {
        list(
            ctx,
            filter.unwrap_or_default(),
            order_by.unwrap_or_default(),
            PageArgs {
                first,
                after,
                last,
                before,
            },
            None,
        )
        .await
    }

    /// One indicator by global ID; null if there is none.
    async fn indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID.")] id: ID,
    ) -> ApiResult<Option<Indicator>> {
        let id = ids::decode_as(&id, Kind::Indicator)?;
        let row = indicator::Entity::find_by_id(id)
            .one(store(ctx)?)
            .await
            .map_err(AppError::from)?;
        Ok(row.map(Indicator))
    }

    /// Indicators of a plan that are AT_RISK or OFF_TRACK as of a year (预警), with reasons, in
    /// document order.
    async fn early_warnings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Plan code.")] plan_code: String,
        #[graphql(desc = "Assess as of this year; default: all published values.")] year: Option<
            i32,
        >,
    ) -> ApiResult<Vec<EarlyWarning>> {
        let db = store(ctx)?;
        let rows = indicator::Entity::find()
            .filter(indicator::Column::PlanId.in_subquery(plan_ids(&plan_code)))
            .order_by_asc(indicator::Column::LineStart)
            .order_by_asc(indicator::Column::Ordinal)
            .all(db)
            .await
            .map_err(AppError::from)?;
        Ok(assess_many(db, rows, year)
            .await?
            .into_iter()
            .filter(|(_, a)| {
                matches!(
                    a.status,
                    progress::Status::AtRisk | progress::Status::OffTrack
                )
            })
            .map(|(indicator, a)| EarlyWarning {
                indicator,
                status: a.status.into(),
                reason: a.reason,
            })
            .collect())
    }
}
