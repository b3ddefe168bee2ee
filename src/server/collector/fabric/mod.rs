//! Fabric events of REST API v1: setup, failure and termination, ICE status,
//! transport and state changes, SSRC maps and SDPs. Each names its fabric
//! by connectionID; a fabric first seen here is created on the spot. This
//! module holds what they share: candidate pairs and the fabric's fields.

pub mod ice;
pub mod lifecycle;
pub mod sdp;
pub mod ssrc;
pub mod state;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use utoipa::ToSchema;

use super::enums::wire_enum;
use super::ingest::Endpoint;
use super::wire::OptionalId;
use crate::server::AppError;
use crate::server::db::fabrics;
use crate::server::db::ice::{CandidatePair, Origin};

wire_enum! {
    /// The type of an ICE candidate, in any of the spellings browsers used.
    CandidateType {
        Host = "host",
        Srflx = "srflx",
        Prflx = "prflx",
        Relay = "relay",
        Stun = "stun",
        ServerReflexive = "serverreflexive",
        PeerReflexive = "peerreflexive",
        Turn = "turn",
        Relayed = "relayed",
        Local = "local",
    }
}

wire_enum! {
    /// The transport protocol of a candidate pair.
    Protocol { Tcp = "tcp", Udp = "udp" }
}

/// An ICE candidate pair (`iceCandidatesObj`).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IceCandidatePair {
    /// The browser's id of the pair.
    #[serde(rename = "candidateID")]
    pub candidate_id: OptionalId,
    /// Local address: an IP, an mDNS name, or empty.
    pub local_address: OptionalId,
    /// Local port.
    pub local_port: u16,
    /// Local candidate type.
    pub local_candidate_type: CandidateType,
    /// Remote address.
    pub remote_address: OptionalId,
    /// Remote port.
    pub remote_port: u16,
    /// Remote candidate type.
    pub remote_candidate_type: CandidateType,
    /// Transport type, as the browser names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_type: Option<OptionalId>,
    /// tcp or udp.
    pub protocol: Protocol,
}

impl IceCandidatePair {
    fn row(&self, source: &'static str, role: &'static str) -> (Origin, CandidatePair<'_>) {
        let pair = CandidatePair {
            candidate_id: &self.candidate_id,
            local_address: &self.local_address,
            local_port: self.local_port,
            local_candidate_type: self.local_candidate_type.as_str(),
            remote_address: &self.remote_address,
            remote_port: self.remote_port,
            remote_candidate_type: self.remote_candidate_type.as_str(),
            transport_type: self.transport_type.as_deref(),
            protocol: self.protocol.as_str(),
        };
        (Origin { source, role }, pair)
    }
}

/// The fabric a request names, created on first mention.
pub async fn fabric_of(
    conn: &mut PgConnection,
    endpoint: &Endpoint,
    connection_id: &str,
    remote_id: &str,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    fabrics::resolve(conn, endpoint.id, endpoint.instance_id, connection_id, remote_id, at).await
}
