//! Sign-in throttling: after `per_account` failures for one account (the
//! e-mail in any case, whether or not such an account exists) or
//! `per_address` failures from one client address within the window, each
//! further attempt must wait, first `delay`, then twice as long after every
//! further failure, up to the window. A refused attempt checks no password
//! and counts as nothing, so waiting out the delay is the only way on.
//!
//! The counts live in the database (migration 0014), so every process
//! sharing it throttles alike.

use std::net::IpAddr;
use std::time::Duration;

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::server::config::LoginThrottle;
use crate::server::db::login_failures::{self, Failures};
use crate::server::{AppError, AppState};

/// Whether a sign-in attempt may check its password.
#[derive(Debug)]
pub enum Admission {
    /// Go ahead; the attempt counts as a failure unless [`succeeded`] is called.
    Admitted(Attempt),
    /// Too many failures lately: try again after this long.
    Refused(Duration),
}

/// An admitted attempt, stored as a failure until it succeeds.
#[derive(Debug)]
#[must_use = "a successful attempt must be passed to `succeeded`"]
pub struct Attempt {
    id: i64,
}

/// Admits or refuses a sign-in for `email` (as typed) from `client`.
pub async fn admit(state: &AppState, email: &str, client: IpAddr) -> Result<Admission, AppError> {
    let policy = state.config.login_throttle;
    let account = account_key(state, email);
    let address = client.to_string();
    let mut tx = state.pool.begin().await?;
    login_failures::lock(&mut tx, &account, &address).await?;
    let recent = login_failures::recent(&mut tx, &account, &address, policy.window).await?;
    let wait = wait(recent.account, policy.per_account, &policy, recent.now).max(wait(
        recent.address,
        policy.per_address,
        &policy,
        recent.now,
    ));
    if !wait.is_zero() {
        return Ok(Admission::Refused(wait));
    }
    let id = login_failures::insert(&mut tx, &account, &address).await?;
    tx.commit().await?;
    Ok(Admission::Admitted(Attempt { id }))
}

/// Takes a successful attempt off the failures.
pub async fn succeeded(state: &AppState, attempt: Attempt) -> Result<(), AppError> {
    login_failures::forget(&state.pool, attempt.id).await
}

/// The same key for every spelling of one e-mail address; not the text.
fn account_key(state: &AppState, email: &str) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(state.auth.account_key.expose_secret())
        .expect("HMAC takes any key length");
    mac.update(email.trim().to_lowercase().as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// How long the next attempt must wait given `failures` and their `threshold`.
fn wait(failures: Failures, threshold: u32, policy: &LoginThrottle, now: chrono::DateTime<chrono::Utc>) -> Duration {
    let (Some(last), Ok(excess)) = (failures.last, u32::try_from(failures.count - i64::from(threshold))) else {
        return Duration::ZERO;
    };
    let delay = policy.delay.saturating_mul(2u32.saturating_pow(excess.min(31))).min(policy.window);
    let waited = (now - last).to_std().unwrap_or_default();
    delay.saturating_sub(waited)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, Utc};

    const POLICY: LoginThrottle = LoginThrottle {
        window: Duration::from_secs(900),
        per_account: 3,
        per_address: 10,
        delay: Duration::from_secs(60),
    };

    fn after(count: i64, seconds_ago: i64) -> Duration {
        let now = Utc::now();
        wait(Failures { count, last: Some(now - TimeDelta::seconds(seconds_ago)) }, 3, &POLICY, now)
    }

    #[test]
    fn below_the_threshold_nobody_waits() {
        assert_eq!(after(2, 0), Duration::ZERO);
        assert_eq!(wait(Failures { count: 0, last: None }, 3, &POLICY, Utc::now()), Duration::ZERO);
    }

    #[test]
    fn the_delay_doubles_with_every_failure_past_the_threshold_up_to_the_window() {
        assert_eq!(after(3, 0), Duration::from_secs(60));
        assert_eq!(after(4, 0), Duration::from_secs(120));
        assert_eq!(after(5, 30), Duration::from_secs(210));
        assert_eq!(after(9, 0), Duration::from_secs(900));
        assert_eq!(after(500, 0), Duration::from_secs(900));
    }

    #[test]
    fn a_delay_already_waited_out_lets_the_next_attempt_through() {
        assert_eq!(after(3, 61), Duration::ZERO);
        assert_eq!(after(4, 120), Duration::ZERO);
    }
}
