//! Time to first media: the SDK watches the video element given to
//! `associateMstWithUserID(…, associatedVideoTag)` and reports, per SSRC,
//! how long after `addNewFabric` its first frame was rendered.

use axum::response::Response;
use serde_json::json;

use super::fabric_of;
use crate::server::AppError;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{Duration, Id, OptionalId, Ssrc, Validate, wire_body};
use crate::server::db::events;

wire_body! {
    /// Body of a time-to-first-media report.
    #[serde(rename_all = "camelCase")]
    pub struct FirstMediaBody {
        /// The peer connection the media came over (≤ 256 bytes).
        #[serde(rename = "connectionID")]
        pub connection_id: Id,
        /// The remote user of that peer connection (≤ 256 bytes).
        #[serde(rename = "remoteID")]
        pub remote_id: Option<OptionalId>,
        /// The stream's SSRC: the decimal string of an unsigned 32-bit number.
        pub ssrc: Ssrc,
        /// Milliseconds from addNewFabric to the first rendered frame.
        pub delay: Duration,
    }
}

impl Validate for FirstMediaBody {}

/// Extension: time to first media of one received stream.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/media/firstframe",
    tag = "callstats.js extensions",
    description = "Time to first media, measured by callstats.js on the `associatedVideoTag` of \
                   `associateMstWithUserID`: the delay from `addNewFabric` to the first rendered frame.",
    params(EndpointPath), request_body = FirstMediaBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_first_media(request: EndpointRequest<FirstMediaBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let fabric_id =
        fabric_of(ingest.conn(), &endpoint, Some(&body.connection_id), body.remote_id.as_deref(), at).await?;
    let payload = json!({ "ssrc": body.ssrc, "delay": body.delay.rounded() });
    events::insert(ingest.conn(), endpoint.id, fabric_id, "timeToFirstMedia", at, &payload).await?;
    ingest.done("timeToFirstMedia").await
}
