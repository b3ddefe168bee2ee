use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The error every server function returns, as the browser sees it.
///
/// Internal failures are logged on the server and reach the browser only as
/// [`ApiError::Internal`], without detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// No valid session: sign in first.
    #[error("Sign in to continue.")]
    Unauthorized,
    /// Signed in, but the role or app grants do not allow this.
    #[error("Forbidden: your role does not allow this.")]
    Forbidden,
    /// Nothing exists under that name, or it is not visible to the caller.
    #[error("Not found.")]
    NotFound,
    /// A field failed validation.
    #[error("{field}: {message}")]
    Validation {
        /// The field's name as shown in the form.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The request conflicts with existing data (e.g. a duplicate name).
    #[error("{0}")]
    Conflict(String),
    /// The store is saturated, or a dashboard query ran past its time
    /// limit (`statement_timeout`): nothing is wrong with the request.
    #[error("The server is busy: reading this took too long.")]
    Unavailable,
    /// The server failed; details are in its log.
    #[error("Something went wrong on the server. The error was logged.")]
    Internal,
    /// The request never got a proper answer (network, decoding).
    #[error("The request failed: {0}")]
    Transport(String),
}

impl ApiError {
    /// The HTTP status a page showing this error is answered with.
    #[cfg(feature = "ssr")]
    pub fn status(&self) -> http::StatusCode {
        match self {
            ApiError::Unauthorized => http::StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => http::StatusCode::FORBIDDEN,
            ApiError::NotFound => http::StatusCode::NOT_FOUND,
            ApiError::Validation { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict(_) => http::StatusCode::CONFLICT,
            ApiError::Unavailable => http::StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal | ApiError::Transport(_) => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}
