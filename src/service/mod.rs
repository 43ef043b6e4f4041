//! Operations that change the store. Each is a function `(txn, &Actor, input) -> Result`
//! run by [`run`], the one wrapper that begins the transaction, checks the role, runs it,
//! writes the audit entry in the same transaction and commits — so a committed change always
//! has its audit entry, and a refused one changes nothing.

pub mod audit;
pub mod declarations;
pub mod evaluations;
pub mod indicators;
pub mod login;
pub mod operations;
pub mod self_assessments;
pub mod statuses;
pub mod tally;
pub mod unavailable;
pub mod upload;
pub mod users;
pub mod value_checks;
pub mod values;

use sea_orm::{DatabaseConnection, DatabaseTransaction};

use crate::auth::{Actor, UserRole};
use crate::error::AppError;

/// What a mutation is: its name in the audit log, what it acts on, who may run it (made
/// from one of the [`operations`]).
pub struct Operation {
    pub action: &'static str,
    pub target: String,
    pub roles: &'static [UserRole],
}

/// What a mutation did: its result, and the state before and after for the audit log.
pub struct Done<T> {
    pub value: T,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// Whether the transaction is kept: false for a dry run, or a batch that refused a row
    /// and answers with what it found rather than an error.
    pub keep: bool,
}

impl<T> Done<T> {
    pub fn new(value: T) -> Done<T> {
        Done {
            value,
            before: None,
            after: None,
            keep: true,
        }
    }

    pub fn before(mut self, before: serde_json::Value) -> Done<T> {
        self.before = Some(before);
        self
    }

    pub fn after(mut self, after: serde_json::Value) -> Done<T> {
        self.after = Some(after);
        self
    }

    /// Rolls the transaction back, but answers with the value (audited as `not_stored`).
    pub fn discard(mut self) -> Done<T> {
        self.keep = false;
        self
    }
}

/// Runs a mutation for `actor` in one transaction with its audit entry. A refusal — the role,
/// the input, a conflict — rolls everything back and is audited afterwards with its code (and
/// the details of an invalid input).
pub async fn run<T>(
    db: &DatabaseConnection,
    actor: &Actor,
    address: Option<&str>,
    operation: Operation,
    work: impl AsyncFnOnce(&DatabaseTransaction, &Actor) -> Result<Done<T>, AppError>,
) -> Result<T, AppError> {
    let entry = |outcome, before, after| audit::Entry {
        actor: Some(actor),
        username: None,
        action: operation.action,
        target: Some(operation.target.clone()),
        outcome,
        before,
        after,
        address,
    };
    let result = async {
        actor.require(operation.roles)?;
        let txn = crate::db::begin_write(db).await?;
        match work(&txn, actor).await {
            Ok(done) if done.keep => {
                audit::record(&txn, entry("ok", done.before, done.after)).await?;
                // Last: numbers what the work made public (if anything) at its commit.
                migration::history::publish(&txn).await?;
                txn.commit().await?;
                Ok(done.value)
            }
            Ok(done) => {
                txn.rollback().await?;
                audit::record(db, entry("not_stored", done.before, done.after)).await?;
                Ok(done.value)
            }
            Err(e) => {
                let _ = txn.rollback().await;
                Err(e)
            }
        }
    }
    .await;
    if let Err(e) = &result {
        let details = match e {
            AppError::Invalid { details, .. } => Some(details.clone()),
            _ => None,
        };
        tracing::info!(
            event = "mutation_refused",
            user = %actor.username,
            operation = operation.action,
            code = e.code(),
            address = address.unwrap_or(""),
        );
        audit::record(db, entry(e.code(), None, details)).await?;
    }
    result
}
