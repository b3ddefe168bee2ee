//! The SDK's pre-call test: a short loopback call through the app's ICE
//! servers at `initialize()`, measuring connectivity, RTT, jitter, loss and
//! throughput. The SDK sends the result to each conference the endpoint
//! joins, so it shows with the participant.

use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{DelayMs, Duration, Fraction, ShortText, Throughput, Validate, wire_body};
use crate::server::db::precall::{self, PrecallTest};
use axum::response::Response;

wire_enum! {
    /// The type of the local candidate of the pair the test used.
    CandidateType { Host = "host", Srflx = "srflx", Prflx = "prflx", Relay = "relay" }
}

wire_body! {
    /// Body of a pre-call test result.
    #[serde(rename_all = "camelCase")]
    pub struct PrecallTestBody {
        /// Whether the loopback call connected.
        pub connectivity: bool,
        /// Round-trip time (ms).
        pub rtt: Option<DelayMs>,
        /// Jitter (ms).
        pub jitter: Option<DelayMs>,
        /// Share of probes lost, 0–1.
        pub fraction_loss: Option<Fraction>,
        /// Throughput (kbit/s).
        pub throughput: Option<Throughput>,
        /// The local candidate type of the pair used.
        pub candidate_type: Option<CandidateType>,
        /// How long the test took (ms).
        pub duration: Option<Duration>,
        /// Why the test failed, if it did (≤ 1024 bytes).
        pub message: Option<ShortText>,
    }
}

impl Validate for PrecallTestBody {}

/// Extension: the result of the SDK's pre-call test.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/precalltest", tag = "callstats.js extensions",
    description = "The result of callstats.js's pre-call test (run at `initialize()` unless \
                   `configParams.disablePrecalltest`), sent to each conference the endpoint joins.",
    params(EndpointPath), request_body = PrecallTestBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_precall_test(request: EndpointRequest<PrecallTestBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let test = PrecallTest {
        measured_at: at,
        connectivity: body.connectivity,
        rtt_ms: body.rtt.map(|figure| figure.get()),
        jitter_ms: body.jitter.map(|figure| figure.get()),
        fraction_lost: body.fraction_loss.map(|figure| figure.get()),
        throughput_kbps: body.throughput.map(|figure| figure.get()),
        candidate_type: body.candidate_type.map(CandidateType::as_str),
        duration_ms: body.duration.map(|duration| duration.rounded()),
        message: body.message.as_deref().unwrap_or_default(),
    };
    precall::insert(ingest.conn(), endpoint.id, &test).await?;
    ingest.done("precallTest").await
}
