use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::EmptyState;

/// `/feedback`: what users said about their calls.
#[component]
pub fn FeedbackPage() -> impl IntoView {
    view! {
        <Title text="Feedback"/>
        <h1>"User feedback"</h1>
        <EmptyState title="No feedback yet">
            "Ratings and comments appear here when your app calls "<code>"sendUserFeedback"</code>"."
        </EmptyState>
    }
}
