use leptos::prelude::*;

/// Local and remote SDPs, folded until asked for (they are long). Only the
/// pages of one error or one snapshot show them; lists link there.
#[component]
pub fn SdpViewer(
    /// The local description.
    local: Option<String>,
    /// The remote description.
    remote: Option<String>,
) -> impl IntoView {
    let part = |name: &'static str, sdp: Option<String>| {
        sdp.map(|sdp| {
            let lines = sdp.lines().count();
            view! {
                <details class="sdp">
                    <summary>{format!("{name} SDP ({lines} lines)")}</summary>
                    <pre>{sdp}</pre>
                </details>
            }
        })
    };
    view! { {part("Local", local)} {part("Remote", remote)} }
}
