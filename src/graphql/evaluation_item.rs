//! One target as a frozen evaluation classed it, and beside it what its lead departments
//! said of it for the round (their approved self-assessments, read once per page).

use std::collections::HashMap;

use async_graphql::{Context, Object};
use entity::evaluation_item;

use super::evaluation::{class_of, EvaluationClass};
use super::load_one_opt;
use super::self_assessment::SelfAssessment;
use super::target::Target;
use crate::error::ApiResult;
use crate::repo::batch::TargetById;
use crate::repo::self_assessments::Assessed;
use crate::rules::evaluation::Class;
use crate::rules::self_assessment as rule;

/// The approved self-assessments of a page of items, by target.
pub struct Beside(pub HashMap<i32, Vec<Assessed>>);

impl EvaluationItem {
    fn assessments(&self) -> Vec<Assessed> {
        self.1
            .as_ref()
            .and_then(|b| b.0.get(&self.0.target_id).cloned())
            .unwrap_or_default()
    }
}

/// One target as an evaluation classed it.
#[derive(Clone)]
pub struct EvaluationItem(
    pub evaluation_item::Model,
    /// The approved self-assessments of the page's targets for the evaluation's round, when
    /// the query asks for them (read once for the page).
    pub Option<std::sync::Arc<Beside>>,
);

/// One target as an evaluation classed it, with the value, the target and the rule's numbers
/// it used.
#[Object]
impl EvaluationItem {
    /// The target as it is now (null if a later import removed it; the fields below say what
    /// the evaluation saw).
    async fn target(&self, ctx: &Context<'_>) -> ApiResult<Option<Target>> {
        Ok(load_one_opt(ctx, TargetById(self.0.target_id))
            .await?
            .map(Target))
    }

    /// The target's stable key.
    async fn target_key(&self) -> &str {
        &self.0.target_key
    }

    /// The plan's code.
    async fn plan_code(&self) -> &str {
        &self.0.plan_code
    }

    /// The domain's title.
    async fn domain(&self) -> &str {
        &self.0.domain
    }

    /// The indicator as the target names it.
    async fn indicator(&self) -> &str {
        &self.0.indicator
    }

    /// The unit of the values and the target.
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }

    /// The class.
    async fn class(&self) -> EvaluationClass {
        class_of(&self.0).into()
    }

    /// The value used (the latest up to the evaluation's year); null without one.
    async fn value(&self) -> Option<f64> {
        self.0.value
    }

    /// The year of the value used.
    async fn year(&self) -> Option<i32> {
        self.0.value_year
    }

    /// The target in force, as a level of the indicator (a change target turned into one).
    async fn target_value(&self) -> Option<f64> {
        self.0.target_value
    }

    /// How the value is compared with it: at_least, at_most, about, exactly.
    async fn comparator(&self) -> Option<&str> {
        self.0.comparator.as_deref()
    }

    /// The year the target is for.
    async fn target_year(&self) -> i32 {
        self.0.target_year
    }

    /// Whether the target is binding (约束性).
    async fn binding(&self) -> bool {
        self.0.binding
    }

    /// Share of the way from the start to the target (may exceed 1 or be negative).
    async fn progress(&self) -> Option<f64> {
        self.0.progress
    }

    /// Where the trajectory says the indicator should have been in the value's year.
    async fn expected(&self) -> Option<f64> {
        self.0.expected
    }

    /// Why, in Chinese, with the numbers.
    async fn reason(&self) -> &str {
        &self.0.reason_zh
    }

    /// Why, in English, with the numbers.
    async fn reason_en(&self) -> &str {
        &self.0.reason_en
    }

    /// The lead departments' approved self-assessments of the target for this evaluation's
    /// round (kind and year), beside the computed class.
    async fn self_assessments(&self) -> Vec<SelfAssessment> {
        self.assessments().into_iter().map(SelfAssessment).collect()
    }

    /// Whether an approved self-assessment gives another class than the computed one (a
    /// target without a number has only the department's judgement: never).
    async fn disagrees(&self) -> bool {
        let computed = Class::stored(&self.0.class);
        self.assessments()
            .iter()
            .any(|a| rule::disagrees(Class::stored(&a.row.class), computed))
    }
}

super::pagination::connection!(
    EvaluationItemConnection,
    EvaluationItemEdge,
    EvaluationItem,
    "targets of an evaluation"
);

impl EvaluationItemConnection {
    /// A page of items as a connection.
    pub fn of(page: crate::repo::page::Page<EvaluationItem>) -> Self {
        EvaluationItemConnection(page)
    }
}
