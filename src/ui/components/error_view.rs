use leptos::prelude::*;

use crate::api::ApiError;

/// Explains a failed request in words the user can act on, and sets the
/// matching HTTP status when rendered on the server.
#[component]
pub fn ErrorView(error: ApiError) -> impl IntoView {
    // Errors from server functions have set the status already; this also
    // covers those the page finds itself (an id in the URL that is not a number).
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status());
    }
    let (title, hint) = match &error {
        ApiError::Unauthorized => ("Signed out", "Your session ended. Sign in again to continue."),
        ApiError::Forbidden => ("Forbidden", "Your role cannot open this page. Ask an admin if you need access."),
        ApiError::NotFound => ("Not found", "Nothing exists at this address, or it is not shared with you."),
        ApiError::Validation { .. } | ApiError::Conflict(_) => ("Cannot do that", "Check the form and try again."),
        ApiError::Unavailable => ("Busy", "Try again in a moment; a very large conference can take a while to read."),
        ApiError::Internal | ApiError::Transport(_) => {
            ("Something went wrong", "Try again in a moment. If it keeps failing, tell your admin.")
        }
    };
    view! {
        <section class="error-state" role="alert">
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            <p class="hint">{hint}</p>
        </section>
    }
}
