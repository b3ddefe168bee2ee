//! ICE candidate pairs of a fabric, as fabric setup, ICE status and
//! transport change events report them.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::server::AppError;

/// One reported candidate pair (the REST `iceCandidatesObj`: both ends in one object).
#[derive(Debug, Clone, Copy)]
pub struct CandidatePair<'a> {
    /// The client's id of the pair.
    pub candidate_id: &'a str,
    /// Local address (an IP, an mDNS name, or empty when IPs are not collected).
    pub local_address: &'a str,
    /// Local port, 0..=65535.
    pub local_port: u16,
    /// host, srflx, prflx, relay, ... (the REST enum).
    pub local_candidate_type: &'a str,
    /// Remote address.
    pub remote_address: &'a str,
    /// Remote port, 0..=65535.
    pub remote_port: u16,
    /// Remote candidate type (the REST enum).
    pub remote_candidate_type: &'a str,
    /// Transport type as the browser names it, if given.
    pub transport_type: Option<&'a str>,
    /// tcp or udp.
    pub protocol: &'a str,
}

/// Which message and which of its fields a pair came from.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    /// fabricSetup, fabricSetupFailed, fabricTransportChange or iceStatus.
    pub source: &'static str,
    /// local, remote (lists of fabric setup) or current, previous (pairs).
    pub role: &'static str,
}

/// Stores `pairs`, each with its origin, reported at `reported_at`; one statement.
pub async fn insert(
    conn: &mut PgConnection,
    fabric_id: i64,
    reported_at: DateTime<Utc>,
    pairs: &[(Origin, CandidatePair<'_>)],
) -> Result<(), AppError> {
    if pairs.is_empty() {
        return Ok(());
    }
    macro_rules! column {
        ($value:expr) => {
            pairs.iter().map($value).collect::<Vec<_>>()
        };
    }
    sqlx::query!(
        r#"insert into ice_candidates (
               fabric_id, reported_at, source, role, candidate_id, local_address, local_port,
               local_candidate_type, remote_address, remote_port, remote_candidate_type, transport_type, protocol)
           select $1, $2, * from unnest(
               $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
               $8::text[], $9::text[], $10::int[], $11::text[], $12::text[], $13::text[])"#,
        fabric_id,
        reported_at,
        &column!(|(origin, _)| origin.source) as &[&str],
        &column!(|(origin, _)| origin.role) as &[&str],
        &column!(|(_, pair)| pair.candidate_id) as &[&str],
        &column!(|(_, pair)| pair.local_address) as &[&str],
        &column!(|(_, pair)| i32::from(pair.local_port)) as &[i32],
        &column!(|(_, pair)| pair.local_candidate_type) as &[&str],
        &column!(|(_, pair)| pair.remote_address) as &[&str],
        &column!(|(_, pair)| i32::from(pair.remote_port)) as &[i32],
        &column!(|(_, pair)| pair.remote_candidate_type) as &[&str],
        &column!(|(_, pair)| pair.transport_type) as &[Option<&str>],
        &column!(|(_, pair)| pair.protocol) as &[&str],
    )
    .execute(conn)
    .await?;
    Ok(())
}
