//! System status: CPU, battery, memory and thread figures of the
//! endpoint's device.

use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::domain::InvalidField;
use crate::server::AppError;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::envelope;
use crate::server::collector::wire::{self, Millis, Validate};
use crate::server::db::system_status::{self, Sample};

/// System status figures (`statusStats`); other keys are kept as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusStats {
    /// CPU usage (≥ 0).
    pub cpu_usage: Option<f64>,
    /// Battery level (≥ 0).
    pub battery_level: Option<f64>,
    /// Memory in use (≥ 0).
    pub memory_usage: Option<f64>,
    /// Total memory (≥ 0).
    pub total_memory: Option<f64>,
    /// Number of threads (an integer ≥ 0).
    pub thread_count: Option<u32>,
    /// Any other figures.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Body of a system status sample (`systemStatusBody`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemStatusBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When the sample was taken.
    pub timestamp: Millis,
    /// The figures.
    #[serde(default)]
    pub status_stats: StatusStats,
}

impl StatusStats {
    fn sample(&self) -> Result<Sample, InvalidField> {
        let number = |field: &'static str, value: Option<f64>| match value {
            Some(number) if !(number.is_finite() && number >= 0.0) => {
                Err(InvalidField::new(field, "must be a number ≥ 0"))
            }
            value => Ok(value),
        };
        let thread_count = self
            .thread_count
            .map(|count| i32::try_from(count).map_err(|_| InvalidField::new("statusStats.threadCount", "is too large")))
            .transpose()?;
        Ok(Sample {
            cpu_usage: number("statusStats.cpuUsage", self.cpu_usage)?,
            battery_level: number("statusStats.batteryLevel", self.battery_level)?,
            memory_usage: number("statusStats.memoryUsage", self.memory_usage)?,
            total_memory: number("statusStats.totalMemory", self.total_memory)?,
            thread_count,
            raw: Value::Object(self.other.clone()),
        })
    }
}

impl Validate for SystemStatusBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        self.status_stats.sample().map(drop)
    }
}

envelope!(SystemStatusBody);

/// CPU, battery, memory and thread figures of the endpoint's device.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/system/status", tag = "Stats submission",
    params(EndpointPath), request_body = SystemStatusBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn submit_system_status(request: EndpointRequest<SystemStatusBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let sample = body.status_stats.sample()?;
    system_status::insert(ingest.conn(), endpoint.id, at, &sample).await?;
    ingest.done("systemStatus").await
}
