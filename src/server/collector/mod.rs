//! The collector: the callstats REST API v1, wire-compatible, plus the
//! extension endpoints callstats.js needs, and the OpenAPI document of all
//! of them at `/v1/openapi.json`.

mod activity;
mod authenticate;
mod cors;
mod enums;
mod events;
mod extensions;
mod fabric;
mod ingest;
mod lookups;
mod openapi;
mod quota;
mod responses;
mod stats;
mod stats_writer;
mod token;
mod user;
mod wire;

use std::sync::Arc;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use activity::Activity;
pub use authenticate::{AccessToken, LEEWAY_SECONDS};
pub use lookups::Lookups;
pub use quota::Quotas;
pub use stats_writer::StatsWriter;
pub use token::{Caller, LIFETIME_SECONDS, TokenKeys};

use super::AppState;
use extensions::{call_details, fabric_added, fabric_event, first_media, precall_test, report_error};
use openapi::ApiDoc;

/// Every collector route, with CORS, and `/v1/openapi.json`. Routes are
/// registered from their `#[utoipa::path]` annotations, so the router and
/// the OpenAPI document cannot disagree.
pub fn router(state: AppState) -> Router<AppState> {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(authenticate::authenticate))
        .routes(routes!(user::joined))
        .routes(routes!(user::alive))
        .routes(routes!(user::left))
        .routes(routes!(user::user_details))
        .routes(routes!(stats::submit))
        .routes(routes!(events::media::report_device_list))
        .routes(routes!(events::media::report_media_action))
        .routes(routes!(events::media::report_media_pipeline))
        .routes(routes!(events::media::report_dominant_speaker))
        .routes(routes!(events::feedback::submit_feedback))
        .routes(routes!(events::status::submit_system_status))
        .routes(routes!(fabric::lifecycle::report_fabric_event))
        .routes(routes!(fabric::ice::report_ice_status))
        .routes(routes!(fabric::ice::report_transport_change))
        .routes(routes!(fabric::state::report_state_change))
        .routes(routes!(fabric::ssrc::map_ssrcs))
        .routes(routes!(fabric::sdp::submit_sdp))
        .routes(routes!(fabric_added::add_fabric))
        .routes(routes!(report_error::report_error))
        .routes(routes!(fabric_event::send_fabric_event))
        .routes(routes!(call_details::send_call_details))
        .routes(routes!(precall_test::report_precall_test))
        .routes(routes!(first_media::report_first_media))
        .split_for_parts();
    let document = Arc::new(document);
    router
        .route("/v1/openapi.json", get(move || std::future::ready(Json(document.clone()))))
        .layer(from_fn_with_state(state, cors::cors))
        .layer(from_fn(cors::close_after_refused_body))
}
