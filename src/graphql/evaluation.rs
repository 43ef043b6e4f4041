//! Frozen evaluations (年度监测、中期评估、终期评估): `freezeEvaluation` (reviewers and admins)
//! and the public `evaluations` / `evaluation(id)`. An evaluation never changes: its items say
//! what was classed, from which value, against which target, by which rules.

use std::collections::BTreeMap;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use entity::{evaluation, evaluation_item};

use super::evaluation_item::{Beside, EvaluationItem, EvaluationItemConnection};
use super::ids::{self, Kind as IdKind};
use super::session::mutate;
use super::{page_args, store};
use crate::error::ApiResult;
use crate::repo::evaluations::{self as repo, EvaluationFilter, ItemFilter};
use crate::rules::evaluation::{Class, Kind, Tally};
use crate::service::evaluations::{self as service, Freeze};
use crate::service::operations;

/// Which evaluation the plans prescribe.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::rules::evaluation::Kind")]
pub enum EvaluationKind {
    /// 年度监测: the year's monitoring.
    Annual,
    /// 中期评估: the mid-term evaluation.
    Midterm,
    /// 终期评估: the final evaluation, of the period's last year.
    Final,
}

/// A target's class in an evaluation (docs/EVALUATIONS.md gives the rule).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::rules::evaluation::Class")]
pub enum EvaluationClass {
    /// 提前实现 (annual, mid-term) or 已实现 (final): the latest value meets the target.
    Achieved,
    /// 快于预期: more than 10 points of the way ahead of the trajectory.
    Ahead,
    /// 基本符合预期: within 10 points of the way of the trajectory.
    OnPace,
    /// 滞后: further behind, away from a level to keep, or the target year passed.
    Behind,
    /// 未实现 (final): the latest value does not meet the target.
    NotAchieved,
    /// 无数据: no value after the start.
    NoData,
    /// 未量化: the target has no number (not monitorable).
    NotQuantified,
}

/// How to group an evaluation's targets.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvaluationGrouping {
    /// By plan (its code).
    Plan,
    /// By domain (its title).
    Domain,
    /// By lead department (a target counts under each of its goal's lead departments).
    Department,
    /// By nature: expected (预期性) or binding (约束性).
    Nature,
}

/// Input of `freezeEvaluation`.
#[derive(InputObject)]
pub struct FreezeEvaluationInput {
    /// Which evaluation.
    pub kind: EvaluationKind,
    /// The plan's code (`women`, `children`, `health`, `earthquake`); omit for all plans.
    pub plan_code: Option<String>,
    /// The last year whose values count: a year of the period for ANNUAL and MIDTERM, its
    /// last year for FINAL.
    pub through_year: i32,
    /// Class the public data of this instant (values, targets and statuses as the public
    /// had them then; the last publication at or before it) rather than of now. Not in the
    /// future, not before the first publication.
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
}

/// Which evaluations to list.
#[derive(InputObject, Default)]
pub struct EvaluationFilterInput {
    /// Only those of this plan.
    pub plan_code: Option<String>,
    /// Only those of all plans (true), or only those of one plan (false).
    pub all_plans: Option<bool>,
    /// Only those of this kind.
    pub kind: Option<EvaluationKind>,
    /// Only those through this year.
    pub through_year: Option<i32>,
}

/// Which items of an evaluation.
#[derive(InputObject, Default)]
pub struct EvaluationItemFilter {
    /// Only items of these classes.
    pub classes: Option<Vec<EvaluationClass>>,
    /// Only binding (约束性, true) or expected (false) targets.
    pub binding: Option<bool>,
}

/// How many targets have a class.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct ClassCount {
    /// The class.
    pub class: EvaluationClass,
    /// Its Chinese name as the evaluation's kind says it (已实现, 快于预期 …).
    pub label: String,
    /// How many targets.
    pub count: i32,
}

/// The achievement rate (达标率), with its denominator stated.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct AchievementRate {
    /// Targets classed ACHIEVED.
    pub achieved: i32,
    /// Targets with a number and data (every class but NO_DATA and NOT_QUANTIFIED).
    pub monitorable: i32,
    /// achieved / monitorable, 3 decimals; null without a monitorable target.
    pub rate: Option<f64>,
}

/// The targets of one group of an evaluation.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct EvaluationGroup {
    /// The plan's code, the domain's title, the department's name, or `expected` / `binding`.
    pub key: String,
    /// Counts per class.
    pub summary: Vec<ClassCount>,
    /// The group's achievement rate.
    pub achievement_rate: AchievementRate,
}

fn summary(kind: Kind, tally: &Tally) -> Vec<ClassCount> {
    tally
        .counts
        .iter()
        .map(|(class, n)| ClassCount {
            class: (*class).into(),
            label: class.chinese(kind).to_string(),
            count: i32::try_from(*n).unwrap_or(i32::MAX),
        })
        .collect()
}

fn rate(tally: &Tally) -> AchievementRate {
    AchievementRate {
        achieved: i32::try_from(tally.achieved).unwrap_or(i32::MAX),
        monitorable: i32::try_from(tally.monitorable).unwrap_or(i32::MAX),
        rate: tally.rate(),
    }
}

pub(super) fn class_of(item: &evaluation_item::Model) -> Class {
    Class::stored(&item.class)
}

/// Whether a page of items asks for what departments said (one read for the page if so).
fn asks_beside(ctx: &Context<'_>) -> bool {
    let look = ctx.look_ahead();
    [look.field("nodes"), look.field("edges").field("node")]
        .iter()
        .any(|n| n.field("selfAssessments").exists() || n.field("disagrees").exists())
}

/// A frozen evaluation.
#[derive(Clone)]
pub struct Evaluation(pub evaluation::Model);

impl Evaluation {
    fn rules_kind(&self) -> Kind {
        Kind::parse(&self.0.kind).unwrap_or(Kind::Annual)
    }

    /// Every item, for the counts and groups: the items of a page of evaluations in one
    /// statement, read once however many of these fields are asked.
    async fn all_items(&self, ctx: &Context<'_>) -> ApiResult<Vec<evaluation_item::Model>> {
        super::load_one(ctx, crate::repo::batch::ItemsOfEvaluation(self.0.id)).await
    }
}

/// A frozen evaluation (年度监测、中期评估、终期评估) of a plan or of all plans: every target
/// classed from the published values up to its year, never edited; a correction is a new
/// evaluation that revises it.
#[Object]
impl Evaluation {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(IdKind::Evaluation, self.0.id)
    }

    /// Which evaluation.
    async fn kind(&self) -> EvaluationKind {
        self.rules_kind().into()
    }

    /// The plan's code; null for an evaluation of all plans.
    async fn plan_code(&self) -> Option<&str> {
        self.0.plan_code.as_deref()
    }

    /// The last year whose values count.
    async fn through_year(&self) -> i32 {
        self.0.through_year
    }

    /// The instant whose public values and targets it classed: the one it was asked to be
    /// frozen as of, or when it was frozen.
    async fn as_of(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.as_of.unwrap_or(self.0.frozen_at)
    }

    /// When it was frozen.
    async fn frozen_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.frozen_at
    }

    /// The publication whose data it classed (`extensions.asOf.resolvedSeq` of a query asked
    /// as of `asOf` answers from the same one); for an evaluation frozen before publications
    /// were numbered, the store's data version then.
    async fn seq(&self) -> i64 {
        self.0.publication_seq.unwrap_or(self.0.data_version)
    }

    /// SHA-256 (hex) of what it says — its kind, scope, year, rules and every item: freezing
    /// the same again gives the same evaluation.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// The version of the rules that classed the targets.
    async fn rules_version(&self) -> &str {
        &self.0.rules_version
    }

    /// How many targets it classed.
    async fn item_count(&self) -> i32 {
        self.0.item_count
    }

    /// The evaluation of the same kind, scope and year this one revises (a correction).
    async fn revises(&self, ctx: &Context<'_>) -> ApiResult<Option<Evaluation>> {
        let Some(id) = self.0.revises_id else {
            return Ok(None);
        };
        Ok(repo::by_id(store(ctx)?, id).await?.map(Evaluation))
    }

    /// Its targets in document order (Relay connection).
    #[allow(clippy::too_many_arguments)]
    async fn items(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items.")] filter: Option<EvaluationItemFilter>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<EvaluationItemConnection> {
        let filter = filter.unwrap_or_default();
        let filter = ItemFilter {
            classes: filter
                .classes
                .unwrap_or_default()
                .into_iter()
                .map(|c| Class::from(c).as_str().to_string())
                .collect(),
            binding: filter.binding,
        };
        let args = page_args(ctx, first, after, last, before);
        let db = store(ctx)?;
        let page = repo::items(db, self.0.id, &filter, &args).await?;
        let beside = if asks_beside(ctx) {
            let targets: Vec<i32> = page.edges.iter().map(|(_, i)| i.target_id).collect();
            let found = crate::repo::self_assessments::approved_for(
                db,
                &self.0.kind,
                self.0.through_year,
                &targets,
            )
            .await?;
            Some(std::sync::Arc::new(Beside(found)))
        } else {
            None
        };
        Ok(EvaluationItemConnection::of(
            page.map(|i| EvaluationItem(i, beside.clone())),
        ))
    }

    /// Counts per class, in the order of `EvaluationClass`.
    async fn summary(&self, ctx: &Context<'_>) -> ApiResult<Vec<ClassCount>> {
        let items = self.all_items(ctx).await?;
        let tally = Tally::of(items.iter().map(class_of));
        Ok(summary(self.rules_kind(), &tally))
    }

    /// The achievement rate (达标率) over the monitorable targets.
    async fn achievement_rate(&self, ctx: &Context<'_>) -> ApiResult<AchievementRate> {
        let items = self.all_items(ctx).await?;
        Ok(rate(&Tally::of(items.iter().map(class_of))))
    }

    /// Counts and achievement rate per plan, domain, lead department or nature, by key.
    async fn groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How to group.")] by: EvaluationGrouping,
    ) -> ApiResult<Vec<EvaluationGroup>> {
        let items = self.all_items(ctx).await?;
        let mut groups: BTreeMap<String, Vec<Class>> = BTreeMap::new();
        for item in &items {
            for key in keys(item, by) {
                groups.entry(key).or_default().push(class_of(item));
            }
        }
        let kind = self.rules_kind();
        Ok(groups
            .into_iter()
            .map(|(key, classes)| {
                let tally = Tally::of(classes);
                EvaluationGroup {
                    key,
                    summary: summary(kind, &tally),
                    achievement_rate: rate(&tally),
                }
            })
            .collect())
    }
}

/// The groups an item falls in.
fn keys(item: &evaluation_item::Model, by: EvaluationGrouping) -> Vec<String> {
    match by {
        EvaluationGrouping::Plan => vec![item.plan_code.clone()],
        EvaluationGrouping::Domain => vec![item.domain.clone()],
        EvaluationGrouping::Nature => vec![item.nature.clone()],
        EvaluationGrouping::Department => {
            serde_json::from_str::<Vec<String>>(&item.departments).unwrap_or_default()
        }
    }
}

super::pagination::connection!(
    EvaluationConnection,
    EvaluationEdge,
    Evaluation,
    "evaluations"
);

/// Root fields for evaluations (public).
#[derive(Default)]
pub struct EvaluationQuery;

#[Object]
impl EvaluationQuery {
    /// Frozen evaluations, newest first (Relay connection).
    #[allow(clippy::too_many_arguments)]
    async fn evaluations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which evaluations.")] filter: Option<EvaluationFilterInput>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<EvaluationConnection> {
        let f = filter.unwrap_or_default();
        let plan_code = match (f.plan_code, f.all_plans) {
            (Some(code), _) => Some(Some(code)),
            (None, Some(true)) => Some(None),
            _ => None,
        };
        let filter = EvaluationFilter {
            plan_code,
            kind: f.kind.map(|k| Kind::from(k).as_str().to_string()),
            through_year: f.through_year,
        };
        let args = page_args(ctx, first, after, last, before);
        let page = repo::page(store(ctx)?, &filter, &args).await?;
        Ok(EvaluationConnection(page.map(Evaluation)))
    }

    /// An evaluation by its global ID; null if there is none.
    async fn evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the evaluation.")] id: ID,
    ) -> ApiResult<Option<Evaluation>> {
        let id = ids::decode_as(&id, IdKind::Evaluation)?;
        Ok(repo::by_id(store(ctx)?, id).await?.map(Evaluation))
    }
}

/// The mutation that freezes an evaluation.
#[derive(Default)]
pub struct EvaluationMutation;

#[Object]
impl EvaluationMutation {
    /// Freezes an evaluation of a plan, or of all plans (REVIEWER, ADMIN): every target
    /// classed from the public values up to `throughYear`, in one transaction. The same
    /// inputs with nothing changed give the same evaluation; after a correction, a new one
    /// that names the one it revises. Evaluations are never edited.
    async fn freeze_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to freeze.")] input: FreezeEvaluationInput,
    ) -> ApiResult<Evaluation> {
        let as_of = match input.as_of {
            Some(instant) => Some(as_of(ctx, instant).await?),
            None => None,
        };
        let freeze = Freeze {
            kind: input.kind.into(),
            plan_code: input.plan_code,
            through_year: input.through_year,
            as_of,
        };
        let target = format!(
            "evaluation:{}:{}:{}",
            freeze.kind.as_str(),
            freeze.plan_code.as_deref().unwrap_or("all"),
            freeze.through_year
        );
        let operation = operations::FREEZE_EVALUATION.on(target);
        let made = mutate(ctx, operation, async |txn, actor| {
            service::freeze(txn, actor, &freeze).await
        })
        .await?;
        Ok(Evaluation(made))
    }
}

/// The publication an evaluation's instant resolves to, with its copy of the store.
async fn as_of(
    ctx: &Context<'_>,
    instant: chrono::DateTime<chrono::Utc>,
) -> ApiResult<crate::service::evaluations::AsOf> {
    let at_us = instant.timestamp_micros();
    if at_us > chrono::Utc::now().timestamp_micros() {
        return Err(crate::error::AppError::BadUserInput(format!(
            "asOf {instant} is in the future: nothing has been published then yet"
        ))
        .into());
    }
    let Some(found) = crate::repo::publications::at(store(ctx)?, at_us).await? else {
        return Err(crate::error::AppError::BadUserInput(format!(
            "asOf {instant} is before the first publication: nothing was public then"
        ))
        .into());
    };
    let snapshots = ctx
        .data::<std::sync::Arc<crate::db::snapshot::Snapshots>>()
        .map_err(|_| crate::error::AppError::internal("no copies of the store in the request"))?;
    let copy = snapshots.get(found.seq).await.map_err(|e| {
        crate::error::AppError::internal(format!(
            "the copy at publication {} was not made: {e}",
            found.seq
        ))
    })?;
    Ok(crate::service::evaluations::AsOf {
        instant,
        seq: found.seq,
        copy,
    })
}

/// An evaluation for `node(id:)`.
pub async fn find(ctx: &Context<'_>, id: i32) -> ApiResult<Option<Evaluation>> {
    Ok(repo::by_id(store(ctx)?, id).await?.map(Evaluation))
}
