//! System status: CPU, battery, memory and thread figures of the
//! endpoint's device.

use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::domain::InvalidField;
use crate::domain::bounds;
use crate::server::AppError;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{BatteryLevel, CpuUsage, JsonObject, Memory, Validate, wire_body};
use crate::server::db::system_status::{self, Sample};

/// System status figures (`statusStats`); other keys are kept as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusStats {
    /// CPU usage (0 to 100000).
    pub cpu_usage: Option<CpuUsage>,
    /// Battery level (0 to 100).
    pub battery_level: Option<BatteryLevel>,
    /// Memory in use (0 to 2^53).
    pub memory_usage: Option<Memory>,
    /// Total memory (0 to 2^53).
    pub total_memory: Option<Memory>,
    /// Number of threads (an integer from 0 to 1000000).
    #[schema(maximum = 1_000_000)]
    pub thread_count: Option<u32>,
    /// Any other figures.
    #[serde(flatten)]
    pub other: JsonObject,
}

wire_body! {
    /// Body of a system status sample (`systemStatusBody`).
    #[serde(rename_all = "camelCase")]
    pub struct SystemStatusBody {
        /// The figures.
        #[serde(default)]
        pub status_stats: StatusStats,
    }
}

impl StatusStats {
    fn sample(&self) -> Result<Sample, InvalidField> {
        let threads = bounds::THREADS;
        let thread_count = self.thread_count.filter(|count| f64::from(*count) <= threads.max).map(|count| count as i32);
        if self.thread_count.is_some() && thread_count.is_none() {
            return Err(InvalidField::new("statusStats.threadCount", format!("must be an integer {threads}")));
        }
        Ok(Sample {
            cpu_usage: self.cpu_usage.map(|figure| figure.get()),
            battery_level: self.battery_level.map(|figure| figure.get()),
            memory_usage: self.memory_usage.map(|figure| figure.get()),
            total_memory: self.total_memory.map(|figure| figure.get()),
            thread_count,
            raw: Value::Object(self.other.0.clone()),
        })
    }
}

impl Validate for SystemStatusBody {
    fn validate(&self) -> Result<(), InvalidField> {
        self.status_stats.sample().map(drop)
    }
}

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
