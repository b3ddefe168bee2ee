//! The fabric events of `sendFabricEvent()`: hold/resume, mute, video
//! pause, screen sharing, dominant speaker and the active device list, on
//! one peer connection's timeline. (fabricTerminated goes to the v1
//! `events/fabric` endpoint.)

use axum::response::Response;
use serde_json::Value;

use super::fabric_of;
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{Attributes, Id, OptionalId, Validate, wire_body};
use crate::server::db::events;

wire_enum! {
    /// `callstats.fabricEvent`, except fabricTerminated (a v1 fabric event).
    FabricEvent {
        /// The call is put on hold.
        FabricHold = "fabricHold",
        /// The call resumes after a hold.
        FabricResume = "fabricResume",
        /// The local user muted the microphone.
        AudioMute = "audioMute",
        /// The local user unmuted the microphone.
        AudioUnmute = "audioUnmute",
        /// The fabric stopped sending video.
        VideoPause = "videoPause",
        /// The fabric sends video again.
        VideoResume = "videoResume",
        /// Screen sharing started.
        ScreenShareStart = "screenShareStart",
        /// Screen sharing stopped.
        ScreenShareStop = "screenShareStop",
        /// The local user is the dominant speaker.
        DominantSpeaker = "dominantSpeaker",
        /// The devices in use; `eventData.mediaDeviceList` lists them.
        ActiveDeviceList = "activeDeviceList",
    }
}

wire_body! {
    /// Body of a fabric event.
    #[serde(rename_all = "camelCase")]
    pub struct FabricEventBody {
        /// The peer connection it happened on (≤ 256 bytes).
        #[serde(rename = "connectionID")]
        pub connection_id: Id,
        /// The remote user of that peer connection (≤ 256 bytes).
        #[serde(rename = "remoteID")]
        pub remote_id: Option<OptionalId>,
        /// What happened.
        pub fabric_event: FabricEvent,
        /// Event data as an object, e.g. `{"mediaDeviceList": [...]}` for activeDeviceList (≤ 64 KiB of JSON).
        pub event_data: Option<Attributes>,
    }
}

impl Validate for FabricEventBody {}

/// Extension: a fabric event of sendFabricEvent.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/fabric/action", tag = "callstats.js extensions",
    description = "Serves callstats.js `sendFabricEvent(pc, fabricEvent, conferenceID, eventData)` for every \
                   fabricEvent but `fabricTerminated`, which is sent to `events/fabric` with eventType \
                   fabricTerminated.",
    params(EndpointPath), request_body = FabricEventBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn send_fabric_event(request: EndpointRequest<FabricEventBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let fabric_id =
        fabric_of(ingest.conn(), &endpoint, Some(&body.connection_id), body.remote_id.as_deref(), at).await?;
    let payload = Value::Object(body.event_data.unwrap_or_default().into_inner());
    events::insert(ingest.conn(), endpoint.id, fabric_id, body.fabric_event.as_str(), at, &payload).await?;
    ingest.done("sendFabricEvent").await
}
