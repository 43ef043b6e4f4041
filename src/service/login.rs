//! Signing in: the failure throttle, a password check that costs as much for a name nobody
//! has, an audit entry for every attempt, and the token.

use std::time::Instant;

use entity::app_user;
use sea_orm::DatabaseConnection;

use super::audit::{self, Admit, AuditGate};
use crate::auth::throttle::{LoginThrottle, Refusal};
use crate::auth::token::Keys;
use crate::auth::{self, Actor};
use crate::error::AppError;

/// What a sign-in needs besides the credentials.
pub struct Desk<'a> {
    pub db: &'a DatabaseConnection,
    pub keys: &'a Keys,
    pub throttle: &'a LoginThrottle,
    /// Bounds the audit rows of throttled attempts per account and address.
    pub gate: &'a AuditGate,
    /// The caller's address ("" when unknown).
    pub address: &'a str,
}

/// A signed-in account.
pub struct Session {
    pub token: String,
    /// When the token expires (seconds since the epoch).
    pub expires_at: i64,
    pub user: app_user::Model,
}

/// Exchanges a username and password for a token. Repeated failures are throttled
/// (RATE_LIMITED); a wrong password, an unknown name and a disabled account are one answer
/// (UNAUTHENTICATED). Every attempt is audited.
pub async fn login(desk: &Desk<'_>, username: &str, password: String) -> Result<Session, AppError> {
    let name = audit::cap(username, audit::MAX_NAME_CHARS);
    let attempt = match desk.throttle.begin(username, desk.address, Instant::now()) {
        Ok(attempt) => attempt,
        Err(refusal) => return Err(throttled(desk, &name, &refusal).await?),
    };
    let user = crate::repo::users::find(desk.db, username).await.ok();
    let password_ok = verify(user.as_ref(), password).await;
    let user = match user {
        Some(u) if password_ok && !u.disabled && super::users::ended(&u).is_none() => u,
        _ => {
            attempt.failed();
            tracing::warn!(event = "login_failed", user = %name, address = %desk.address);
            record(desk, Some(&name), None, "UNAUTHENTICATED", None).await?;
            return Err(AppError::Unauthenticated(
                "wrong username or password, or the account is disabled or its access ended".into(),
            ));
        }
    };
    attempt.succeeded();
    let now = chrono::Utc::now().timestamp();
    let (token, claims) = desk.keys.issue(
        user.id,
        user.role.as_str(),
        user.department_id,
        user.token_version,
        now,
    )?;
    let actor = Actor::from_user(&user)?;
    tracing::info!(event = "login", user = %actor.username, address = %desk.address);
    record(desk, None, Some(&actor), "ok", None).await?;
    Ok(Session {
        token,
        expires_at: claims.exp,
        user,
    })
}

/// Checks the password against the account's hash, or against a decoy for a name nobody
/// has, so that timing does not reveal who exists; off the async workers, which a slow hash
/// would otherwise hold up.
async fn verify(user: Option<&app_user::Model>, password: String) -> bool {
    let hash = user
        .map_or(auth::password::decoy(), |u| u.password_hash.as_str())
        .to_string();
    tokio::task::spawn_blocking(move || auth::password::verify(&password, &hash))
        .await
        .unwrap_or(false)
}

/// The answer to a throttled attempt, logged, and audited within the gate's bounds.
async fn throttled(desk: &Desk<'_>, name: &str, refusal: &Refusal) -> Result<AppError, AppError> {
    let reason = match refusal {
        Refusal::Pair(_) => "this account from this address",
        Refusal::Address(_) => "this address, over all accounts",
        Refusal::Account(_) => "this account, from new addresses",
    };
    tracing::warn!(event = "login_refused", user = %name, address = %desk.address, reason);
    let burst = format!("login:{}:{}", name.to_lowercase(), desk.address);
    if let Admit::Write { suppressed } = desk.gate.admit(&burst, Instant::now()) {
        let after = serde_json::json!({ "reason": reason, "suppressedBefore": suppressed });
        record(desk, Some(name), None, "RATE_LIMITED", Some(after)).await?;
    }
    Ok(AppError::RateLimited(format!(
        "too many failed logins for {reason}; try again in {} s",
        refusal.wait().as_secs().max(1)
    )))
}

/// One audit row of a login attempt: by the account that signed in, or by the name tried.
async fn record(
    desk: &Desk<'_>,
    username: Option<&str>,
    actor: Option<&Actor>,
    outcome: &'static str,
    after: Option<serde_json::Value>,
) -> Result<(), AppError> {
    audit::record(
        desk.db,
        audit::Entry {
            actor,
            username,
            action: "login",
            target: None,
            outcome,
            before: None,
            after,
            address: Some(desk.address),
        },
    )
    .await
    .map_err(AppError::from)
}
