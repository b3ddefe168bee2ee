//! The response bodies of the collector, as the OpenAPI document shows them.

use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};

/// `{"status":"success","msg":...}`
#[derive(Serialize, ToSchema)]
pub struct SuccessResponse {
    /// Always `success`.
    #[schema(example = "success")]
    pub status: String,
    /// What was received.
    pub msg: String,
}

/// `{"status":"success","ucID":...}`
#[derive(Serialize, ToSchema)]
pub struct UcIdResponse {
    /// Always `success`.
    #[schema(example = "success")]
    pub status: String,
    /// The endpoint's ucID: every later call of this endpoint carries it in the path.
    #[serde(rename = "ucID")]
    pub uc_id: uuid::Uuid,
}

/// `{"status":"error","msg":...}`; a 422 also names the offending `field`.
#[derive(Serialize, ToSchema)]
pub struct ErrorResponse {
    /// Always `error`.
    #[schema(example = "error")]
    pub status: String,
    /// What is wrong, for a person.
    pub msg: String,
    /// 422 only: the field that broke a rule, e.g. `conferenceID` or `stats.tracks`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The answers of every event and stats endpoint.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "describes responses for the OpenAPI document; never constructed")]
pub enum EventResponses {
    /// Stored (durably) before this answer.
    #[response(status = 200, description = "Event successfully received.")]
    Ok(#[to_schema] SuccessResponse),
    /// Not JSON, not UTF-8, or an unknown ucID or Idempotency-Key format.
    #[response(status = 400, description = "Invalid request.")]
    BadRequest(#[to_schema] ErrorResponse),
    /// Missing, expired or foreign access token, or a disabled app.
    #[response(status = 401, description = "Invalid authentication token.")]
    Unauthorized(ErrorResponse),
    /// Larger than the configured body limit.
    #[response(status = 413, description = "Request body too large.")]
    TooLarge(ErrorResponse),
    /// Well-formed JSON that breaks a rule; `field` names it.
    #[response(status = 422, description = "Invalid request body data.")]
    Invalid(ErrorResponse),
    /// The endpoint is over its ingestion quota; nothing was stored.
    #[response(
        status = 429,
        description = "Over this endpoint's quota per minute: send the same request again after `Retry-After` seconds.",
        headers(("Retry-After" = u64, description = "Whole seconds after which the same request fits the quota."))
    )]
    OverQuota(ErrorResponse),
    /// The store is not answering; retry with the same Idempotency-Key.
    #[response(status = 503, description = "Service unavailable.")]
    Unavailable(ErrorResponse),
}

/// The answers of user joined.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "describes responses for the OpenAPI document; never constructed")]
pub enum JoinResponses {
    /// The endpoint joined; stored before this answer.
    #[response(status = 200, description = "Conference successfully joined/created.")]
    Ok(#[to_schema] UcIdResponse),
    /// Not JSON or not UTF-8.
    #[response(status = 400, description = "Invalid request.")]
    BadRequest(ErrorResponse),
    /// Missing, expired or foreign access token, or a disabled app.
    #[response(status = 401, description = "Invalid authentication token.")]
    Unauthorized(ErrorResponse),
    /// Larger than the configured body limit.
    #[response(status = 413, description = "Request body too large.")]
    TooLarge(ErrorResponse),
    /// Well-formed JSON that breaks a rule (or a conferenceID over 256 bytes); `field` names it.
    #[response(status = 422, description = "Invalid request body data.")]
    Invalid(ErrorResponse),
    /// The store is not answering; retry with the same Idempotency-Key.
    #[response(status = 503, description = "Service unavailable.")]
    Unavailable(ErrorResponse),
}
