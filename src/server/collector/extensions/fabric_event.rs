//! The fabric events of `sendFabricEvent()`: hold/resume, mute, video
//! pause, screen sharing, dominant speaker and the active device list, on
//! one peer connection's timeline. (fabricTerminated goes to the v1
//! `events/fabric` endpoint.)

use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{check_object, fabric_of};
use crate::domain::InvalidField;
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::fabric::check_fabric;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::envelope;
use crate::server::collector::wire::{self, Millis, Validate};
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

/// Body of a fabric event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FabricEventBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When it happened (ms).
    pub timestamp: Millis,
    /// The peer connection it happened on (≤ 256 bytes).
    #[serde(rename = "connectionID")]
    pub connection_id: String,
    /// The remote user of that peer connection (≤ 256 bytes).
    #[serde(rename = "remoteID")]
    pub remote_id: Option<String>,
    /// What happened.
    pub fabric_event: FabricEvent,
    /// Event data as an object, e.g. `{"mediaDeviceList": [...]}` for activeDeviceList (≤ 64 KiB of JSON).
    pub event_data: Option<Map<String, Value>>,
}

envelope!(FabricEventBody);

impl Validate for FabricEventBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        check_fabric(&self.connection_id, self.remote_id.as_deref().unwrap_or_default())?;
        match &self.event_data {
            Some(data) => check_object("eventData", data),
            None => Ok(()),
        }
    }
}

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
    let payload = Value::Object(body.event_data.unwrap_or_default());
    events::insert(ingest.conn(), endpoint.id, fabric_id, body.fabric_event.as_str(), at, &payload).await?;
    ingest.done("sendFabricEvent").await
}
