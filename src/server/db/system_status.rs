//! System status samples of an endpoint (CPU, battery, memory, threads).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::server::AppError;

/// One `statusStats` sample; figures not given are null.
#[derive(Debug, Default)]
pub struct Sample {
    /// cpuUsage.
    pub cpu_usage: Option<f64>,
    /// batteryLevel.
    pub battery_level: Option<f64>,
    /// memoryUsage.
    pub memory_usage: Option<f64>,
    /// totalMemory.
    pub total_memory: Option<f64>,
    /// threadCount.
    pub thread_count: Option<i32>,
    /// Any other statusStats fields, as sent.
    pub raw: Value,
}

/// Stores a sample of `endpoint_id` taken at `sampled_at`.
pub async fn insert(
    conn: &mut PgConnection,
    endpoint_id: Uuid,
    sampled_at: DateTime<Utc>,
    sample: &Sample,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"insert into system_status_samples (
               endpoint_id, sampled_at, cpu_usage, battery_level, memory_usage, total_memory, thread_count, raw)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning id"#,
        endpoint_id,
        sampled_at,
        sample.cpu_usage,
        sample.battery_level,
        sample.memory_usage,
        sample.total_memory,
        sample.thread_count,
        sample.raw,
    )
    .fetch_one(conn)
    .await?)
}
