//! Time to first media: the SDK watches the video element given to
//! `associateMstWithUserID(…, associatedVideoTag)` and reports, per SSRC,
//! how long after `addNewFabric` its first frame was rendered.

use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::fabric_of;
use crate::domain::InvalidField;
use crate::server::AppError;
use crate::server::collector::fabric::{check_fabric, delay_ms};
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::envelope;
use crate::server::collector::wire::{self, Millis, Validate, parse_ssrc};
use crate::server::db::events;

/// Body of a time-to-first-media report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FirstMediaBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When the first frame was rendered (ms).
    pub timestamp: Millis,
    /// The peer connection the media came over (≤ 256 bytes).
    #[serde(rename = "connectionID")]
    pub connection_id: String,
    /// The remote user of that peer connection (≤ 256 bytes).
    #[serde(rename = "remoteID")]
    pub remote_id: Option<String>,
    /// The stream's SSRC: the decimal string of an unsigned 32-bit number.
    #[schema(example = "3735928559")]
    pub ssrc: String,
    /// Milliseconds from addNewFabric to the first rendered frame.
    pub delay: f64,
}

envelope!(FirstMediaBody);

impl Validate for FirstMediaBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        check_fabric(&self.connection_id, self.remote_id.as_deref().unwrap_or_default())?;
        parse_ssrc("ssrc", &self.ssrc)?;
        delay_ms("delay", Some(self.delay)).map(drop)
    }
}

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
    let payload = json!({ "ssrc": body.ssrc, "delay": delay_ms("delay", Some(body.delay))? });
    events::insert(ingest.conn(), endpoint.id, fabric_id, "timeToFirstMedia", at, &payload).await?;
    ingest.done("timeToFirstMedia").await
}
