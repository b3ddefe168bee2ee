use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::EmptyState;

/// `/overview`: conferences, failures and setup delays for an app and period.
#[component]
pub fn OverviewPage() -> impl IntoView {
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <EmptyState title="No conference summaries yet">
            "Failure rates, setup delays and quality appear here once conferences have ended and been summarised."
        </EmptyState>
    }
}
