use std::fmt;

use serde::{Deserialize, Serialize};

use super::InvalidField;

/// A dashboard user's sign-in address.
///
/// Only the shape is checked (one `@` with text on both sides, no spaces,
/// at most 254 bytes); surrounding whitespace from a form is trimmed.
/// Comparison in the database is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// The longest address SMTP allows.
    pub const MAX_BYTES: usize = 254;

    /// Checks `raw` and wraps it.
    pub fn parse(raw: &str) -> Result<Self, InvalidField> {
        let email = raw.trim();
        let invalid = |message: &str| InvalidField::new("email", message);
        if email.is_empty() {
            return Err(invalid("is required"));
        }
        if email.len() > Self::MAX_BYTES {
            return Err(invalid("must be at most 254 bytes"));
        }
        match email.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !email.chars().any(char::is_whitespace) =>
            {
                Ok(Self(email.to_owned()))
            }
            _ => Err(invalid("must look like name@example.com")),
        }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_address_is_accepted_and_trimmed() {
        assert_eq!(Email::parse("  ada@example.com\n").map(|e| e.0), Ok("ada@example.com".into()));
    }

    #[test]
    fn malformed_addresses_are_refused_naming_the_field() {
        for raw in ["", "ada", "@example.com", "ada@", "a da@example.com", "a@b@c"] {
            let err = Email::parse(raw).expect_err(raw);
            assert_eq!(err.field, "email", "{raw}");
        }
    }

    #[test]
    fn an_address_longer_than_smtp_allows_is_refused() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }
}
