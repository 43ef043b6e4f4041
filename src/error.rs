//! The one error type of the API, mapped once to GraphQL error codes.
//!
//! Clients see a fixed message and a stable `extensions.code`; the cause of an internal error
//! goes to the log only, never to the client (no SQL, table names or stack).

use async_graphql::ErrorExtensions;

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
    Unauthenticated(String),
    Forbidden(String),
    Conflict(String),
    RateLimited(String),
    Unavailable(sea_orm::DbErr),
    Internal(String),
}

impl AppError {
    /// What the client is told.
    pub fn message(&self) -> &str {
        match self {
            AppError::Invalid { message, .. } => message,
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
            AppError::NotFound(_) => "NOT_FOUND",
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
        if crate::db::is_unreachable(&err) {
            AppError::Unavailable(err)
        } else {
            AppError::Internal(err.to_string())
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        match &err {
            AppError::Unavailable(cause) => tracing::error!(error = %cause, "store unavailable"),
            AppError::Internal(cause) => tracing::error!(error = %cause, "internal error"),
            _ => {}
        }
        let code = err.code();
        let details = match &err {
            AppError::Invalid { details, .. } => {
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

/// Result of a resolver.
pub type ApiResult<T> = Result<T, async_graphql::Error>;
