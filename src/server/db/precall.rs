//! Pre-call test results: the SDK's loopback call at `initialize()`, one
//! row per result and endpoint.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::server::AppError;

/// One pre-call test result, already validated.
#[derive(Debug)]
pub struct PrecallTest<'a> {
    /// When the test finished (client clock).
    pub measured_at: DateTime<Utc>,
    /// Whether the loopback call connected.
    pub connectivity: bool,
    /// Round-trip time (ms).
    pub rtt_ms: Option<f64>,
    /// Jitter (ms).
    pub jitter_ms: Option<f64>,
    /// Share of probes lost, 0–1.
    pub fraction_lost: Option<f64>,
    /// Throughput (kbit/s).
    pub throughput_kbps: Option<f64>,
    /// host, srflx, prflx or relay.
    pub candidate_type: Option<&'a str>,
    /// How long the test took (ms).
    pub duration_ms: Option<i32>,
    /// Why it failed; empty when it did not.
    pub message: &'a str,
}

/// Stores a result of the endpoint `endpoint_id`.
pub async fn insert(conn: &mut PgConnection, endpoint_id: Uuid, test: &PrecallTest<'_>) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into precall_tests
               (endpoint_id, measured_at, connectivity, rtt_ms, jitter_ms, fraction_lost, throughput_kbps,
                candidate_type, duration_ms, message)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
        endpoint_id,
        test.measured_at,
        test.connectivity,
        test.rtt_ms,
        test.jitter_ms,
        test.fraction_lost,
        test.throughput_kbps,
        test.candidate_type,
        test.duration_ms,
        test.message,
    )
    .execute(conn)
    .await?;
    Ok(())
}
