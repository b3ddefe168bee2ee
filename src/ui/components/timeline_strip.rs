use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::api::{TimelineEntry, TimelineKind};
use crate::ui::format;

const LANES: [(TimelineKind, &str); 5] = [
    (TimelineKind::Lifecycle, "Lifecycle"),
    (TimelineKind::State, "ICE & states"),
    (TimelineKind::Media, "Media events"),
    (TimelineKind::Error, "Errors"),
    (TimelineKind::Issue, "Issues"),
];

/// The fabric's time axis: one lane per kind of entry, each entry a marker
/// at its moment, or a bar over its span (hover for what it was). Spans the same range as the
/// quality charts below it, so the two line up.
#[component]
pub fn TimelineStrip(
    /// The time axis.
    range: (DateTime<Utc>, DateTime<Utc>),
    /// Entries in time order.
    entries: Vec<TimelineEntry>,
) -> impl IntoView {
    let (start, end) = range;
    let span = (end - start).num_milliseconds().max(1) as f64;
    let percent = move |at: DateTime<Utc>| ((at - start).num_milliseconds() as f64 / span * 100.0).clamp(0.0, 100.0);
    view! {
        <div class="strip" role="img" aria-label="Fabric timeline">
            {LANES.into_iter().map(|(kind, name)| {
                let markers = entries.iter().filter(|entry| entry.kind == kind).map(|entry| {
                    let title = format!("{} {} {}", format::clock(entry.at), entry.title, entry.detail);
                    let left = percent(entry.at);
                    let style = match entry.until {
                        Some(until) => format!("left:{left:.2}%;width:{:.2}%", (percent(until) - left).max(0.5)),
                        None => format!("left:{left:.2}%"),
                    };
                    let class = format!("marker {}{}", kind.as_str(), if entry.until.is_some() { " span" } else { "" });
                    view! { <span class=class style=style title=title></span> }
                }).collect_view();
                view! {
                    <div class="strip-lane">
                        <span class="strip-name">{name}</span>
                        <span class="strip-track">{markers}</span>
                    </div>
                }
            }).collect_view()}
            <div class="overview-axis strip-axis">
                <span>{format::clock(start)}</span>
                <span>{format::clock(end)}" UTC"</span>
            </div>
        </div>
    }
}
