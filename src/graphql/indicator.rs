//! `Indicator`: a measure with one unit and direction and one series of yearly values, and the
//! targets the plans set for it; the root fields that list and find indicators.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use entity::{indicator, indicator_value, target};

use super::breakdown::{Aggregation, Breakdown, BreakdownInput, BreakdownPart};
use super::department::Department;
use super::discrepancy::Discrepancy;
use super::enums::{Direction, OrderDirection, Role};
use super::ids::{self, Kind};
use super::indicator_cells as cells;
use super::monitored::Monitoring;
use super::pagination::connection;
use super::plan::Plan;
use super::target::Target;
use super::{load_one, store};
use crate::domain;
use crate::error::ApiResult;
use crate::repo::batch::{
    MonitoredOfIndicator, PlanById, PublishedValues, Series, SeriesEnds, TargetsOfIndicator,
};
use crate::repo::indicators as repo;
use crate::repo::retired::Whereabouts;

/// A measure (婴儿死亡率, 居民健康素养水平 …) with one series of yearly values.
#[derive(Clone)]
pub struct Indicator(pub indicator::Model);

pub use super::indicator_value::IndicatorValue;

connection!(IndicatorConnection, IndicatorEdge, Indicator, "indicators");

/// One year of an indicator's series.
#[derive(SimpleObject)]
pub struct YearValue {
    /// The year.
    pub year: i32,
    /// The value, in the indicator's unit.
    pub value: f64,
    /// The cell of a declared breakdown the series is of; empty for the total.
    pub breakdown: Vec<BreakdownPart>,
}

impl Indicator {
    async fn target_rows(&self, ctx: &Context<'_>) -> ApiResult<Vec<target::Model>> {
        load_one(ctx, TargetsOfIndicator(self.0.id)).await
    }
}

/// A measure (婴儿死亡率, 居民健康素养水平 …): one unit, one direction and one series of yearly
/// values — the document's figures and approved department reports. Every target the plans
/// set for it (`targets`) is measured against that one series; values are reported once per
/// indicator and year. Which clauses name the same measure is decided in
/// `data/measures.json`; where they disagree, `discrepancies` says so.
#[Object]
impl Indicator {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Indicator, self.0.id)
    }

    /// The measure's name (as `data/measures.json` gives it, or as its only clause writes it).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Unit (%, ‰, /10万, 岁, 人, 张 …); null where the document gives none.
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }

    /// Which way the indicator should move.
    async fn direction(&self) -> ApiResult<Direction> {
        Ok(Direction::from(self.0.direction))
    }

    /// The direction is read off a target's words (控制在 → lower is better) rather than
    /// decided in `data/measures.json`.
    async fn direction_inferred(&self) -> bool {
        self.0.direction_inferred
    }

    /// How its parts relate to its total, where it is declared reported by sex, age or
    /// urban/rural (`declareBreakdowns`; a new store starts with `data/breakdowns.json`); null
    /// where nothing is declared.
    async fn aggregation(&self, ctx: &Context<'_>) -> ApiResult<Option<Aggregation>> {
        let declared = super::breakdown::declared(ctx, self.0.id).await?;
        Ok(declared.map(|d| d.aggregation.into()))
    }

    /// The dimensions it is reported by (分性别、分年龄统计), with the codes of each, as
    /// declared; empty where nothing is declared.
    async fn breakdowns(&self, ctx: &Context<'_>) -> ApiResult<Vec<Breakdown>> {
        let declared = super::breakdown::declared(ctx, self.0.id).await?;
        Ok(super::breakdown::breakdowns(declared.as_ref()))
    }

    /// The plans that set a target for it or follow it without one (`monitoredBy`), in plan
    /// order.
    async fn plans(&self, ctx: &Context<'_>) -> ApiResult<Vec<Plan>> {
        let monitored = load_one(ctx, MonitoredOfIndicator(self.0.id)).await?;
        let mut ids: Vec<i32> = self
            .target_rows(ctx)
            .await?
            .iter()
            .map(|t| t.plan_id)
            .chain(monitored.iter().map(|m| m.plan_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut plans = Vec::new();
        for id in ids {
            plans.push(Plan(load_one(ctx, PlanById(id)).await?));
        }
        plans.sort_by_key(|p| p.0.ordinal);
        Ok(plans)
    }

    /// The rows of plans' indicator tables that list it without a target (a `-` in the target
    /// column), in document order.
    async fn monitored_by(&self, ctx: &Context<'_>) -> ApiResult<Vec<Monitoring>> {
        let rows = load_one(ctx, MonitoredOfIndicator(self.0.id)).await?;
        Ok(rows.into_iter().map(Monitoring).collect())
    }

    /// What each clause of each plan commits to for it, in document order.
    async fn targets(&self, ctx: &Context<'_>) -> ApiResult<Vec<Target>> {
        Ok(self
            .target_rows(ctx)
            .await?
            .into_iter()
            .map(Target)
            .collect())
    }

    /// Every published value (document figures and approved reports) of the total or of one
    /// cell of a declared breakdown, by year and version.
    async fn values(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First year to include.")] from_year: Option<i32>,
        #[graphql(desc = "Last year to include.")] to_year: Option<i32>,
        #[graphql(desc = "The cell (`[{ dimension: SEX, code: \"F\" }]`); none: the total.")]
        breakdown: Option<Vec<BreakdownInput>>,
    ) -> ApiResult<Vec<IndicatorValue>> {
        let (key, _) = cells::key_of(ctx, &self.0, breakdown.as_deref()).await?;
        Ok(cells::published(ctx, &self.0, &key)
            .await?
            .into_iter()
            .filter(|v| {
                from_year.is_none_or(|y| v.year >= y) && to_year.is_none_or(|y| v.year <= y)
            })
            .map(IndicatorValue)
            .collect())
    }

    /// The series: per year, the newest published value of the total (what statuses are
    /// measured with) or of one cell of a declared breakdown.
    async fn series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First year to include.")] from_year: Option<i32>,
        #[graphql(desc = "Last year to include.")] to_year: Option<i32>,
        #[graphql(desc = "The cell (`[{ dimension: SEX, code: \"F\" }]`); none: the total.")]
        breakdown: Option<Vec<BreakdownInput>>,
    ) -> ApiResult<Vec<YearValue>> {
        let (key, parts) = cells::key_of(ctx, &self.0, breakdown.as_deref()).await?;
        let points = if key.is_empty() {
            load_one(ctx, Series(self.0.id)).await?
        } else {
            cells::series(&cells::published(ctx, &self.0, &key).await?)
        };
        Ok(points
            .into_iter()
            .filter(|(y, _)| from_year.is_none_or(|f| *y >= f) && to_year.is_none_or(|t| *y <= t))
            .map(|(year, value)| YearValue {
                year,
                value,
                breakdown: parts.clone(),
            })
            .collect())
    }

    /// The gap between the sexes in a year, from the published SEX F and M figures; null
    /// without both, and for a sex ratio (出生人口性别比 compares the sexes itself).
    async fn gap(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year.")] year: i32,
    ) -> ApiResult<Option<cells::Gap>> {
        cells::gap(ctx, &self.0, year).await
    }

    /// A count's female share in a year: F over the total (or F + M without one); null for
    /// rates and without a published female figure.
    async fn female_share(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year.")] year: i32,
    ) -> ApiResult<Option<f64>> {
        cells::female_share(ctx, &self.0, year).await
    }

    /// Whether a year's published figures by breakdown agree with their total, per rule and
    /// dimension (empty when no part was published that year); with `within`, whether a
    /// cell's parts by the other dimensions agree with it (women by age with women).
    async fn consistency(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year.")] year: i32,
        #[graphql(
            desc = "The cell whose parts are judged (`[{ dimension: SEX, code: \"F\" }]`); none: the total."
        )]
        within: Option<Vec<BreakdownInput>>,
    ) -> ApiResult<Vec<cells::ConsistencyCheck>> {
        cells::consistency(ctx, &self.0, year, within.as_deref()).await
    }

    /// Every cell of a breakdown with a published value, and its years.
    async fn breakdown_coverage(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<cells::BreakdownCoverage>> {
        cells::coverage(ctx, &self.0).await
    }

    /// The series' latest year; null when it has no value.
    async fn latest_value(&self, ctx: &Context<'_>) -> ApiResult<Option<YearValue>> {
        Ok(load_one(ctx, SeriesEnds(self.0.id, None))
            .await?
            .last()
            .map(|(year, value)| YearValue {
                year: *year,
                value: *value,
                breakdown: Vec::new(),
            }))
    }

    /// Where the document disagrees with itself about this indicator: targets for one year with
    /// different values, comparators or natures, figures for one year with different values.
    async fn discrepancies(&self, ctx: &Context<'_>) -> ApiResult<Vec<Discrepancy>> {
        let targets = self.target_rows(ctx).await?;
        let figures: Vec<indicator_value::Model> = load_one(ctx, PublishedValues(self.0.id))
            .await?
            .into_iter()
            .filter(|v| v.origin == domain::ValueOrigin::Document && v.breakdown.is_empty())
            .collect();
        Ok(super::discrepancy::of(&targets, &figures))
    }

    /// Departments that may report this indicator: those leading or responsible for the goal
    /// of any of its targets, and any an admin assigned (表1 rows name none until then).
    async fn reporters(&self, ctx: &Context<'_>) -> ApiResult<Vec<Department>> {
        super::reported::reporters_of(ctx, self.0.id).await
    }

    /// Every approval of a reported value for this indicator, oldest first (the public
    /// publication history).
    async fn publication_history(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<super::reported::Publication>> {
        super::reported::publications_of(ctx, self.0.id).await
    }
}

/// Which indicators to list: those with at least one target that matches; a plan or
/// department that does not exist is an error.
#[derive(InputObject, Default, Clone)]
pub struct IndicatorFilter {
    /// Plan code (`women`, `children`, `health`, `earthquake`): a plan sets a target for it
    /// (the indicators a plan follows without one are its `monitored`).
    pub plan_code: Option<String>,
    /// A department, by canonical name or any published spelling: a target's goal names it.
    pub department: Option<String>,
    /// With `department`: the role it must have on the goal.
    pub role: Option<Role>,
    /// Substring of the name (Chinese text matches without word splitting).
    pub text: Option<String>,
}

/// What to sort indicators by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndicatorOrderField {
    /// Document order (of each indicator's first target).
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

impl IndicatorFilter {
    fn to_repo(&self) -> repo::IndicatorFilter {
        repo::IndicatorFilter {
            plan_code: self.plan_code.clone(),
            department: self.department.clone(),
            role: self.role.map(domain::Role::from),
            text: self.text.clone(),
        }
    }
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
        let order = order_by.unwrap_or_default();
        let by = match order.field {
            IndicatorOrderField::Position => repo::IndicatorOrder::Position,
            IndicatorOrderField::Name => repo::IndicatorOrder::Name,
        };
        let args = super::page_args(ctx, first, after, last, before);
        let page = repo::page(
            store(ctx)?,
            &filter.unwrap_or_default().to_repo(),
            by,
            order.direction == OrderDirection::Desc,
            &args,
        )
        .await?;
        Ok(page.map(Indicator).into())
    }

    /// One indicator by global ID; null if there is none. The ID of an indicator that was
    /// merged into another (one measure the document states several times) finds that one;
    /// the ID of one an import removed is a NOT_FOUND error naming the indicators that stand
    /// for it (`extensions.details.successors`).
    async fn indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID.")] id: ID,
    ) -> ApiResult<Option<Indicator>> {
        let id = ids::decode_as(&id, Kind::Indicator)?;
        if let Some(found) = find(ctx, id).await? {
            return Ok(Some(found));
        }
        match super::retired::indicator(ctx, id).await? {
            Some(gone) => Err(gone.into()),
            None => Ok(None),
        }
    }
}

/// An indicator by id, or the one a merged-away indicator's id now belongs to (a store
/// written before indicators were series kept one per clause; each became a target with its id).
pub async fn find(ctx: &Context<'_>, id: i32) -> ApiResult<Option<Indicator>> {
    if let Some(row) = super::load_one_opt(ctx, crate::repo::batch::IndicatorById(id)).await? {
        return Ok(Some(Indicator(row)));
    }
    // The history says where its targets went: merged into another indicator, or removed
    // (then it is gone, not the indicator of the target that happens to share its id).
    let id = match super::retired::whereabouts(ctx, id).await? {
        Whereabouts::MergedInto(into) => into,
        Whereabouts::Removed => return Ok(None),
        Whereabouts::Unknown => match repo::of_target(store(ctx)?, id).await? {
            Some(into) => into,
            None => return Ok(None),
        },
    };
    Ok(
        super::load_one_opt(ctx, crate::repo::batch::IndicatorById(id))
            .await?
            .map(Indicator),
    )
}
