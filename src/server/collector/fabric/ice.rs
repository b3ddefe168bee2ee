//! `events/ice/status` (the ICE connection of a fabric was disrupted,
//! restarted, failed, ...) and `events/fabric/transportchange` (the fabric
//! switched to another candidate pair).

use axum::response::Response;
use serde_json::json;

use super::{IceCandidatePair, fabric_of};
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{Duration, State, Validate, compact, wire_body};
use crate::server::db::ice::{self, CandidatePair, Origin};
use crate::server::db::{self, fabrics};

wire_enum! {
    /// What happened to the ICE connection.
    IceEvent {
        DisruptionStart = "iceDisruptionStart",
        DisruptionEnd = "iceDisruptionEnd",
        Restarted = "iceRestarted",
        Failed = "iceFailed",
        Aborted = "iceAborted",
        Terminated = "iceTerminated",
        ConnectionDisruptionStart = "iceConnectionDisruptionStart",
        ConnectionDisruptionEnd = "iceConnectionDisruptionEnd",
    }
}

wire_body! {
    fabric;
    /// Body of an ICE status event (`iceStatusBody`).
    #[serde(rename_all = "camelCase")]
    pub struct IceStatusBody {
        /// What happened.
        pub event_type: IceEvent,
        /// The candidate pair in use now.
        pub curr_ice_candidate_pair: Option<IceCandidatePair>,
        /// The candidate pair in use before.
        pub prev_ice_candidate_pair: Option<IceCandidatePair>,
        /// State of the current pair (≤ 64 bytes).
        pub curr_ice_candidate_state: Option<State>,
        /// State of the previous pair (≤ 64 bytes).
        pub prev_ice_candidate_state: Option<State>,
        /// Delay in ms.
        pub delay: Option<Duration>,
    }
}

impl Validate for IceStatusBody {}

/// Pairs given as current and previous, as ice_candidates rows.
fn current_and_previous<'a>(
    source: &'static str,
    current: Option<&'a IceCandidatePair>,
    previous: Option<&'a IceCandidatePair>,
) -> Vec<(Origin, CandidatePair<'a>)> {
    let current = current.map(|pair| pair.row(source, "current"));
    current.into_iter().chain(previous.map(|pair| pair.row(source, "previous"))).collect()
}

/// The ICE connection of a fabric was disrupted, restarted, failed, ...
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/ice/status", tag = "ICE Events",
    params(EndpointPath), request_body = IceStatusBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_ice_status(request: EndpointRequest<IceStatusBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let fabric_id = fabric_of(ingest.conn(), &endpoint, &body.connection_id, &body.remote_id, at).await?;
    let pairs =
        current_and_previous("iceStatus", body.curr_ice_candidate_pair.as_ref(), body.prev_ice_candidate_pair.as_ref());
    ice::insert(ingest.conn(), fabric_id, at, &pairs).await?;
    let payload = compact(json!({
        "remoteID": body.remote_id,
        "currIceCandidateState": body.curr_ice_candidate_state,
        "prevIceCandidateState": body.prev_ice_candidate_state,
        "delay": body.delay,
    }));
    db::events::insert(ingest.conn(), endpoint.id, Some(fabric_id), body.event_type.as_str(), at, &payload).await?;
    ingest.done("iceStatus").await
}

wire_enum! {
    /// The TURN transport of the new pair; empty when not relayed.
    RelayType { TurnUdp = "turn/udp", TurnTcp = "turn/tcp", TurnTls = "turn/tls", Direct = "" }
}

wire_body! {
    fabric;
    /// Body of a transport change (`fabricTransportSwitchBody`).
    #[serde(rename_all = "camelCase")]
    pub struct TransportChangeBody {
        /// The candidate pair in use now.
        pub curr_ice_candidate_pair: IceCandidatePair,
        /// The candidate pair in use before.
        pub prev_ice_candidate_pair: IceCandidatePair,
        /// Delay in ms.
        pub delay: Option<Duration>,
        /// TURN transport of the new pair.
        pub relay_type: Option<RelayType>,
    }
}

impl Validate for TransportChangeBody {}

/// The fabric switched to another ICE candidate pair.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/fabric/transportchange", tag = "special events",
    params(EndpointPath), request_body = TransportChangeBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_transport_change(request: EndpointRequest<TransportChangeBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let fabric_id = fabric_of(ingest.conn(), &endpoint, &body.connection_id, &body.remote_id, at).await?;
    let pairs = current_and_previous(
        "fabricTransportChange",
        Some(&body.curr_ice_candidate_pair),
        Some(&body.prev_ice_candidate_pair),
    );
    ice::insert(ingest.conn(), fabric_id, at, &pairs).await?;
    if let Some(relay_type) = body.relay_type {
        fabrics::set_relay_type(ingest.conn(), fabric_id, relay_type.as_str()).await?;
    }
    let relay_type = body.relay_type.map(RelayType::as_str);
    let payload = compact(json!({ "remoteID": body.remote_id, "delay": body.delay, "relayType": relay_type }));
    db::events::insert(ingest.conn(), endpoint.id, Some(fabric_id), "fabricTransportChange", at, &payload).await?;
    ingest.done("transportChange").await
}
