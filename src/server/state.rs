//! The one application state shared by handlers and server functions.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use super::master_key::MasterKey;
use super::{AppError, Config};

/// What every handler and server function shares: the pool, the config and the master key.
#[derive(Clone)]
pub struct AppState {
    /// Connections to the store.
    pub pool: PgPool,
    /// The resolved configuration.
    pub config: Arc<Config>,
    /// Encrypts app secrets at rest.
    pub master_key: Arc<MasterKey>,
}

impl AppState {
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
