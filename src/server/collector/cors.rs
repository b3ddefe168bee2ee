//! CORS for the collector. The SDK runs on the customer's pages, so its
//! requests are cross-origin: an origin is answered when the app whitelists
//! it, or when the app has no whitelist at all. `/authenticate` names its
//! app only in the body, so its preflight is answered for any origin and
//! the token request itself is checked against the whitelist.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_METHOD, CONNECTION, ORIGIN, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::server::{AppError, AppState};

const ALLOWED_HEADERS: &str = "Authorization, Content-Type, Idempotency-Key";

/// Answers preflights and adds `Access-Control-Allow-Origin` for allowed origins.
pub async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(origin) = request.headers().get(ORIGIN).cloned() else {
        return next.run(request).await;
    };
    let allowed = match allowed(&state, request.uri().path(), &origin).await {
        Ok(allowed) => allowed,
        Err(error) => return error.into_response(),
    };
    let preflight =
        request.method() == Method::OPTIONS && request.headers().contains_key(ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        let status = if allowed { StatusCode::NO_CONTENT } else { StatusCode::FORBIDDEN };
        let mut response = Response::new(Body::empty());
        *response.status_mut() = status;
        if allowed {
            let headers = response.headers_mut();
            headers.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST, OPTIONS"));
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOWED_HEADERS));
            headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        }
        response
    } else {
        next.run(request).await
    };
    allow_origin(response.headers_mut(), allowed.then_some(origin));
    response
}

/// A body refused as too large (413) is left partly unread on the
/// connection, so the server cannot read the next request from it and
/// closes it. Saying so (`Connection: close`) keeps a client from sending
/// its next request on a connection that is about to close.
pub async fn close_after_refused_body(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

async fn allowed(state: &AppState, path: &str, origin: &HeaderValue) -> Result<bool, AppError> {
    let Some(app_id) = path.strip_prefix("/v1/apps/").and_then(|rest| rest.split('/').next()) else {
        // /authenticate and the OpenAPI document: the handler checks the whitelist.
        return Ok(true);
    };
    let Ok(origin) = origin.to_str() else { return Ok(false) };
    state.lookups.origin_allowed(&state.pool, app_id, origin).await
}

fn allow_origin(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    headers.append(VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
}
