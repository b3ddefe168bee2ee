//! `events/sdp`: the local and/or remote SDP of a fabric.

use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{check_fabric, fabric_of};
use crate::domain::InvalidField;
use crate::domain::limits;
use crate::server::AppError;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::envelope;
use crate::server::collector::wire::{self, Millis, SDP_BYTES, Validate};
use crate::server::db::sdps;

/// Body of an SDP submission (`sdpSubmissionBody`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SdpBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When the SDPs were taken.
    pub timestamp: Millis,
    /// The remote user of the fabric.
    #[serde(rename = "remoteID")]
    pub remote_id: String,
    /// The fabric.
    #[serde(rename = "connectionID")]
    pub connection_id: String,
    /// The local description (≤ 256 KiB).
    #[serde(rename = "localSDP")]
    pub local_sdp: Option<String>,
    /// The remote description (≤ 256 KiB).
    #[serde(rename = "remoteSDP")]
    pub remote_sdp: Option<String>,
}

impl SdpBody {
    /// The SDPs given; an empty string is none given.
    fn sdps(&self) -> (Option<&str>, Option<&str>) {
        fn given(sdp: Option<&str>) -> Option<&str> {
            sdp.filter(|sdp| !sdp.is_empty())
        }
        (given(self.local_sdp.as_deref()), given(self.remote_sdp.as_deref()))
    }
}

impl Validate for SdpBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        check_fabric(&self.connection_id, &self.remote_id)?;
        let (local, remote) = self.sdps();
        if local.is_none() && remote.is_none() {
            return Err(InvalidField::new("localSDP", "give localSDP, remoteSDP or both"));
        }
        limits::max_bytes("localSDP", local.unwrap_or_default(), SDP_BYTES)?;
        limits::max_bytes("remoteSDP", remote.unwrap_or_default(), SDP_BYTES)
    }
}

envelope!(SdpBody);

/// The local and/or remote SDP of a fabric.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/sdp", tag = "special events",
    params(EndpointPath), request_body = SdpBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn submit_sdp(request: EndpointRequest<SdpBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let fabric_id = fabric_of(ingest.conn(), &endpoint, &body.connection_id, &body.remote_id, at).await?;
    let (local, remote) = body.sdps();
    sdps::insert(ingest.conn(), fabric_id, local, remote, at).await?;
    ingest.done("sdp").await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdp_body(local: Option<String>, remote: Option<String>) -> SdpBody {
        SdpBody {
            local_id: "alice".into(),
            device_id: "d".into(),
            timestamp: Millis(1_700_000_000_000.0),
            remote_id: "bob".into(),
            connection_id: "pc-1".into(),
            local_sdp: local,
            remote_sdp: remote,
        }
    }

    #[test]
    fn each_sdp_is_capped_at_256_kib_and_one_is_required() {
        let largest = "v".repeat(SDP_BYTES);
        assert_eq!(sdp_body(Some(largest.clone()), Some(largest.clone())).validate(), Ok(()));
        let over = largest + "v";
        assert_eq!(sdp_body(Some(over.clone()), None).validate().expect_err("too long").field, "localSDP");
        assert_eq!(sdp_body(None, Some(over)).validate().expect_err("too long").field, "remoteSDP");
        assert_eq!(sdp_body(Some(String::new()), None).validate().expect_err("empty").field, "localSDP");
    }
}
