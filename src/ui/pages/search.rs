use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::EmptyState;

/// `/search`: find a conference by the IDs a customer gives.
#[component]
pub fn SearchPage() -> impl IntoView {
    view! {
        <Title text="Search"/>
        <h1>"Search conferences"</h1>
        <EmptyState title="No conferences recorded yet">
            "Conference search appears here once the collector has received calls. "
            "Load "<code>"/callstats.js"</code>" in your WebRTC app and point it at this server."
        </EmptyState>
    }
}
