//! `sendCallDetails()`: contact-centre attributes of a call (call type,
//! the user's role, and whatever else the customer tracks).

use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fabric_of;
use crate::server::AppError;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{Attributes, Id, Validate, to_json, wire_body};
use crate::server::db::reports;

/// `callAttributes.callType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CallType {
    /// A call into the contact centre.
    Inbound,
    /// A call made by the contact centre.
    Outbound,
    /// A supervisor listening in.
    Monitoring,
}

/// `callAttributes.role`: the local user's part in the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CallRole {
    /// A contact-centre agent.
    Agent,
    /// A customer or other participant.
    Participant,
    /// A supervisor.
    Manager,
}

/// `callAttributes`: the documented keys are checked, any other key is kept as sent.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallAttributes {
    /// `inbound`, `outbound` or `monitoring`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_type: Option<CallType>,
    /// `agent`, `participant` or `manager`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<CallRole>,
    /// The customer's own attributes, stored as sent.
    #[serde(flatten)]
    pub other: Attributes,
}

wire_body! {
    /// Body of sendCallDetails.
    #[serde(rename_all = "camelCase")]
    pub struct CallDetailsBody {
        /// The peer connection of the call, if any (≤ 256 bytes).
        #[serde(rename = "connectionID")]
        pub connection_id: Option<Id>,
        /// The call's attributes (≤ 64 KiB of JSON).
        pub call_attributes: CallAttributes,
    }
}

impl Validate for CallDetailsBody {}

/// Extension: sendCallDetails, the contact-centre attributes of a call.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/calldetails", tag = "callstats.js extensions",
    description = "Serves callstats.js `sendCallDetails(pc, conferenceID, callAttributes)`.",
    params(EndpointPath), request_body = CallDetailsBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn send_call_details(request: EndpointRequest<CallDetailsBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let fabric_id = fabric_of(ingest.conn(), &endpoint, body.connection_id.as_deref(), None, at).await?;
    let attributes = to_json(&body.call_attributes)?;
    reports::insert_call_details(ingest.conn(), endpoint.id, fabric_id, &attributes, at).await?;
    ingest.done("sendCallDetails").await
}
