use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{SdpDetail, get_sdp_snapshot};
use crate::ui::components::{PageData, PageTitle, SdpViewer, resource_for};
use crate::ui::format;

/// `/conferences/{id}/fabrics/{fabric}/sdps/{sdp}`: one SDP snapshot of a
/// connection in full, which the fabric page only lists.
#[component]
pub fn SdpDetailPage() -> impl IntoView {
    let params = use_params_map();
    let ids = Memo::new(move |_| {
        params.with(|p| {
            let id = |key: &str| p.get(key).and_then(|value| value.parse::<i64>().ok());
            Some((id("id")?, id("fabric")?, id("sdp")?))
        })
    });
    let data = resource_for(move || ids.get(), |(conference, fabric, sdp)| get_sdp_snapshot(conference, fabric, sdp));
    view! {
        <PageTitle text="SDP snapshot"/>
        <PageData load=move || data.into_future() loading="Loading the SDPs…" let:detail><Detail detail/></PageData>
    }
}

#[component]
fn Detail(detail: SdpDetail) -> impl IntoView {
    let SdpDetail { conference, fabric, at, local, remote } = detail;
    view! {
        <p class="crumbs">
            <a href="/search">"Search"</a>" / "
            <a href=format!("/conferences/{}", conference.id)>{conference.conference_id.clone()}</a>" / "
            <a href=format!("/conferences/{}/fabrics/{}", conference.id, fabric.id)>{fabric.connection_id.clone()}</a>
            " / SDPs"
        </p>
        <h1>"SDP snapshot at " {format::time(at)}</h1>
        <p class="person">{fabric.local.label()}" → "{fabric.remote.label()}</p>
        <SdpViewer local remote/>
    }
}
