use std::time::Duration;

use leptos::prelude::*;

/// How often a live conference's page reloads its data.
pub const REFRESH_EVERY: Duration = Duration::from_secs(10);

/// While mounted (in the browser), calls `refetch` every [`REFRESH_EVERY`];
/// renders a "live" badge. Pages mount it only while their conference is
/// running, so a finished one stops refreshing.
#[component]
pub fn LiveRefresh(
    /// Reloads the page's data.
    refetch: Callback<()>,
) -> impl IntoView {
    Effect::new(move |_| {
        let handle = set_interval_with_handle(move || refetch.run(()), REFRESH_EVERY);
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    });
    view! {
        <span class="badge live" title="Still running: this page refreshes every 10 seconds">"live"</span>
    }
}
