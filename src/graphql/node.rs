//! `node` / `nodes`: any object by its global ID (Relay).

use async_graphql::{Context, Interface, Object, ID};

use super::department::Department;
use super::domain::Domain;
use super::evaluation::Evaluation;
use super::goal::Goal;
use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::load_one_opt;
use super::plan::Plan;
use super::target::Target;
use crate::error::ApiResult;
use crate::repo::batch::{DepartmentById, DomainById, GoalById, PlanById, TargetById};

/// An object with a global ID.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global ID."))]
// One value per node looked up, never stored in bulk: boxing the large row would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Node {
    Plan(Plan),
    Domain(Domain),
    Goal(Goal),
    Indicator(Indicator),
    Target(Target),
    Department(Department),
    Evaluation(Evaluation),
}

/// The node with `id`, or for `node(id:)` the NOT_FOUND of a target or indicator an import
/// removed (`nodes` lists such an ID as null, as any it cannot find).
async fn resolve_one(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<Node>> {
    if let Some(node) = resolve(ctx, id).await? {
        return Ok(Some(node));
    }
    let gone = match ids::decode(id)? {
        (Kind::Target, n) => super::retired::target(ctx, n).await?,
        (Kind::Indicator, n) => super::retired::indicator(ctx, n).await?,
        _ => None,
    };
    match gone {
        Some(gone) => Err(gone.into()),
        None => Ok(None),
    }
}

async fn resolve(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<Node>> {
    let (kind, n) = ids::decode(id)?;
    Ok(match kind {
        Kind::Plan => load_one_opt(ctx, PlanById(n))
            .await?
            .map(|m| Node::Plan(Plan(m))),
        Kind::Domain => load_one_opt(ctx, DomainById(n))
            .await?
            .map(|m| Node::Domain(Domain(m))),
        Kind::Goal => load_one_opt(ctx, GoalById(n))
            .await?
            .map(|m| Node::Goal(m.into())),
        Kind::Indicator => super::indicator::find(ctx, n).await?.map(Node::Indicator),
        Kind::Target => load_one_opt(ctx, TargetById(n))
            .await?
            .map(|m| Node::Target(Target(m))),
        Kind::Department => load_one_opt(ctx, DepartmentById(n))
            .await?
            .map(|m| Node::Department(Department(m))),
        // Reported values are not public nodes: read them through `reportedValue`.
        Kind::Value => None,
        Kind::Evaluation => super::evaluation::find(ctx, n).await?.map(Node::Evaluation),
        // Nor are self-assessments (a submitted one is not public): `selfAssessments`.
        Kind::SelfAssessment => None,
    })
}

/// Root fields for global IDs.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global ID; null if there is none. The ID of a target or indicator
    /// an import removed is a NOT_FOUND error naming the IDs that stand for it
    /// (`extensions.details.successors`).
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID.")] id: ID,
    ) -> ApiResult<Option<Node>> {
        resolve_one(ctx, &id).await
    }

    /// Objects by global IDs, in the order given (null where there is none); at most 100.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs.")] ids: Vec<ID>,
    ) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(crate::error::AppError::BadUserInput(format!(
                "at most 100 ids, got {}",
                ids.len()
            ))
            .into());
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(resolve(ctx, id).await?);
        }
        Ok(out)
    }
}
