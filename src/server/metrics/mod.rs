//! Prometheus metrics at `/metrics` (docs/operations.md, "Metrics").
//!
//! Off unless configured: with `CALLSCOPE_METRICS_ADDR`, `/metrics` is served
//! on a listener of its own; otherwise with `CALLSCOPE_METRICS_TOKEN`, on the
//! main listener. The token, when set, is required wherever it is served.
//!
//! Events are recorded through the `metrics` facade into one recorder per
//! process ([`events`], [`http`]); what the store knows (live conferences,
//! the webhook outbox, the lifecycle's lag) and the pools' state are read
//! when Prometheus scrapes ([`gauges`]), in a few grouped queries.

pub mod events;
mod gauges;
pub mod http;
mod names;

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use metrics_util::MetricKindMask;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;

use super::{AppState, Config};

/// Latency buckets, in seconds: from a cached lookup to a request timeout.
const SECONDS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// Batch sizes of the stats writer, up to its largest batch (64).
const BATCH_SIZES: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];
/// A gauge not refreshed for this long is dropped, e.g. that of a deleted app.
const STALE_GAUGE: Duration = Duration::from_secs(600);
/// How often recorded histograms are folded in when nobody scrapes, so
/// that memory stays bounded.
const UPKEEP: Duration = Duration::from_secs(5);

/// The process's recorder, installed once (tests start several servers in one process).
static RECORDER: Mutex<Option<PrometheusHandle>> = Mutex::new(None);

/// What `/metrics` needs: the rendering handle and the token, if any.
pub struct Metrics {
    handle: PrometheusHandle,
    token: Option<SecretString>,
    own_listener: bool,
}

impl Metrics {
    /// Installs the recorder when `config` turns metrics on; `None` when off.
    pub fn install(config: &Config) -> anyhow::Result<Option<Self>> {
        if config.metrics_addr.is_none() && config.metrics_token.is_none() {
            return Ok(None);
        }
        let mut slot = RECORDER.lock().map_err(|_| anyhow::anyhow!("the metrics recorder lock is poisoned"))?;
        let handle = match slot.as_ref() {
            Some(handle) => handle.clone(),
            None => {
                let handle = PrometheusBuilder::new()
                    .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS)?
                    .set_buckets_for_metric(Matcher::Full(names::STATS_BATCH_SIZE.to_owned()), BATCH_SIZES)?
                    .idle_timeout(MetricKindMask::GAUGE, Some(STALE_GAUGE))
                    .install_recorder()
                    .context("installing the metrics recorder")?;
                names::describe();
                events::start_at_zero();
                let upkeep = handle.clone();
                std::thread::Builder::new().name("metrics-upkeep".to_owned()).spawn(move || {
                    loop {
                        std::thread::sleep(UPKEEP);
                        upkeep.run_upkeep();
                    }
                })?;
                slot.insert(handle).clone()
            }
        };
        http::enable();
        Ok(Some(Self { handle, token: config.metrics_token.clone(), own_listener: config.metrics_addr.is_some() }))
    }

    /// Whether `headers` carry the token (always, when none is configured).
    /// Both sides are hashed first, so the comparison takes the same time
    /// whatever the lengths.
    fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(token) = &self.token else { return true };
        let given = headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok()).unwrap_or_default();
        let given = given.strip_prefix("Bearer ").unwrap_or_default();
        let expected = Sha256::digest(token.expose_secret().as_bytes());
        bool::from(Sha256::digest(given.as_bytes()).as_slice().ct_eq(expected.as_slice()))
    }
}

/// `/metrics` on the main listener, when it is served there.
pub fn router(state: &AppState) -> Router<AppState> {
    match &state.metrics {
        Some(metrics) if !metrics.own_listener => Router::new().route("/metrics", get(scrape)),
        _ => Router::new(),
    }
}

/// The listener of its own that `CALLSCOPE_METRICS_ADDR` asks for, serving only `/metrics`.
pub struct Listener {
    listener: TcpListener,
    router: Router,
}

impl Listener {
    /// Binds `CALLSCOPE_METRICS_ADDR`; `None` when it is unset.
    pub async fn bind(state: &AppState) -> anyhow::Result<Option<Self>> {
        let Some(addr) = state.config.metrics_addr else { return Ok(None) };
        let listener = TcpListener::bind(addr).await.with_context(|| format!("binding the metrics address {addr}"))?;
        let router = Router::new().route("/metrics", get(scrape)).with_state(state.clone());
        Ok(Some(Self { listener, router }))
    }

    /// The address it listens on.
    pub fn addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the task running it is aborted.
    pub async fn serve(self) {
        if let Err(error) = axum::serve(self.listener, self.router).await {
            tracing::error!(%error, "the metrics listener stopped");
        }
    }
}

/// `GET /metrics`: 401 without the token; else the gauges read now and
/// every metric recorded, in the Prometheus text format.
async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(metrics) = &state.metrics else { return StatusCode::NOT_FOUND.into_response() };
    if !metrics.admits(&headers) {
        let challenge = [(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))];
        return (StatusCode::UNAUTHORIZED, challenge).into_response();
    }
    gauges::refresh(&state).await;
    let content_type = HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8");
    ([(CONTENT_TYPE, content_type)], metrics.handle.render()).into_response()
}
