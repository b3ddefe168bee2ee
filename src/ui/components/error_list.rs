use leptos::prelude::*;

use crate::api::ErrorRow;
use crate::ui::format;

/// Reported errors as previews: the start of the DOM error and of the
/// log, and the sizes of the SDPs, each with a link to the error's own
/// page, which shows everything (a plain link: it works without
/// JavaScript). A list of sixty errors with large SDPs stays small.
#[component]
pub fn ErrorList(
    /// The conference instance the errors belong to (for the links).
    conference: i64,
    /// The errors listed, oldest first.
    errors: Vec<ErrorRow>,
    /// How many errors there are in all; more than listed adds a note.
    total: i64,
) -> impl IntoView {
    if errors.is_empty() {
        return view! { <p class="muted">"No errors were reported."</p> }.into_any();
    }
    let listed = errors.len();
    view! {
        <ul class="errors">
            {errors.into_iter().map(|e| {
                let class = if e.function == "applicationLog" { "log" } else { "error" };
                let href = format!("/conferences/{conference}/errors/{}", e.id);
                let more = attachments(&e);
                let ellipsis = e.cut.then_some("…");
                let dom_ellipsis = if e.message.is_none() { ellipsis } else { None };
                view! {
                <li class=class>
                    <span class="nowrap">{format::clock(e.at)}</span>" "
                    <strong>{e.function}</strong>" "
                    <span class="person">{e.person.label()}</span>
                    {e.dom_error.map(|dom| view! { <div class="dom-error">{dom}{dom_ellipsis}</div> })}
                    {e.message.map(|message| view! { <pre class="log-preview">{message}{ellipsis}</pre> })}
                    <a class="error-detail" href=href>{more}</a>
                </li>
            }}).collect_view()}
        </ul>
        {(total > listed as i64).then(|| view! {
            <p class="muted">{format!("Showing the first {listed} of {total} errors.")}</p>
        })}
    }
    .into_any()
}

/// The link's text: what the error's page adds to the preview.
fn attachments(error: &ErrorRow) -> String {
    let mut parts = Vec::new();
    if error.cut || error.truncated {
        parts.push(if error.truncated { "whole log (cut to 20 KB)".to_owned() } else { "whole text".to_owned() });
    }
    for (name, bytes) in [("local SDP", error.local_sdp_bytes), ("remote SDP", error.remote_sdp_bytes)] {
        if let Some(bytes) = bytes {
            parts.push(format!("{name}, {}", size(bytes)));
        }
    }
    if parts.is_empty() { "Details".to_owned() } else { format!("Details: {}", parts.join(" · ")) }
}

/// A size for people: bytes below 1 KB, else whole kilobytes.
pub fn size(bytes: i32) -> String {
    if bytes < 1024 { format!("{bytes} B") } else { format!("{} KB", (bytes + 512) / 1024) }
}
