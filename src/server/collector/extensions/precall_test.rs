//! The SDK's pre-call test: a short loopback call through the app's ICE
//! servers at `initialize()`, measuring connectivity, RTT, jitter, loss and
//! throughput. The SDK sends the result to each conference the endpoint
//! joins, so it shows with the participant.

use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::InvalidField;
use crate::domain::limits;
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::fabric::delay_ms;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::envelope;
use crate::server::collector::wire::{self, Millis, Validate};
use crate::server::db::precall::{self, PrecallTest};

/// At most this many bytes in `message`.
pub const MESSAGE_BYTES: usize = 1024;

wire_enum! {
    /// The type of the local candidate of the pair the test used.
    CandidateType { Host = "host", Srflx = "srflx", Prflx = "prflx", Relay = "relay" }
}

/// Body of a pre-call test result.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrecallTestBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When the test finished (ms).
    pub timestamp: Millis,
    /// Whether the loopback call connected.
    pub connectivity: bool,
    /// Round-trip time (ms).
    pub rtt: Option<f64>,
    /// Jitter (ms).
    pub jitter: Option<f64>,
    /// Share of probes lost, 0–1.
    pub fraction_loss: Option<f64>,
    /// Throughput (kbit/s).
    pub throughput: Option<f64>,
    /// The local candidate type of the pair used.
    pub candidate_type: Option<CandidateType>,
    /// How long the test took (ms).
    pub duration: Option<f64>,
    /// Why the test failed, if it did (≤ 1024 bytes).
    pub message: Option<String>,
}

envelope!(PrecallTestBody);

/// A figure that must be a finite number ≥ 0, and ≤ `max` when given.
fn check_figure(field: &'static str, value: Option<f64>, max: Option<f64>) -> Result<(), InvalidField> {
    let Some(value) = value else { return Ok(()) };
    let in_range = value.is_finite() && value >= 0.0 && max.is_none_or(|max| value <= max);
    match (in_range, max) {
        (true, _) => Ok(()),
        (false, Some(max)) => Err(InvalidField::new(field, format!("must be a number from 0 to {max}"))),
        (false, None) => Err(InvalidField::new(field, "must be a non-negative number")),
    }
}

impl Validate for PrecallTestBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        check_figure("rtt", self.rtt, None)?;
        check_figure("jitter", self.jitter, None)?;
        check_figure("fractionLoss", self.fraction_loss, Some(1.0))?;
        check_figure("throughput", self.throughput, None)?;
        delay_ms("duration", self.duration)?;
        limits::max_bytes("message", self.message.as_deref().unwrap_or_default(), MESSAGE_BYTES)
    }
}

/// Extension: the result of the SDK's pre-call test.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/precalltest", tag = "callstats.js extensions",
    description = "The result of callstats.js's pre-call test (run at `initialize()` unless \
                   `configParams.disablePrecalltest`), sent to each conference the endpoint joins.",
    params(EndpointPath), request_body = PrecallTestBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn report_precall_test(request: EndpointRequest<PrecallTestBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let test = PrecallTest {
        measured_at: at,
        connectivity: body.connectivity,
        rtt_ms: body.rtt,
        jitter_ms: body.jitter,
        fraction_lost: body.fraction_loss,
        throughput_kbps: body.throughput,
        candidate_type: body.candidate_type.map(CandidateType::as_str),
        duration_ms: delay_ms("duration", body.duration)?,
        message: body.message.as_deref().unwrap_or_default(),
    };
    precall::insert(ingest.conn(), endpoint.id, &test).await?;
    ingest.done("precallTest").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_non_negative_and_loss_is_a_fraction() {
        assert_eq!(check_figure("rtt", Some(12.5), None), Ok(()));
        assert_eq!(check_figure("rtt", None, None), Ok(()));
        assert_eq!(check_figure("rtt", Some(-1.0), None).expect_err("negative").field, "rtt");
        assert_eq!(check_figure("rtt", Some(f64::INFINITY), None).expect_err("infinite").field, "rtt");
        assert_eq!(check_figure("fractionLoss", Some(1.0), Some(1.0)), Ok(()));
        let over = check_figure("fractionLoss", Some(1.5), Some(1.0)).expect_err("over one");
        assert_eq!((over.field, over.message.as_str()), ("fractionLoss", "must be a number from 0 to 1"));
    }
}
