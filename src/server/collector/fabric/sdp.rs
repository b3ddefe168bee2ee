//! `events/sdp`: the local and/or remote SDP of a fabric.

use super::fabric_of;
use crate::domain::InvalidField;
use crate::server::AppError;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{Sdp, Validate, wire_body};
use crate::server::db::sdps;
use axum::response::Response;

wire_body! {
    fabric;
    /// Body of an SDP submission (`sdpSubmissionBody`).
    #[serde(rename_all = "camelCase")]
    pub struct SdpBody {
        /// The local description (≤ 256 KiB).
        #[serde(rename = "localSDP")]
        pub local_sdp: Option<Sdp>,
        /// The remote description (≤ 256 KiB).
        #[serde(rename = "remoteSDP")]
        pub remote_sdp: Option<Sdp>,
    }
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
        let (local, remote) = self.sdps();
        if local.is_none() && remote.is_none() {
            return Err(InvalidField::new("localSDP", "give localSDP, remoteSDP or both"));
        }
        Ok(())
    }
}

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
    use crate::domain::limits::SDP_BYTES;

    fn sdp_body(local: Option<&str>, remote: Option<&str>) -> Result<SdpBody, String> {
        let body = serde_json::json!({
            "localID": "alice", "deviceID": "d", "timestamp": 1_700_000_000_000.0_f64,
            "remoteID": "bob", "connectionID": "pc-1", "localSDP": local, "remoteSDP": remote,
        });
        serde_json::from_value(body).map_err(|error| error.to_string())
    }

    #[test]
    fn each_sdp_is_capped_at_256_kib_and_one_is_required() {
        let largest = "v".repeat(SDP_BYTES);
        let body = sdp_body(Some(&largest), Some(&largest)).expect("largest");
        assert_eq!(body.validate(), Ok(()));
        let over = largest + "v";
        assert!(sdp_body(Some(&over), None).expect_err("too long").contains("262144 bytes"));
        assert!(sdp_body(None, Some(&over)).is_err());
        let empty = sdp_body(Some(""), None).expect("parses");
        assert_eq!(empty.validate().expect_err("empty").field, "localSDP");
    }
}
