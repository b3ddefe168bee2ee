//! argon2id password hashing, off the async runtime; checks at sign-in
//! are bounded by [`HashLimit`]. (New hashes are made only by admins and
//! operators, so [`hash`] needs no bound.)

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

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

/// Bounds how many password checks run at once. Each argon2id hash holds
/// ~19 MiB while it runs, and the blocking pool has hundreds of threads, so
/// a flood of sign-ins would otherwise grow memory without limit; with the
/// bound, extra sign-ins wait their turn (until the request timeout).
pub struct HashLimit {
    permits: Arc<Semaphore>,
    bound: usize,
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl HashLimit {
    /// At most `bound` (at least one) hashes at once.
    pub fn new(bound: usize) -> Self {
        let bound = bound.max(1);
        Self { permits: Arc::new(Semaphore::new(bound)), bound, running: Arc::default(), peak: Arc::default() }
    }

    /// The configured bound.
    pub fn bound(&self) -> usize {
        self.bound
    }

    /// The most hashes ever seen running at once, for tests and metrics.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Whether `password` matches the PHC string `hash`. Without a stored
    /// hash a dummy one is checked, so an unknown email costs as long as a
    /// known one, and takes a permit like it.
    pub async fn verify(&self, password: SecretString, hash: Option<String>) -> anyhow::Result<bool> {
        let permit = self.permits.clone().acquire_owned().await.context("the password hashing limit is closed")?;
        let (running, peak) = (self.running.clone(), self.peak.clone());
        // The permit lives in the blocking task: if the request is dropped
        // (timeout, client gone), the hash still runs to its end and keeps
        // its permit until then.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            peak.fetch_max(running.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            let result = verify_now(&password, hash);
            running.fetch_sub(1, Ordering::SeqCst);
            result
        })
        .await
        .context("password verification task")?
    }
}

fn verify_now(password: &SecretString, hash: Option<String>) -> anyhow::Result<bool> {
    let (hash, known) = match hash {
        Some(hash) => (hash, true),
        None => (DUMMY_HASH.to_owned(), false),
    };
    let parsed = PasswordHash::new(&hash).map_err(|error| anyhow::anyhow!("stored password hash: {error}"))?;
    let matches = Argon2::default().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok();
    Ok(known && matches)
}

/// argon2id hash of a random string nobody knows, with default parameters.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0Ptd1D2xOzMD4ZgcTC3M1uZhkiDL6MVhxt1lKeSLOGE";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let limit = HashLimit::new(1);
        let hashed = hash(SecretString::from("correct horse battery")).await.expect("hash");
        assert!(hashed.starts_with("$argon2id$"));
        assert!(limit.verify(SecretString::from("correct horse battery"), Some(hashed.clone())).await.expect("verify"));
        assert!(!limit.verify(SecretString::from("wrong horse battery"), Some(hashed)).await.expect("verify"));
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!HashLimit::new(1).verify(SecretString::from("anything"), None).await.expect("verify"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_checks_never_exceed_the_bound() {
        let limit = Arc::new(HashLimit::new(2));
        let checks: Vec<_> = (0..8)
            .map(|_| {
                let limit = limit.clone();
                tokio::spawn(async move { limit.verify(SecretString::from("guess"), None).await })
            })
            .collect();
        for check in checks {
            assert!(!check.await.expect("task").expect("verify"));
        }
        assert_eq!(limit.peak(), 2, "two at once, never more");
    }

    #[test]
    fn short_passwords_are_refused_naming_the_field() {
        assert_eq!(validate(&SecretString::from("short")).map_err(|e| e.field), Err("password"));
        assert!(validate(&SecretString::from("long enough!")).is_ok());
    }
}
