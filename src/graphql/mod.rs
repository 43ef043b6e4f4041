//! The public GraphQL schema: one module per domain type, merged here.

pub mod breakdown;
pub mod change;
pub mod declarations;
pub mod department;
pub mod discrepancy;
pub mod domain;
pub mod enums;
pub mod evaluation;
pub mod evaluation_diff;
pub mod evaluation_item;
pub mod goal;
pub use crate::ids;
pub mod indicator;
pub mod indicator_cells;
pub mod indicator_value;
pub mod monitored;
pub mod node;
pub mod pagination;
pub mod plan;
pub mod reads;
pub mod reported;
pub mod retired;
pub mod search;
pub mod self_assessment;
pub mod session;
pub mod source;
pub mod submission;
pub mod subscription;
pub mod target;
pub mod upload;
pub mod warning;

use std::sync::Arc;

use crate::repo::batch::Loader;
use async_graphql::{Context, MergedObject, Schema};
use sea_orm::DatabaseConnection;

use crate::error::{ApiResult, AppError};
use crate::limits::bounds::LiveBounds;
use crate::limits::check::Checker;
use crate::repo::batch::{LoadError, Store};
use crate::repo::loaders::Loaders;

/// Everything the API answers: plans, domains, goals, indicators and their targets, values,
/// departments, search, statuses and early warnings (public), and accounts and the reporting
/// workflow (signed-in users).
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    plan::PlanQuery,
    goal::GoalQuery,
    indicator::IndicatorQuery,
    target::TargetQuery,
    department::DepartmentQuery,
    search::SearchQuery,
    node::NodeQuery,
    session::SessionQuery,
    submission::SubmissionQuery,
    evaluation::EvaluationQuery,
    evaluation_diff::EvaluationDiffQuery,
    self_assessment::SelfAssessmentQuery,
    change::ChangeQuery,
    declarations::DeclarationQuery,
);

/// Everything that changes the store: sessions, accounts, and the reporting workflow. Each
/// mutation takes one `input` object and returns a payload.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    session::SessionMutation,
    submission::SubmissionMutation,
    submission::CorrectionMutation,
    upload::UploadMutation,
    evaluation::EvaluationMutation,
    self_assessment::SelfAssessmentMutation,
    declarations::DeclarationMutation,
);

pub type AppSchema = Schema<QueryRoot, MutationRoot, subscription::SubscriptionRoot>;

/// The limits' cost table of the schema, read from its SDL (a pest parse, costly enough that
/// the server runs it on another thread while its store opens). Keys, store and discovery do
/// not change the SDL.
pub fn cost_table() -> crate::limits::cost::TypeTable {
    crate::limits::cost::TypeTable::from_sdl(&build_schema(None).sdl()).unwrap_or_default()
}

/// Builds the schema without signing keys (`plangraph schema` and the schema tests).
pub fn build_schema(db: Option<DatabaseConnection>) -> AppSchema {
    let checker = Checker::new(
        crate::config::Limits::default(),
        Arc::new(LiveBounds::default()),
    );
    build_schema_with(
        db,
        Arc::new(checker),
        None,
        true,
        crate::events::Events::idle(),
    )
}

/// The schema with the limits it checks as a second line (after `limits::check`, whose cost
/// table the caller gives the checker: [`cost_table`]), the keys tokens are signed with and
/// the login throttle's policy, and whether it describes itself (introspection and field
/// suggestions).
pub fn build_schema_with(
    db: Option<DatabaseConnection>,
    checker: Arc<Checker>,
    auth: Option<(crate::auth::token::Keys, crate::auth::throttle::Policy)>,
    discovery: bool,
    events: Arc<crate::events::Events>,
) -> AppSchema {
    let limits = checker.limits.clone();
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        subscription::SubscriptionRoot,
    )
    .register_output_type::<node::Node>()
    .override_output_type_description::<chrono::DateTime<chrono::Utc>>(
        "A moment in time, as an RFC 3339 / ISO 8601 string in UTC (2026-11-29T07:30:00Z).",
    )
    .override_output_type_description::<async_graphql::Json<serde_json::Value>>(
        "A JSON value: an object holding the fields a change touched, as they were or became.",
    )
    // The HTTP layer's checks (`limits::check`) come first, with codes; async-graphql's own
    // stay as a second line (its complexity, which counts fields only, is not used).
    .limit_depth(limits.depth)
    .limit_recursive_depth(limits.nesting)
    .limit_directives(10);
    if !discovery {
        builder = builder.disable_introspection().disable_suggestions();
    }
    if let Some(db) = db {
        builder = builder
            .data(crate::repo::loaders::for_schema(db.clone()))
            .data(db);
    }
    builder = builder.data(events);
    if let Some((keys, policy)) = auth {
        builder = builder
            .data(keys)
            .data(crate::auth::throttle::LoginThrottle::new(policy))
            .data(crate::service::audit::AuditGate::default());
    }
    builder.finish()
}

/// What the schema is, at the head of its SDL (async-graphql's introspection answers
/// `__Schema.description` with a fixed text of its own).
pub const DESCRIPTION: &str = "plangraph: the four 2021–2025 plans of Changle County \
(乐政字〔2022〕16号) — women's and children's development, health, earthquake prevention — as \
open data: plans, domains, goals, indicators (one series of yearly values per measure) and the \
targets each plan sets for them, with progress, status and early warnings; departments and \
their roles; and the departments' yearly reporting. Errors carry a stable `extensions.code`.";

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    let sdl = build_schema(None).sdl();
    sdl.replacen(
        "schema {",
        &format!("\"\"\"\n{DESCRIPTION}\n\"\"\"\nschema {{"),
        1,
    )
}

/// A connection field's paging arguments; the count of all matches is skipped when the
/// query does not select `totalCount` (a `COUNT(*)` nobody reads).
pub(crate) fn page_args(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> crate::repo::page::PageArgs {
    crate::repo::page::PageArgs {
        first,
        after,
        last,
        before,
        skip_count: !ctx.look_ahead().field("totalCount").exists(),
    }
}

/// A nested connection's page: the slice of the parent's children the arguments ask for (one
/// statement for every parent at this level) and, only when `totalCount` is selected, their
/// number (one grouped count).
pub(crate) async fn nested_page<K, M, N>(
    ctx: &Context<'_>,
    args: crate::repo::page::PageArgs,
    key: impl FnOnce(crate::repo::page::Slice) -> K,
    size: crate::repo::batch::SizeOf,
    position: impl Fn(&M) -> (i32, i32),
    node: impl Fn(M) -> N,
) -> ApiResult<crate::repo::page::Page<N>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + std::fmt::Debug + 'static,
    Store: Loader<K, Value = Vec<M>, Error = LoadError>,
{
    let slice = args.slice()?;
    let (rows, total) = futures_util::future::try_join(load_one(ctx, key(slice.clone())), async {
        if args.skip_count {
            Ok(0)
        } else {
            load_one::<crate::repo::batch::SizeOf>(ctx, size).await
        }
    })
    .await?;
    Ok(crate::repo::page::sliced(
        rows, &slice, total, position, node,
    ))
}

pub(crate) fn store<'a>(ctx: &Context<'a>) -> ApiResult<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| AppError::internal("no store in the schema").into())
}

fn loaders<'a>(ctx: &Context<'a>) -> ApiResult<&'a Loaders> {
    ctx.data::<Loaders>()
        .map_err(|_| async_graphql::Error::from(AppError::internal("no loaders in the schema")))
}

/// Loads many keys in one statement, into what the request's loaders remember: the resolvers
/// that then ask for one of them each find it there. The keys are all known, so the statement
/// runs at once, not with a level's batch (a spawned task and a channel).
pub(crate) async fn load_many<K>(
    ctx: &Context<'_>,
    keys: impl IntoIterator<Item = K>,
) -> ApiResult<()>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + std::fmt::Debug + 'static,
    Store: Loader<K, Error = LoadError>,
{
    loaders(ctx)?
        .prefetch(keys)
        .await
        .map_err(|err| AppError::shared(err).into())
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
    loaders(ctx)?
        .load_one(key)
        .await
        .map_err(|err| AppError::shared(err).into())
}

/// Loads one key; a missing row behind a foreign key is an internal error.
pub(crate) async fn load_one<K>(ctx: &Context<'_>, key: K) -> ApiResult<<Store as Loader<K>>::Value>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + std::fmt::Debug + 'static,
    Store: Loader<K, Error = LoadError>,
{
    match loaders(ctx)?.load_one(key.clone()).await {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(AppError::internal(format!("dangling reference {key:?}")).into()),
        Err(err) => Err(AppError::shared(err).into()),
    }
}
