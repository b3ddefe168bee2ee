//! The one application state shared by handlers and server functions.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use super::{AppError, Config};

/// What every handler and server function shares: the pool and the config.
#[derive(Clone)]
pub struct AppState {
    /// Connections to the store.
    pub pool: PgPool,
    /// The resolved configuration.
    pub config: Arc<Config>,
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
