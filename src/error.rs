//! The one error type of the API, mapped once to GraphQL error codes.
//!
//! Clients see a fixed message and a stable `extensions.code`; the cause of an internal error
//! goes to the log only, never to the client (no SQL, table names or stack).

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use async_graphql::ErrorExtensions;

/// The cause of an internal error, kept whole (with its source chain) for the log.
pub type Cause = Box<dyn StdError + Send + Sync>;

///
/// Deliberately not `Display`: async-graphql converts any `Display` type into an error without
/// a code, so this type can only reach a client through the mapping below.
#[derive(Debug)]
pub enum AppError {
    BadUserInput(String),
    /// BAD_USER_INPUT with details a client can act on (which field, which row).
    Invalid {
        message: String,
        details: serde_json::Value,
    },
    NotFound(String),
    /// NOT_FOUND for an ID of a row an import removed, with what now stands for it.
    Gone {
        message: String,
        details: serde_json::Value,
    },
    Unauthenticated(String),
    Forbidden(String),
    Conflict(String),
    RateLimited(String),
    Unavailable(Cause),
    Internal(Cause),
}

impl AppError {
    /// An internal error with its cause: a message, or an error whose sources are kept.
    pub fn internal(cause: impl Into<Cause>) -> AppError {
        AppError::Internal(cause.into())
    }

    /// The error of a batch load, which every waiter on that batch shares: each gets its own
    /// copy (the client-facing kinds) or the shared cause (internal ones).
    pub fn shared(err: Arc<AppError>) -> AppError {
        Arc::try_unwrap(err).unwrap_or_else(|err| match &*err {
            AppError::BadUserInput(m) => AppError::BadUserInput(m.clone()),
            AppError::Invalid { message, details } => AppError::Invalid {
                message: message.clone(),
                details: details.clone(),
            },
            AppError::NotFound(m) => AppError::NotFound(m.clone()),
            AppError::Gone { message, details } => AppError::Gone {
                message: message.clone(),
                details: details.clone(),
            },
            AppError::Unauthenticated(m) => AppError::Unauthenticated(m.clone()),
            AppError::Forbidden(m) => AppError::Forbidden(m.clone()),
            AppError::Conflict(m) => AppError::Conflict(m.clone()),
            AppError::RateLimited(m) => AppError::RateLimited(m.clone()),
            AppError::Unavailable(_) => AppError::Unavailable(Box::new(Shared(err.clone()))),
            AppError::Internal(_) => AppError::internal(Box::new(Shared(err.clone()))),
        })
    }

    /// What the client is told.
    pub fn message(&self) -> &str {
        match self {
            AppError::Invalid { message, .. } | AppError::Gone { message, .. } => message,
            AppError::BadUserInput(m)
            | AppError::NotFound(m)
            | AppError::Unauthenticated(m)
            | AppError::Forbidden(m)
            | AppError::Conflict(m)
            | AppError::RateLimited(m) => m,
            AppError::Unavailable(_) => "the store is unavailable, try again later",
            AppError::Internal(_) => "internal error",
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadUserInput(_) | AppError::Invalid { .. } => "BAD_USER_INPUT",
            AppError::NotFound(_) | AppError::Gone { .. } => "NOT_FOUND",
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::Conflict(_) => "CONFLICT",
            AppError::RateLimited(_) => "RATE_LIMITED",
            AppError::Unavailable(_) => "SERVICE_UNAVAILABLE",
            AppError::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if crate::db::is_unreachable(&err) || crate::db::is_busy(&err) {
            AppError::Unavailable(Box::new(err))
        } else {
            AppError::internal(Box::new(err))
        }
    }
}

impl AppError {
    /// Logs the cause of a store or internal error (the client is told neither).
    pub fn log(&self) {
        match self {
            AppError::Unavailable(cause) => {
                tracing::error!(error = %Chain(cause.as_ref()), "store unavailable");
            }
            AppError::Internal(cause) => {
                tracing::error!(error = %Chain(cause.as_ref()), "internal error");
            }
            _ => {}
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.log();
        let code = err.code();
        let details = match &err {
            AppError::Invalid { details, .. } | AppError::Gone { details, .. } => {
                async_graphql::Value::from_json(details.clone()).ok()
            }
            _ => None,
        };
        async_graphql::Error::new(err.message()).extend_with(|_, e| {
            e.set("code", code);
            if let Some(details) = &details {
                e.set("details", details.clone());
            }
        })
    }
}

/// An internal error shared by the waiters of one batch load.
#[derive(Debug)]
struct Shared(Arc<AppError>);

impl fmt::Display for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            AppError::Internal(cause) | AppError::Unavailable(cause) => cause.fmt(f),
            other => f.write_str(other.message()),
        }
    }
}

impl StdError for Shared {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &*self.0 {
            AppError::Internal(cause) | AppError::Unavailable(cause) => cause.source(),
            _ => None,
        }
    }
}

/// An error and its sources, `: `-separated, for the log.
pub struct Chain<'a>(pub &'a (dyn StdError + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

/// Result of a resolver.
pub type ApiResult<T> = Result<T, async_graphql::Error>;
