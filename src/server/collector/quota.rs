//! Per-endpoint ingestion quotas: how many stats samples, error reports
//! and other events one endpoint (ucID) may send per minute.
//!
//! One client once sent 400,000 samples in 20 seconds, and every viewer of
//! that fabric paid for it. Each quota is a GCRA bucket per ucID
//! (`governor`): an endpoint may send a minute's worth at once, then as fast
//! as the bucket refills. A request over its quota is refused whole with
//! 429 and a `Retry-After` saying when it would fit, *before* anything is
//! written, so sending the same request again later is safe and loses
//! nothing (callstats.js does exactly that).
//!
//! The buckets live in this process's memory: behind a load balancer each
//! process counts only what it received, so an endpoint may send up to
//! the quota times the number of processes. That bounds the work per
//! process, which is what the quota is for.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::ensure;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

use crate::domain::limits::STATS_OBJECTS;
use crate::server::{AppError, Config};

/// How often buckets back at their starting state are dropped from memory.
const PURGE_EVERY: Duration = Duration::from_secs(60);

/// What a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Stats objects (samples), counted per object.
    Samples,
    /// Error reports (`reportError`, application logs).
    Errors,
    /// Every other per-endpoint request (fabric events, ICE, SDPs, keep-alives…).
    Events,
}

impl Kind {
    /// The kind of a per-endpoint request other than stats, from its path.
    /// The ucID is the segment before the route, so the suffix names the
    /// route whatever the conferenceID holds.
    pub fn of_path(path: &str) -> Self {
        if path.ends_with("/events/error") { Kind::Errors } else { Kind::Events }
    }
}

/// The quotas of this process, one bucket per endpoint and kind.
pub struct Quotas {
    samples: Option<DefaultKeyedRateLimiter<Uuid>>,
    errors: Option<DefaultKeyedRateLimiter<Uuid>>,
    events: Option<DefaultKeyedRateLimiter<Uuid>>,
    purged: Mutex<Instant>,
}

impl Quotas {
    /// The quotas `config` sets; 0 turns one off.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        Self::new(config.quota_samples_per_minute, config.quota_errors_per_minute, config.quota_events_per_minute)
    }

    /// Quotas per minute and endpoint; 0 turns one off. A samples quota
    /// below the largest submission would refuse that submission forever.
    pub fn new(samples: u32, errors: u32, events: u32) -> anyhow::Result<Self> {
        ensure!(
            samples == 0 || samples as usize >= STATS_OBJECTS,
            "CALLSCOPE_QUOTA_SAMPLES_PER_MINUTE must be 0 (no quota) or at least {STATS_OBJECTS}, \
             the most objects one stats submission may hold"
        );
        let limiter = |per_minute: u32| NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)));
        Ok(Self {
            samples: limiter(samples),
            errors: limiter(errors),
            events: limiter(events),
            purged: Mutex::new(Instant::now()),
        })
    }

    /// Spends `amount` of endpoint `endpoint`'s `kind` quota (at least 1),
    /// or refuses with 429 and the wait after which the same request fits;
    /// a refused request spends nothing.
    pub fn charge(&self, endpoint: Uuid, kind: Kind, amount: usize) -> Result<(), AppError> {
        let limiter = match kind {
            Kind::Samples => &self.samples,
            Kind::Errors => &self.errors,
            Kind::Events => &self.events,
        };
        let Some(limiter) = limiter else { return Ok(()) };
        self.purge_now_and_then();
        let amount = NonZeroU32::new(u32::try_from(amount.max(1)).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MIN);
        match limiter.check_key_n(&endpoint, amount) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => {
                tracing::debug!(%endpoint, ?kind, amount, "an endpoint is over its ingestion quota");
                Err(AppError::TooManyRequests { retry_after: not_until.wait_time_from(limiter.clock().now()) })
            }
            // More than a whole minute's quota in one request: only the
            // samples quota could see this, and `new` keeps it above the
            // largest submission. Waiting a minute is the honest answer.
            Err(_) => Err(AppError::TooManyRequests { retry_after: Duration::from_secs(60) }),
        }
    }

    /// Drops the buckets of endpoints that have been quiet long enough to
    /// be full again, at most once per [`PURGE_EVERY`], so memory follows
    /// the endpoints active in the last minute rather than all ever seen.
    fn purge_now_and_then(&self) {
        let Ok(mut purged) = self.purged.try_lock() else { return };
        if purged.elapsed() < PURGE_EVERY {
            return;
        }
        *purged = Instant::now();
        for limiter in [&self.samples, &self.errors, &self.events].into_iter().flatten() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotas(samples: u32, errors: u32, events: u32) -> Quotas {
        Quotas::new(samples, errors, events).expect("quotas")
    }

    fn retry_after(result: Result<(), AppError>) -> Duration {
        match result {
            Err(AppError::TooManyRequests { retry_after }) => retry_after,
            other => panic!("expected 429, got {other:?}"),
        }
    }

    #[test]
    fn routes_are_told_apart_by_their_suffix() {
        assert_eq!(Kind::of_path("/v1/apps/a/conferences/c/u/events/error"), Kind::Errors);
        assert_eq!(Kind::of_path("/v1/apps/a/conferences/events%2Ferror/u/events/fabric"), Kind::Events);
        assert_eq!(Kind::of_path("/v1/apps/a/conferences/c/u/events/user/alive"), Kind::Events);
    }

    #[test]
    fn an_endpoint_gets_a_minute_at_once_then_waits_and_others_are_unaffected() {
        let quotas = quotas(2000, 2, 60);
        let (one, two) = (Uuid::new_v4(), Uuid::new_v4());
        quotas.charge(one, Kind::Errors, 1).expect("first");
        quotas.charge(one, Kind::Errors, 1).expect("second");
        let wait = retry_after(quotas.charge(one, Kind::Errors, 1));
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30), "{wait:?}");
        quotas.charge(two, Kind::Errors, 1).expect("another endpoint has its own quota");
        quotas.charge(one, Kind::Events, 1).expect("and other kinds are counted apart");
    }

    #[test]
    fn samples_are_counted_per_object_and_a_refusal_spends_nothing() {
        let quotas = quotas(2000, 1, 1);
        let endpoint = Uuid::new_v4();
        quotas.charge(endpoint, Kind::Samples, 1990).expect("1990 of 2000");
        // 20 more need 10 refilled samples: 10 × 30 ms.
        let wait = retry_after(quotas.charge(endpoint, Kind::Samples, 20));
        assert!(wait > Duration::from_millis(250) && wait <= Duration::from_millis(300), "{wait:?}");
        quotas.charge(endpoint, Kind::Samples, 10).expect("the refused 20 were not spent");
    }

    #[test]
    fn zero_turns_a_quota_off_and_a_samples_quota_holds_a_whole_submission() {
        let quotas = quotas(0, 0, 0);
        let endpoint = Uuid::new_v4();
        for _ in 0..1000 {
            quotas.charge(endpoint, Kind::Events, 1).expect("no quota");
        }
        quotas.charge(endpoint, Kind::Samples, 1_000_000).expect("no quota");
        assert!(Quotas::new(1999, 1, 1).is_err());
    }
}
