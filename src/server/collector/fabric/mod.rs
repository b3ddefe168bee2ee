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
use crate::domain::InvalidField;
use crate::domain::limits::{self, ID_BYTES};
use crate::server::AppError;
use crate::server::db::fabrics;
use crate::server::db::ice::{CandidatePair, Origin};

/// Browser-reported states (`new`, `checking`, `have-local-offer`, ...): 64 bytes.
pub const STATE_BYTES: usize = 64;

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
    pub candidate_id: String,
    /// Local address: an IP, an mDNS name, or empty.
    pub local_address: String,
    /// Local port.
    pub local_port: u16,
    /// Local candidate type.
    pub local_candidate_type: CandidateType,
    /// Remote address.
    pub remote_address: String,
    /// Remote port.
    pub remote_port: u16,
    /// Remote candidate type.
    pub remote_candidate_type: CandidateType,
    /// Transport type, as the browser names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_type: Option<String>,
    /// tcp or udp.
    pub protocol: Protocol,
}

/// Checks the text fields of a pair; `$field` is the literal name of the pair's field.
macro_rules! check_pair {
    ($pair:expr, $field:literal) => {
        $pair.check([
            concat!($field, ".candidateID"),
            concat!($field, ".localAddress"),
            concat!($field, ".remoteAddress"),
            concat!($field, ".transportType"),
        ])
    };
}
use check_pair;

impl IceCandidatePair {
    fn check(&self, fields: [&'static str; 4]) -> Result<(), InvalidField> {
        let transport = self.transport_type.as_deref().unwrap_or_default();
        let values = [self.candidate_id.as_str(), &self.local_address, &self.remote_address, transport];
        fields.into_iter().zip(values).try_for_each(|(field, value)| limits::max_bytes(field, value, ID_BYTES))
    }

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

/// The fabric's connectionID (1..256 bytes) and remoteID (≤ 256 bytes).
pub fn check_fabric(connection_id: &str, remote_id: &str) -> Result<(), InvalidField> {
    limits::identifier("connectionID", connection_id, ID_BYTES)?;
    limits::max_bytes("remoteID", remote_id, ID_BYTES)
}

/// A delay in ms: a number ≥ 0 that fits the store (about 24 days).
pub(super) fn delay_ms(field: &'static str, delay: Option<f64>) -> Result<Option<i32>, InvalidField> {
    let Some(delay) = delay else { return Ok(None) };
    if !(0.0..=f64::from(i32::MAX)).contains(&delay) {
        return Err(InvalidField::new(field, format!("must be a number of milliseconds from 0 to {}", i32::MAX)));
    }
    Ok(Some(delay.round() as i32))
}

/// A browser-reported state, if given, within [`STATE_BYTES`].
fn check_state(field: &'static str, value: Option<&str>) -> Result<(), InvalidField> {
    limits::max_bytes(field, value.unwrap_or_default(), STATE_BYTES)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_are_non_negative_milliseconds_that_fit_the_store() {
        assert_eq!(delay_ms("delay", Some(1234.4)), Ok(Some(1234)));
        assert_eq!(delay_ms("delay", None), Ok(None));
        for bad in [-1.0, f64::from(i32::MAX) + 1.0, f64::NAN] {
            assert_eq!(delay_ms("delay", Some(bad)).expect_err("bad delay").field, "delay");
        }
    }
}
