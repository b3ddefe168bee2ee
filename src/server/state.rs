//! The one application state shared by handlers and server functions.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use secrecy::ExposeSecret;
use sqlx::PgPool;

use super::auth::AuthLimits;
use super::collector::{Activity, Lookups, Quotas, StatsWriter, TokenKeys};
use super::db::dashboard::ReadPool;
use super::health::Draining;
use super::master_key::MasterKey;
use super::metrics::Metrics;
use super::progress::Progress;
use super::{AppError, Config};
use crate::api::SiteAssets;

/// What every handler and server function shares: the pool, the config and the master key.
#[derive(Clone)]
pub struct AppState {
    /// Connections to the store.
    pub pool: PgPool,
    /// Connections for the dashboard's reads: the same store, each
    /// connection under the configured `statement_timeout`, so that no page
    /// keeps a backend busy after its request gave up (see `db::dashboard::pool`).
    pub dashboard_pool: PgPool,
    /// Connections for the dashboard's read-only pages that may show data a
    /// moment old: a replica (`DATABASE_READ_URL`), else `dashboard_pool`.
    pub read_pool: ReadPool,
    /// The resolved configuration.
    pub config: Arc<Config>,
    /// Encrypts app secrets at rest.
    pub master_key: Arc<MasterKey>,
    /// Signs and checks the collector's access tokens.
    pub tokens: Arc<TokenKeys>,
    /// Integration progress, written off the hot path.
    pub progress: Arc<Progress>,
    /// The stats hot path's in-memory lookups.
    pub lookups: Arc<Lookups>,
    /// When conference instances were last heard from, written throttled.
    pub activity: Arc<Activity>,
    /// Writes stats submissions in batches (group commit).
    pub stats_writer: Arc<StatsWriter>,
    /// Sign-in and `/authenticate` limits of this process.
    pub auth: Arc<AuthLimits>,
    /// Per-endpoint ingestion quotas of this process.
    pub quotas: Arc<Quotas>,
    /// The browser bundle's URLs (`site::assets`).
    pub assets: Arc<SiteAssets>,
    /// Raised when the process starts stopping; `/readyz` then fails.
    pub draining: Arc<Draining>,
    /// `/metrics`, when configured (`server::metrics`).
    pub metrics: Option<Arc<Metrics>>,
}

impl AppState {
    /// The state for `config` over `pool`, loading (or creating) the master
    /// key, reading the site's manifest and starting the stats writers (so
    /// it must run inside the runtime).
    pub fn new(config: Config, pool: PgPool) -> anyhow::Result<Self> {
        let master_key = MasterKey::load(config.master_key.as_ref(), &config.data_dir)?;
        let assets = super::site::assets(std::path::Path::new(config.leptos.site_root.as_ref()))?;
        let dashboard_pool = super::db::dashboard::pool(&pool, config.dashboard_statement_timeout);
        let read_pool = match &config.read_database_url {
            Some(url) => ReadPool::replica(url.expose_secret(), config.dashboard_statement_timeout)?,
            None => ReadPool::primary(dashboard_pool.clone()),
        };
        Ok(Self {
            assets: Arc::new(assets),
            metrics: Metrics::install(&config)?.map(Arc::new),
            stats_writer: Arc::new(StatsWriter::start(&pool)),
            activity: Activity::start(&pool),
            dashboard_pool,
            read_pool,
            quotas: Arc::new(Quotas::from_config(&config)?),
            pool,
            tokens: Arc::new(TokenKeys::new(&master_key)),
            auth: Arc::new(AuthLimits::new(&config, &master_key)),
            master_key: Arc::new(master_key),
            config: Arc::new(config),
            progress: Arc::default(),
            lookups: Arc::default(),
            draining: Arc::default(),
        })
    }

    /// What every page rendering needs in its context: this state, the
    /// bundle's URLs and the request's CSP nonce.
    pub fn provide_page_context(&self) {
        leptos::prelude::provide_context(self.clone());
        leptos::prelude::provide_context(SiteAssets::clone(&self.assets));
        super::security_headers::provide_request_nonce();
    }

    /// The state provided to server functions by the Leptos integration.
    pub fn from_context() -> Result<Self, AppError> {
        leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("AppState missing from the Leptos context")))
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.config.leptos.clone()
    }
}
