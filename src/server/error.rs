//! The one error type of the server.
//!
//! Every layer returns [`AppError`]: the database layer maps constraint
//! violations to client variants by constraint *name*, handlers turn it
//! into an HTTP response with [`IntoResponse`], and server functions into
//! an [`ApiError`] for the browser. [`AppError::Internal`] carries the whole
//! cause chain to the log, once, and never to the client.

use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::api::ApiError;
use crate::domain::InvalidField;

/// What went wrong while serving a request or running a command.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session or token.
    #[error("sign in first")]
    Unauthorized,
    /// The collector's bearer token is missing, invalid or for something else.
    #[error("{0}")]
    InvalidToken(String),
    /// `/authenticate` refused to issue a token; answered in the OAuth2
    /// error shape of the callstats API.
    #[error("{reason}")]
    AuthenticationFailed {
        /// OAuth2 error code (`invalid_request`, `invalid_client`, `invalid_grant`, ...).
        error: &'static str,
        /// Why, for a person.
        reason: String,
    },
    /// The request itself is malformed (not JSON, not UTF-8, bad path).
    #[error("{0}")]
    BadRequest(String),
    /// Authenticated, but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// Nothing by that name visible to the caller.
    #[error("not found")]
    NotFound,
    /// A field broke a rule.
    #[error("{field}: {message}")]
    Validation {
        /// The field's name as the client knows it.
        field: String,
        /// The rule it broke.
        message: String,
    },
    /// The request conflicts with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// The body is larger than the configured limit.
    #[error("request body too large")]
    PayloadTooLarge,
    /// The store is unreachable or saturated; answered 503 with
    /// `Retry-After` ([`UNAVAILABLE_RETRY_AFTER`]): the client should retry.
    #[error("service unavailable, retry later")]
    ServiceUnavailable,
    /// A rate limit or quota was reached; answered 429 with `Retry-After`.
    #[error("too many requests, retry in {} s", retry_after_secs(*.retry_after))]
    TooManyRequests {
        /// How long the client should wait before trying again.
        retry_after: std::time::Duration,
    },
    /// Anything else; logged with its cause chain, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized | AppError::InvalidToken(_) => StatusCode::UNAUTHORIZED,
            AppError::AuthenticationFailed { .. } | AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logs the cause chain of an internal error, once.
    pub(crate) fn log_if_internal(&self) {
        if let AppError::Internal(error) = self {
            tracing::error!(error = format!("{error:#}"), "internal error");
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            // Io: a connection broke mid-query (its server stopped or went away).
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::warn!(%error, "the store is not answering");
                AppError::ServiceUnavailable
            }
            // query_canceled: a dashboard read ran past its statement_timeout.
            sqlx::Error::Database(database) if database.code().as_deref() == Some("57014") => {
                tracing::warn!(error = %database, "a query was cancelled (statement_timeout)");
                AppError::ServiceUnavailable
            }
            // admin_shutdown, crash_shutdown, cannot_connect_now: the server is
            // stopping or starting; a read replica's pages see this while it restarts.
            sqlx::Error::Database(database)
                if matches!(database.code().as_deref(), Some("57P01" | "57P02" | "57P03")) =>
            {
                tracing::warn!(error = %database, "the store is stopping or starting");
                AppError::ServiceUnavailable
            }
            // serialization_failure: nothing here runs serializable; on a read
            // replica, PostgreSQL cancels a read that holds back the replay.
            sqlx::Error::Database(database) if database.code().as_deref() == Some("40001") => {
                tracing::warn!(error = %database, "a read was cancelled by a conflict with recovery");
                AppError::ServiceUnavailable
            }
            error => AppError::Internal(error.into()),
        }
    }
}

impl From<InvalidField> for AppError {
    fn from(error: InvalidField) -> Self {
        AppError::Validation { field: error.field.to_owned(), message: error.message }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log_if_internal();
        let message = match &self {
            AppError::Internal(_) => "internal server error".to_owned(),
            other => other.to_string(),
        };
        let body = match &self {
            AppError::AuthenticationFailed { error, reason } => json!({
                "error": error,
                "errorReason": reason,
                // A bad grant (expired, replayed, wrongly signed token) is
                // cured by a new token; anything else needs a person.
                "urn:x-callstats:auth:errorActions": [
                    { "action": if *error == "invalid_grant" { "retryWithNewToken" } else { "reportError" } }
                ],
            }),
            AppError::Validation { field, .. } => json!({ "status": "error", "field": field, "msg": message }),
            _ => json!({ "status": "error", "msg": message }),
        };
        let mut response = (self.status(), Json(body)).into_response();
        let retry_after = match self {
            AppError::TooManyRequests { retry_after } => Some(retry_after),
            AppError::ServiceUnavailable => Some(UNAVAILABLE_RETRY_AFTER),
            _ => None,
        };
        if let Some(wait) = retry_after {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(retry_after_secs(wait)));
        }
        response
    }
}

/// When a client should come back after a 503: a store restarting is
/// back within seconds, and a longer outage is waited out by retrying.
pub const UNAVAILABLE_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(5);

/// `Retry-After` counts whole seconds; round up so a client never comes back early.
fn retry_after_secs(wait: std::time::Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// Server functions answer with [`ApiError`]; converting also sets the
/// HTTP status of the server-function response, or of the page being
/// rendered when the function was called during server-side rendering.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        error.log_if_internal();
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(error.status());
            if matches!(error, AppError::ServiceUnavailable) {
                response.insert_header(RETRY_AFTER, HeaderValue::from(retry_after_secs(UNAVAILABLE_RETRY_AFTER)));
            }
        }
        match error {
            AppError::Unauthorized | AppError::InvalidToken(_) | AppError::AuthenticationFailed { .. } => {
                ApiError::Unauthorized
            }
            AppError::BadRequest(message) => ApiError::Validation { field: String::new(), message },
            AppError::Forbidden => ApiError::Forbidden,
            AppError::NotFound => ApiError::NotFound,
            AppError::Validation { field, message } => ApiError::Validation { field, message },
            AppError::Conflict(message) => ApiError::Conflict(message),
            AppError::TooManyRequests { .. } => ApiError::Conflict(error.to_string()),
            AppError::ServiceUnavailable => ApiError::Unavailable,
            AppError::PayloadTooLarge | AppError::Internal(_) => ApiError::Internal,
        }
    }
}
