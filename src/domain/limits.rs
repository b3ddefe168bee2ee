//! The limits of what the collector accepts (SPEC §2 and docs/collector.md).
//! Text limits are in bytes of UTF-8 or in characters, exactly as the
//! database counts them (`octet_length` or `char_length`); values are never
//! trimmed, case-folded or normalised, and never truncated. No text may hold
//! NUL, the one character PostgreSQL cannot store in `text` or `jsonb`.
//! Numbers are finite and within physical bounds, so no accepted figure
//! can overflow an aggregate.

use super::InvalidField;

/// conferenceID, userID, siteID and each additionalIDs value: 256 bytes.
pub const ID_BYTES: usize = 256;
/// Each field of a userID object (userName, aliasName, loginID): 128 characters.
pub const USER_FIELD_CHARS: usize = 128;
/// usageLabel of an SSRC mapping: 20 bytes.
pub const USAGE_LABEL_BYTES: usize = 20;
/// configParams.applicationVersion: 30 characters.
pub const APPLICATION_VERSION_CHARS: usize = 30;
/// Application logs (reportError with applicationLog): kept up to 20 KB.
pub const APPLICATION_LOG_BYTES: usize = 20 * 1024;

/// Each SDP a body carries (events/sdp, reportError): 256 KiB.
pub const SDP_BYTES: usize = 256 * 1024;
/// Feedback comments: 8 KiB.
pub const COMMENT_BYTES: usize = 8 * 1024;
/// Free text that is not an identifier (device labels, kinds, messages): 1 KiB.
pub const TEXT_BYTES: usize = 1024;
/// Browser-reported states (`new`, `checking`, `have-local-offer`, ...): 64 bytes.
pub const STATE_BYTES: usize = 64;
/// A free-form JSON object (domError, eventData, attributes): 64 KiB serialised.
pub const OBJECT_BYTES: usize = 64 * 1024;
/// At most this many items in one array of a body.
pub const MAX_ITEMS: usize = 1000;
/// At most this many measured objects in one stats submission.
pub const STATS_OBJECTS: usize = 2000;

/// Why `value` cannot be stored as text: it holds NUL (U+0000), which
/// PostgreSQL refuses in `text` and `jsonb`. Identifiers must stay
/// byte-exact, so NUL is refused rather than escaped or dropped.
pub fn unstorable(value: &str) -> Option<String> {
    let at = value.find('\0')?;
    Some(format!("must not contain NUL (\\u0000), found at byte {at}"))
}

/// The rule `value` breaks as text of `min..=max` bytes of UTF-8 without NUL.
pub fn text_rule(value: &str, min: usize, max: usize) -> Option<String> {
    if value.len() < min {
        return Some(if min == 1 { "must not be empty".to_owned() } else { format!("must be at least {min} bytes") });
    }
    if value.len() > max {
        return Some(format!("must be at most {max} bytes of UTF-8, got {} bytes", value.len()));
    }
    unstorable(value)
}

/// The rule `value` breaks as text of at most `max` characters (and,
/// where it is also stored in a byte-limited column, `max_bytes` bytes).
pub fn chars_rule(value: &str, max: usize, max_bytes: usize) -> Option<String> {
    let count = value.chars().count();
    if count > max {
        return Some(format!("must be at most {max} characters, got {count}"));
    }
    if value.len() > max_bytes {
        return Some(format!("must be at most {max_bytes} bytes of UTF-8, got {} bytes", value.len()));
    }
    unstorable(value)
}

/// `value` must be at most `max` bytes of UTF-8, without NUL.
pub fn max_bytes(field: &'static str, value: &str, max: usize) -> Result<(), InvalidField> {
    text_rule(value, 0, max).map_or(Ok(()), |message| Err(InvalidField::new(field, message)))
}

/// `value` must be at most `max` characters, without NUL.
pub fn max_chars(field: &'static str, value: &str, max: usize) -> Result<(), InvalidField> {
    chars_rule(value, max, usize::MAX).map_or(Ok(()), |message| Err(InvalidField::new(field, message)))
}

/// A required identifier: not empty, at most `max` bytes, without NUL.
pub fn identifier(field: &'static str, value: &str, max: usize) -> Result<(), InvalidField> {
    text_rule(value, 1, max).map_or(Ok(()), |message| Err(InvalidField::new(field, message)))
}

/// Cuts `text` to at most `max` bytes on a character boundary; returns the
/// kept part and whether anything was cut. Only application logs are
/// truncated; every other field is refused when too long.
pub fn truncate_bytes(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_limits_count_utf8_bytes_not_characters() {
        let id = "a".repeat(253) + "ン"; // 253 + 3 bytes = 256
        assert_eq!(identifier("conferenceID", &id, ID_BYTES), Ok(()));
        let over = "a".repeat(254) + "ン"; // 257 bytes, 255 characters
        let error = identifier("conferenceID", &over, ID_BYTES).expect_err("too long");
        assert_eq!(error.field, "conferenceID");
        assert!(error.message.contains("256 bytes"), "{}", error.message);
        assert!(identifier("conferenceID", "", ID_BYTES).is_err());
    }

    #[test]
    fn character_limits_count_characters() {
        let name = "ä".repeat(128);
        assert_eq!(max_chars("userName", &name, USER_FIELD_CHARS), Ok(()));
        assert!(max_chars("userName", &(name + "x"), USER_FIELD_CHARS).is_err());
    }

    #[test]
    fn nul_is_refused_in_every_text() {
        assert!(identifier("localID", "a\0b", ID_BYTES).expect_err("NUL").message.contains("NUL"));
        assert!(max_bytes("label", "\0", TEXT_BYTES).is_err());
        assert!(max_chars("userName", "x\0", USER_FIELD_CHARS).is_err());
        assert_eq!(unstorable("ü\u{1}\u{FFFF}"), None, "other control characters are storable");
    }

    #[test]
    fn a_name_limited_in_characters_can_also_be_limited_in_bytes() {
        let alias = "ン".repeat(86); // 86 characters, 258 bytes
        assert_eq!(chars_rule(&alias, USER_FIELD_CHARS, usize::MAX), None);
        assert!(chars_rule(&alias, USER_FIELD_CHARS, ID_BYTES).expect("too long").contains("256 bytes"));
    }

    #[test]
    fn truncation_never_splits_a_character() {
        assert_eq!(truncate_bytes("abc", 5), ("abc", false));
        assert_eq!(truncate_bytes("aインターネット", 3), ("a", true));
        assert_eq!(truncate_bytes("aインターネット", 4), ("aイ", true));
    }
}
