use leptos::prelude::*;

use crate::api::ApiError;

/// Explains a failed request in words the user can act on, and sets the
/// matching HTTP status when rendered on the server.
#[component]
pub fn ErrorView(error: ApiError) -> impl IntoView {
    let (title, hint) = match &error {
        ApiError::Unauthorized => ("Signed out", "Your session ended. Sign in again to continue."),
        ApiError::Forbidden => ("Forbidden", "Your role cannot open this page. Ask an admin if you need access."),
        ApiError::NotFound => ("Not found", "Nothing exists at this address, or it is not shared with you."),
        ApiError::Validation { .. } | ApiError::Conflict(_) => ("Cannot do that", "Check the form and try again."),
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
