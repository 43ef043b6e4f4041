//! Signed bearer tokens (JWT, HS256): issued at login, verified on every request with the
//! algorithm pinned and `exp`, `iss` and `aud` checked. The claims only say who; what the user
//! may do is read from the store each time.

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub const ISSUER: &str = "plangraph";
pub const AUDIENCE: &str = "plangraph-api";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    pub role: String,
    /// The department of a submitter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<i32>,
    pub iat: i64,
    /// Not before: optional; when present it must have passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: String,
    /// The user's token version when issued: bumping it revokes every older token.
    pub ver: i32,
}

/// The signing key. Never printed.
#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub lifetime_secs: i64,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(redacted)")
    }
}

/// Leeway for clocks of different machines on `iat` and `nbf` (not on `exp`).
pub const CLOCK_SKEW_SECS: i64 = 5;

/// Why a secret is too weak to sign with, if it is.
pub fn weakness(secret: &[u8]) -> Option<String> {
    if secret.len() < 32 {
        return Some(format!(
            "it has {} bytes; at least 32 are needed",
            secret.len()
        ));
    }
    let mut distinct = secret.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if secret.iter().all(u8::is_ascii_whitespace) || distinct.len() < 8 {
        return Some(format!(
            "it uses only {} distinct characters; use random bytes (for example `openssl rand -base64 48`)",
            distinct.len()
        ));
    }
    None
}

impl Keys {
    /// Keys from a secret, refused when it is too short or too plain to be secret.
    pub fn from_secret(secret: &[u8], lifetime_secs: i64) -> Result<Keys, String> {
        if let Some(why) = weakness(secret) {
            return Err(format!("the token signing secret is too weak: {why}"));
        }
        let encoding = EncodingKey::from_secret(secret).map_err(|e| format!("signing key: {e}"))?;
        let decoding = DecodingKey::from_secret(secret).map_err(|e| format!("signing key: {e}"))?;
        Ok(Keys {
            encoding,
            decoding,
            lifetime_secs,
        })
    }

    /// The key from `PLANGRAPH_JWT_SECRET`, else from the key file, else a random key created
    /// once in the data directory (mode 0600) — never a built-in constant. A key file that
    /// other users may read is refused: whoever reads it can sign tokens as anyone.
    pub fn load(
        secret: Option<&crate::config::Secret>,
        key_file: &Path,
        lifetime_secs: i64,
    ) -> Result<Keys, String> {
        if let Some(secret) = secret {
            return Keys::from_secret(secret.expose().as_bytes(), lifetime_secs)
                .map_err(|e| format!("PLANGRAPH_JWT_SECRET: {e}"));
        }
        let shown = key_file.display();
        if let Ok(text) = std::fs::read_to_string(key_file) {
            refuse_shared(key_file)?;
            let bytes = STANDARD.decode(text.trim()).map_err(|_| {
                format!("{shown} is not a base64 key; delete it to have a new one made")
            })?;
            return Keys::from_secret(&bytes, lifetime_secs).map_err(|e| format!("{shown}: {e}"));
        }
        let mut bytes = [0u8; 64];
        getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a key: {e}"))?;
        if let Some(dir) = key_file.parent() {
            crate::private::create_dir(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        match write_private(key_file, STANDARD.encode(bytes).as_bytes()) {
            Ok(()) => {
                tracing::info!(path = %shown, "generated a token signing key");
                Keys::from_secret(&bytes, lifetime_secs)
            }
            // Another process created it first: use theirs.
            Err(_) if key_file.exists() => Keys::load(None, key_file, lifetime_secs),
            Err(e) => Err(e),
        }
    }

    pub fn issue(
        &self,
        user_id: i32,
        role: &str,
        department: Option<i32>,
        version: i32,
        now: i64,
    ) -> Result<(String, Claims), AppError> {
        let mut jti = [0u8; 16];
        getrandom::fill(&mut jti).map_err(|e| AppError::internal(format!("no randomness: {e}")))?;
        let claims = Claims {
            sub: user_id.to_string(),
            role: role.to_string(),
            department,
            iat: now,
            nbf: None,
            exp: now + self.lifetime_secs,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            jti: hex::encode(jti),
            ver: version,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::internal(format!("token signing failed: {e}")))?;
        Ok((token, claims))
    }

    /// Verifies signature (HS256 only: `none` and every other algorithm are refused), expiry,
    /// issuer and audience.
    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        validation.validate_nbf = true;
        let invalid = || AppError::Unauthenticated("the token is invalid or expired".into());
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|_| invalid())?;
        // jsonwebtoken checks `nbf` without leeway here; a token issued in the future is as
        // wrong as one not valid yet.
        let now = chrono::Utc::now().timestamp();
        if claims.iat > now + CLOCK_SKEW_SECS
            || claims.nbf.is_some_and(|nbf| nbf > now + CLOCK_SKEW_SECS)
        {
            return Err(invalid());
        }
        Ok(claims)
    }
}

/// Refuses a key file that users other than its owner may read or write.
#[cfg(unix)]
fn refuse_shared(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "{} is open to other users (mode {:o}); whoever reads it can sign tokens: run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_shared(_: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(bytes)
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

    fn keys() -> Keys {
        Keys::from_secret(SECRET, 3600).unwrap()
    }

    #[test]
    fn issues_and_verifies() {
        let now = chrono::Utc::now().timestamp();
        let (token, claims) = keys().issue(5, "submitter", Some(3), 1, now).unwrap();
        assert_eq!(keys().verify(&token).unwrap(), claims);
        assert_eq!(claims.exp - claims.iat, 3600);
        assert_eq!(claims.jti.len(), 32);
    }

    #[test]
    fn refuses_other_keys_expiry_and_none() {
        let now = chrono::Utc::now().timestamp();
        let (token, _) = keys().issue(5, "admin", None, 1, now).unwrap();
        let other = Keys::from_secret(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 3600).unwrap();
        assert!(other.verify(&token).is_err());
        let (old, _) = keys().issue(5, "admin", None, 1, now - 7200).unwrap();
        assert!(keys().verify(&old).is_err());
        // alg: none, same claims, no signature
        let payload = token.split('.').nth(1).unwrap();
        let none = format!(
            "{}.{payload}.",
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(r#"{"alg":"none","typ":"JWT"}"#)
        );
        assert!(keys().verify(&none).is_err());
        assert!(Keys::from_secret(b"short", 60).is_err());
    }

    #[test]
    fn refuses_weak_secrets_saying_why() {
        assert!(weakness(b"short").unwrap().contains("5 bytes"));
        assert!(weakness(&[b' '; 64]).is_some(), "spaces");
        assert!(weakness(&[b'a'; 64]).is_some(), "one letter");
        assert!(weakness(b"abababababababababababababababab").is_some());
        assert!(weakness(SECRET).is_none());
        let err = Keys::load(
            Some(&crate::config::Secret::new(" ".repeat(40))),
            Path::new(""),
            60,
        )
        .err()
        .unwrap();
        assert!(err.starts_with("PLANGRAPH_JWT_SECRET: "), "{err}");
    }

    #[test]
    fn refuses_tokens_from_the_future() {
        let now = chrono::Utc::now().timestamp();
        let (later, _) = keys().issue(5, "admin", None, 1, now + 3600).unwrap();
        assert!(keys().verify(&later).is_err(), "iat an hour ahead");
        let claims = Claims {
            nbf: Some(now + 3600),
            ..keys().issue(5, "admin", None, 1, now).unwrap().1
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys().encoding)
            .unwrap();
        assert!(keys().verify(&token).is_err(), "nbf an hour ahead");
        let (skewed, _) = keys().issue(5, "admin", None, 1, now + 2).unwrap();
        assert!(keys().verify(&skewed).is_ok(), "within the clock skew");
    }

    #[test]
    fn generates_and_keeps_a_key_file() {
        let dir = std::env::temp_dir().join(format!("plangraph-key-{}", std::process::id()));
        let path = dir.join("jwt.key");
        let _ = std::fs::remove_file(&path);
        let a = Keys::load(None, &path, 60).unwrap();
        let now = chrono::Utc::now().timestamp();
        let (token, _) = a.issue(1, "admin", None, 1, now).unwrap();
        let b = Keys::load(None, &path, 60).unwrap();
        assert!(b.verify(&token).is_ok(), "the same key is read back");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = Keys::load(None, &path, 60).err().unwrap();
            assert!(err.contains("chmod 600"), "{err}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
