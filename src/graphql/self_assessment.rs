//! Departments' self-assessments (自我评估) over GraphQL: `submitSelfAssessment` (a lead
//! department's submitter), `reviewSelfAssessment` (reviewers), `selfAssessments` (the
//! approved ones for everyone; submitted and rejected ones for reviewers, admins and
//! evaluators, and a submitter's own department's), and on an evaluation's items beside the
//! computed class. No account names: a self-assessment is its department's.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};

use super::evaluation::{EvaluationClass, EvaluationKind};
use super::ids::{self, Kind as IdKind};
use super::session::{actor, mutate, Caller};
use super::submission::ReviewDecision;
use super::{page_args, store};
use crate::auth::UserRole;
use crate::error::ApiResult;
use crate::repo::self_assessments::{self as repo, Assessed, Filter};
use crate::rules::evaluation::{Class, Kind};
use crate::service::operations;
use crate::service::self_assessments::{self as service, Review, Submission};

/// Where a self-assessment is in its review.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfAssessmentStatus {
    /// Waiting for a reviewer (not public).
    Submitted,
    /// Approved: public, shown beside the computed class.
    Approved,
    /// Sent back with a comment (not public); the department may submit again.
    Rejected,
}

impl SelfAssessmentStatus {
    fn stored(self) -> &'static str {
        match self {
            SelfAssessmentStatus::Submitted => service::SUBMITTED,
            SelfAssessmentStatus::Approved => service::APPROVED,
            SelfAssessmentStatus::Rejected => service::REJECTED,
        }
    }

    fn of(stored: &str) -> SelfAssessmentStatus {
        match stored {
            service::APPROVED => SelfAssessmentStatus::Approved,
            service::REJECTED => SelfAssessmentStatus::Rejected,
            _ => SelfAssessmentStatus::Submitted,
        }
    }
}

/// A lead department's own assessment of a target for one evaluation round.
pub struct SelfAssessment(pub Assessed);

/// A lead department's own assessment of a target for one evaluation round (自我评估): its
/// class, what was done and what held it back, and where it is in its review.
#[Object]
impl SelfAssessment {
    /// Global ID.
    async fn id(&self) -> ID {
        ids::encode(IdKind::SelfAssessment, self.0.row.id)
    }

    /// Global ID of the target it assesses.
    async fn target_id(&self) -> ID {
        ids::encode(IdKind::Target, self.0.row.target_id)
    }

    /// The department (a lead department of the target's goal).
    async fn department(&self) -> &str {
        &self.0.department
    }

    /// The round: which evaluation.
    async fn kind(&self) -> EvaluationKind {
        Kind::parse(&self.0.row.kind).unwrap_or(Kind::Annual).into()
    }

    /// The round: the last year whose values count.
    async fn through_year(&self) -> i32 {
        self.0.row.through_year
    }

    /// The department's own class.
    async fn class(&self) -> EvaluationClass {
        Class::stored(&self.0.row.class).into()
    }

    /// The department's class as a county report names it (已实现, 滞后 …).
    async fn label(&self) -> &'static str {
        let kind = Kind::parse(&self.0.row.kind).unwrap_or(Kind::Annual);
        Class::stored(&self.0.row.class).chinese(kind)
    }

    /// What was done (工作进展).
    async fn done(&self) -> &str {
        &self.0.row.done
    }

    /// What held it back (存在问题), if anything.
    async fn held_back(&self) -> &str {
        &self.0.row.held_back
    }

    /// Where it is in its review.
    async fn status(&self) -> SelfAssessmentStatus {
        SelfAssessmentStatus::of(&self.0.row.status)
    }

    /// 1 for the first submission, one more for each resubmission.
    async fn version(&self) -> i32 {
        self.0.row.version
    }

    /// When it was (last) submitted.
    async fn submitted_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.row.submitted_at
    }

    /// When it was reviewed.
    async fn reviewed_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.row.reviewed_at
    }

    /// The reviewer's comment.
    async fn review_comment(&self) -> Option<&str> {
        self.0.row.review_comment.as_deref()
    }
}

super::pagination::connection!(
    SelfAssessmentConnection,
    SelfAssessmentEdge,
    SelfAssessment,
    "self-assessments"
);

/// Which self-assessments.
#[derive(InputObject, Default)]
pub struct SelfAssessmentFilter {
    /// Only those of this kind of round.
    pub kind: Option<EvaluationKind>,
    /// Only those through this year.
    pub through_year: Option<i32>,
    /// Only those with this status (anonymous callers see APPROVED ones only).
    pub status: Option<SelfAssessmentStatus>,
}

/// Root field for self-assessments.
#[derive(Default)]
pub struct SelfAssessmentQuery;

#[Object]
impl SelfAssessmentQuery {
    /// Departments' self-assessments, newest first (Relay connection): approved ones for
    /// everyone; all for reviewers, admins and evaluators; a submitter's own department's too.
    #[allow(clippy::too_many_arguments)]
    async fn self_assessments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which self-assessments.")] filter: Option<SelfAssessmentFilter>,
        #[graphql(desc = "Page size from the start, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> ApiResult<SelfAssessmentConnection> {
        let f = filter.unwrap_or_default();
        let mut filter = Filter {
            kind: f.kind.map(|k| Kind::from(k).as_str().to_string()),
            through_year: f.through_year,
            status: f.status.map(|s| s.stored().to_string()),
            ..Filter::default()
        };
        let signed_in = ctx.data_opt::<Caller>().is_some_and(|c| c.bearer.is_some());
        let approved = service::APPROVED.to_string();
        if !signed_in {
            filter.status = Some(approved);
        } else {
            let actor = actor(ctx).await?;
            if actor.role == UserRole::Submitter {
                filter.public_or_department = Some((approved, actor.department_id.unwrap_or(-1)));
            }
        }
        let args = page_args(ctx, first, after, last, before);
        let page = repo::page(store(ctx)?, &filter, &args).await?;
        Ok(SelfAssessmentConnection(page.map(SelfAssessment)))
    }
}

/// Input of `submitSelfAssessment`.
#[derive(InputObject)]
pub struct SubmitSelfAssessmentInput {
    /// Global ID of the target (its goal's lead departments may assess it).
    pub target_id: ID,
    /// The round: which evaluation.
    pub kind: EvaluationKind,
    /// The round: the last year whose values count (a year of the period; its last for FINAL).
    pub through_year: i32,
    /// The department's own class: ACHIEVED, NOT_ACHIEVED or NO_DATA for FINAL; ACHIEVED,
    /// AHEAD, ON_PACE, BEHIND or NO_DATA otherwise.
    pub class: EvaluationClass,
    /// What was done, up to 1,000 characters (required).
    pub done: String,
    /// What held it back, up to 1,000 characters.
    pub held_back: Option<String>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `reviewSelfAssessment`.
#[derive(InputObject)]
pub struct ReviewSelfAssessmentInput {
    /// Global ID of the self-assessment.
    pub id: ID,
    /// Approve (public) or reject (back to the department).
    pub decision: ReviewDecision,
    /// Why; required to reject.
    pub comment: Option<String>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// What a self-assessment mutation did.
#[derive(SimpleObject)]
pub struct SelfAssessmentPayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// The self-assessment as stored.
    pub self_assessment: SelfAssessment,
}

/// Mutations of self-assessments.
#[derive(Default)]
pub struct SelfAssessmentMutation;

#[Object]
impl SelfAssessmentMutation {
    /// Submits a lead department's self-assessment of a target for a round (SUBMITTER of a
    /// department that leads the target's goal); a resubmission replaces one not yet
    /// approved (CONFLICT once approved).
    async fn submit_self_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the department says.")] input: SubmitSelfAssessmentInput,
    ) -> ApiResult<SelfAssessmentPayload> {
        let submission = Submission {
            target_id: ids::decode_as(&input.target_id, IdKind::Target)?,
            kind: input.kind.into(),
            through_year: input.through_year,
            class: input.class.into(),
            done: input.done,
            held_back: input.held_back.unwrap_or_default(),
        };
        let target = format!(
            "selfAssessment:{}:{}:{}",
            submission.kind.as_str(),
            submission.through_year,
            submission.target_id
        );
        let operation = operations::SUBMIT_SELF_ASSESSMENT.on(target);
        let saved = mutate(ctx, operation, async |txn, actor| {
            service::submit(txn, actor, &submission).await
        })
        .await?;
        payload(ctx, saved, input.client_mutation_id).await
    }

    /// Approves or rejects a submitted self-assessment (REVIEWER; a rejection needs a
    /// comment). Approved ones are public and shown on the evaluations of their round.
    async fn review_self_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The decision.")] input: ReviewSelfAssessmentInput,
    ) -> ApiResult<SelfAssessmentPayload> {
        let review = Review {
            id: ids::decode_as(&input.id, IdKind::SelfAssessment)?,
            approve: input.decision == ReviewDecision::Approve,
            comment: input.comment,
        };
        let operation =
            operations::REVIEW_SELF_ASSESSMENT.on(format!("selfAssessment:{}", review.id));
        let saved = mutate(ctx, operation, async |txn, actor| {
            service::review(txn, actor, &review).await
        })
        .await?;
        payload(ctx, saved, input.client_mutation_id).await
    }
}

async fn payload(
    ctx: &Context<'_>,
    row: entity::self_assessment::Model,
    client_mutation_id: Option<String>,
) -> ApiResult<SelfAssessmentPayload> {
    let department = repo::department_name(store(ctx)?, row.department_id).await?;
    Ok(SelfAssessmentPayload {
        client_mutation_id,
        self_assessment: SelfAssessment(Assessed { row, department }),
    })
}
