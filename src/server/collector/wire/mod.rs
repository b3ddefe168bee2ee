//! The typed wire layer of the collector. Reading request bodies the way
//! the callstats API answers them: a body that is not UTF-8 or not JSON is
//! 400; well-formed JSON that breaks a rule (missing or ill-typed field, a
//! limit, NUL in a string, a number out of its physical bounds) is 422
//! naming the field; a body over the size limit is 413. Nothing here
//! panics on any input.
//!
//! The rules live in the types: every text is a bounded [`Text`], every
//! figure a bounded [`Figure`], every free-form object a [`JsonObject`],
//! and their `Deserialize` enforces the rule, so a body that parses can be
//! stored (each database constraint reachable from the wire has its rule
//! here). [`Validate`] is left for rules between fields.

mod header;
mod json;
mod number;
mod text;

pub(crate) use header::wire_body;
pub use header::{Envelope, Items, Millis};
pub use json::{Attributes, JsonObject};
pub use number::*;
pub use text::*;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, Uri};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::domain::InvalidField;
use crate::server::AppError;

/// Checks the rules the types cannot express: those between fields
/// (e.g. "at least one rating or a comment").
pub trait Validate {
    /// The first broken rule, naming its field.
    fn validate(&self) -> Result<(), InvalidField> {
        Ok(())
    }
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
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[expect(dead_code, reason = "fields exist to be parsed")]
    struct Body {
        #[serde(rename = "localID")]
        local_id: Id,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "fields exist to be parsed")]
    struct Inner {
        count: u32,
        labels: Option<Vec<ShortText>>,
        data: Option<JsonObject>,
        rate: Option<DelayMs>,
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
    fn a_broken_bounded_type_is_422_naming_its_path() {
        let cases: [(&[u8], &str); 5] = [
            (br#"{"localID":"a\u0000"}"#, "localID"),
            (br#"{"localID":""}"#, "localID"),
            (br#"{"localID":"a","inner":{"count":1,"labels":["ok","\u0000"]}}"#, "inner.labels[1]"),
            (br#"{"localID":"a","inner":{"count":1,"data":{"x":["\u0000"]}}}"#, "inner.data"),
            (br#"{"localID":"a","inner":{"count":1,"rate":1e308}}"#, "inner.rate"),
        ];
        for (raw, field) in cases {
            assert_eq!(status_and_field(raw), (StatusCode::UNPROCESSABLE_ENTITY, Some(field.into())), "{field}");
        }
    }
}
