//! `POST /login` and `POST /logout`: plain form posts, so signing in and
//! out work the same with and without JavaScript.

use axum::Router;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use secrecy::SecretString;
use serde::Deserialize;

use super::password;
use super::session::{SESSION_COOKIE, new_token, session_cookie, token_hash};
use crate::domain::Email;
use crate::server::{AppError, AppState, db};

/// Routes of the sign-in forms.
pub fn router() -> Router<AppState> {
    Router::new().route("/login", post(login)).route("/logout", post(logout))
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: SecretString,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(&form.next);
    let user = match Email::parse(&form.email) {
        Ok(email) => db::users::credentials(&state.pool, &email).await?,
        Err(_) => None,
    };
    let (user_id, stored_hash) = match user {
        Some(user) => (Some(user.id), Some(user.password_hash)),
        None => (None, None),
    };
    let verified = password::verify(form.password, stored_hash).await?;
    let Some(user_id) = user_id.filter(|_| verified) else {
        tracing::info!("sign-in refused: wrong email or password");
        return Ok(Redirect::to(&login_path(next, Some("credentials"))).into_response());
    };
    let (token, hash) = new_token();
    db::sessions::create(&state.pool, &hash, user_id, state.config.session_ttl).await?;
    tracing::info!(user_id, "signed in");
    Ok((jar.add(session_cookie(token, &state)), Redirect::to(next)).into_response())
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> Result<Response, AppError> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        db::sessions::delete(&state.pool, &token_hash(cookie.value())).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/login")).into_response())
}

/// Where to go after signing in: a local path only, never another site.
fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if local && next != "/login" { next } else { "/search" }
}

/// The sign-in page, returning to `next` afterwards, optionally with an error.
pub(super) fn login_path(next: &str, error: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(error) = error {
        query.append_pair("error", error);
    }
    format!("/login?{}", query.append_pair("next", next).finish())
}

#[cfg(test)]
mod tests {
    use super::{login_path, safe_next};

    #[test]
    fn the_login_path_carries_the_error_and_the_encoded_next_path() {
        assert_eq!(login_path("/search", None), "/login?next=%2Fsearch");
        assert_eq!(login_path("/a?b=c d", Some("credentials")), "/login?error=credentials&next=%2Fa%3Fb%3Dc+d");
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/search?conferenceID=a"), "/search?conferenceID=a");
        assert_eq!(safe_next("//evil.example/"), "/search");
        assert_eq!(safe_next("https://evil.example/"), "/search");
        assert_eq!(safe_next("/\\evil.example"), "/search");
        assert_eq!(safe_next(""), "/search");
    }
}
