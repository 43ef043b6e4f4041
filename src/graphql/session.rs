//! Accounts over GraphQL: login, the current user, token revocation, and user administration.

use std::time::Instant;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, TimeZone, Utc};
use entity::app_user;
use sea_orm::{DatabaseConnection, DatabaseTransaction};

use super::department::Department;
use super::{load_one, store};
use crate::auth::throttle::LoginThrottle;
use crate::auth::token::Keys;
use crate::auth::{Actor, UserRole};
use crate::error::{ApiResult, AppError};
use crate::service::audit::{self, Admit, AuditGate};
use crate::service::{self, login, operations, users, Done, Operation};

/// What the HTTP layer knows about the caller: the bearer token and the address.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub bearer: Option<String>,
    pub address: Option<String>,
    /// The actor, once checked, for the rest of a query (one lookup, not one per field).
    pub checked: std::sync::Arc<tokio::sync::OnceCell<Actor>>,
}

/// The authenticated actor of this request, checked against the store; UNAUTHENTICATED without
/// a valid token. A query checks once; each mutation field checks again, since the one before
/// it may have revoked the token or changed the account.
pub async fn actor(ctx: &Context<'_>) -> Result<Actor, AppError> {
    let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
    if ctx.query_env.operation.node.ty == async_graphql::parser::types::OperationType::Query {
        let checked = caller.checked.clone();
        return checked
            .get_or_try_init(|| authenticate(ctx, caller))
            .await
            .cloned();
    }
    authenticate(ctx, caller).await
}

async fn authenticate(ctx: &Context<'_>, caller: Caller) -> Result<Actor, AppError> {
    let Some(token) = caller.bearer else {
        return Err(AppError::Unauthenticated(
            "log in and send the token as `Authorization: Bearer …`".into(),
        ));
    };
    let keys = ctx
        .data::<Keys>()
        .map_err(|_| AppError::internal("no signing keys in the schema"))?;
    let claims = keys.verify(&token).inspect_err(|_| {
        // Never the token itself.
        let address = caller.address.as_deref().unwrap_or("");
        crate::refusal_log!("bad_token", address, "token refused");
    })?;
    let db = ctx
        .data::<DatabaseConnection>()
        .map_err(|_| AppError::internal("no store"))?;
    users::authenticate(db, &claims).await
}

pub fn address(ctx: &Context<'_>) -> Option<String> {
    ctx.data_opt::<Caller>().and_then(|c| c.address.clone())
}

/// An account's role.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::auth::UserRole")]
pub enum AccountRole {
    /// Manages accounts, reporting assignments and indicator metadata.
    Admin,
    /// Reviews (approves or rejects) submitted values: the statistics bureau / evaluation office.
    Reviewer,
    /// Submits yearly values for one department.
    Submitter,
    /// A third-party evaluator: reads everything an evaluation needs — reported values with
    /// their history, who still owes what, the audit log — until its access ends
    /// (`accessUntil`), and changes nothing.
    Evaluator,
}

/// An account (never with its password).
pub struct User(pub app_user::Model);

/// An account (never with its password).
#[Object]
impl User {
    /// Login name.
    async fn username(&self) -> &str {
        &self.0.username
    }

    /// Role.
    async fn role(&self) -> AccountRole {
        self.0.role.into()
    }

    /// When the account's access ends (an evaluator's period); null: no end.
    async fn access_until(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.access_until
    }

    /// The department a submitter reports for.
    async fn department(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        let Some(id) = self.0.department_id else {
            return Ok(None);
        };
        Ok(Some(Department(
            load_one(ctx, crate::repo::batch::DepartmentById(id)).await?,
        )))
    }

    /// A disabled account cannot log in and its tokens stop working.
    async fn disabled(&self) -> bool {
        self.0.disabled
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Input of `login`.
#[derive(InputObject)]
pub struct LoginInput {
    /// Login name.
    pub username: String,
    /// Password.
    #[graphql(secret)]
    pub password: String,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// A successful login.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// Bearer token for `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
    /// The account.
    pub user: User,
}

/// Input of `createUser`.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// Login name: 3–64 characters a–z, 0–9, '.', '_' or '-'.
    pub username: String,
    /// At least 10 characters.
    #[graphql(secret)]
    pub password: String,
    /// Role.
    pub role: AccountRole,
    /// For a submitter: the department (canonical name or published spelling).
    pub department: Option<String>,
    /// When the account's access ends; required for an EVALUATOR, in the future.
    pub access_until: Option<chrono::DateTime<chrono::Utc>>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `updateUser`: fields left out stay as they are; any change revokes the account's
/// tokens.
#[derive(InputObject)]
pub struct UpdateUserInput {
    /// Login name of the account.
    pub username: String,
    /// New role.
    pub role: Option<AccountRole>,
    /// New department (submitters).
    pub department: Option<String>,
    /// Disable or enable the account.
    pub disabled: Option<bool>,
    /// A new end of the account's access (in the future): an evaluator's period extended or
    /// shortened. An account made an EVALUATOR needs one, its own or this.
    pub access_until: Option<chrono::DateTime<chrono::Utc>>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `revokeUserTokens`.
#[derive(InputObject)]
pub struct RevokeUserTokensInput {
    /// Login name of the account.
    pub username: String,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `revokeMyTokens`.
#[derive(InputObject, Default)]
pub struct RevokeMyTokensInput {
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// What an account mutation did.
#[derive(SimpleObject)]
pub struct UserPayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// The account after the change.
    pub user: User,
}

/// What `revokeMyTokens` did.
#[derive(SimpleObject)]
pub struct RevokeMyTokensPayload {
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
    /// Every token issued so far no longer works.
    pub revoked: bool,
}

/// Runs a mutation through the service wrapper ([`service::run`]): one transaction with its
/// audit entry. A caller without a valid token is refused before the store is touched, and
/// the attempt is audited too — a few rows per address and window, the rest counted.
pub async fn mutate<T>(
    ctx: &Context<'_>,
    operation: Operation,
    work: impl AsyncFnOnce(&DatabaseTransaction, &Actor) -> Result<Done<T>, AppError>,
) -> ApiResult<T> {
    let db = store(ctx)?;
    let address = address(ctx);
    let actor = match actor(ctx).await {
        Ok(actor) => actor,
        Err(e) => {
            refused_without_token(ctx, &operation, &e).await?;
            return Err(e.into());
        }
    };
    Ok(service::run(db, &actor, address.as_deref(), operation, work).await?)
}

/// Logs and (boundedly) audits a mutation attempted without a valid token.
async fn refused_without_token(
    ctx: &Context<'_>,
    operation: &Operation,
    error: &AppError,
) -> ApiResult<()> {
    let address = address(ctx).unwrap_or_default();
    crate::refusal_log!(
        "mutation_without_valid_token",
        address,
        operation = operation.action,
        code = error.code(),
        "mutation refused"
    );
    let gate = ctx
        .data::<AuditGate>()
        .map_err(|_| AppError::internal("no audit gate"))?;
    if let Admit::Write { suppressed } = gate.admit(&format!("token:{address}"), Instant::now()) {
        audit::record(
            store(ctx)?,
            audit::Entry {
                actor: None,
                username: None,
                action: operation.action,
                target: Some(operation.target.clone()),
                outcome: error.code(),
                before: None,
                after: (suppressed > 0).then(|| serde_json::json!({ "suppressed": suppressed })),
                address: Some(&address),
            },
        )
        .await
        .map_err(AppError::from)?;
    }
    Ok(())
}

/// Root fields for the signed-in user and accounts.
#[derive(Default)]
pub struct SessionQuery;

#[Object]
impl SessionQuery {
    /// The account of the token sent; UNAUTHENTICATED without one.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<User> {
        let actor = actor(ctx).await?;
        let user = crate::repo::users::by_id(store(ctx)?, actor.user_id).await?;
        Ok(User(user.ok_or_else(|| {
            AppError::Unauthenticated("the account is gone".into())
        })?))
    }

    /// All accounts (admins only).
    async fn users(&self, ctx: &Context<'_>) -> ApiResult<Vec<User>> {
        actor(ctx).await?.require(&[UserRole::Admin])?;
        Ok(crate::repo::users::list(store(ctx)?)
            .await?
            .into_iter()
            .map(User)
            .collect())
    }
}

/// Mutations for sessions and accounts.
#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Exchanges a username and password for a signed token (valid one hour by default).
    /// Repeated failures for one username or address are slowed down, then refused for 15
    /// minutes (RATE_LIMITED). Every attempt is audited.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The credentials.")] input: LoginInput,
    ) -> ApiResult<LoginPayload> {
        let LoginInput {
            username,
            password,
            client_mutation_id,
        } = input;
        let address = address(ctx).unwrap_or_default();
        let desk = login::Desk {
            db: store(ctx)?,
            keys: ctx
                .data::<Keys>()
                .map_err(|_| AppError::internal("no signing keys"))?,
            throttle: ctx
                .data::<LoginThrottle>()
                .map_err(|_| AppError::internal("no throttle"))?,
            gate: ctx
                .data::<AuditGate>()
                .map_err(|_| AppError::internal("no audit gate"))?,
            address: &address,
        };
        let session = login::login(&desk, &username, password).await?;
        Ok(LoginPayload {
            client_mutation_id,
            token: session.token,
            expires_at: Utc
                .timestamp_opt(session.expires_at, 0)
                .single()
                .unwrap_or_else(Utc::now),
            user: User(session.user),
        })
    }

    /// Revokes every token of the signed-in user (log out everywhere).
    async fn revoke_my_tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Nothing but a `clientMutationId`.")] input: Option<RevokeMyTokensInput>,
    ) -> ApiResult<RevokeMyTokensPayload> {
        mutate(
            ctx,
            operations::REVOKE_MY_TOKENS.on("self"),
            async |txn, actor| {
                users::revoke_tokens(txn, actor.user_id).await?;
                Ok(Done::new(()))
            },
        )
        .await?;
        Ok(RevokeMyTokensPayload {
            client_mutation_id: input.unwrap_or_default().client_mutation_id,
            revoked: true,
        })
    }

    /// Creates an account (admins only).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account.")] input: CreateUserInput,
    ) -> ApiResult<UserPayload> {
        let operation = operations::CREATE_USER.on(input.username.clone());
        let user = mutate(ctx, operation, async |txn, _| {
            users::create_account(
                txn,
                &input.username,
                &input.password,
                input.role.into(),
                input.department.as_deref(),
                input.access_until,
            )
            .await
        })
        .await?;
        Ok(UserPayload {
            client_mutation_id: input.client_mutation_id,
            user: User(user),
        })
    }

    /// Changes an account's role, department or disabled flag (admins only); its tokens stop
    /// working.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateUserInput,
    ) -> ApiResult<UserPayload> {
        let operation = operations::UPDATE_USER.on(input.username.clone());
        let user = mutate(ctx, operation, async |txn, _| {
            users::change_account(
                txn,
                &input.username,
                input.role.map(Into::into),
                input.department.as_deref(),
                input.disabled,
                input.access_until,
            )
            .await
        })
        .await?;
        Ok(UserPayload {
            client_mutation_id: input.client_mutation_id,
            user: User(user),
        })
    }

    /// Revokes every token of an account (admins only).
    async fn revoke_user_tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account.")] input: RevokeUserTokensInput,
    ) -> ApiResult<UserPayload> {
        let operation = operations::REVOKE_USER_TOKENS.on(input.username.clone());
        let user = mutate(ctx, operation, async |txn, _| {
            users::revoke_account_tokens(txn, &input.username).await
        })
        .await?;
        Ok(UserPayload {
            client_mutation_id: input.client_mutation_id,
            user: User(user),
        })
    }
}
