//! Sending notifications from the outbox (`webhook_deliveries`).
//!
//! Each round claims the due deliveries (a lease, see
//! `db::webhook_deliveries`), renders a body the first time, and POSTs it
//! signed (`signature`). Every attempt is logged with its status, latency
//! and the start of the response. A 2xx answer delivers; anything else —
//! another status, a redirect, a refused connection, a target address the
//! [`TargetPolicy`] refuses, no answer within [`TIMEOUT`] — is retried
//! with exponential backoff and jitter for at least [`RETRY_FOR`], then
//! given up with an error in the log and the delivery
//! marked `failed` on the admin page, where it can be replayed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use tokio::task::JoinSet;

use super::target::{NoAllowedAddress, TargetPolicy};
use super::{payload, signature};
use crate::server::AppError;
use crate::server::db::webhook_deliveries::{self as outbox, Attempt, Claimed, Next};
use crate::server::master_key::MasterKey;
use crate::server::metrics::events as metrics;
use crate::server::sealed::{self, Owner};

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Retries go on at least this long after a notification is enqueued.
pub const RETRY_FOR: TimeDelta = TimeDelta::hours(24);
/// A claimed delivery is not claimed again for this long, unless its
/// attempt is recorded first: far longer than an attempt can take.
const LEASE: TimeDelta = TimeDelta::seconds(60);
/// The first retry waits about this long; each later one twice as long…
const FIRST_RETRY: TimeDelta = TimeDelta::seconds(30);
/// …up to this.
const LONGEST_RETRY: TimeDelta = TimeDelta::hours(1);
/// Deliveries claimed per round.
const BATCH: i64 = 20;
/// Bytes of the response body kept in the attempt log.
const SNIPPET_BYTES: usize = 512;

/// The header naming the delivery, so a receiver can tell a retry from a new notification.
pub const DELIVERY_HEADER: &str = "x-callscope-delivery";

/// Sends due deliveries. Cheap to clone.
#[derive(Clone)]
pub struct Deliverer {
    pool: PgPool,
    master_key: Arc<MasterKey>,
    public_url: Arc<str>,
    targets: TargetPolicy,
    client: reqwest::Client,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The delivery.
    pub delivery_id: i64,
    /// The attempt's number.
    pub attempt: i32,
    /// What follows.
    pub next: Next,
}

impl Deliverer {
    /// A deliverer over `pool` whose payloads link to the dashboard at
    /// `public_url`, and which connects only to addresses `targets` allows.
    pub fn new(
        pool: PgPool,
        master_key: Arc<MasterKey>,
        public_url: &str,
        targets: TargetPolicy,
    ) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            // A redirect could point anywhere, after the target was checked.
            .redirect(reqwest::redirect::Policy::none())
            // Every name is resolved, and every address checked, here…
            .dns_resolver(targets.resolver())
            // …which a proxy would do instead (and `HTTP_PROXY` is not the operator's choice of target).
            .no_proxy()
            .user_agent(concat!("callscope-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { pool, master_key, public_url: public_url.into(), targets, client })
    }

    /// Claims the deliveries due at `now` and makes one attempt at each, concurrently.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<Vec<Outcome>, AppError> {
        let mut outcomes = Vec::new();
        loop {
            let claimed = self.claim(now).await?;
            let full = claimed.len() as i64 == BATCH;
            let mut attempts = JoinSet::new();
            for delivery in claimed {
                let this = self.clone();
                attempts.spawn(async move { this.attempt(delivery, now).await });
            }
            while let Some(joined) = attempts.join_next().await {
                outcomes.push(joined.map_err(|error| AppError::Internal(error.into()))??);
            }
            if !full {
                return Ok(outcomes);
            }
        }
    }

    /// Leases the due deliveries and renders the bodies not yet rendered.
    async fn claim(&self, now: DateTime<Utc>) -> Result<Vec<Claimed>, AppError> {
        let mut tx = self.pool.begin().await?;
        let mut claimed = outbox::claim(&mut tx, now, now + LEASE, BATCH).await?;
        for delivery in claimed.iter_mut().filter(|delivery| delivery.payload.is_none()) {
            let body = payload::render(&delivery.cause, now, &self.public_url);
            outbox::set_payload(&mut tx, delivery.id, &body).await?;
            delivery.payload = Some(body);
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// POSTs one delivery and records how it went.
    async fn attempt(&self, delivery: Claimed, now: DateTime<Utc>) -> Result<Outcome, AppError> {
        let body = delivery.payload.clone().unwrap_or_default();
        let started = Instant::now();
        let answer = self.post(&delivery, body, now).await;
        let latency_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (status_code, error, snippet) = match &answer {
            Ok((status, snippet)) => {
                let error = (!status.is_success()).then(|| format!("the receiver answered {status}"));
                (Some(status.as_u16() as i16), error, snippet.as_str())
            }
            Err(error) => (None, Some(error.clone()), ""),
        };
        let next = if error.is_none() {
            Next::Delivered
        } else if now - delivery.created_at >= RETRY_FOR {
            tracing::error!(
                delivery = delivery.id,
                attempts = delivery.attempt,
                error = error.as_deref().unwrap_or_default(),
                "gave up on a webhook delivery after retrying for a day"
            );
            Next::GiveUp
        } else {
            Next::RetryAt(now + backoff(delivery.attempt, rand::rng().random()))
        };
        let attempt = Attempt {
            delivery_id: delivery.id,
            attempt: delivery.attempt,
            started_at: now,
            latency_ms,
            status_code,
            error: error.as_deref(),
            response_snippet: snippet,
        };
        outbox::record(&self.pool, &attempt, next).await?;
        metrics::webhook_attempt(next);
        Ok(Outcome { delivery_id: delivery.id, attempt: delivery.attempt, next })
    }

    /// The receiver's status and the start of its answer, or why none came.
    async fn post(
        &self,
        delivery: &Claimed,
        body: String,
        now: DateTime<Utc>,
    ) -> Result<(reqwest::StatusCode, String), String> {
        let owner = Owner::Webhook { app_id: delivery.webhook_app_id, webhook_id: delivery.webhook_id };
        let (ciphertext, nonce) = (&delivery.secret_ciphertext, &delivery.secret_nonce);
        let secret =
            sealed::open(&self.master_key, owner, delivery.secret_format, ciphertext, nonce).map_err(|error| {
                tracing::error!(delivery = delivery.id, error = format!("{error:#}"), "cannot sign a webhook delivery");
                "cannot decrypt the webhook's secret: was the master key changed, or the row altered?".to_owned()
            })?;
        // An address in the URL is connected to without resolving: check it here.
        let url = url::Url::parse(&delivery.url).map_err(|_| "the webhook's URL is not a URL".to_owned())?;
        self.targets.check_url(&url).map_err(|refused| format!("not sent: {refused}"))?;
        let signature = signature::sign(secret.expose_secret(), now.timestamp(), body.as_bytes());
        let mut response = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(signature::HEADER, signature)
            .header(DELIVERY_HEADER, delivery.id.to_string())
            .body(body)
            .send()
            .await
            .map_err(|error| describe(&error))?;
        let mut start = Vec::new();
        while start.len() < SNIPPET_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => start.extend_from_slice(&chunk),
                // The status is the answer; a body cut short does not change it.
                Ok(None) | Err(_) => break,
            }
        }
        Ok((response.status(), snippet(&start)))
    }
}

/// The wait before retry number `attempt` + 1: doubling from
/// [`FIRST_RETRY`] up to [`LONGEST_RETRY`], of which a random half
/// (`jitter` in `[0, 1)`) is added to the other half, so receivers that
/// come back are not hit by every sender at once.
pub fn backoff(attempt: i32, jitter: f64) -> TimeDelta {
    let doublings = attempt.clamp(1, 20) - 1;
    let full = (FIRST_RETRY * 2_i32.pow(doublings as u32)).min(LONGEST_RETRY);
    let half = full / 2;
    half + TimeDelta::milliseconds((half.num_milliseconds() as f64 * jitter.clamp(0.0, 1.0)) as i64)
}

/// Why a request got no answer, without the URL (it may carry a token).
fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let root = std::iter::successors(std::error::Error::source(error), |cause| cause.source()).last();
    if let Some(refused) = root.and_then(|cause| cause.downcast_ref::<NoAllowedAddress>()) {
        return format!("not sent: {refused}");
    }
    match root {
        Some(cause) => format!("{what}: {cause}"),
        None => what,
    }
}

/// At most [`SNIPPET_BYTES`] of `bytes` as text, cut at a character boundary.
fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(SNIPPET_BYTES)]);
    let mut end = text.len().min(SNIPPET_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_an_hour() {
        assert_eq!(backoff(1, 0.0), TimeDelta::seconds(15));
        assert_eq!(backoff(1, 1.0), TimeDelta::seconds(30));
        assert_eq!(backoff(2, 0.5), TimeDelta::seconds(45));
        assert_eq!(backoff(3, 1.0), TimeDelta::seconds(120));
        assert_eq!(backoff(30, 1.0), LONGEST_RETRY);
        assert_eq!(backoff(30, 0.0), LONGEST_RETRY / 2);
    }

    #[test]
    fn retries_last_at_least_a_day() {
        // Even with the shortest waits, the attempt count stays modest and
        // the last retry comes after a day.
        let (mut waited, mut attempt) = (TimeDelta::zero(), 1);
        while waited < RETRY_FOR {
            waited += backoff(attempt, 0.0);
            attempt += 1;
        }
        assert!((40..70).contains(&attempt), "{attempt} attempts");
    }

    #[test]
    fn snippets_are_cut_at_a_character() {
        assert_eq!(snippet(b"ok"), "ok");
        let long = "é".repeat(400);
        let cut = snippet(long.as_bytes());
        assert_eq!(cut.len(), 512);
        assert!(cut.chars().all(|c| c == 'é'));
        assert_eq!(snippet(&[0xff, b'a']), "\u{fffd}a");
    }
}
