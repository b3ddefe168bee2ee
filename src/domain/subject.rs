//! A data subject: one person whose data an app's calls hold, named by the
//! identifier support has at hand — their userID, real name or login.

use serde::{Deserialize, Serialize};

use super::InvalidField;

/// How a person is looked up within one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubjectKey {
    /// `endpoints.user_id`: the app's own identifier, byte-exact.
    UserId(String),
    /// `endpoints.user_name`: the real name the SDK sent, exact.
    UserName(String),
    /// `endpoints.login_id`: the login the SDK sent, exact.
    LoginId(String),
}

/// The ways a subject can be looked up, as the forms and the CLI name them.
pub const SUBJECT_KEYS: [(&str, &str); 3] = [("userID", "userID"), ("userName", "real name"), ("loginID", "loginID")];

impl SubjectKey {
    /// Parses a lookup: `by` is `userID`, `userName` or `loginID`; `value`
    /// must not be empty and must fit the column it is looked up in.
    ///
    /// # Errors
    /// Naming `by` or `value` when either is not acceptable.
    pub fn parse(by: &str, value: &str) -> Result<Self, InvalidField> {
        let (key, limit): (fn(String) -> Self, usize) = match by {
            "userID" => (Self::UserId, 256),
            "userName" => (Self::UserName, 128 * 4),
            "loginID" => (Self::LoginId, 128 * 4),
            _ => return Err(InvalidField::new("by", "must be userID, userName or loginID")),
        };
        if value.is_empty() {
            return Err(InvalidField::new("value", "must not be empty"));
        }
        if value.len() > limit {
            return Err(InvalidField::new("value", format!("must be at most {limit} bytes")));
        }
        Ok(key(value.to_owned()))
    }

    /// What it is looked up by: `userID`, `userName` or `loginID`.
    pub fn by(&self) -> &'static str {
        match self {
            Self::UserId(_) => "userID",
            Self::UserName(_) => "userName",
            Self::LoginId(_) => "loginID",
        }
    }

    /// The value looked up.
    pub fn value(&self) -> &str {
        match self {
            Self::UserId(value) | Self::UserName(value) | Self::LoginId(value) => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_is_looked_up_by_one_of_three_identifiers() {
        assert_eq!(SubjectKey::parse("userID", "ada").map(|k| k.by()), Ok("userID"));
        assert_eq!(SubjectKey::parse("userName", "Ada L").map(|k| k.value().to_owned()), Ok("Ada L".to_owned()));
        assert_eq!(SubjectKey::parse("email", "ada").map_err(|e| e.field), Err("by"));
        assert_eq!(SubjectKey::parse("loginID", "").map_err(|e| e.field), Err("value"));
        assert_eq!(SubjectKey::parse("userID", &"x".repeat(257)).map_err(|e| e.field), Err("value"));
    }
}
