use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{ApiError, ChartView, FabricView, TimelineEntry, get_fabric};
use crate::ui::components::{
    EmptyState, ErrorList, LiveRefresh, PageData, PageTitle, TimelineStrip, resource_for, size,
};
use crate::ui::format;

/// `/conferences/{id}/fabrics/{fabric}`: one monitored connection on one
/// time axis — events, state changes and errors, then quality charts.
#[component]
pub fn FabricPage() -> impl IntoView {
    let params = use_params_map();
    let ids = Memo::new(move |_| {
        params.with(|p| {
            let id = |key: &str| p.get(key).and_then(|value| value.parse::<i64>().ok());
            id("id").zip(id("fabric"))
        })
    });
    let data = resource_for(move || ids.get(), |(conference, fabric)| get_fabric(conference, fabric));
    view! {
        <PageData load=move || data.into_future() loading="Loading the connection…" error_title="Connection" let:view_data>
            <Fabric data=view_data refresh=data/>
        </PageData>
    }
}

#[component]
fn Fabric(data: FabricView, refresh: Resource<Result<FabricView, ApiError>>) -> impl IntoView {
    let FabricView { conference, fabric, range, timeline, errors, errors_total, sdps, charts, first_media } = data;
    let sdp_base = format!("/conferences/{}/fabrics/{}/sdps", conference.id, fabric.id);
    let live = conference.live() && fabric.terminated_at.is_none();
    let delay = match (fabric.setup_delay_ms, fabric.failure_delay_ms) {
        (Some(ms), _) => format!("set up in {ms} ms"),
        (None, Some(ms)) => format!("failed after {ms} ms ({})", fabric.failure_reason.clone().unwrap_or_default()),
        _ => "not set up yet".to_owned(),
    };
    view! {
        <PageTitle text=format!("Connection {}", fabric.connection_id)/>
        <p class="crumbs">
            <a href="/search">"Search"</a>" / "
            <a href=format!("/conferences/{}", conference.id)>{conference.conference_id.clone()}</a>
            " / connection"
        </p>
        <h1>
            <span class="person">{fabric.local.label()}</span>" → "<span class="person">{fabric.remote.label()}</span>
            {live.then(|| view! { " " <LiveRefresh refetch=Callback::new(move |()| refresh.refetch())/> })}
        </h1>
        <dl class="summary card">
            <div><dt>"Connection ID"</dt><dd>{fabric.connection_id.clone()}</dd></div>
            <div><dt>"Usage"</dt><dd>{fabric.usage.clone()}" · "{fabric.direction.clone()}" · "{fabric.remote_type.clone()}</dd></div>
            <div><dt>"State"</dt><dd>{fabric.state.clone()}</dd></div>
            <div><dt>"Setup"</dt><dd>{delay}</dd></div>
            <div><dt>"ICE connection"</dt><dd>{fabric.ice_connection_state.clone().unwrap_or_else(|| "–".into())}</dd></div>
            <div><dt>"Relay"</dt><dd>{format::relay(fabric.relay_type.as_deref())}</dd></div>
            <div><dt>"Time to first media"</dt><dd class="first-media">{format::first_media(&first_media)}</dd></div>
        </dl>
        <section>
            <h2>"Timeline"</h2>
            <TimelineStrip range entries=timeline.clone()/>
            <Timeline start=range.0 entries=timeline/>
        </section>
        <section>
            <h2>"Quality"</h2>
            {if charts.is_empty() {
                view! {
                    <EmptyState title="No statistics for this connection">
                        "Charts appear once the SDK has sent getStats() samples (every 10 s while the connection is up)."
                    </EmptyState>
                }.into_any()
            } else {
                charts.into_iter().map(|ChartView { title, src, width, height }| {
                    let name = title.clone();
                    // The image draws its own title; `alt` names it.
                    view! {
                        <figure class="chart" data-chart=name>
                            <img src=src alt=title width=width height=height/>
                        </figure>
                    }
                }).collect_view().into_any()
            }}
        </section>
        <section>
            <h2>"Errors"</h2>
            <ErrorList conference=conference.id errors total=errors_total/>
        </section>
        {(!sdps.is_empty()).then(|| view! {
            <section>
                <h2>"SDP snapshots"</h2>
                <ul class="errors">
                    {sdps.into_iter().map(|sdp| {
                        let sizes = [("local", sdp.local_bytes), ("remote", sdp.remote_bytes)]
                            .into_iter()
                            .filter_map(|(name, bytes)| bytes.map(|bytes| format!("{name} {}", size(bytes))))
                            .collect::<Vec<_>>()
                            .join(" · ");
                        view! {
                            <li>
                                <span class="nowrap">{format::clock(sdp.at)}</span>" "
                                <a href=format!("{sdp_base}/{}", sdp.id)>{format!("SDPs: {sizes}")}</a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// The timeline as a table; the first row of each moment is the target of
/// `#t<Unix ms>` links ([`moment_anchor`]), e.g. from the conference's diagnosis.
/// The id of the timeline row of moment `at`: `t` and its Unix milliseconds.
pub(crate) fn moment_anchor(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("t{}", at.timestamp_millis())
}

#[component]
fn Timeline(start: chrono::DateTime<chrono::Utc>, entries: Vec<TimelineEntry>) -> impl IntoView {
    let mut anchored = std::collections::HashSet::new();
    view! {
        <table class="data timeline">
            <thead><tr><th>"Time (UTC)"</th><th>"Offset"</th><th>"Event"</th><th>"Details"</th></tr></thead>
            <tbody>
                {entries.into_iter().map(|entry| view! {
                    <tr class=format!("kind-{}", entry.kind.as_str())
                        id=anchored.insert(entry.at).then(|| moment_anchor(entry.at))>
                        <td class="nowrap">{format::clock(entry.at)}</td>
                        <td class="nowrap number">{format::offset(start, entry.at)}</td>
                        <td>{entry.title}</td>
                        <td>{entry.detail}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
