//! `POST /login` and `POST /logout`: plain form posts, so signing in and
//! out work the same with and without JavaScript. Sign-in is throttled
//! (see `throttle`), bounded (`password::HashLimit`) and audited.

use std::time::Duration;

use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::post;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use secrecy::SecretString;
use serde::Deserialize;

use super::client_addr::ClientAddr;
use super::next_path::safe_next;
use super::session::{SESSION_COOKIE, lifetime, new_token, session_cookie, token_hash};
use super::throttle::{self, Admission};
use crate::domain::Email;
use crate::server::audit::{self, SignIn};
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
    ClientAddr(client): ClientAddr,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(&form.next);
    let attempt = match throttle::admit(&state, &form.email, client).await? {
        Admission::Admitted(attempt) => attempt,
        Admission::Refused(wait) => {
            tracing::warn!(%client, "sign-in refused: too many failures lately");
            return Ok(throttled(wait, &next));
        }
    };
    let email = Email::parse(&form.email).ok();
    let user = match &email {
        Some(email) => db::users::credentials(&state.pool, email).await?,
        None => None,
    };
    let (user_id, stored_hash) = match user {
        Some(user) => (Some(user.id), Some(user.password_hash)),
        None => (None, None),
    };
    let verified = state.auth.hashing.verify(form.password, stored_hash).await?;
    let (Some(user_id), Some(email), true) = (user_id, &email, verified) else {
        tracing::info!(%client, "sign-in refused: wrong email or password");
        audit::record_sign_in(&state.pool, SignIn::Failed { user_id }, client).await?;
        return Ok(Redirect::to(&login_path(&next, Some("credentials"))).into_response());
    };
    throttle::succeeded(&state, attempt).await?;
    let (token, hash) = new_token();
    db::sessions::create(&state.pool, &hash, user_id, lifetime(&state)).await?;
    audit::record_sign_in(&state.pool, SignIn::Succeeded { user_id, email: email.as_str() }, client).await?;
    tracing::info!(user_id, "signed in");
    Ok((jar.add(session_cookie(token, &state)), Redirect::to(&next)).into_response())
}

/// The answer to a throttled sign-in: 429 with `Retry-After`, and a page
/// saying so with a way back to the form.
fn throttled(wait: Duration, next: &str) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    // `login_path` percent-encodes `next`, so it is safe inside the attribute.
    let page = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Too many sign-in attempts</title>\
         <main><h1>Too many failed sign-ins</h1><p>Try again in {seconds} seconds.</p>\
         <p><a href=\"{}\">Back to sign-in</a></p></main></html>",
        login_path(next, None)
    );
    (StatusCode::TOO_MANY_REQUESTS, [(RETRY_AFTER, seconds.to_string())], Html(page)).into_response()
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> Result<Response, AppError> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        db::sessions::delete(&state.pool, &token_hash(cookie.value())).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/login")).into_response())
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
    use super::login_path;

    #[test]
    fn the_login_path_carries_the_error_and_the_encoded_next_path() {
        assert_eq!(login_path("/search", None), "/login?next=%2Fsearch");
        assert_eq!(login_path("/a?b=c d", Some("credentials")), "/login?error=credentials&next=%2Fa%3Fb%3Dc+d");
    }
}
