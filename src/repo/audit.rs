//! The audit log, newest first.

use entity::audit_log;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::page::{self, Page, PageArgs, SortKey};
use crate::error::AppError;

/// Which entries; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// A username, exactly.
    pub actor: Option<String>,
    /// An action, exactly (login, submitValue …).
    pub action: Option<String>,
}

/// One page of the audit log, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    args: &PageArgs,
) -> Result<Page<audit_log::Model>, AppError> {
    let mut q = audit_log::Entity::find();
    if let Some(name) = &filter.actor {
        q = q.filter(audit_log::Column::Actor.eq(name.as_str()));
    }
    if let Some(action) = &filter.action {
        q = q.filter(audit_log::Column::Action.eq(action.as_str()));
    }
    page::page(
        db,
        q,
        &super::values::newest_first(audit_log::Column::Id),
        args,
        |m| SortKey::Ints(m.id, m.id),
        |m| m,
    )
    .await
}
