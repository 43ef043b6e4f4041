//! Store errors read by kind and code: said in words when the store cannot be opened, and
//! classified (unreachable, busy) for the requests' answers.

use sea_orm::DbErr;

use super::OpenError;

/// A store error while opening, in words: by the error's kind and code, not its text.
pub(super) fn explain(shown: &str, err: &DbErr) -> OpenError {
    match sqlx_error(err) {
        Some(e) => explain_sqlx(shown, e),
        None => match err {
            DbErr::ConnectionAcquire(_) => OpenError(format!(
                "no connection to the store at {shown} in time: is it running and reachable? \
                 (DATABASE_URL)"
            )),
            DbErr::Custom(message) | DbErr::Migration(message) => {
                OpenError(format!("{shown}: {message}"))
            }
            other => OpenError(format!("{shown}: {other}")),
        },
    }
}

pub(super) fn explain_sqlx(shown: &str, err: &sea_orm::sqlx::Error) -> OpenError {
    use sea_orm::sqlx::Error as Sqlx;
    OpenError(match err {
        Sqlx::Database(e)
            if e.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                .is_some() =>
        {
            match sqlite_primary(e.code().as_deref()) {
                // SQLITE_CANTOPEN
                Some(14) => format!(
                    "cannot open the SQLite file of DATABASE_URL ({shown}): does its directory \
                     exist and may this user write there? (sqlite:///path is absolute, \
                     sqlite://path relative to the working directory)"
                ),
                _ => format!("the SQLite store at {shown} refused: {}", e.message()),
            }
        }
        Sqlx::Database(e) => match e.code().as_deref() {
            // PostgreSQL: invalid_catalog_name
            Some("3D000") => format!(
                "the database named in DATABASE_URL ({shown}) does not exist: create it \
                 (`createdb NAME`) or correct the name"
            ),
            // invalid_password, invalid_authorization_specification
            Some("28P01") | Some("28000") => format!(
                "PostgreSQL refused the login in DATABASE_URL ({shown}): {}",
                e.message()
            ),
            _ => format!("the store at {shown} refused: {}", e.message()),
        },
        Sqlx::Io(io) => format!(
            "cannot reach the store at {shown}: {io}; is PostgreSQL running there, on that port? \
             (DATABASE_URL)"
        ),
        Sqlx::Tls(tls) => format!("TLS with the store at {shown} failed: {tls}"),
        Sqlx::PoolTimedOut => format!(
            "no connection to the store at {shown} in time: is it running and reachable? \
             (DATABASE_URL)"
        ),
        Sqlx::Configuration(e) => format!("DATABASE_URL ({shown}) is not a usable store URL: {e}"),
        other => format!("the store at {shown}: {other}"),
    })
}

/// The sqlx error beneath a store error, if there is one.
pub(super) fn sqlx_error(err: &DbErr) -> Option<&sea_orm::sqlx::Error> {
    use sea_orm::RuntimeErr;
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => Some(e.as_ref()),
        _ => None,
    }
}

/// A store URL fit to print: the password, if any, replaced.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

/// Whether a store error means the store cannot be reached (as opposed to a bad statement):
/// no connection to be had, or one that broke under a statement.
pub fn is_unreachable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::RuntimeErr;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(
                e.as_ref(),
                Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed
            )
        }
        _ => false,
    }
}

/// Whether a store error is SQLite's "database is locked" (SQLITE_BUSY, SQLITE_LOCKED):
/// another process holds the write lock longer than [`SQLITE_BUSY_WAIT`]. Worth a retry.
pub fn is_busy(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::RuntimeErr;
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                Sqlx::Database(d) => matches!(d.code().as_deref(), Some("5" | "6" | "517")),
                _ => false,
            }
        }
        _ => false,
    }
}

/// SQLite's "database is locked" (SQLITE_BUSY, code 5), which only means: try again shortly.
pub(super) fn is_locked(err: &DbErr) -> bool {
    match sqlx_error(err) {
        Some(sea_orm::sqlx::Error::Database(e)) => sqlite_primary(e.code().as_deref()) == Some(5),
        _ => false,
    }
}

/// SQLite's primary result code from the extended one sqlx reports (SQLITE_BUSY_SNAPSHOT,
/// 517, is SQLITE_BUSY, 5).
pub(super) fn sqlite_primary(code: Option<&str>) -> Option<u32> {
    code?.parse::<u32>().ok().map(|c| c & 0xff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redacted("postgres://app:s3cret@db.example:5432/plangraph"),
            "postgres://app:***@db.example:5432/plangraph"
        );
        assert_eq!(
            redacted("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
    }
}
