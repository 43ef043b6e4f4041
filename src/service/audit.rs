//! Writing the append-only audit log.

use chrono::Utc;
use entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::auth::Actor;

/// One audit entry.
pub struct Entry<'a> {
    pub actor: Option<&'a Actor>,
    /// For a login, the username tried (there is no actor yet).
    pub username: Option<&'a str>,
    pub action: &'a str,
    pub target: Option<String>,
    pub outcome: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub address: Option<&'a str>,
}

/// Appends an entry. A failure to audit is logged, never hidden: the caller decides.
pub async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) -> Result<(), sea_orm::DbErr> {
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor: Set(entry
            .actor
            .map(|a| a.username.clone())
            .or(entry.username.map(str::to_string))),
        actor_role: Set(entry.actor.map(|a| a.role.as_str().to_string())),
        action: Set(entry.action.to_string()),
        target: Set(entry.target),
        outcome: Set(entry.outcome.to_string()),
        before: Set(entry.before.map(|v| v.to_string())),
        after: Set(entry.after.map(|v| v.to_string())),
        address: Set(entry.address.map(str::to_string)),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
