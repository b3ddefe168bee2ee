//! The HTTP application: one router for the dashboard, the collector and
//! the static site, and the server loop with graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state, map_request};
use axum::routing::get;
use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;
use leptos::prelude::AnyView;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::health::Draining;
use super::{
    AppState, Config, admin, auth, chart_images, collector, health, metrics, request_id, security_headers, site,
    telemetry,
};

/// The dashboard's Leptos app and the HTML document around it, as the
/// router mounts them. `server` never names `ui`: the crate root makes
/// these (`callscope::pages()`), and the binary and the tests pass them to
/// [`Application::build`].
#[derive(Clone, Copy)]
pub struct Pages {
    /// The root component: its routes are the paths answered with a page.
    pub app: fn() -> AnyView,
    /// The whole HTML document of a page, the app inside.
    pub shell: fn(LeptosOptions) -> AnyView,
}

/// A bound, not yet running server. Binding first lets callers (and tests,
/// with port 0) learn the address before serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    router: Router,
    metrics: Option<metrics::Listener>,
}

impl Application {
    /// Binds `config.addr` and assembles the router over `pool`, serving `pages`.
    pub async fn build(mut config: Config, pool: PgPool, pages: Pages) -> anyhow::Result<Self> {
        site::prepare(&mut config)?;
        let listener = TcpListener::bind(config.addr).await.with_context(|| format!("binding {}", config.addr))?;
        let state = AppState::new(config, pool)?;
        let metrics = metrics::Listener::bind(&state).await?;
        Ok(Self { listener, router: router(state.clone(), pages)?, state, metrics })
    }

    /// The state its handlers share (the background workers need it too).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The address the server listens on.
    pub fn addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// The address of the metrics listener, when `CALLSCOPE_METRICS_ADDR` asks for one.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|metrics| metrics.addr().ok())
    }

    /// Serves until SIGINT or SIGTERM, then drains ([`shutdown_signal`]).
    pub async fn run(self) -> std::io::Result<()> {
        let shutdown = shutdown_signal(self.state.draining.clone(), self.state.config.drain_delay);
        self.run_until(shutdown).await
    }

    /// Serves until `shutdown` completes, then stops accepting connections
    /// and waits for in-flight requests.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let metrics = self.metrics.map(|metrics| tokio::spawn(metrics.serve()));
        // Without TCP_NODELAY, the last small write of a streamed page can
        // wait for the client's delayed ACK (40 ms on Linux).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
        });
        // The peer address feeds the client address (`auth::ClientAddr`).
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
        if let Some(task) = metrics {
            task.abort();
        }
        served
    }
}

/// Every route of the product, the dashboard's being `pages`.
///
/// # Errors
/// When the site (`make site`) is missing or incomplete.
pub fn router(state: AppState, pages: Pages) -> anyhow::Result<Router> {
    let config = &state.config;
    let leptos_options = config.leptos.clone();
    let site_root = std::path::Path::new(leptos_options.site_root.as_ref()).to_owned();
    let context = {
        let state = state.clone();
        move || state.provide_page_context()
    };
    let render_shell = move || (pages.shell)(leptos_options.clone());

    let dashboard = Router::new()
        .merge(auth::router())
        .merge(admin::router(pages))
        .merge(chart_images::router())
        .leptos_routes_with_context(&state, generate_route_list(pages.app), context.clone(), render_shell.clone())
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, pages.shell))
        .layer(from_fn(auth::redirect_signed_out_pages))
        .layer(from_fn_with_state(state.clone(), auth::load_session))
        .layer(from_fn(auth::same_origin_writes))
        // Server functions read bodies without the extractor limit.
        .layer(RequestBodyLimitLayer::new(config.body_limit_bytes))
        .layer(from_fn(security_headers::dashboard))
        .layer(compression());
    let static_files = site::router(&site_root)?.layer(from_fn(security_headers::static_files));
    let api = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(metrics::router(&state))
        .merge(collector::router(state.clone()))
        .layer(from_fn(security_headers::api));

    Ok(Router::new()
        .merge(static_files)
        .merge(api)
        .merge(dashboard)
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.request_timeout))
        // Outermost: what the layers above answer themselves (a 408) gets the baseline too.
        .layer(from_fn(security_headers::baseline))
        .layer(from_fn(metrics::http::track))
        // From the outside in: a client's unsafe x-request-id is dropped, a
        // missing one made, the request's span carries it, and the answer
        // (whoever made it) gets it back.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(telemetry::request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(map_request(request_id::drop_unacceptable))
        .with_state(state))
}

/// Pages, server-function JSON and chart SVGs, compressed on the fly
/// (brotli or gzip, as the browser accepts) when over a kilobyte: below it
/// the headers cost about what compression saves. The site's files are
/// compressed at build time (`site`); the collector's answers are small.
fn compression() -> CompressionLayer<impl Predicate> {
    let worth = SizeAbove::new(1024).and(NotForContentType::IMAGES).and(NotForContentType::GRPC);
    CompressionLayer::new().no_deflate().no_zstd().compress_when(worth)
}

/// Completes when the process should stop serving. On SIGTERM (systemd,
/// Kubernetes, `docker stop`) it raises `draining` at once, so `/readyz`
/// answers 503, and completes `drain_delay` later: meanwhile the balancers
/// notice and stop sending requests, which are still served. On SIGINT
/// (Ctrl-C, a person at a terminal) it completes at once, also draining.
pub async fn shutdown_signal(draining: Arc<Draining>, drain_delay: Duration) {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    let delay = tokio::select! {
        () = ctrl_c => Duration::ZERO,
        () = terminate => drain_delay,
    };
    draining.start();
    if !delay.is_zero() {
        tracing::info!(
            delay_secs = delay.as_secs_f64(),
            "draining: /readyz answers 503; still serving until the delay ends"
        );
        tokio::time::sleep(delay).await;
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
