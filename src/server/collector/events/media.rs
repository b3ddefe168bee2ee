//! The user's media: device lists, media actions (mute, pause, screen
//! sharing), media pipeline events, and the dominant speaker.

use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::CommonHeader;
use crate::server::collector::wire::{Items, OptionalId, ShortText, Ssrc, Validate, to_json, wire_body};
use crate::server::db;

wire_enum! {
    /// Which device list: all connected devices, or those in use.
    DeviceListKind { ConnectedDeviceList = "connectedDeviceList", ActiveDeviceList = "activeDeviceList" }
}

wire_enum! {
    /// What the user did to their media.
    MediaAction {
        AudioMute = "audioMute",
        AudioUnMute = "audioUnMute",
        VideoPause = "videoPause",
        VideoResume = "videoResume",
        ScreenShareStart = "screenShareStart",
        ScreenShareStop = "screenShareStop",
    }
}

impl MediaAction {
    /// The timeline kind: the SDK enum spelling (`audioUnmute`).
    pub fn kind(self) -> &'static str {
        match self {
            MediaAction::AudioUnMute => "audioUnmute",
            other => other.as_str(),
        }
    }
}

wire_enum! {
    /// Media rendering started, was suspended, or stalled.
    PipelineEvent {
        Start = "mediaPlaybackStart",
        Suspended = "mediaPlaybackSuspended",
        Stalled = "mediaPlaybackStalled",
    }
}

/// A media device (`mediaDeviceObj`).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MediaDevice {
    /// The browser's deviceId.
    #[serde(rename = "mediaDeviceID")]
    pub media_device_id: OptionalId,
    /// audioinput, audiooutput, videoinput.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ShortText>,
    /// Human-readable label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<ShortText>,
    /// Devices of one physical device share it.
    #[serde(rename = "groupID", skip_serializing_if = "Option::is_none")]
    pub group_id: Option<OptionalId>,
}

wire_body! {
    /// Body of a device list (`devicelistBody`).
    #[serde(rename_all = "camelCase")]
    pub struct DeviceListBody {
        /// Connected or active devices.
        pub event_type: DeviceListKind,
        /// The devices (at most 1000).
        #[schema(value_type = Vec<MediaDevice>, max_items = 1000)]
        pub media_device_list: Items<MediaDevice>,
    }
}

impl Validate for DeviceListBody {}

wire_body! {
    /// Body of a media action (`mediaActionBody`).
    #[serde(rename_all = "camelCase")]
    pub struct MediaActionBody {
        /// What the user did.
        pub event_type: MediaAction,
        /// The media device concerned.
        #[serde(rename = "mediaDeviceID")]
        pub media_device_id: OptionalId,
        /// The remote users concerned (at most 1000).
        #[serde(rename = "remoteIDList")]
        #[schema(value_type = Vec<OptionalId>, max_items = 1000)]
        pub remote_id_list: Items<OptionalId>,
    }
}

impl Validate for MediaActionBody {}

wire_body! {
    /// Body of a media pipeline event (`mediaPipelineBody`).
    #[serde(rename_all = "camelCase")]
    pub struct MediaPipelineBody {
        /// What happened to the playback.
        pub event_type: PipelineEvent,
        /// The stream's SSRC: the decimal string of an unsigned 32-bit number.
        pub ssrc: Ssrc,
    }
}

impl Validate for MediaPipelineBody {}

/// Connected or active media devices of the endpoint.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/devices/list", tag = "User Media Events",
    params(EndpointPath), request_body = DeviceListBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_device_list(request: EndpointRequest<DeviceListBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let payload = json!({ "mediaDeviceList": to_json(&body.media_device_list)? });
    db::events::insert(ingest.conn(), endpoint.id, None, body.event_type.as_str(), at, &payload).await?;
    ingest.done("deviceList").await
}

/// The user muted, unmuted, paused, resumed or shared their screen.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/media/actions", tag = "User Media Events",
    params(EndpointPath), request_body = MediaActionBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_media_action(request: EndpointRequest<MediaActionBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let payload = json!({ "mediaDeviceID": body.media_device_id, "remoteIDList": body.remote_id_list });
    db::events::insert(ingest.conn(), endpoint.id, None, body.event_type.kind(), at, &payload).await?;
    ingest.done("mediaAction").await
}

/// Media playback started, was suspended or stalled.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/media/pipeline", tag = "User Media Events",
    params(EndpointPath), request_body = MediaPipelineBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_media_pipeline(request: EndpointRequest<MediaPipelineBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let payload = json!({ "ssrc": body.ssrc });
    db::events::insert(ingest.conn(), endpoint.id, None, body.event_type.as_str(), at, &payload).await?;
    ingest.done("mediaPipeline").await
}

/// The endpoint's user is the dominant speaker of the conference.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/dominantspeaker", tag = "special events",
    params(EndpointPath), request_body = CommonHeader, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_dominant_speaker(request: EndpointRequest<CommonHeader>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, at, .. } = request;
    db::events::insert(ingest.conn(), endpoint.id, None, "dominantSpeaker", at, &json!({})).await?;
    ingest.done("dominantSpeaker").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_spelling_of_unmute_is_stored_as_the_sdk_spelling() {
        assert_eq!(MediaAction::AudioUnMute.as_str(), "audioUnMute");
        assert_eq!(MediaAction::AudioUnMute.kind(), "audioUnmute");
        assert_eq!(MediaAction::AudioMute.kind(), "audioMute");
    }
}
