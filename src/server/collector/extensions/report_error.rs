//! `reportError()`: a failed WebRTC call, with the DOM error and the SDPs
//! of the moment, or an application log line (`applicationLog`, which is
//! not a failure). The log text is the one field truncated, not refused.

use axum::response::Response;
use serde_json::Value;

use super::fabric_of;
use crate::domain::limits::{self, APPLICATION_LOG_BYTES};
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{Attributes, Id, LogText, OptionalId, Sdp, Validate, wire_body};
use crate::server::db::reports::{self, ReportedError};

wire_enum! {
    /// `callstats.webRTCFunctions`: where the failure happened.
    WrtcFuncName {
        /// getUserMedia failed (no peer connection yet).
        GetUserMedia = "getUserMedia",
        /// createOffer failed.
        CreateOffer = "createOffer",
        /// createAnswer failed.
        CreateAnswer = "createAnswer",
        /// setLocalDescription failed.
        SetLocalDescription = "setLocalDescription",
        /// setRemoteDescription failed.
        SetRemoteDescription = "setRemoteDescription",
        /// addIceCandidate failed.
        AddIceCandidate = "addIceCandidate",
        /// The application detected an ICE connection failure.
        IceConnectionFailure = "iceConnectionFailure",
        /// A signaling error in the application.
        SignalingError = "signalingError",
        /// An application log line; not a failure.
        ApplicationLog = "applicationLog",
    }
}

impl WrtcFuncName {
    /// Whether this counts as a failure of the conference (a log does not).
    pub fn is_failure(self) -> bool {
        self != Self::ApplicationLog
    }
}

wire_body! {
    /// Body of reportError.
    #[serde(rename_all = "camelCase")]
    pub struct ReportErrorBody {
        /// The peer connection it happened on; absent or null when there is none (getUserMedia).
        #[serde(rename = "connectionID")]
        pub connection_id: Option<Id>,
        /// The remote user of that peer connection (≤ 256 bytes).
        #[serde(rename = "remoteID")]
        pub remote_id: Option<OptionalId>,
        /// The WebRTC function that failed, or `applicationLog`.
        pub wrtc_func_name: WrtcFuncName,
        /// The DOMError / DOMException as an object, e.g. `{name, message, constraint?}` (≤ 64 KiB of JSON).
        pub dom_error: Option<Attributes>,
        /// The local SDP when the error happened (≤ 256 KiB).
        #[serde(rename = "localSDP")]
        pub local_sdp: Option<Sdp>,
        /// The remote SDP when the error happened (≤ 256 KiB).
        #[serde(rename = "remoteSDP")]
        pub remote_sdp: Option<Sdp>,
        /// The application log text; beyond 20 480 bytes it is cut on a character boundary and flagged truncated.
        pub message: Option<LogText>,
    }
}

impl Validate for ReportErrorBody {}

/// Extension: reportError, a failed WebRTC call or an application log.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/error", tag = "callstats.js extensions",
    description = "Serves callstats.js `reportError(pc, conferenceID, wrtcFuncName, domError, localSDP, remoteSDP)`, \
                   with `pc` null for getUserMedia errors. Every wrtcFuncName but `applicationLog` counts as a \
                   failure of the conference. `message` longer than 20 480 bytes is truncated, not refused.",
    params(EndpointPath), request_body = ReportErrorBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_error(request: EndpointRequest<ReportErrorBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let fabric_id =
        fabric_of(ingest.conn(), &endpoint, body.connection_id.as_deref(), body.remote_id.as_deref(), at).await?;
    let message = body.message.as_deref().map(|message| limits::truncate_bytes(message, APPLICATION_LOG_BYTES));
    let dom_error = body.dom_error.map(|object| Value::Object(object.into_inner()));
    let error = ReportedError {
        endpoint_id: endpoint.id,
        fabric_id,
        app_id: endpoint.app_id,
        wrtc_func_name: body.wrtc_func_name.as_str(),
        dom_error: dom_error.as_ref(),
        message: message.map(|(kept, _)| kept),
        truncated: message.is_some_and(|(_, cut)| cut),
        local_sdp: body.local_sdp.as_deref(),
        remote_sdp: body.remote_sdp.as_deref(),
        occurred_at: at,
    };
    reports::insert_error(ingest.conn(), &error).await?;
    if body.wrtc_func_name.is_failure() {
        reports::count_error(ingest.conn(), endpoint.instance_id).await?;
    }
    ingest.done("reportError").await
}
