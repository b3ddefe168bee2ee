use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiError, FailureGroup, Person};

/// Everything the conference page shows about one conference instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConferenceView {
    /// The instance and its summary.
    pub summary: ConferenceSummary,
    /// Every instance of the same conferenceID in the app, newest first,
    /// so that a reused ID's separate calls can be told apart.
    pub instances: Vec<InstanceLink>,
    /// Endpoints in join order.
    pub participants: Vec<Participant>,
    /// Monitored connections in the order they were added.
    pub fabrics: Vec<FabricRow>,
    /// Reported WebRTC errors (application logs included), oldest first:
    /// previews of the first 200; each is read in full on its own page.
    pub errors: Vec<ErrorRow>,
    /// How many errors were reported in all.
    pub errors_total: i64,
    /// Ratings and comments, oldest first.
    pub feedback: Vec<FeedbackRow>,
    /// What went wrong, one sentence per problem, worst first.
    pub diagnosis: Vec<DiagnosisLine>,
}

/// One problem of the call, in a sentence (names or aliases as the viewer
/// may see them), with the connection that shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosisLine {
    /// `major` (people noticed) or `minor`.
    pub severity: String,
    /// What happened, where, when and for how long.
    pub sentence: String,
    /// The fabric whose page shows it; none for the conference as a whole.
    pub fabric_id: Option<i64>,
    /// When it began.
    pub at: DateTime<Utc>,
}

/// One conference instance and its summary figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConferenceSummary {
    /// Instance id.
    pub id: i64,
    /// The conferenceID, exactly as sent.
    pub conference_id: String,
    /// The app's name.
    pub app_name: String,
    /// The app's public appID.
    pub app_id: String,
    /// When the first endpoint joined.
    pub started_at: DateTime<Utc>,
    /// When it ended; `None` while live.
    pub ended_at: Option<DateTime<Utc>>,
    /// Why it ended (`allLeft`, `fabricsEnded`, `inactivity`).
    pub end_reason: Option<String>,
    /// Last thing heard from it.
    pub last_activity_at: DateTime<Utc>,
    /// Length so far.
    pub duration_ms: i64,
    /// Failure group, once summarised.
    pub failure_group: Option<FailureGroup>,
    /// Lowest per-stream quality score, once summarised.
    pub worst_quality: Option<f64>,
    /// Fastest, median and slowest connection setup, once summarised.
    pub setup_delay_ms: Option<(i32, i32, i32)>,
    /// Reported errors, application logs excluded.
    pub error_count: i32,
    /// Lowest rating received.
    pub feedback_min: Option<i16>,
    /// Mean overall rating.
    pub feedback_avg: Option<f64>,
}

impl ConferenceSummary {
    /// Whether the conference is still running.
    pub fn live(&self) -> bool {
        self.ended_at.is_none()
    }
}

/// Another instance of the same conferenceID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceLink {
    /// Instance id.
    pub id: i64,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End, `None` while live.
    pub ended_at: Option<DateTime<Utc>>,
}

/// One endpoint: a participant's browser tab in the conference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    /// The ucID.
    pub endpoint_id: Uuid,
    /// Who, as the viewer may see them.
    pub person: Person,
    /// Browser name and version.
    pub browser: String,
    /// Operating system and version.
    pub os: String,
    /// configParams.applicationVersion.
    pub app_version: Option<String>,
    /// Joined.
    pub joined_at: DateTime<Utc>,
    /// Left, if it did.
    pub left_at: Option<DateTime<Utc>>,
    /// `userLeft` or `timeout`.
    pub left_reason: Option<String>,
    /// The SDK's latest pre-call test of this endpoint, if it sent one.
    pub precall: Option<PrecallResult>,
}

/// A pre-call test: the SDK's loopback call through the app's ICE servers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecallResult {
    /// Whether the loopback call connected.
    pub connectivity: bool,
    /// Round-trip time (ms).
    pub rtt_ms: Option<f64>,
    /// Share of probes lost, 0–1.
    pub fraction_lost: Option<f64>,
    /// Throughput (kbit/s).
    pub throughput_kbps: Option<f64>,
    /// host, srflx, prflx or relay.
    pub candidate_type: Option<String>,
    /// Why it failed; empty when it did not.
    pub message: String,
}

/// One fabric (monitored peer connection).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FabricRow {
    /// Fabric id: the fabric page is `/conferences/{instance}/fabrics/{id}`.
    pub id: i64,
    /// The endpoint that monitored it.
    pub endpoint_id: Uuid,
    /// The local user.
    pub local: Person,
    /// The remote user (or server).
    pub remote: Person,
    /// The client's connectionID.
    pub connection_id: String,
    /// audio, video, screen, data, unbundled or multiplex.
    pub usage: String,
    /// sendrecv, sendonly, receiveonly or inactive.
    pub direction: String,
    /// peer or server.
    pub remote_type: String,
    /// added, setup, failed or terminated.
    pub state: String,
    /// addNewFabric time.
    pub added_at: DateTime<Utc>,
    /// Setup delay.
    pub setup_delay_ms: Option<i32>,
    /// Failure delay.
    pub failure_delay_ms: Option<i32>,
    /// Why setup failed.
    pub failure_reason: Option<String>,
    /// When it ended.
    pub terminated_at: Option<DateTime<Utc>>,
    /// Relay in use (`turn/udp`, ...; empty: direct).
    pub relay_type: Option<String>,
    /// Its worst stream's quality score (1–5), once the conference is summarised.
    pub quality_score: Option<f64>,
    /// Last ICE connection state.
    pub ice_connection_state: Option<String>,
}

/// One reportError call as a list shows it: short previews of its text,
/// and the sizes of its SDPs, which are read on demand with
/// [`get_error_detail`](super::get_error_detail) (page
/// `/conferences/{instance}/errors/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRow {
    /// Error id.
    pub id: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who reported it.
    pub person: Person,
    /// The fabric, when the error belongs to one.
    pub fabric_id: Option<i64>,
    /// The WebRTC function that failed (or `applicationLog`).
    pub function: String,
    /// DOM error name and message: the first 300 characters.
    pub dom_error: Option<String>,
    /// Application log text: the first 300 characters.
    pub message: Option<String>,
    /// Whether the DOM error or the log is longer than shown here.
    pub cut: bool,
    /// Whether the log was cut to 20 KB when stored.
    pub truncated: bool,
    /// Size of the local SDP sent with the error, in bytes.
    pub local_sdp_bytes: Option<i32>,
    /// Size of the remote SDP sent with the error, in bytes.
    pub remote_sdp_bytes: Option<i32>,
}

/// One feedback submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackRow {
    /// When it was given.
    pub at: DateTime<Utc>,
    /// Who gave it.
    pub person: Person,
    /// The peer it is about, if any.
    pub remote_user_id: Option<String>,
    /// Overall rating 1..5.
    pub overall: Option<i16>,
    /// Audio rating.
    pub audio: Option<i16>,
    /// Video rating.
    pub video: Option<i16>,
    /// Screen-share rating.
    pub screen: Option<i16>,
    /// Free text.
    pub comment: Option<String>,
}

/// The conference page's data; `NotFound` when the instance does not exist
/// or belongs to an app the caller may not see.
#[server(endpoint = "get_conference")]
pub async fn get_conference(
    /// Instance id.
    id: i64,
) -> Result<ConferenceView, ApiError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::reports::conference(&state.dashboard_pool, &state.read_pool, &user, id).await?)
}
