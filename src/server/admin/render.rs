//! Answering a form post with its page, rendered on the server.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use leptos::prelude::provide_context;

use crate::api::FormOutcome;
use crate::server::{AppState, Pages};

/// The page of `pages` at the posted URL, rendered as for a GET with
/// `outcome` in its context, answered with `status` (unless the page set a
/// worse one, as a 403 for a non-admin).
pub async fn page(
    state: &AppState,
    pages: Pages,
    mut parts: Parts,
    outcome: Option<FormOutcome>,
    status: StatusCode,
) -> Response {
    parts.method = Method::GET;
    let options = state.config.leptos.clone();
    let context_state = state.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            context_state.provide_page_context();
            if let Some(outcome) = outcome.clone() {
                provide_context(outcome);
            }
        },
        move || (pages.shell)(options.clone()),
    );
    let mut response = render(Request::from_parts(parts, Body::empty())).await;
    if response.status().is_success() {
        *response.status_mut() = status;
    }
    // The page may show a secret made by this post: no cache may keep it.
    // (The dashboard's layer says so too; this answer must not depend on it.)
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
