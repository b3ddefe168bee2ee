use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{ErrorDetail, get_error_detail};
use crate::ui::components::{PageData, PageTitle, SdpViewer, resource_for};
use crate::ui::format;

/// `/conferences/{id}/errors/{error}`: one reported error in full — DOM
/// error, application log and SDPs, which the conference and fabric pages
/// only preview.
#[component]
pub fn ErrorDetailPage() -> impl IntoView {
    let params = use_params_map();
    let ids = Memo::new(move |_| {
        params.with(|p| {
            let id = |key: &str| p.get(key).and_then(|value| value.parse::<i64>().ok());
            id("id").zip(id("error"))
        })
    });
    let data = resource_for(move || ids.get(), |(conference, error)| get_error_detail(conference, error));
    view! {
        <PageTitle text="Reported error"/>
        <PageData load=move || data.into_future() loading="Loading the error…" let:detail><Detail detail/></PageData>
    }
}

#[component]
fn Detail(detail: ErrorDetail) -> impl IntoView {
    let ErrorDetail {
        conference,
        person,
        fabric_id,
        function,
        dom_error,
        message,
        truncated,
        at,
        local_sdp,
        remote_sdp,
        ..
    } = detail;
    let connection = fabric_id.map(|fabric| {
        view! { <a href=format!("/conferences/{}/fabrics/{fabric}", conference.id)>"this connection"</a> }
    });
    view! {
        <p class="crumbs">
            <a href="/search">"Search"</a>" / "
            <a href=format!("/conferences/{}", conference.id)>{conference.conference_id.clone()}</a>
            " / error"
        </p>
        <h1>{function}</h1>
        <dl class="summary card">
            <div><dt>"When (UTC)"</dt><dd>{format::time(at)}</dd></div>
            <div><dt>"Reported by"</dt><dd class="person">{person.label()}</dd></div>
            <div><dt>"Connection"</dt><dd>{connection}{fabric_id.is_none().then_some("none")}</dd></div>
        </dl>
        {dom_error.map(|dom| view! { <section><h2>"DOM error"</h2><pre class="dom-error">{dom}</pre></section> })}
        {message.map(|message| view! {
            <section>
                <h2>{if truncated { "Log (cut to 20 KB when stored)" } else { "Log" }}</h2>
                <pre class="log">{message}</pre>
            </section>
        })}
        {(local_sdp.is_some() || remote_sdp.is_some()).then(|| view! {
            <section><h2>"SDPs"</h2><SdpViewer local=local_sdp remote=remote_sdp/></section>
        })}
    }
}
