//! Argon2id password hashes (PHC strings with their own salt and parameters).

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;

use crate::error::AppError;

/// Shortest password an account may have.
pub const MIN_LENGTH: usize = 10;

pub fn hash(password: &str) -> Result<String, AppError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(AppError::BadUserInput(format!(
            "a password needs at least {MIN_LENGTH} characters"
        )));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
}

pub fn verify(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A hash to verify against when the user does not exist, so that a wrong username takes as
/// long as a wrong password and does not reveal which accounts exist.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy-password-never-used").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &a));
        assert!(!verify("wrong horse battery", &a));
        assert!(!verify("anything", "not a hash"));
        assert!(hash("short").is_err());
    }
}
