//! Server-side sessions: the cookie holds a random token, the database
//! holds its SHA-256, so a leaked table does not leak live sessions.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::handlers::login_path;
use crate::api::CurrentUser;
use crate::server::db::sessions::Lifetime;
use crate::server::{AppError, AppState, db};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "callscope_session";

/// A fresh random session token (hex of 32 bytes) and its hash.
pub(super) fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// What the database stores for a token.
pub(super) fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The session cookie carrying `token`: HttpOnly, SameSite=Lax (a shared
/// link opened from chat still arrives signed in; cross-site POSTs do not),
/// and `Secure` when the dashboard is served over HTTPS (see the config).
pub(super) fn session_cookie(token: String, state: &AppState) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .path("/")
        .build()
}

/// How long sessions last, as configured.
pub(super) fn lifetime(state: &AppState) -> Lifetime {
    Lifetime { idle: state.config.session_ttl, max: state.config.session_max_age }
}

/// Middleware: resolves the session cookie to a [`CurrentUser`] in the
/// request extensions.
/// It decides nothing; guards and server functions do.
pub async fn load_session(
    State(state): State<AppState>,
    jar: CookieJar,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        let hash = token_hash(cookie.value());
        if let Some(user) = db::sessions::touch(&state.pool, &hash, lifetime(&state)).await? {
            request.extensions_mut().insert(CurrentUser { id: user.id, email: user.email, role: user.role });
        }
    }
    Ok(next.run(request).await)
}

/// Middleware: a signed-out browser asking for a page (GET, `Accept:
/// text/html`) is sent to `/login`, remembering where it wanted to go.
/// Static files, server functions and the sign-in page itself pass; the
/// data behind every page is guarded again by its server function.
pub async fn redirect_signed_out_pages(request: Request, next: Next) -> Response {
    let wants_page = request.method() == Method::GET
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    let signed_out = request.extensions().get::<CurrentUser>().is_none();
    if wants_page && signed_out && request.uri().path() != "/login" {
        let wanted = request.uri().path_and_query().map_or("/", |p| p.as_str());
        return Redirect::to(&login_path(wanted, None)).into_response();
    }
    next.run(request).await
}
