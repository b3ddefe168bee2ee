//! The identifier limits of the callstats API (SPEC §2). Limits are in
//! bytes of UTF-8 or in characters, exactly as documented; values are
//! never trimmed, case-folded or normalised, and never truncated.

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

/// `value` must be at most `max` bytes of UTF-8.
pub fn max_bytes(field: &'static str, value: &str, max: usize) -> Result<(), InvalidField> {
    if value.len() > max {
        return Err(InvalidField::new(
            field,
            format!("must be at most {max} bytes of UTF-8, got {} bytes", value.len()),
        ));
    }
    Ok(())
}

/// `value` must be at most `max` characters.
pub fn max_chars(field: &'static str, value: &str, max: usize) -> Result<(), InvalidField> {
    let count = value.chars().count();
    if count > max {
        return Err(InvalidField::new(field, format!("must be at most {max} characters, got {count}")));
    }
    Ok(())
}

/// A required identifier: not empty and at most `max` bytes.
pub fn identifier(field: &'static str, value: &str, max: usize) -> Result<(), InvalidField> {
    if value.is_empty() {
        return Err(InvalidField::new(field, "must not be empty"));
    }
    max_bytes(field, value, max)
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
    fn truncation_never_splits_a_character() {
        assert_eq!(truncate_bytes("abc", 5), ("abc", false));
        assert_eq!(truncate_bytes("aインターネット", 3), ("a", true));
        assert_eq!(truncate_bytes("aインターネット", 4), ("aイ", true));
    }
}
