use leptos::prelude::*;

use super::SdpViewer;
use crate::api::ErrorRow;
use crate::ui::format;

/// Reported errors with their DOM error, application log and SDPs.
#[component]
pub fn ErrorList(errors: Vec<ErrorRow>) -> impl IntoView {
    if errors.is_empty() {
        return view! { <p class="muted">"No errors were reported."</p> }.into_any();
    }
    view! {
        <ul class="errors">
            {errors.into_iter().map(|e| {
                let class = if e.function == "applicationLog" { "log" } else { "error" };
                view! {
                <li class=class>
                    <span class="nowrap">{format::clock(e.at)}</span>" "
                    <strong>{e.function}</strong>" "
                    <span class="person">{e.person.label()}</span>
                    {e.dom_error.map(|dom| view! { <div class="dom-error">{dom}</div> })}
                    {e.message.map(|message| view! {
                        <details><summary>{if e.truncated { "Log (cut to 20 KB)" } else { "Log" }}</summary><pre>{message}</pre></details>
                    })}
                    <SdpViewer local=e.local_sdp remote=e.remote_sdp/>
                </li>
            }}).collect_view()}
        </ul>
    }
    .into_any()
}
