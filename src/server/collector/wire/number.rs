//! Bounded numbers of the wire: a figure whose `Deserialize` refuses what
//! is not finite or outside its physical bounds (see `domain::bounds`), and
//! the SSRC, an unsigned 32-bit number sent as a decimal string.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::bounds::{self, Bounds};

/// The bounds of one kind of figure.
pub trait FigureRule {
    /// Its schema name in the OpenAPI document.
    const NAME: &'static str;
    /// What it is, for the OpenAPI document.
    const DESCRIPTION: &'static str;
    /// The accepted values.
    const BOUNDS: Bounds;
}

/// A finite number within the bounds of rule `R`.
pub struct Figure<R>(f64, PhantomData<R>);

impl<R: FigureRule> Figure<R> {
    /// `value` if it is within the bounds, else what is wrong.
    pub fn new(value: f64) -> Result<Self, String> {
        R::BOUNDS.check(value).map(|value| Self(value, PhantomData))
    }
}

impl<R> Figure<R> {
    /// The number.
    pub fn get(&self) -> f64 {
        self.0
    }

    /// The number rounded to whole units; the bounds of every rule used
    /// so fit an `i32` (see [`Duration`]).
    pub fn rounded(&self) -> i32 {
        self.0.round() as i32
    }
}

impl<R> Clone for Figure<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Figure<R> {}

impl<R> fmt::Debug for Figure<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<R> PartialEq for Figure<R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<R> Serialize for Figure<R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0)
    }
}

impl<'de, R: FigureRule> Deserialize<'de> for Figure<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(f64::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl<R: FigureRule> PartialSchema for Figure<R> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .description(Some(R::DESCRIPTION))
            .minimum(Some(R::BOUNDS.min))
            .maximum(Some(R::BOUNDS.max))
            .into()
    }
}

impl<R: FigureRule> ToSchema for Figure<R> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(R::NAME)
    }
}

/// Declares figure rules and their `Figure` aliases.
macro_rules! figure_rules {
    ($($(#[doc = $doc:literal])* $alias:ident / $rule:ident = $bounds:expr;)*) => {$(
        $(#[doc = $doc])*
        pub type $alias = Figure<$rule>;

        #[doc = concat!("The rule of [`", stringify!($alias), "`].")]
        pub enum $rule {}

        impl FigureRule for $rule {
            const NAME: &'static str = stringify!($alias);
            const DESCRIPTION: &'static str = concat!($($doc, "\n"),*);
            const BOUNDS: Bounds = $bounds;
        }
    )*};
}

figure_rules! {
    /// A duration in milliseconds, 0 to 2147483647 (what the store's integer columns hold).
    Duration / DurationRule = bounds::DURATION_MS;
    /// A round-trip time or jitter in milliseconds, 0 to 600000 (10 minutes).
    DelayMs / DelayMsRule = bounds::DELAY_MS;
    /// A share, 0 to 1.
    Fraction / FractionRule = bounds::FRACTION;
    /// A throughput in kbit/s, 0 to 1e9 (1 Tbit/s).
    Throughput / ThroughputRule = bounds::THROUGHPUT_KBPS;
    /// CPU usage as the device reports it, 0 to 100000.
    CpuUsage / CpuUsageRule = bounds::CPU_USAGE;
    /// Battery level as the device reports it (a fraction or a percentage), 0 to 100.
    BatteryLevel / BatteryLevelRule = bounds::BATTERY_LEVEL;
    /// A memory figure, 0 to 2^53.
    Memory / MemoryRule = bounds::MEMORY;
    /// Milliseconds since 1970-01-01 UTC on the client's clock, 0 to the year 2100.
    EpochMs / EpochMsRule = bounds::EPOCH_MS;
}

/// An SSRC: the decimal string of an unsigned 32-bit number, kept as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ssrc {
    value: u32,
    text: String,
}

impl Ssrc {
    /// Parses the decimal string `text`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
        match digits.then(|| text.parse::<u32>().ok()).flatten() {
            Some(value) => Ok(Self { value, text: text.to_owned() }),
            None => Err("must be the decimal string of an unsigned 32-bit number (0 to 4294967295)".to_owned()),
        }
    }

    /// The number.
    pub fn get(&self) -> u32 {
        self.value
    }
}

impl Serialize for Ssrc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Ssrc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl PartialSchema for Ssrc {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An SSRC: the decimal string of an unsigned 32-bit number."))
            .pattern(Some("^[0-9]{1,10}$"))
            .max_length(Some(10))
            .examples(["3735928559"])
            .into()
    }
}

impl ToSchema for Ssrc {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_finite_and_within_their_physical_bounds() {
        assert_eq!(serde_json::from_str::<Fraction>("1").map(|f| f.get()).ok(), Some(1.0));
        for bad in ["1.01", "-0.5", "1e308"] {
            assert!(serde_json::from_str::<Fraction>(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<Duration>("2147483647").is_ok());
        assert!(serde_json::from_str::<Duration>("2147483648").is_err());
        assert!(Duration::new(f64::NAN).is_err() && Duration::new(f64::INFINITY).is_err());
        assert!(serde_json::from_str::<DelayMs>("1e308").expect_err("huge").to_string().contains("600000"));
        assert_eq!(Duration::new(1234.4).map(|d| d.rounded()), Ok(1234));
    }

    #[test]
    fn ssrcs_are_decimal_strings_of_unsigned_32_bit_numbers() {
        assert_eq!(Ssrc::parse("0").map(|ssrc| ssrc.get()), Ok(0));
        assert_eq!(Ssrc::parse("4294967295").map(|ssrc| ssrc.get()), Ok(u32::MAX));
        for bad in ["", "4294967296", "-1", "+1", " 1", "0x10", "1.0", "abc", "1\u{0}"] {
            assert!(Ssrc::parse(bad).is_err(), "{bad:?}");
        }
        let ssrc: Ssrc = serde_json::from_str(r#""007""#).expect("ssrc");
        assert_eq!(serde_json::to_string(&ssrc).expect("json"), r#""007""#, "kept as sent");
    }
}
