//! What every v1 body shares: the header fields (`localID`, `deviceID`,
//! `timestamp`, and for fabric bodies `remoteID` and `connectionID`),
//! declared once by [`wire_body!`], the [`Envelope`] they give, the
//! timestamp type, and bounded lists.

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::InvalidField;
use crate::domain::limits::MAX_ITEMS;

/// Implemented by every body: the fields all v1 bodies start with.
pub trait Envelope {
    /// The wire localID.
    fn local_id(&self) -> &str;
    /// The wire deviceID (stored when the endpoint joins).
    fn device_id(&self) -> &str;
    /// The wire timestamp, already checked to be plausible.
    fn timestamp(&self) -> Millis;
}

/// Declares a v1 body: its own fields after the header fields every body
/// starts with (`localID`, `deviceID`, `timestamp`; with `fabric`, also
/// `remoteID` and `connectionID`), deriving `Deserialize` and `ToSchema`
/// and implementing [`Envelope`].
macro_rules! wire_body {
    ($(#[$meta:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $crate::server::collector::wire::wire_body!(@body [$(#[$meta])*] $name [] $($fields)*);
    };
    (fabric; $(#[$meta:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $crate::server::collector::wire::wire_body!(@body [$(#[$meta])*] $name [
            /// The remote user of the fabric (at most 256 bytes; may be empty).
            #[serde(rename = "remoteID")]
            pub remote_id: $crate::server::collector::wire::OptionalId,
            /// The fabric: the client's name for this peer connection (1 to 256 bytes).
            #[serde(rename = "connectionID")]
            pub connection_id: $crate::server::collector::wire::Id,
        ] $($fields)*);
    };
    (@body [$(#[$meta:meta])*] $name:ident [$($header:tt)*] $($fields:tt)*) => {
        #[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
        $(#[$meta])*
        pub struct $name {
            /// The endpoint's localID: the userID it authenticated as (1 to 256 bytes).
            #[serde(rename = "localID")]
            pub local_id: $crate::server::collector::wire::Id,
            /// The device (browser profile) it runs on (at most 256 bytes).
            #[serde(rename = "deviceID")]
            pub device_id: $crate::server::collector::wire::OptionalId,
            /// When it happened: milliseconds since the epoch, between the years 2000 and 2100.
            pub timestamp: $crate::server::collector::wire::Millis,
            $($header)*
            $($fields)*
        }

        impl $crate::server::collector::wire::Envelope for $name {
            fn local_id(&self) -> &str {
                &self.local_id
            }
            fn device_id(&self) -> &str {
                &self.device_id
            }
            fn timestamp(&self) -> $crate::server::collector::wire::Millis {
                self.timestamp
            }
        }
    };
}
pub(crate) use wire_body;

/// The wire `timestamp`: milliseconds since the Unix epoch, possibly
/// fractional, between the years 2000 and 2100 (anything outside is a
/// unit mistake, seconds instead of milliseconds, or garbage).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Millis(pub f64);

impl PartialSchema for Millis {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .description(Some("Milliseconds since 1970-01-01 UTC, between the years 2000 and 2100."))
            .minimum(Some(PLAUSIBLE.start))
            .exclusive_maximum(Some(PLAUSIBLE.end))
            .examples([1_700_000_000_000.0_f64])
            .into()
    }
}

impl ToSchema for Millis {}

/// 2000-01-01 and 2100-01-01 in ms since the epoch.
const PLAUSIBLE: std::ops::Range<f64> = 946_684_800_000.0..4_102_444_800_000.0;

impl Millis {
    /// The instant, or why it is not a plausible one.
    pub fn to_datetime(self, field: &'static str) -> Result<DateTime<Utc>, InvalidField> {
        if !self.0.is_finite() || !PLAUSIBLE.contains(&self.0) {
            return Err(InvalidField::new(
                field,
                "must be milliseconds since 1970-01-01 UTC, between the years 2000 and 2100",
            ));
        }
        let micros = (self.0 * 1000.0).round() as i64;
        Utc.timestamp_micros(micros).single().ok_or_else(|| InvalidField::new(field, "is not a valid instant"))
    }
}

impl<'de> Deserialize<'de> for Millis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let millis = Millis(f64::deserialize(deserializer)?);
        millis.to_datetime("timestamp").map_err(|error| serde::de::Error::custom(error.message))?;
        Ok(millis)
    }
}

/// A list of at most [`MAX_ITEMS`] items. Give the field
/// `#[schema(value_type = Vec<T>, max_items = 1000)]` for the OpenAPI document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Items<T>(pub Vec<T>);

/// Empty (derived, it would ask `T: Default`).
impl<T> Default for Items<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> std::ops::Deref for Items<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Items<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(deserializer)?;
        if items.len() > MAX_ITEMS {
            return Err(serde::de::Error::custom(format!("at most {MAX_ITEMS} items, got {}", items.len())));
        }
        Ok(Self(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_milliseconds_in_a_plausible_range() {
        let at = Millis(1_700_000_000_123.5).to_datetime("timestamp").expect("valid");
        assert_eq!(at.timestamp_micros(), 1_700_000_000_123_500);
        for bad in [1_700_000_000.0, f64::NAN, f64::INFINITY, -1.0, 9e15, 4_102_444_800_000.0] {
            assert_eq!(Millis(bad).to_datetime("timestamp").expect_err("bad").field, "timestamp");
        }
        assert!(serde_json::from_str::<Millis>("1e308").is_err());
        assert!(serde_json::from_str::<Millis>("946684800000").is_ok());
    }

    #[test]
    fn lists_hold_at_most_a_thousand_items() {
        let list = |n: usize| format!("[{}]", vec!["1"; n].join(","));
        assert_eq!(serde_json::from_str::<Items<u8>>(&list(MAX_ITEMS)).map(|items| items.len()).ok(), Some(1000));
        let error = serde_json::from_str::<Items<u8>>(&list(MAX_ITEMS + 1)).expect_err("too many").to_string();
        assert!(error.contains("at most 1000 items"), "{error}");
    }
}
