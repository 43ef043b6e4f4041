//! The public GraphQL schema: one module per domain type, merged here.

pub mod department;
pub mod domain;
pub mod enums;
pub mod goal;
pub mod ids;
pub mod indicator;
pub mod loaders;
pub mod node;
pub mod pagination;
pub mod plan;
pub mod search;
pub mod session;
pub mod source;
pub mod submission;

use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, EmptySubscription, MergedObject, Schema};
use sea_orm::DatabaseConnection;

use crate::error::{ApiResult, AppError};
use crate::limits::bounds::LiveBounds;
use crate::limits::check::Checker;
use loaders::{LoadError, Loaders, Store};

/// The root of all public read queries.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    plan::PlanQuery,
    goal::GoalQuery,
    indicator::IndicatorQuery,
    department::DepartmentQuery,
    search::SearchQuery,
    node::NodeQuery,
    session::SessionQuery,
    submission::SubmissionQuery,
);

/// The root of all mutations: sessions, accounts, and the reporting workflow.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    session::SessionMutation,
    submission::SubmissionMutation,
    submission::CorrectionMutation,
);

pub type AppSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Builds the schema without signing keys (`plangraph schema` and the schema tests).
pub fn build_schema(db: Option<DatabaseConnection>) -> AppSchema {
    let checker = Checker::new(
        crate::config::Limits::default(),
        Arc::new(LiveBounds::default()),
    );
    build_schema_with(db, Arc::new(checker), None, true)
}

/// The schema with the limits it checks as a second line (after `limits::check`, whose type
/// table it fills), the keys tokens are signed with and the login throttle's policy, and whether it describes itself (introspection
/// and field suggestions).
pub fn build_schema_with(
    db: Option<DatabaseConnection>,
    checker: Arc<Checker>,
    auth: Option<(crate::auth::token::Keys, crate::auth::throttle::Policy)>,
    discovery: bool,
) -> AppSchema {
    let limits = checker.limits.clone();
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .register_output_type::<node::Node>()
    // The HTTP layer's checks (`limits::check`) come first, with codes; async-graphql's own
    // stay as a second line (its complexity, which counts fields only, is not used).
    .limit_depth(limits.depth)
    .limit_recursive_depth(limits.nesting)
    .limit_directives(10);
    if !discovery {
        builder = builder.disable_introspection().disable_suggestions();
    }
    if let Some(db) = db {
        builder = builder.data(loaders::loaders(db.clone())).data(db);
    }
    if let Some((keys, policy)) = auth {
        builder = builder
            .data(keys)
            .data(crate::auth::throttle::LoginThrottle::new(policy))
            .data(crate::service::audit::AuditGate::default());
    }
    let schema = builder.finish();
    // The cost estimate needs the schema's own types; the schema has them once it is built.
    checker.learn_schema(&schema.sdl());
    schema
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    build_schema(None).sdl()
}

pub(crate) fn store<'a>(ctx: &Context<'a>) -> ApiResult<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| AppError::Internal("no store in the schema".into()).into())
}

/// Loads one key that may name no row (a client-given ID).
pub(crate) async fn load_one_opt<K>(
    ctx: &Context<'_>,
    key: K,
) -> ApiResult<Option<<Store as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + std::fmt::Debug + 'static,
    Store: Loader<K, Error = LoadError>,
{
    let loader = ctx.data::<Loaders>().map_err(|_| {
        async_graphql::Error::from(AppError::Internal("no loaders in the schema".into()))
    })?;
    loader
        .load_one(key)
        .await
        .map_err(|err| AppError::Internal(err.to_string()).into())
}

/// Loads one key; a missing row behind a foreign key is an internal error.
pub(crate) async fn load_one<K>(ctx: &Context<'_>, key: K) -> ApiResult<<Store as Loader<K>>::Value>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + std::fmt::Debug + 'static,
    Store: Loader<K, Error = LoadError>,
{
    let loader = ctx.data::<Loaders>().map_err(|_| {
        async_graphql::Error::from(AppError::Internal("no loaders in the schema".into()))
    })?;
    match loader.load_one(key.clone()).await {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(AppError::Internal(format!("dangling reference {key:?}")).into()),
        Err(err) => Err(AppError::Internal(err.to_string()).into()),
    }
}
