//! `addNewFabric()`: the application asks for a peer connection to be
//! monitored. Its timestamp is the reference point of setup and failure delay.

use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::InvalidField;
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::UserId;
use crate::server::collector::wire::{Attributes, Validate, to_json, wire_body};
use crate::server::db::fabrics::{self, AddedFabric};

wire_enum! {
    /// `callstats.fabricUsage`: what the peer connection carries.
    FabricUsage {
        /// Audio only.
        Audio = "audio",
        /// Video only.
        Video = "video",
        /// Screen sharing.
        Screen = "screen",
        /// Data channels only.
        Data = "data",
        /// One of several peer connections, one per media type.
        Unbundled = "unbundled",
        /// Everything in one peer connection.
        Multiplex = "multiplex",
    }
}

wire_enum! {
    /// `callstats.endpointType`: what is at the other end.
    RemoteEndpointType {
        /// A WebRTC client.
        Peer = "peer",
        /// A media server or middlebox.
        Server = "server",
    }
}

wire_enum! {
    /// `callstats.transmissionDirection` of the peer connection.
    TransmissionDirection {
        /// Sends and receives.
        Sendrecv = "sendrecv",
        /// Only sends.
        Sendonly = "sendonly",
        /// Only receives.
        Receiveonly = "receiveonly",
        /// Neither.
        Inactive = "inactive",
    }
}

/// `fabricAttributes`; any other keys are kept as sent.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FabricAttributes {
    /// `peer` (default) or `server`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_endpoint_type: Option<RemoteEndpointType>,
    /// `sendrecv` (default), `sendonly`, `receiveonly` or `inactive`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fabric_transmission_direction: Option<TransmissionDirection>,
    /// Anything else the application put in, stored as sent.
    #[serde(flatten)]
    pub other: Attributes,
}

wire_body! {
    fabric;
    /// Body of addNewFabric.
    #[serde(rename_all = "camelCase")]
    pub struct FabricAddedBody {
        /// The remoteUserID argument as given: a string or `{userName, aliasName, loginID?}`.
        #[serde(rename = "remoteUserID")]
        pub remote_user_id: Option<UserId>,
        /// What the peer connection carries.
        pub fabric_usage: FabricUsage,
        /// Remote endpoint type and transmission direction; peer + sendrecv when absent.
        pub fabric_attributes: Option<FabricAttributes>,
    }
}

impl Validate for FabricAddedBody {
    fn validate(&self) -> Result<(), InvalidField> {
        let user = self.remote_user_id.as_ref();
        user.map_or(Ok(()), |user| user.check("remoteUserID", "remoteUserID.aliasName"))
    }
}

/// Extension: addNewFabric, the monitoring of a new peer connection.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/fabric/added", tag = "callstats.js extensions",
    description = "Serves callstats.js `addNewFabric(pc, remoteUserID, fabricUsage, conferenceID, fabricAttributes)`. \
                   Creates the fabric, or completes one first seen in another message; its timestamp becomes the \
                   fabric's added time, from which setup and failure delays are measured.",
    params(EndpointPath), request_body = FabricAddedBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn add_fabric(request: EndpointRequest<FabricAddedBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let attributes = body.fabric_attributes.unwrap_or_default();
    let attributes_json = to_json(&attributes)?;
    let object = match &body.remote_user_id {
        Some(UserId::Object(object)) => Some(object),
        _ => None,
    };
    let fabric = AddedFabric {
        connection_id: &body.connection_id,
        remote_user_id: &body.remote_id,
        remote_user_name: object.map(|object| object.user_name.as_str()),
        remote_alias_name: object.map(|object| object.alias_name.as_str()),
        remote_login_id: object.and_then(|object| object.login_id.as_deref()),
        usage: body.fabric_usage.as_str(),
        remote_endpoint_type: attributes.remote_endpoint_type.unwrap_or(RemoteEndpointType::Peer).as_str(),
        transmission_direction: attributes
            .fabric_transmission_direction
            .unwrap_or(TransmissionDirection::Sendrecv)
            .as_str(),
        attributes: &attributes_json,
        added_at: at,
    };
    fabrics::add(ingest.conn(), endpoint.id, endpoint.instance_id, &fabric).await?;
    ingest.done("addNewFabric").await
}
