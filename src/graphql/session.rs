//! Accounts over GraphQL: login, the current user, token revocation, and user administration.

use std::time::Instant;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, TimeZone, Utc};
use entity::app_user;
use sea_orm::{DatabaseConnection, EntityTrait, TransactionTrait};

use super::department::Department;
use super::{load_one, store};
use crate::auth::throttle::{LoginThrottle, Verdict};
use crate::auth::token::Keys;
use crate::auth::{self, Actor, UserRole};
use crate::error::{ApiResult, AppError};
use crate::service::{audit, users};

/// What the HTTP layer knows about the caller: the bearer token and the address.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub bearer: Option<String>,
    pub address: Option<String>,
}

/// The authenticated actor of this request, checked against the store; UNAUTHENTICATED without
/// a valid token.
pub async fn actor(ctx: &Context<'_>) -> Result<Actor, AppError> {
    let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
    let Some(token) = caller.bearer else {
        return Err(AppError::Unauthenticated(
            "log in and send the token as `Authorization: Bearer …`".into(),
        ));
    };
    let keys = ctx
        .data::<Keys>()
        .map_err(|_| AppError::Internal("no signing keys in the schema".into()))?;
    let claims = keys.verify(&token)?;
    let db = ctx
        .data::<DatabaseConnection>()
        .map_err(|_| AppError::Internal("no store".into()))?;
    users::authenticate(db, &claims).await
}

pub fn address(ctx: &Context<'_>) -> Option<String> {
    ctx.data_opt::<Caller>().and_then(|c| c.address.clone())
}

/// An account's role.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRole {
    /// Manages accounts, reporting assignments and indicator metadata.
    Admin,
    /// Reviews (approves or rejects) submitted values: the statistics bureau / evaluation office.
    Reviewer,
    /// Submits yearly values for one department.
    Submitter,
}

impl From<UserRole> for AccountRole {
    fn from(r: UserRole) -> Self {
        match r {
            UserRole::Admin => AccountRole::Admin,
            UserRole::Reviewer => AccountRole::Reviewer,
            UserRole::Submitter => AccountRole::Submitter,
        }
    }
}

impl From<AccountRole> for UserRole {
    fn from(r: AccountRole) -> Self {
        match r {
            AccountRole::Admin => UserRole::Admin,
            AccountRole::Reviewer => UserRole::Reviewer,
            AccountRole::Submitter => UserRole::Submitter,
        }
    }
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
    async fn role(&self) -> ApiResult<AccountRole> {
        Ok(UserRole::parse(&self.0.role)
            .map(Into::into)
            .ok_or_else(|| AppError::Internal("unknown role".into()))?)
    }

    /// The department a submitter reports for.
    async fn department(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        let Some(id) = self.0.department_id else {
            return Ok(None);
        };
        Ok(Some(Department(
            load_one(ctx, super::loaders::DepartmentById(id)).await?,
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

/// A successful login.
#[derive(SimpleObject)]
pub struct Session {
    /// Bearer token for `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
    /// The account.
    pub user: User,
}

/// A new account.
#[derive(InputObject)]
pub struct NewUser {
    /// Login name: 3–64 characters a–z, 0–9, '.', '_' or '-'.
    pub username: String,
    /// At least 10 characters.
    pub password: String,
    /// Role.
    pub role: AccountRole,
    /// For a submitter: the department (canonical name or published spelling).
    pub department: Option<String>,
}

/// Changes to an account; fields left out stay as they are. Any change revokes its tokens.
#[derive(InputObject)]
pub struct UserChanges {
    /// New role.
    pub role: Option<AccountRole>,
    /// New department (submitters).
    pub department: Option<String>,
    /// Disable or enable the account.
    pub disabled: Option<bool>,
}

/// Runs an account change for an admin in one transaction and audits it.
async fn as_admin<T>(
    ctx: &Context<'_>,
    action: &str,
    target: String,
    describe: impl Fn(&T) -> serde_json::Value,
    run: impl AsyncFnOnce(&sea_orm::DatabaseTransaction) -> Result<T, AppError>,
) -> ApiResult<T> {
    let actor = actor(ctx).await?;
    let db = store(ctx)?;
    let address = address(ctx);
    let result = match actor.require(&[UserRole::Admin]) {
        Ok(()) => {
            let txn = db.begin().await.map_err(AppError::from)?;
            match run(&txn).await {
                Ok(value) => txn.commit().await.map(|_| value).map_err(AppError::from),
                Err(e) => {
                    let _ = txn.rollback().await;
                    Err(e)
                }
            }
        }
        Err(e) => Err(e),
    };
    let after = result.as_ref().ok().map(describe);
    let outcome = result.as_ref().map_or_else(|e| e.code(), |_| "ok");
    audit::record(
        db,
        audit::Entry {
            actor: Some(&actor),
            username: None,
            action,
            target: Some(target),
            outcome,
            before: None,
            after,
            address: address.as_deref(),
        },
    )
    .await
    .map_err(AppError::from)?;
    Ok(result?)
}

/// What the audit log keeps of an account (never its password hash).
fn summary(u: &app_user::Model) -> serde_json::Value {
    serde_json::json!({ "username": u.username, "role": u.role, "department_id": u.department_id, "disabled": u.disabled })
}

/// Root fields for the signed-in user and accounts.
#[derive(Default)]
pub struct SessionQuery;

#[Object]
impl SessionQuery {
    /// The account of the token sent; UNAUTHENTICATED without one.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<User> {
        let actor = actor(ctx).await?;
        let user = app_user::Entity::find_by_id(actor.user_id)
            .one(store(ctx)?)
            .await
            .map_err(AppError::from)?;
        Ok(User(user.ok_or_else(|| {
            AppError::Unauthenticated("the account is gone".into())
        })?))
    }

    /// All accounts (admins only).
    async fn users(&self, ctx: &Context<'_>) -> ApiResult<Vec<User>> {
        actor(ctx).await?.require(&[UserRole::Admin])?;
        Ok(users::list(store(ctx)?)
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
        #[graphql(desc = "Login name.")] username: String,
        #[graphql(desc = "Password.", secret)] password: String,
    ) -> ApiResult<Session> {
        let db = store(ctx)?;
        let keys = ctx
            .data::<Keys>()
            .map_err(|_| AppError::Internal("no signing keys".into()))?;
        let throttle = ctx
            .data::<LoginThrottle>()
            .map_err(|_| AppError::Internal("no throttle".into()))?;
        let address = address(ctx).unwrap_or_default();
        let audit_login = |outcome: &'static str| {
            let (username, address) = (username.clone(), address.clone());
            async move {
                audit::record(
                    db,
                    audit::Entry {
                        actor: None,
                        username: Some(&username),
                        action: "login",
                        target: None,
                        outcome,
                        before: None,
                        after: None,
                        address: Some(&address),
                    },
                )
                .await
            }
        };
        match throttle.check(&username, &address, Instant::now()) {
            Verdict::Refused(wait) => {
                audit_login("RATE_LIMITED").await.map_err(AppError::from)?;
                return Err(AppError::RateLimited(format!(
                    "too many failed logins; try again in {} minutes",
                    wait.as_secs().div_ceil(60)
                ))
                .into());
            }
            Verdict::Proceed(delay) => tokio::time::sleep(delay).await,
        }
        let user = users::find(db, &username).await.ok();
        // Verify against a decoy for unknown users, so timing does not reveal who exists.
        let hash = user
            .as_ref()
            .map_or(auth::password::decoy(), |u| u.password_hash.as_str());
        let password_ok = auth::password::verify(&password, hash);
        let user = match user {
            Some(u) if password_ok && !u.disabled => u,
            _ => {
                throttle.failed(&username, &address, Instant::now());
                audit_login("UNAUTHENTICATED")
                    .await
                    .map_err(AppError::from)?;
                return Err(AppError::Unauthenticated(
                    "wrong username or password, or the account is disabled".into(),
                )
                .into());
            }
        };
        throttle.succeeded(&username);
        let now = Utc::now().timestamp();
        let (token, claims) = keys.issue(
            user.id,
            &user.role,
            user.department_id,
            user.token_version,
            now,
        )?;
        let actor = Actor::from_user(&user)?;
        audit::record(
            db,
            audit::Entry {
                actor: Some(&actor),
                username: None,
                action: "login",
                target: None,
                outcome: "ok",
                before: None,
                after: None,
                address: Some(&address),
            },
        )
        .await
        .map_err(AppError::from)?;
        Ok(Session {
            token,
            expires_at: Utc
                .timestamp_opt(claims.exp, 0)
                .single()
                .unwrap_or_else(Utc::now),
            user: User(user),
        })
    }

    /// Revokes every token of the signed-in user (log out everywhere).
    async fn revoke_my_tokens(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let actor = actor(ctx).await?;
        let db = store(ctx)?;
        users::revoke_tokens(db, actor.user_id).await?;
        audit::record(
            db,
            audit::Entry {
                actor: Some(&actor),
                username: None,
                action: "revokeMyTokens",
                target: Some(actor.username.clone()),
                outcome: "ok",
                before: None,
                after: None,
                address: address(ctx).as_deref(),
            },
        )
        .await
        .map_err(AppError::from)?;
        Ok(true)
    }

    /// Creates an account (admins only).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account.")] input: NewUser,
    ) -> ApiResult<User> {
        let target = input.username.clone();
        let user = as_admin(ctx, "createUser", target, summary, async |txn| {
            users::create(
                txn,
                &input.username,
                &input.password,
                input.role.into(),
                input.department.as_deref(),
            )
            .await
        })
        .await?;
        Ok(User(user))
    }

    /// Changes an account's role, department or disabled flag (admins only); its tokens stop working.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Login name.")] username: String,
        #[graphql(desc = "What to change.")] changes: UserChanges,
    ) -> ApiResult<User> {
        let user = as_admin(ctx, "updateUser", username.clone(), summary, async |txn| {
            users::update(
                txn,
                &username,
                changes.role.map(Into::into),
                changes.department.as_deref(),
                changes.disabled,
            )
            .await
        })
        .await?;
        Ok(User(user))
    }

    /// Revokes every token of an account (admins only).
    async fn revoke_user_tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Login name.")] username: String,
    ) -> ApiResult<bool> {
        as_admin(
            ctx,
            "revokeUserTokens",
            username.clone(),
            |_| serde_json::json!({ "revoked": true }),
            async |txn| {
                let user = users::find(txn, &username).await?;
                users::revoke_tokens(txn, user.id).await?;
                Ok(true)
            },
        )
        .await
    }
}
