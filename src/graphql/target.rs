//! `Target`: what one clause of one plan commits to for an indicator, with its progress and
//! status against the indicator's series; the root fields that list, count and flag targets.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use entity::target;

mod columns;

use super::domain::Domain;
use super::enums::{Comparator, Language, Nature, Role, TargetBasis, TargetPart, TargetStatus};
use super::goal::{Goal, GoalDepartment};
use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::pagination::connection;
use super::plan::Plan;
use super::source::Source;
use super::{load_many, load_one, store};
use crate::error::{ApiResult, AppError};
use crate::repo::batch::{
    DomainById, GoalById, IndicatorById, LinksOfGoal, PlanById, Series, SeriesEnds,
};
use crate::repo::page::PageArgs;
use crate::repo::targets::{self as repo, TargetFilter as Query};
use crate::rules::progress::{self, Assessment};

/// What one clause of one plan commits to for an indicator.
#[derive(Clone)]
pub struct Target(pub target::Model);

connection!(TargetConnection, TargetEdge, Target, "targets");

/// The starting point of a target as the document states it.
#[derive(SimpleObject)]
pub struct Baseline {
    /// Year of the baseline (2020 for the 十四五 plans).
    pub year: i32,
    /// The baseline value; null when the document names the year but gives no number.
    pub value: Option<f64>,
    /// The figure as published (≤3.2, 2020年的80.11岁), where the document gives one.
    pub raw: Option<String>,
    /// The figure is a bound, not a point, as written (≤3.2: at most 3.2, so `value` is the
    /// bound); null for a point. Progress starts from the bound.
    pub bound: Option<Comparator>,
}

/// A point of a target's trajectory.
#[derive(SimpleObject)]
pub struct TrajectoryPoint {
    /// The year.
    pub year: i32,
    /// Where the linear path from the start to the target says the indicator should be (four
    /// decimals at most).
    pub expected: f64,
}

/// How many targets have a status.
#[derive(SimpleObject, Clone)]
pub struct StatusCount {
    /// The status.
    pub status: TargetStatus,
    /// How many targets have it.
    pub count: i32,
}

impl Target {
    pub async fn assess(&self, ctx: &Context<'_>, year: Option<i32>) -> ApiResult<Assessment> {
        // The series' first and latest point up to the year: all the rules read of it.
        let ends = load_one(ctx, SeriesEnds(self.0.indicator_id, year)).await?;
        Ok(progress::assess(&repo::rules(&self.0), &ends, year))
    }
}

/// What one clause of one plan commits to for an indicator: a year, a comparator and a value
/// — or, for a grade or a capability (四级甲等, 抗御6级地震), only its words.
///
/// Status rules: a linear trajectory runs from the start (the target's stated baseline, or the
/// indicator's first value) to the target level. ACHIEVED when the latest value meets the
/// target (AT_LEAST ≥, AT_MOST ≤, ABOUT within 5%, EXACTLY equal) — also when a figure the
/// document gives for the start year already does; ON_TRACK when the share of the way done is
/// at least the share of time elapsed; AT_RISK when behind by at most 0.25 of the way; OFF_TRACK
/// when further behind, when the target year has passed unmet, or for a BINDING target behind
/// at all; ABOUT/EXACTLY targets are AT_RISK within twice their tolerance and OFF_TRACK beyond;
/// NO_DATA without a value after the start; NOT_QUANTIFIED when the target has no number.
/// Every target of an indicator is measured against the indicator's one series.
#[Object]
impl Target {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Target, self.0.id)
    }

    /// The indicator (the measure) this target is for.
    async fn indicator(&self, ctx: &Context<'_>) -> ApiResult<Indicator> {
        Ok(Indicator(
            load_one(ctx, IndicatorById(self.0.indicator_id)).await?,
        ))
    }

    /// The plan that sets it.
    async fn plan(&self, ctx: &Context<'_>) -> ApiResult<Plan> {
        Ok(Plan(load_one(ctx, PlanById(self.0.plan_id)).await?))
    }

    /// The domain of the clause; null for plan-level targets (表1, 具体目标).
    async fn domain(&self, ctx: &Context<'_>) -> ApiResult<Option<Domain>> {
        match self.0.domain_id {
            Some(id) => Ok(Some(Domain(load_one(ctx, DomainById(id)).await?))),
            None => Ok(None),
        }
    }

    /// The goal, measure, task or project whose sentence sets it; null for 表1 rows.
    async fn goal(&self, ctx: &Context<'_>) -> ApiResult<Option<Goal>> {
        match self.0.goal_id {
            Some(id) => Ok(Some(load_one(ctx, GoalById(id)).await?.into())),
            None => Ok(None),
        }
    }

    /// Departments of the goal's tag, with their roles; empty for 表1 rows.
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

    /// The measure's name as this clause writes it (the indicator's name may differ).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The unit of `value` as written (a change target's may differ from the indicator's:
    /// 个百分点 of a rate in %).
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }

    /// The year the target is for.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// How a value compares with the target value; null when the target has no number.
    async fn comparator(&self) -> Option<Comparator> {
        self.0.comparator.map(Into::into)
    }

    /// The target value (four decimals at most: 三分之一 is 33.3333); null when the target has no
    /// number (not quantified).
    async fn value(&self) -> Option<f64> {
        self.0.value.map(progress::shown)
    }

    /// Whether the target states a number to measure progress by.
    async fn quantified(&self) -> bool {
        self.0.value.is_some()
    }

    /// The target as published (80.15以上, 控制在8.2/10万以下, 至少配备1名女干部, 同比例增加).
    async fn raw(&self) -> &str {
        &self.0.raw
    }

    /// 预期性 (EXPECTED), 约束性 (BINDING), or UNSPECIFIED where the clause does not say.
    async fn nature(&self) -> ApiResult<Nature> {
        Ok(Nature::from(self.0.nature))
    }

    /// A level, a change per year, or a change from the baseline.
    async fn basis(&self) -> ApiResult<TargetBasis> {
        Ok(TargetBasis::from(self.0.basis))
    }

    /// The parts of the target the document does not write, read into it by the importer.
    async fn inferred(&self) -> Vec<TargetPart> {
        self.0
            .inferred
            .split(',')
            .filter_map(|p| match p {
                "comparator" => Some(TargetPart::Comparator),
                "direction" => Some(TargetPart::Direction),
                "year" => Some(TargetPart::Year),
                _ => None,
            })
            .collect()
    }

    /// The baseline the document states for it (or its figure for the year before the plan);
    /// null when there is none.
    async fn baseline(&self) -> Option<Baseline> {
        self.0.baseline_year.map(|year| Baseline {
            year,
            value: self.0.baseline_value.map(progress::shown),
            raw: self.0.baseline_raw.clone(),
            bound: self
                .0
                .baseline_raw
                .as_deref()
                .and_then(crate::rules::discrepancy::bound_of)
                .map(Into::into),
        })
    }

    /// The 领域 column of 表1 (健康素质, 健康生活 …), for table rows.
    async fn table_category(&self) -> Option<&str> {
        self.0.table_category.as_deref()
    }

    /// The 序号 of the row in 表1, for table rows.
    async fn table_number(&self) -> Option<i32> {
        self.0.table_number
    }

    /// Where the target stands (rules in the type's description).
    async fn status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Assess as of this year (later values are ignored).")] year: Option<i32>,
    ) -> ApiResult<TargetStatus> {
        // As of every value, the status is the stored one: no series to load.
        Ok(match year {
            None => self.0.status.into(),
            Some(_) => self.assess(ctx, year).await?.status.into(),
        })
    }

    /// Share of the way from the start to the target reached by the latest value (3 decimals;
    /// may exceed 1 or be negative); null without a start, a number or a later value.
    async fn progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Assess as of this year (later values are ignored).")] year: Option<i32>,
    ) -> ApiResult<Option<f64>> {
        Ok(self.assess(ctx, year).await?.progress)
    }

    /// Why the target has its status, with the numbers: start, latest value, target and the
    /// value expected on the trajectory.
    async fn status_reason(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Assess as of this year (later values are ignored).")] year: Option<i32>,
        #[graphql(desc = "Chinese (default) or English.", default)] language: Language,
    ) -> ApiResult<String> {
        Ok(self.assess(ctx, year).await?.reason(language.into()))
    }

    /// Why the target is warned about (预警), each warning with its kind: AT_RISK or OFF_TRACK
    /// (预计达标困难) and FLUCTUATION (波动较大: the indicator's latest published change);
    /// empty when it is not.
    async fn warnings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Assess as of this year (later values are ignored).")] year: Option<i32>,
    ) -> ApiResult<Vec<super::warning::EarlyWarning>> {
        let assessed = self.assess(ctx, year).await?;
        let series = load_one(ctx, Series(self.0.indicator_id)).await?;
        let unit = self.0.unit.as_deref();
        Ok(super::warning::of(&assessed, &series, year, unit))
    }

    /// The value expected each year on the linear path from the start to the target; empty
    /// without a start or a number.
    async fn trajectory(&self, ctx: &Context<'_>) -> ApiResult<Vec<TrajectoryPoint>> {
        let series = load_one(ctx, Series(self.0.indicator_id)).await?;
        Ok(progress::trajectory(&repo::rules(&self.0), &series)
            .into_iter()
            .map(|(year, expected)| TrajectoryPoint {
                year,
                expected: progress::shown(expected),
            })
            .collect())
    }

    /// The clause the target comes from: line numbers and exact text.
    async fn source(&self) -> Source {
        Source::new(self.0.line_start, self.0.line_end, &self.0.source_text)
    }
}

/// Which targets; every condition given must hold. A plan, domain, goal, indicator or
/// department that does not exist is an error, not an empty list.
#[derive(InputObject, Default, Clone)]
pub struct TargetFilter {
    /// Plan code (`women`, `children`, `health`, `earthquake`).
    pub plan_code: Option<String>,
    /// Global ID of a domain.
    pub domain_id: Option<ID>,
    /// Global ID of a goal (or measure, task, project).
    pub goal_id: Option<ID>,
    /// Global ID of an indicator.
    pub indicator_id: Option<ID>,
    /// A department, by canonical name or any published spelling: the target's goal names it.
    pub department: Option<String>,
    /// With `department`: the role it must have on the goal.
    pub role: Option<Role>,
    /// 预期性 / 约束性 / unspecified.
    pub nature: Option<Nature>,
    /// Only targets with (true) or without (false) a number.
    pub quantified: Option<bool>,
    /// Only targets for this year.
    pub year: Option<i32>,
    /// Any of these statuses (as of the `year` argument of the field).
    pub status: Option<Vec<TargetStatus>>,
    /// A substring of the target's name or clause (Chinese matches without word splitting).
    pub text: Option<String>,
}

/// The repository's filter for a client's: IDs decoded (of the wrong kind: BAD_USER_INPUT);
/// names are resolved in the query, and refused if they match nothing.
pub fn resolve(filter: TargetFilter) -> ApiResult<Query> {
    let mut q = Query {
        plan_code: filter.plan_code,
        ..Query::default()
    };
    q.domain_id = filter
        .domain_id
        .as_ref()
        .map(|id| ids::decode_as(id, Kind::Domain))
        .transpose()?;
    q.goal_id = filter
        .goal_id
        .as_ref()
        .map(|id| ids::decode_as(id, Kind::Goal))
        .transpose()?;
    q.indicator_id = filter
        .indicator_id
        .as_ref()
        .map(|id| ids::decode_as(id, Kind::Indicator))
        .transpose()?;
    if let Some(name) = filter.department {
        q.department = Some(name);
        q.role = filter.role.map(Into::into);
    } else if filter.role.is_some() {
        return Err(
            AppError::BadUserInput("`role` filters by a `department`; give one".into()).into(),
        );
    }
    q.nature = filter.nature.map(Into::into);
    q.quantified = filter.quantified;
    q.year = filter.year;
    q.text = filter.text;
    q.statuses = filter
        .status
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(q)
}

/// One page of targets in document order.
pub async fn list(
    ctx: &Context<'_>,
    filter: Query,
    year: Option<i32>,
    args: PageArgs,
) -> ApiResult<TargetConnection> {
    let read = columns::read(ctx);
    let page = repo::page(store(ctx)?, &filter, year, &args, read.as_deref()).await?;
    let selected = ctx.look_ahead();
    if selected.field("nodes").field("plan").exists()
        || selected.field("edges").field("node").field("plan").exists()
    {
        // The page's plans read before its targets resolve `plan`: each then finds its plan
        // in the loader's cache instead of queuing for a batch. The same one statement, a
        // level earlier.
        load_many(ctx, page.edges.iter().map(|(_, t)| PlanById(t.plan_id))).await?;
    }
    Ok(page.map(Target).into())
}

/// The status counts of a filter's targets, every status listed.
pub async fn counts(
    ctx: &Context<'_>,
    filter: &Query,
    year: Option<i32>,
) -> ApiResult<Vec<StatusCount>> {
    Ok(repo::counts(store(ctx)?, filter, year)
        .await?
        .into_iter()
        .map(to_count)
        .collect())
}

pub fn to_count((status, count): (progress::Status, usize)) -> StatusCount {
    StatusCount {
        status: status.into(),
        count: i32::try_from(count).unwrap_or(i32::MAX),
    }
}

/// Root fields for targets.
#[derive(Default)]
pub struct TargetQuery;

#[Object]
impl TargetQuery {
    /// Targets, filtered and paged in document order (Relay connection, 1–100 per page).
    #[allow(clippy::too_many_arguments)]
    async fn targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which targets.")] filter: Option<TargetFilter>,
        #[graphql(desc = "Assess statuses as of this year (default: every value).")] year: Option<
            i32,
        >,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<TargetConnection> {
        let filter = resolve(filter.unwrap_or_default())?;
        list(
            ctx,
            filter,
            year,
            super::page_args(ctx, first, after, last, before),
        )
        .await
    }

    /// One target by global ID; null if there is none. The ID of a target an import removed
    /// (merged into another, or a table row that now sets nothing) is a NOT_FOUND error naming
    /// the IDs that stand for it (`extensions.details.successors`).
    async fn target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID.")] id: ID,
    ) -> ApiResult<Option<Target>> {
        let id = ids::decode_as(&id, Kind::Target)?;
        if let Some(row) = super::load_one_opt(ctx, crate::repo::batch::TargetById(id)).await? {
            return Ok(Some(Target(row)));
        }
        match super::retired::target(ctx, id).await? {
            Some(gone) => Err(gone.into()),
            None => Ok(None),
        }
    }

    /// How many targets have each status (every status listed, zeros too): over all plans, or
    /// those a filter selects.
    async fn status_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which targets (default: all).")] filter: Option<TargetFilter>,
        #[graphql(desc = "Assess as of this year (default: every value).")] year: Option<i32>,
    ) -> ApiResult<Vec<StatusCount>> {
        let filter = resolve(filter.unwrap_or_default())?;
        counts(ctx, &filter, year).await
    }

    /// The targets a plan (or all plans) should be warned about (预警), in document order: those
    /// AT_RISK or OFF_TRACK as of a year (预计达标困难), and those whose indicator's latest
    /// published change is a fluctuation (波动较大). Each says why in `warnings`, with its kind.
    async fn early_warnings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Plan code (default: all plans).")] plan_code: Option<String>,
        #[graphql(desc = "Assess as of this year (default: every value).")] year: Option<i32>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
    ) -> ApiResult<TargetConnection> {
        let filter = TargetFilter {
            plan_code,
            status: Some(vec![TargetStatus::AtRisk, TargetStatus::OffTrack]),
            ..TargetFilter::default()
        };
        let mut filter = resolve(filter)?;
        filter.or_indicators = repo::fluctuating(store(ctx)?, year).await?;
        list(
            ctx,
            filter,
            year,
            super::page_args(ctx, first, after, None, None),
        )
        .await
    }
}
