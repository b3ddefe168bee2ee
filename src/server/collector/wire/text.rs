//! Bounded text of the wire: a string whose `Deserialize` enforces its
//! limit and refuses NUL, so a body holding a bad one fails to parse and
//! `serde_path_to_error` names the field (422). Each kind of text is a
//! rule (a marker type) with its limits; the limits are also its OpenAPI
//! schema (`minLength`, `maxLength`), registered under the rule's name.

use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::limits::{self, ID_BYTES, USER_FIELD_CHARS};

/// The limits of one kind of text.
pub trait TextRule {
    /// Its schema name in the OpenAPI document.
    const NAME: &'static str;
    /// What it is, for the OpenAPI document.
    const DESCRIPTION: &'static str;
    /// At least this many bytes (1: not empty).
    const MIN_BYTES: usize = 0;
    /// At most this many bytes of UTF-8, as `octet_length` counts.
    const MAX_BYTES: usize;
    /// At most this many characters, as `char_length` counts, if limited so.
    const MAX_CHARS: Option<usize> = None;

    /// The rule `value` breaks, if any.
    fn broken(value: &str) -> Option<String> {
        match Self::MAX_CHARS {
            Some(chars) => limits::chars_rule(value, chars, Self::MAX_BYTES),
            None => limits::text_rule(value, Self::MIN_BYTES, Self::MAX_BYTES),
        }
    }
}

/// Text that keeps rule `R`: it can only be made by [`Text::new`] or by
/// deserializing, both of which check.
pub struct Text<R>(String, PhantomData<R>);

impl<R: TextRule> Text<R> {
    /// `value` if it keeps the rule, else what is wrong.
    pub fn new(value: impl Into<String>) -> Result<Self, String> {
        let value = value.into();
        match R::broken(&value) {
            Some(message) => Err(message),
            None => Ok(Self(value, PhantomData)),
        }
    }
}

impl<R> Text<R> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<R> Deref for Text<R> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<R> Borrow<str> for Text<R> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl<R> fmt::Debug for Text<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<R> Clone for Text<R> {
    fn clone(&self) -> Self {
        Self(self.0.clone(), PhantomData)
    }
}

impl<R> PartialEq for Text<R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<R> Eq for Text<R> {}

impl<R> PartialOrd for Text<R> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<R> Ord for Text<R> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl<R> Serialize for Text<R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de, R: TextRule> Deserialize<'de> for Text<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl<R: TextRule> PartialSchema for Text<R> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(R::DESCRIPTION))
            .min_length((R::MIN_BYTES > 0).then_some(R::MIN_BYTES))
            .max_length(Some(R::MAX_CHARS.unwrap_or(R::MAX_BYTES)))
            .into()
    }
}

impl<R: TextRule> ToSchema for Text<R> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(R::NAME)
    }
}

/// Declares text rules and their `Text` aliases.
macro_rules! text_rules {
    ($(
        $(#[doc = $doc:literal])*
        $alias:ident / $rule:ident { $($name:ident = $value:expr),* $(,)? }
    )*) => {$(
        $(#[doc = $doc])*
        pub type $alias = Text<$rule>;

        #[doc = concat!("The rule of [`", stringify!($alias), "`].")]
        pub enum $rule {}

        impl TextRule for $rule {
            const NAME: &'static str = stringify!($alias);
            const DESCRIPTION: &'static str = concat!($($doc, "\n"),*);
            $(const $name: text_rules!(@type $name) = $value;)*
        }
    )*};
    (@type MAX_CHARS) => { Option<usize> };
    (@type $other:ident) => { usize };
}

text_rules! {
    /// An identifier: 1 to 256 bytes of UTF-8, no NUL; kept byte-exact.
    Id / IdRule { MIN_BYTES = 1, MAX_BYTES = ID_BYTES }
    /// An identifier that may be empty: at most 256 bytes of UTF-8, no NUL.
    OptionalId / OptionalIdRule { MAX_BYTES = ID_BYTES }
    /// A name (userName, aliasName, loginID): at most 128 characters, no NUL.
    Name / NameRule { MAX_BYTES = 4 * USER_FIELD_CHARS, MAX_CHARS = Some(USER_FIELD_CHARS) }
    /// configParams.applicationVersion: at most 30 characters, no NUL.
    AppVersion / AppVersionRule { MAX_BYTES = 4 * limits::APPLICATION_VERSION_CHARS, MAX_CHARS = Some(limits::APPLICATION_VERSION_CHARS) }
    /// usageLabel of an SSRC: at most 20 bytes, no NUL.
    UsageLabel / UsageLabelRule { MAX_BYTES = limits::USAGE_LABEL_BYTES }
    /// A browser-reported state (`checking`, `have-local-offer`, ...): at most 64 bytes, no NUL.
    State / StateRule { MAX_BYTES = limits::STATE_BYTES }
    /// Short free text (device labels, kinds, messages): at most 1024 bytes, no NUL.
    ShortText / ShortTextRule { MAX_BYTES = limits::TEXT_BYTES }
    /// A feedback comment: at most 8 KiB, no NUL.
    Comment / CommentRule { MAX_BYTES = limits::COMMENT_BYTES }
    /// A session description (SDP): at most 256 KiB, no NUL.
    Sdp / SdpRule { MAX_BYTES = limits::SDP_BYTES }
    /// An application log line: any length up to the body limit (kept up to 20 KiB), no NUL.
    LogText / LogTextRule { MAX_BYTES = usize::MAX }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|error| error.to_string())
    }

    #[test]
    fn ids_are_1_to_256_bytes_counted_in_utf8() {
        let longest = "a".repeat(253) + "ン"; // 256 bytes
        assert_eq!(Id::new(longest.clone()).map(|id| id.len()), Ok(256));
        let over = "a".repeat(254) + "ン"; // 257 bytes, 255 characters
        assert!(Id::new(over.clone()).expect_err("257 bytes").contains("256 bytes"));
        assert!(parse::<Id>(&format!("{over:?}")).is_err());
        assert!(Id::new("").is_err());
        assert_eq!(OptionalId::new("").map(|id| id.len()), Ok(0));
    }

    #[test]
    fn nul_is_refused_and_other_text_is_kept_byte_exact() {
        let error = parse::<Id>(r#""a\u0000b""#).expect_err("NUL");
        assert!(error.contains("NUL"), "{error}");
        assert!(parse::<Sdp>(r#""v=0\u0000""#).is_err());
        assert!(parse::<LogText>(r#""\u0000""#).is_err());
        let kept: Id = parse(r#"" Conf\u0001 ü ""#).expect("storable");
        assert_eq!(kept.as_str(), " Conf\u{1} ü ");
    }

    #[test]
    fn names_count_characters_not_bytes() {
        assert!(Name::new("ン".repeat(128)).is_ok(), "128 characters, 384 bytes");
        assert!(Name::new("𝄞".repeat(128)).is_ok(), "128 four-byte characters");
        assert!(Name::new("ä".repeat(129)).expect_err("129").contains("128 characters"));
        assert!(Name::new("Clark\0").is_err());
    }

    #[test]
    fn each_limit_is_exact() {
        assert!(UsageLabel::new("u".repeat(20)).is_ok() && UsageLabel::new("u".repeat(21)).is_err());
        assert!(State::new("s".repeat(64)).is_ok() && State::new("s".repeat(65)).is_err());
        assert!(ShortText::new("t".repeat(1024)).is_ok() && ShortText::new("t".repeat(1025)).is_err());
        assert!(Comment::new("c".repeat(8192)).is_ok() && Comment::new("c".repeat(8193)).is_err());
        assert!(AppVersion::new("é".repeat(30)).is_ok() && AppVersion::new("v".repeat(31)).is_err());
        let sdp = "v".repeat(limits::SDP_BYTES);
        assert!(Sdp::new(sdp.clone()).is_ok() && Sdp::new(sdp + "v").is_err());
    }

    #[test]
    fn the_schema_carries_the_limits() {
        let schema = serde_json::to_value(Id::schema()).expect("schema");
        assert_eq!((schema["minLength"].as_u64(), schema["maxLength"].as_u64()), (Some(1), Some(256)));
        let schema = serde_json::to_value(Name::schema()).expect("schema");
        assert_eq!(schema["maxLength"], 128);
        assert_eq!(Id::name(), "Id");
    }
}
