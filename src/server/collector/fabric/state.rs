//! `events/fabric/statechange`: a browser-reported state of a fabric changed.

use axum::response::Response;
use serde_json::json;

use super::fabric_of;
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{State, Validate, wire_body};
use crate::server::db;
use crate::server::db::fabrics::{self, StateKind};

wire_enum! {
    /// Which state of the peer connection changed.
    ChangedState {
        Signaling = "signalingState",
        IceConnection = "iceConnectionState",
        IceGathering = "iceGatheringState",
        Connection = "connectionState",
    }
}

impl ChangedState {
    fn column(self) -> StateKind {
        match self {
            ChangedState::Signaling => StateKind::Signaling,
            ChangedState::IceConnection => StateKind::IceConnection,
            ChangedState::IceGathering => StateKind::IceGathering,
            ChangedState::Connection => StateKind::Connection,
        }
    }
}

wire_body! {
    fabric;
    /// Body of a state change (`fabricStateChangeBody`; iceGatheringState and
    /// connectionState are accepted too).
    #[serde(rename_all = "camelCase")]
    pub struct StateChangeBody {
        /// The state before (≤ 64 bytes).
        pub prev_state: State,
        /// The state now (≤ 64 bytes).
        pub new_state: State,
        /// Which state changed.
        pub changed_state: ChangedState,
    }
}

impl Validate for StateChangeBody {}

/// A signaling, ICE connection, ICE gathering or connection state changed.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/fabric/statechange", tag = "special events",
    params(EndpointPath), request_body = StateChangeBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_state_change(request: EndpointRequest<StateChangeBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let fabric_id = fabric_of(ingest.conn(), &endpoint, &body.connection_id, &body.remote_id, at).await?;
    fabrics::set_state(ingest.conn(), fabric_id, body.changed_state.column(), &body.new_state, at).await?;
    let payload = json!({
        "prevState": body.prev_state,
        "newState": body.new_state,
        "changedState": body.changed_state.as_str(),
    });
    db::events::insert(ingest.conn(), endpoint.id, Some(fabric_id), "fabricStateChange", at, &payload).await?;
    ingest.done("stateChange").await
}
