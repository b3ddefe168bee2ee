//! The user's media: device lists, media actions (mute, pause, screen
//! sharing), media pipeline events, and the dominant speaker.

use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::domain::InvalidField;
use crate::domain::limits::{self, ID_BYTES};
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::{CommonHeader, envelope};
use crate::server::collector::wire::{self, Millis, Validate, check_items, parse_ssrc, to_json};
use crate::server::db;

/// Free text that is not an identifier (device labels, kinds): 1 KiB.
pub const TEXT_BYTES: usize = 1024;

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
    pub media_device_id: String,
    /// audioinput, audiooutput, videoinput.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Human-readable label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Devices of one physical device share it.
    #[serde(rename = "groupID", skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
}

/// Body of a device list (`devicelistBody`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceListBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When the list was taken.
    pub timestamp: Millis,
    /// Connected or active devices.
    pub event_type: DeviceListKind,
    /// The devices (at most 1000).
    pub media_device_list: Vec<MediaDevice>,
}

impl Validate for DeviceListBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        check_items("mediaDeviceList", &self.media_device_list)?;
        for device in &self.media_device_list {
            limits::max_bytes("mediaDeviceList.mediaDeviceID", &device.media_device_id, ID_BYTES)?;
            limits::max_bytes("mediaDeviceList.groupID", device.group_id.as_deref().unwrap_or_default(), ID_BYTES)?;
            limits::max_bytes("mediaDeviceList.kind", device.kind.as_deref().unwrap_or_default(), TEXT_BYTES)?;
            limits::max_bytes("mediaDeviceList.label", device.label.as_deref().unwrap_or_default(), TEXT_BYTES)?;
        }
        Ok(())
    }
}

/// Body of a media action (`mediaActionBody`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MediaActionBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When the user acted.
    pub timestamp: Millis,
    /// What the user did.
    pub event_type: MediaAction,
    /// The media device concerned.
    #[serde(rename = "mediaDeviceID")]
    pub media_device_id: String,
    /// The remote users concerned (at most 1000).
    #[serde(rename = "remoteIDList")]
    pub remote_id_list: Vec<String>,
}

impl Validate for MediaActionBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        limits::max_bytes("mediaDeviceID", &self.media_device_id, ID_BYTES)?;
        check_items("remoteIDList", &self.remote_id_list)?;
        self.remote_id_list.iter().try_for_each(|id| limits::max_bytes("remoteIDList", id, ID_BYTES))
    }
}

/// Body of a media pipeline event (`mediaPipelineBody`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MediaPipelineBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When it happened.
    pub timestamp: Millis,
    /// What happened to the playback.
    pub event_type: PipelineEvent,
    /// The stream's SSRC: the decimal string of an unsigned 32-bit number.
    #[schema(example = "3735928559")]
    pub ssrc: String,
}

impl Validate for MediaPipelineBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        parse_ssrc("ssrc", &self.ssrc).map(drop)
    }
}

envelope!(DeviceListBody, MediaActionBody, MediaPipelineBody);

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
