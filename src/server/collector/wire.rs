//! Reading request bodies the way the callstats API answers them: a body
//! that is not UTF-8 or not JSON is 400; well-formed JSON that breaks a
//! rule (missing or ill-typed field, a limit) is 422 naming the field;
//! a body over the size limit is 413. Nothing here panics on any input.
//! Also the checks and payload helpers that many bodies share.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, Uri};
use chrono::{DateTime, TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::domain::InvalidField;
use crate::domain::limits::{self, ID_BYTES};
use crate::server::AppError;

/// Checks the rules serde cannot express (limits, enums given as text).
pub trait Validate {
    /// The first broken rule, naming its field.
    fn validate(&self) -> Result<(), InvalidField>;
}

/// A validated JSON body, with the raw bytes kept for idempotency.
pub struct Wire<T> {
    /// The parsed, validated body.
    pub body: T,
    /// The bytes as received.
    pub raw: Bytes,
}

impl<T, S> FromRequest<S> for Wire<T>
where
    T: DeserializeOwned + Validate,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let raw = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest(format!("cannot read the request body: {}", rejection.body_text()))
            }
        })?;
        let body = parse::<T>(&raw)?;
        body.validate()?;
        Ok(Self { body, raw })
    }
}

/// The query parameter `name` of `uri`, percent-decoded. Beacons
/// (`navigator.sendBeacon`, which the SDK uses on page unload) cannot set
/// headers, so they carry the access token and the idempotency key here.
pub fn query_param(uri: &Uri, name: &str) -> Option<String> {
    url::form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Parses a JSON body, classifying errors as 400 (syntax) or 422 (data).
pub fn parse<T: DeserializeOwned>(raw: &[u8]) -> Result<T, AppError> {
    let text = std::str::from_utf8(raw).map_err(|error| {
        AppError::BadRequest(format!("the request body is not valid UTF-8 (at byte {})", error.valid_up_to()))
    })?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = strip_position(&inner.to_string());
                // serde names a missing field in the message, not the path.
                let field = missing_field(&message)
                    .map(|name| if path == "." { name.to_owned() } else { format!("{path}.{name}") })
                    .unwrap_or(path);
                AppError::Validation { field, message }
            }
            _ => not_json(&inner),
        }
    })?;
    deserializer.end().map_err(|error| not_json(&error))?;
    Ok(value)
}

fn not_json(error: &serde_json::Error) -> AppError {
    AppError::BadRequest(format!("the request body is not valid JSON: {error}"))
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// The wire `timestamp`: milliseconds since the Unix epoch, possibly fractional.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[schema(value_type = f64, example = 1_700_000_000_000.0_f64)]
pub struct Millis(pub f64);

impl Millis {
    /// The instant, or why it is not a plausible one.
    pub fn to_datetime(self, field: &'static str) -> Result<DateTime<Utc>, InvalidField> {
        // 2000-01-01 .. 2100-01-01: anything outside is a unit mistake
        // (seconds instead of milliseconds) or garbage.
        const LOW: f64 = 946_684_800_000.0;
        const HIGH: f64 = 4_102_444_800_000.0;
        if !self.0.is_finite() || !(LOW..HIGH).contains(&self.0) {
            return Err(InvalidField::new(
                field,
                "must be milliseconds since 1970-01-01 UTC, between the years 2000 and 2100",
            ));
        }
        let micros = (self.0 * 1000.0).round() as i64;
        Utc.timestamp_micros(micros).single().ok_or_else(|| InvalidField::new(field, "is not a valid instant"))
    }
}

/// Checks the fields every v1 body starts with.
pub fn check_header(local_id: &str, device_id: &str, timestamp: Millis) -> Result<DateTime<Utc>, InvalidField> {
    limits::identifier("localID", local_id, ID_BYTES)?;
    limits::max_bytes("deviceID", device_id, ID_BYTES)?;
    timestamp.to_datetime("timestamp")
}

/// At most this many items in one array of a body.
pub const MAX_ITEMS: usize = 1000;
/// Each SDP a body carries (events/sdp, reportError): 256 KiB.
pub const SDP_BYTES: usize = 256 * 1024;

/// An array field must hold at most [`MAX_ITEMS`] items.
pub fn check_items<T>(field: &'static str, items: &[T]) -> Result<(), InvalidField> {
    if items.len() > MAX_ITEMS {
        return Err(InvalidField::new(field, format!("at most {MAX_ITEMS} items, got {}", items.len())));
    }
    Ok(())
}

/// An SSRC on the wire: the decimal string of an unsigned 32-bit number.
pub fn parse_ssrc(field: &'static str, text: &str) -> Result<u32, InvalidField> {
    let digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten().ok_or_else(|| {
        InvalidField::new(field, "must be the decimal string of an unsigned 32-bit number (0 to 4294967295)")
    })
}

/// `value` without its null members: absent fields stay absent in payloads.
pub fn compact(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.retain(|_, member| !member.is_null());
    }
    value
}

/// `value` as a JSON value to store; a failure is ours (500), not the client's.
pub fn to_json(value: &impl Serialize) -> Result<Value, AppError> {
    Ok(serde_json::to_value(value).map_err(anyhow::Error::from)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[expect(dead_code, reason = "fields exist to be parsed")]
    struct Body {
        #[serde(rename = "localID")]
        local_id: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "fields exist to be parsed")]
    struct Inner {
        count: u32,
    }

    fn status_and_field(raw: &[u8]) -> (StatusCode, Option<String>) {
        match parse::<Body>(raw) {
            Ok(_) => (StatusCode::OK, None),
            Err(AppError::Validation { field, .. }) => (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            Err(error) => (error.status(), None),
        }
    }

    #[test]
    fn syntax_errors_are_400_and_rule_errors_are_422_naming_the_field() {
        assert_eq!(status_and_field(br#"{"localID":"a"}"#), (StatusCode::OK, None));
        assert_eq!(status_and_field(br#"{"localID":"a""#).0, StatusCode::BAD_REQUEST);
        assert_eq!(status_and_field(b"{\"localID\":\"\xff\"}").0, StatusCode::BAD_REQUEST);
        assert_eq!(status_and_field(br#"{"localID":"a"} trailing"#).0, StatusCode::BAD_REQUEST);
        assert_eq!(status_and_field(b"").0, StatusCode::BAD_REQUEST);
        assert_eq!(status_and_field(br#"{}"#), (StatusCode::UNPROCESSABLE_ENTITY, Some("localID".into())));
        assert_eq!(status_and_field(br#"{"localID":5}"#), (StatusCode::UNPROCESSABLE_ENTITY, Some("localID".into())));
        assert_eq!(
            status_and_field(br#"{"localID":"a","inner":{"count":-1}}"#),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("inner.count".into()))
        );
        assert_eq!(
            status_and_field(br#"{"localID":"a","inner":{}}"#),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("inner.count".into()))
        );
    }

    #[test]
    fn ssrcs_are_decimal_strings_of_unsigned_32_bit_numbers() {
        assert_eq!(parse_ssrc("ssrc", "0"), Ok(0));
        assert_eq!(parse_ssrc("ssrc", "4294967295"), Ok(u32::MAX));
        for bad in ["", "4294967296", "-1", "+1", " 1", "0x10", "1.0", "abc"] {
            assert_eq!(parse_ssrc("ssrc", bad).expect_err(bad).field, "ssrc", "{bad:?}");
        }
    }

    #[test]
    fn timestamps_are_milliseconds_in_a_plausible_range() {
        let at = Millis(1_700_000_000_123.5).to_datetime("timestamp").expect("valid");
        assert_eq!(at.timestamp_micros(), 1_700_000_000_123_500);
        for bad in [1_700_000_000.0, f64::NAN, f64::INFINITY, -1.0, 9e15] {
            assert_eq!(Millis(bad).to_datetime("timestamp").expect_err("bad").field, "timestamp");
        }
    }
}
