//! The code lists of the breakdown dimensions (public), and an admin's changes to them and to
//! what an indicator is reported by (`crate::service::declarations`).

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::breakdown::{Aggregation, BreakdownCode, Dimension};
use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::session::mutate;
use super::store;
use crate::breakdowns::{self, Code};
use crate::error::ApiResult;
use crate::repo::declarations;
use crate::service::{declarations as service, operations};

/// One version of a dimension's code list. A new version keeps every code of the one before
/// with its label and may add codes, so a stored value's code means the same in every version.
#[derive(SimpleObject, Debug, Clone)]
pub struct Codelist {
    /// Which dimension.
    pub dimension: Dimension,
    /// The version, from 1.
    pub version: i32,
    /// Its codes, the total (_T) among them.
    pub codes: Vec<BreakdownCode>,
}

fn codelist(dimension: breakdowns::Dimension, list: breakdowns::Codelist) -> Codelist {
    Codelist {
        dimension: dimension.into(),
        version: list.version,
        codes: list.codes.iter().map(BreakdownCode::from).collect(),
    }
}

/// Public reads of the code lists.
#[derive(Default)]
pub struct DeclarationQuery;

#[Object]
impl DeclarationQuery {
    /// The code list in force of each dimension (sex, age band, urban/rural).
    async fn codelists(&self, ctx: &Context<'_>) -> ApiResult<Vec<Codelist>> {
        let lists = declarations::codelists(store(ctx)?).await?;
        Ok(lists.into_iter().map(|(d, l)| codelist(d, l)).collect())
    }

    /// One version of a dimension's code list (the one in force when no version is given);
    /// null when there is no such version.
    async fn codelist(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which dimension.")] dimension: Dimension,
        #[graphql(desc = "Which version; none: the one in force.")] version: Option<i32>,
    ) -> ApiResult<Option<Codelist>> {
        let dimension = dimension.into();
        let list = declarations::codelist(store(ctx)?, dimension, version).await?;
        Ok(list.map(|l| codelist(dimension, l)))
    }
}

/// One code of a new code list version.
#[derive(InputObject, Debug, Clone)]
pub struct CodeInput {
    /// Upper-case letters, digits and `_`, at most 20 (`Y25T34`); `_T` is the total.
    pub code: String,
    /// Its Chinese label, 1 to 40 characters (25-34岁).
    pub label: String,
}

/// A new version of a dimension's code list.
#[derive(InputObject, Debug, Clone)]
pub struct DefineCodelistInput {
    /// Which dimension.
    pub dimension: Dimension,
    /// Every code of the list in force with its label, and any new ones, the total among
    /// them; at most 16.
    pub codes: Vec<CodeInput>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// What `defineCodelist` did.
#[derive(SimpleObject)]
pub struct DefineCodelistPayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// The list in force after it: the new version, or the one in force when the codes were
    /// that list already.
    pub codelist: Codelist,
}

/// A dimension an indicator is reported by.
#[derive(InputObject, Debug, Clone)]
pub struct DeclaredDimensionInput {
    /// Which dimension.
    pub dimension: Dimension,
    /// The codes of the list in force it is reported by (the total is always among them);
    /// none: every code of the list.
    pub codes: Option<Vec<String>>,
}

/// What an indicator is reported by.
#[derive(InputObject, Debug, Clone)]
pub struct DeclareBreakdownsInput {
    /// Global ID of the indicator.
    pub indicator_id: ID,
    /// How its parts relate to its total.
    pub aggregation: Aggregation,
    /// The dimensions, each once, at most three; empty: reported as a total only.
    pub dimensions: Vec<DeclaredDimensionInput>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// What `declareBreakdowns` did.
#[derive(SimpleObject)]
pub struct DeclareBreakdownsPayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// The indicator, with its breakdowns as now declared.
    pub indicator: Indicator,
}

/// Admin changes to the breakdown declarations.
#[derive(Default)]
pub struct DeclarationMutation;

#[Object]
impl DeclarationMutation {
    /// Makes a new version of a dimension's code list (ADMIN). Every code of the list in force
    /// must stay, with its label (a new meaning needs a new code); codes may be added. Codes
    /// that are that list already change nothing.
    async fn define_codelist(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The dimension and its codes.")] input: DefineCodelistInput,
    ) -> ApiResult<DefineCodelistPayload> {
        let dimension: breakdowns::Dimension = input.dimension.into();
        let operation = operations::DEFINE_CODELIST.on(format!("codelist:{}", dimension.as_str()));
        let codes: Vec<Code> = input
            .codes
            .into_iter()
            .map(|c| Code {
                code: c.code,
                label: c.label,
            })
            .collect();
        let list = mutate(ctx, operation, async |txn, _| {
            service::define_codelist(txn, dimension, codes).await
        })
        .await?;
        Ok(DefineCodelistPayload {
            client_mutation_id: input.client_mutation_id,
            codelist: codelist(dimension, list),
        })
    }

    /// Declares what an indicator is reported by (ADMIN), from the code lists in force. A
    /// change that would drop a code stored values use is refused (CONFLICT): those values keep
    /// their meaning. The declaration's version counts its changes.
    async fn declare_breakdowns(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator and its dimensions.")] input: DeclareBreakdownsInput,
    ) -> ApiResult<DeclareBreakdownsPayload> {
        let id = ids::decode_as(&input.indicator_id, Kind::Indicator)?;
        let operation = operations::DECLARE_BREAKDOWNS.on(format!("indicator:{id}"));
        let declaration = service::Declaration {
            indicator_id: id,
            aggregation: input.aggregation.into(),
            dimensions: input
                .dimensions
                .into_iter()
                .map(|d| (d.dimension.into(), d.codes))
                .collect(),
        };
        let indicator = mutate(ctx, operation, async |txn, _| {
            service::declare(txn, declaration).await
        })
        .await?;
        Ok(DeclareBreakdownsPayload {
            client_mutation_id: input.client_mutation_id,
            indicator: Indicator(indicator),
        })
    }
}
