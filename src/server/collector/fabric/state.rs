//! `events/fabric/statechange`: a browser-reported state of a fabric changed.

use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{check_fabric, check_state, fabric_of};
use crate::domain::InvalidField;
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::envelope;
use crate::server::collector::wire::{self, Millis, Validate};
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

/// Body of a state change (`fabricStateChangeBody`; iceGatheringState and
/// connectionState are accepted too).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StateChangeBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When it happened.
    pub timestamp: Millis,
    /// The remote user of the fabric.
    #[serde(rename = "remoteID")]
    pub remote_id: String,
    /// The fabric.
    #[serde(rename = "connectionID")]
    pub connection_id: String,
    /// The state before (≤ 64 bytes).
    pub prev_state: String,
    /// The state now (≤ 64 bytes).
    pub new_state: String,
    /// Which state changed.
    pub changed_state: ChangedState,
}

impl Validate for StateChangeBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        check_fabric(&self.connection_id, &self.remote_id)?;
        check_state("prevState", Some(&self.prev_state))?;
        check_state("newState", Some(&self.new_state))
    }
}

envelope!(StateChangeBody);

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
