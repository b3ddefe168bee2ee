use crate::ui::components::PageTitle;
use leptos::prelude::*;

/// Any path no route matches; answered with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text="Page not found"/>
        <main class="page">
            <section class="error-state">
                <h1>"Page not found"</h1>
                <p>"Nothing lives at this address. It may have been mistyped or moved."</p>
                <p><a href="/search">"Go to search"</a></p>
            </section>
        </main>
    }
}
