//! The collector: the callstats REST API v1, wire-compatible, plus the
//! extension endpoints callstats.js needs, and the OpenAPI document of all
//! of them at `/v1/openapi.json`.

mod authenticate;
mod cors;
mod ingest;
mod openapi;
mod responses;
mod stats;
mod token;
mod user;
mod wire;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

pub use authenticate::{AccessToken, LEEWAY_SECONDS};
pub use openapi::ApiDoc;
pub use token::{Caller, LIFETIME_SECONDS, TokenKeys};

use super::AppState;

/// Path prefix of every per-endpoint route.
const ENDPOINT: &str = "/v1/apps/{appID}/conferences/{confID}/{ucID}";

/// Every collector route, with CORS.
pub fn router(state: AppState) -> Router<AppState> {
    let endpoint = |suffix: &str| format!("{ENDPOINT}{suffix}");
    Router::new()
        .route("/authenticate", post(authenticate::authenticate))
        .route("/v1/openapi.json", get(openapi::document))
        .route("/v1/apps/{appID}/conferences/{confID}", post(user::joined))
        .route(&endpoint("/events/user/alive"), post(user::alive))
        .route(&endpoint("/events/user/left"), post(user::left))
        .route(&endpoint("/events/user/details"), post(user::user_details))
        .route(&endpoint("/stats"), post(stats::submit))
        .layer(from_fn_with_state(state, cors::cors))
}
