use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::api::{FabricRow, Participant};
use crate::ui::format;

/// Participants × time: when each endpoint was in the conference, with a
/// tick where each of its connections was added (green: set up, red:
/// failed, grey: still being set up).
#[component]
pub fn ParticipantsOverview(
    /// Start and end of the conference (now, while live).
    range: (DateTime<Utc>, DateTime<Utc>),
    /// Endpoints in join order.
    participants: Vec<Participant>,
    /// Every fabric of the conference.
    fabrics: Vec<FabricRow>,
) -> impl IntoView {
    let (start, end) = range;
    let span = (end - start).num_milliseconds().max(1) as f64;
    let percent = move |at: DateTime<Utc>| ((at - start).num_milliseconds() as f64 / span * 100.0).clamp(0.0, 100.0);
    view! {
        <div class="overview" role="img" aria-label="Participants over time">
            <div class="overview-axis">
                <span>{format::clock(start)}</span>
                <span>{format::clock(end)}</span>
            </div>
            {participants.into_iter().map(|participant| {
                let left = percent(participant.joined_at);
                let right = percent(participant.left_at.unwrap_or(end));
                let ticks = fabrics.iter().filter(|f| f.endpoint_id == participant.endpoint_id).map(|fabric| {
                    let class = match fabric.state.as_str() {
                        "failed" => "tick failed",
                        "added" => "tick pending",
                        _ => "tick ok",
                    };
                    let title = format!("{} {} at {}", fabric.usage, fabric.state, format::clock(fabric.added_at));
                    view! { <span class=class style=format!("left:{:.2}%", percent(fabric.added_at)) title=title></span> }
                }).collect_view();
                view! {
                    <div class="overview-row">
                        <span class="overview-label">{participant.person.label()}</span>
                        <span class="overview-track">
                            <span class="overview-bar" style=format!("left:{left:.2}%;width:{:.2}%", (right - left).max(0.5))></span>
                            {ticks}
                        </span>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}
