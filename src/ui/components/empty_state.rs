use leptos::prelude::*;

/// A page section that says there is nothing to show yet, and what to do.
#[component]
pub fn EmptyState(
    /// The headline, e.g. "No conferences recorded yet".
    title: &'static str,
    /// What to do about it.
    children: Children,
) -> impl IntoView {
    view! {
        <section class="empty-state">
            <h2>{title}</h2>
            <p>{children()}</p>
        </section>
    }
}
