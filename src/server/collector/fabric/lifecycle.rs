//! `events/fabric`: a fabric set up, failed to set up, or terminated.

use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{IceCandidatePair, fabric_of};
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{Endpoint, EndpointPath, EndpointRequest, Ingest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{Duration, Items, Validate, compact, to_json, wire_body};
use crate::server::db::fabrics::{self, SetupDelays};
use crate::server::db::{self, conferences, ice};

wire_enum! {
    /// The fabric lifecycle event.
    FabricEventType { Setup = "fabricSetup", SetupFailed = "fabricSetupFailed", Terminated = "fabricTerminated" }
}

wire_enum! {
    /// Why a fabric could not be set up.
    FailureReason {
        MediaConfigError = "MediaConfigError",
        MediaPermissionError = "MediaPermissionError",
        MediaDeviceError = "MediaDeviceError",
        NegotiationFailure = "NegotiationFailure",
        SdpGenerationError = "SDPGenerationError",
        TransportFailure = "TransportFailure",
        SignalingError = "SignalingError",
    }
}

wire_body! {
    fabric;
    /// Body of a fabric lifecycle event (`fabricBody`).
    #[serde(rename_all = "camelCase")]
    pub struct FabricBody {
        /// Set up, failed or terminated.
        pub event_type: FabricEventType,
        /// Setup or failure delay in ms; computed from addNewFabric when absent.
        pub delay: Option<Duration>,
        /// ICE gathering delay in ms.
        pub ice_gathering_delay: Option<Duration>,
        /// ICE connectivity delay in ms.
        pub ice_connectivity_delay: Option<Duration>,
        /// Local candidates (at most 1000).
        #[serde(default)]
        #[schema(value_type = Vec<IceCandidatePair>, max_items = 1000)]
        pub local_candidates: Items<IceCandidatePair>,
        /// Remote candidates (at most 1000).
        #[serde(default)]
        #[schema(value_type = Vec<IceCandidatePair>, max_items = 1000)]
        pub remote_candidates: Items<IceCandidatePair>,
        /// Why the setup failed.
        pub reason: Option<FailureReason>,
    }
}

impl Validate for FabricBody {}

impl FabricBody {
    fn delays(&self) -> SetupDelays {
        let ms = |delay: Option<Duration>| delay.map(|delay| delay.rounded());
        SetupDelays {
            delay_ms: ms(self.delay),
            ice_gathering_ms: ms(self.ice_gathering_delay),
            ice_connectivity_ms: ms(self.ice_connectivity_delay),
        }
    }

    /// The timeline payload: what the fabrics row and ice_candidates do not keep.
    fn payload(&self) -> Result<Value, AppError> {
        let mut payload = json!({
            "remoteID": self.remote_id,
            "delay": self.delay,
            "iceGatheringDelay": self.ice_gathering_delay,
            "iceConnectivityDelay": self.ice_connectivity_delay,
            "reason": self.reason.map(FailureReason::as_str),
        });
        // Candidates are stored in ice_candidates only for setup events.
        if self.event_type == FabricEventType::Terminated {
            payload["localCandidates"] = to_json(&self.local_candidates)?;
            payload["remoteCandidates"] = to_json(&self.remote_candidates)?;
        }
        Ok(compact(payload))
    }
}

/// Fabric set up, failed, or terminated. Updates the fabric's lifecycle
/// columns; when a termination leaves no fabric of the conference instance
/// added or set up, the instance ends.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/fabric", tag = "Fabric Events",
    params(EndpointPath), request_body = FabricBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_fabric_event(request: EndpointRequest<FabricBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let fabric_id = match body.event_type {
        FabricEventType::Terminated => terminate(&mut ingest, &endpoint, &body, at).await?,
        FabricEventType::Setup | FabricEventType::SetupFailed => set_up(&mut ingest, &endpoint, &body, at).await?,
    };
    let source = body.event_type.as_str();
    db::events::insert(ingest.conn(), endpoint.id, Some(fabric_id), source, at, &body.payload()?).await?;
    ingest.done(source).await
}

/// fabricSetup or fabricSetupFailed: the lifecycle columns and the candidates.
async fn set_up(
    ingest: &mut Ingest,
    endpoint: &Endpoint,
    body: &FabricBody,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    let fabric_id = fabric_of(ingest.conn(), endpoint, &body.connection_id, &body.remote_id, at).await?;
    let delays = body.delays();
    if body.event_type == FabricEventType::Setup {
        fabrics::set_up(ingest.conn(), fabric_id, at, delays).await?;
    } else {
        let reason = body.reason.map(FailureReason::as_str);
        fabrics::set_failed(ingest.conn(), fabric_id, at, delays.delay_ms, reason).await?;
    }
    let source = body.event_type.as_str();
    let local = body.local_candidates.iter().map(|pair| pair.row(source, "local"));
    let remote = body.remote_candidates.iter().map(|pair| pair.row(source, "remote"));
    ice::insert(ingest.conn(), fabric_id, at, &local.chain(remote).collect::<Vec<_>>()).await?;
    Ok(fabric_id)
}

/// fabricTerminated: ends the fabric, and the instance when it was the last live one.
async fn terminate(
    ingest: &mut Ingest,
    endpoint: &Endpoint,
    body: &FabricBody,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    // Taken before the fabric changes: two fabrics terminated at once then
    // cannot both see the other one still live.
    conferences::lock_instance(ingest.conn(), endpoint.instance_id).await?;
    let fabric_id = fabric_of(ingest.conn(), endpoint, &body.connection_id, &body.remote_id, at).await?;
    fabrics::terminate(ingest.conn(), fabric_id, at).await?;
    if fabrics::end_instance_if_fabrics_ended(ingest.conn(), endpoint.instance_id, at).await? {
        ingest.summarize_ended(endpoint.instance_id).await?;
    }
    Ok(fabric_id)
}
