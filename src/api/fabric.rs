use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{ApiError, ConferenceSummary, ErrorRow, FabricRow};

/// Everything the fabric page shows about one monitored connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FabricView {
    /// The conference it belongs to.
    pub conference: ConferenceSummary,
    /// The fabric itself.
    pub fabric: FabricRow,
    /// The time axis shared by the timeline and every chart.
    pub range: (DateTime<Utc>, DateTime<Utc>),
    /// Events, state changes and errors in time order.
    pub timeline: Vec<TimelineEntry>,
    /// Errors of this fabric (and the endpoint's connection-less ones), as
    /// previews of the first 200.
    pub errors: Vec<ErrorRow>,
    /// How many such errors were reported in all.
    pub errors_total: i64,
    /// SDP snapshots sent for this fabric (the first 100), without the SDPs.
    pub sdps: Vec<SdpSnapshot>,
    /// Quality charts, as images drawn on the server.
    pub charts: Vec<ChartView>,
    /// Time to first media of each received stream the SDK watched.
    pub first_media: Vec<FirstMedia>,
}

/// How long after addNewFabric a received stream showed its first frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirstMedia {
    /// The stream: "person · usage label", or "ssrc N" when unmapped.
    pub stream: String,
    /// Milliseconds from addNewFabric to the first rendered frame.
    pub delay_ms: i64,
}

/// What kind of thing happened, for the timeline's lanes and colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimelineKind {
    /// Added, set up, failed, terminated.
    Lifecycle,
    /// ICE, signaling and connection state changes; transport switches.
    State,
    /// Hold, mute, screen share, devices, dominant speaker, playback.
    Media,
    /// reportError calls.
    Error,
    /// Issues the detectors found (spans, `docs/diagnosis.md`).
    Issue,
}

impl TimelineKind {
    /// Lowercase name, used as a CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            TimelineKind::Lifecycle => "lifecycle",
            TimelineKind::State => "state",
            TimelineKind::Media => "media",
            TimelineKind::Error => "error",
            TimelineKind::Issue => "issue",
        }
    }
}

/// One moment on the fabric's time axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When (for a span, when it began).
    pub at: DateTime<Utc>,
    /// When a span ended; `None` for a moment.
    pub until: Option<DateTime<Utc>>,
    /// Lane.
    pub kind: TimelineKind,
    /// What, e.g. "fabricSetup" or "iceConnectionState".
    pub title: String,
    /// Details, e.g. "checking → connected" or "setup delay 420 ms".
    pub detail: String,
}

/// The local and remote session descriptions at one moment, as a list
/// shows them: their sizes. The SDPs are read on demand with
/// [`get_sdp_snapshot`](super::get_sdp_snapshot) (page
/// `/conferences/{instance}/fabrics/{fabric}/sdps/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SdpSnapshot {
    /// Snapshot id.
    pub id: i64,
    /// When they were reported.
    pub at: DateTime<Utc>,
    /// Size of the local SDP in bytes.
    pub local_bytes: Option<i32>,
    /// Size of the remote SDP in bytes.
    pub remote_bytes: Option<i32>,
}

/// One quality chart: an SVG image drawn on the server at its own URL, so
/// that the page carries no drawing (and hydration does not send it twice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartView {
    /// Heading, e.g. "Round-trip time"; the image's text alternative.
    pub title: String,
    /// The image's URL (`…/fabrics/{fabric}/charts/{figure}?until=…`).
    pub src: String,
    /// The image's size in pixels, so the page does not shift as it loads.
    pub width: u32,
    /// See `width`.
    pub height: u32,
}

/// The fabric page's data; `NotFound` unless the fabric belongs to that
/// conference instance and the caller may see its app.
#[server(endpoint = "get_fabric")]
pub async fn get_fabric(
    /// Conference instance id.
    conference: i64,
    /// Fabric id.
    fabric: i64,
) -> Result<FabricView, ApiError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::reports::fabric(&state.dashboard_pool, &state.read_pool, &user, conference, fabric).await?)
}
