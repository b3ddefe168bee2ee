//! The limits that keep sign-in and `/authenticate` cheap to attack only
//! slowly: the password hashing bound, and the in-process rate limits of
//! `/authenticate` per client address and per appID.
//!
//! The `/authenticate` limits live in each process's memory (GCRA, from
//! `governor`), so N `callscope serve` processes behind one load balancer
//! admit up to N times the configured rate. Sign-in failures, which must be
//! counted across processes, are kept in the database instead
//! (see [`super::throttle`]).

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use secrecy::SecretBox;

use super::password::HashLimit;
use crate::server::master_key::MasterKey;
use crate::server::{AppError, Config};

/// Every how many checks idle limiter entries are dropped, so that keys
/// seen once (a scan of appIDs, many addresses) do not stay in memory.
const SWEEP_EVERY: u64 = 4096;

/// The sign-in and `/authenticate` limits of one process.
pub struct AuthLimits {
    /// Bounds concurrent password checks.
    pub hashing: HashLimit,
    /// Keys the sign-in throttle's account column (HMAC of the e-mail).
    pub(super) account_key: SecretBox<[u8; 32]>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_app: DefaultKeyedRateLimiter<String>,
    checks: AtomicU64,
}

impl AuthLimits {
    /// The limits `config` asks for.
    pub fn new(config: &Config, master_key: &MasterKey) -> Self {
        Self {
            hashing: HashLimit::new(config.hash_concurrency),
            account_key: master_key.derive("callscope sign-in throttle accounts v1"),
            by_address: RateLimiter::keyed(Quota::per_minute(config.authenticate_per_address_per_minute)),
            by_app: RateLimiter::keyed(Quota::per_minute(config.authenticate_per_app_per_minute)),
            checks: AtomicU64::new(0),
        }
    }

    /// Admits one `/authenticate` request from `client` for `app_id` (as
    /// sent: whether the app exists makes no difference), or says how long
    /// to wait. A request refused for its address does not use up the app's
    /// allowance.
    pub fn admit_authenticate(&self, client: IpAddr, app_id: &str) -> Result<(), AppError> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.sweep();
        }
        let refused = |wait: governor::NotUntil<_>, clock: &governor::clock::DefaultClock| AppError::TooManyRequests {
            retry_after: wait.wait_time_from(clock.now()),
        };
        self.by_address.check_key(&client).map_err(|wait| refused(wait, self.by_address.clock()))?;
        // An appID is at most a few hundred bytes once the wire layer has
        // checked it; the cap keeps this map small whatever reaches it.
        let app_key: String = app_id.chars().take(256).collect();
        self.by_app.check_key(&app_key).map_err(|wait| refused(wait, self.by_app.clock()))
    }

    /// Drops the entries that are back to a full allowance.
    fn sweep(&self) {
        self.by_address.retain_recent();
        self.by_address.shrink_to_fit();
        self.by_app.retain_recent();
        self.by_app.shrink_to_fit();
    }
}
