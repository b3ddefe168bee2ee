//! argon2id password hashing, off the async runtime.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use secrecy::{ExposeSecret, SecretString};

use crate::domain::InvalidField;

/// Shortest password accepted for a dashboard user.
pub const MIN_LENGTH: usize = 10;

/// Checks a new password against the rules for dashboard users.
pub fn validate(password: &SecretString) -> Result<(), InvalidField> {
    if password.expose_secret().chars().count() < MIN_LENGTH {
        return Err(InvalidField::new("password", format!("must be at least {MIN_LENGTH} characters")));
    }
    Ok(())
}

/// Hashes `password` with argon2id and a random salt (PHC string).
pub async fn hash(password: SecretString) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| anyhow::anyhow!("hashing a password: {error}"))
    })
    .await
    .context("password hashing task")?
}

/// Whether `password` matches the PHC string `hash`. Without a stored hash
/// a dummy one is checked, so an unknown email costs as long as a known one.
pub async fn verify(password: SecretString, hash: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let (hash, known) = match hash {
            Some(hash) => (hash, true),
            None => (DUMMY_HASH.to_owned(), false),
        };
        let parsed = PasswordHash::new(&hash).map_err(|error| anyhow::anyhow!("stored password hash: {error}"))?;
        let matches = Argon2::default().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok();
        Ok(known && matches)
    })
    .await
    .context("password verification task")?
}

/// argon2id hash of a random string nobody knows, with default parameters.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0Ptd1D2xOzMD4ZgcTC3M1uZhkiDL6MVhxt1lKeSLOGE";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hashed = hash(SecretString::from("correct horse battery")).await.expect("hash");
        assert!(hashed.starts_with("$argon2id$"));
        assert!(verify(SecretString::from("correct horse battery"), Some(hashed.clone())).await.expect("verify"));
        assert!(!verify(SecretString::from("wrong horse battery"), Some(hashed)).await.expect("verify"));
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify(SecretString::from("anything"), None).await.expect("verify"));
    }

    #[test]
    fn short_passwords_are_refused_naming_the_field() {
        assert_eq!(validate(&SecretString::from("short")).map_err(|e| e.field), Err("password"));
        assert!(validate(&SecretString::from("long enough!")).is_ok());
    }
}
