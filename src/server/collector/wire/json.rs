//! Free-form JSON of the wire (domError, eventData, attributes, the
//! objects of a stats poll): stored as `jsonb`, which refuses NUL
//! (`\u0000`) in any string or key. [`JsonObject`] checks every string and
//! key, however deep, when it is deserialized, naming where the NUL is.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::limits;

/// A JSON object without NUL anywhere, of at most `MAX_BYTES` serialised.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JsonObject<const MAX_BYTES: usize = { usize::MAX }>(pub Map<String, Value>);

impl<const MAX_BYTES: usize> JsonObject<MAX_BYTES> {
    /// The object.
    pub fn into_inner(self) -> Map<String, Value> {
        self.0
    }
}

/// Where in `value` a string or key holds NUL, as `.key[index]...`.
fn find_nul(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => text.contains('\0').then(String::new),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(index, item)| find_nul(item).map(|inner| format!("[{index}]{inner}")))
        }
        Value::Object(map) => map_nul(map),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

fn map_nul(map: &Map<String, Value>) -> Option<String> {
    map.iter().find_map(|(key, member)| {
        if key.contains('\0') {
            return Some(format!(".{}", key.escape_debug()));
        }
        find_nul(member).map(|inner| format!(".{key}{inner}"))
    })
}

/// The rule `map` breaks, if any.
fn broken(map: &Map<String, Value>, max_bytes: usize) -> Option<String> {
    if let Some(at) = map_nul(map) {
        return Some(format!("must not contain NUL (\\u0000) in any string or key; found at {at}"));
    }
    if max_bytes < usize::MAX {
        let size = serde_json::to_vec(map).map_or(usize::MAX, |json| json.len());
        if size > max_bytes {
            return Some(format!("must be at most {max_bytes} bytes of JSON, got {size} bytes"));
        }
    }
    None
}

impl<'de, const MAX_BYTES: usize> Deserialize<'de> for JsonObject<MAX_BYTES> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(deserializer)?;
        match broken(&map, MAX_BYTES) {
            Some(message) => Err(serde::de::Error::custom(message)),
            None => Ok(Self(map)),
        }
    }
}

impl<const MAX_BYTES: usize> Serialize for JsonObject<MAX_BYTES> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<const MAX_BYTES: usize> PartialSchema for JsonObject<MAX_BYTES> {
    fn schema() -> RefOr<Schema> {
        let limit =
            if MAX_BYTES == usize::MAX { String::new() } else { format!(", at most {MAX_BYTES} bytes serialised") };
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .description(Some(format!("Any JSON object without NUL (\\u0000) in a string or key{limit}.")))
            .into()
    }
}

impl<const MAX_BYTES: usize> ToSchema for JsonObject<MAX_BYTES> {
    fn name() -> Cow<'static, str> {
        if MAX_BYTES == usize::MAX { Cow::Borrowed("JsonObject") } else { Cow::Owned(format!("JsonObject{MAX_BYTES}")) }
    }
}

/// A free-form object of at most 64 KiB (domError, eventData, attributes).
pub type Attributes = JsonObject<{ limits::OBJECT_BYTES }>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_in_any_string_or_key_however_deep() {
        let parse = |json: &str| serde_json::from_str::<JsonObject>(json).map_err(|error| error.to_string());
        assert!(parse(r#"{"a":[1,{"b":"ok"}],"c":null}"#).is_ok());
        let error = parse(r#"{"a":[1,{"b":"x\u0000"}]}"#).expect_err("NUL");
        assert!(error.contains("found at .a[1].b"), "{error}");
        let error = parse(r#"{"k\u0000":1}"#).expect_err("NUL key");
        assert!(error.contains(r".k\0"), "{error}");
    }

    #[test]
    fn attributes_are_limited_in_serialised_size() {
        let big = format!(r#"{{"log":"{}"}}"#, "x".repeat(limits::OBJECT_BYTES));
        let error = serde_json::from_str::<Attributes>(&big).expect_err("too big").to_string();
        assert!(error.contains("65536 bytes"), "{error}");
        assert!(serde_json::from_str::<Attributes>("{}").is_ok());
    }
}
