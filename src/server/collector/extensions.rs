//! The callstats.js calls that REST API v1 has no endpoint for, in the same
//! style as v1: `addNewFabric`, `reportError`, the fabric events of
//! `sendFabricEvent` and `sendCallDetails`; and what the SDK measures
//! itself: the pre-call test and time to first media. The SDK enums are parsed by
//! serde, so an unknown value is a 422 naming its field and listing the
//! accepted values.

pub mod call_details;
pub mod fabric_added;
pub mod fabric_event;
pub mod first_media;
pub mod precall_test;
pub mod report_error;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sqlx::PgConnection;

use super::fabric;
use super::ingest::Endpoint;
use super::user::UserId;
use crate::domain::InvalidField;
use crate::domain::limits::{self, ID_BYTES, USER_FIELD_CHARS};
use crate::server::AppError;

/// Free-form objects (domError, eventData, callAttributes, ...) are kept
/// as sent, up to this many bytes of JSON each.
pub const OBJECT_BYTES: usize = 64 * 1024;

/// `object` serialised must fit in [`OBJECT_BYTES`].
fn check_object(field: &'static str, object: &Map<String, Value>) -> Result<(), InvalidField> {
    let size = serde_json::to_vec(object).map_or(usize::MAX, |json| json.len());
    if size > OBJECT_BYTES {
        return Err(InvalidField::new(
            field,
            format!("must be at most {OBJECT_BYTES} bytes of JSON, got {size} bytes"),
        ));
    }
    Ok(())
}

/// An optional connectionID: absent or null is fine, empty is not.
fn check_connection_id(connection_id: Option<&str>) -> Result<(), InvalidField> {
    match connection_id {
        Some("") => Err(InvalidField::new(
            "connectionID",
            "must not be empty; omit it or send null when there is no peer connection",
        )),
        Some(id) => limits::identifier("connectionID", id, ID_BYTES),
        None => Ok(()),
    }
}

/// The remoteUserID of addNewFabric, with the documented limits.
fn check_remote_user(user: &UserId) -> Result<(), InvalidField> {
    match user {
        UserId::Plain(id) => limits::identifier("remoteUserID", id, ID_BYTES),
        UserId::Object(object) => {
            limits::max_chars("remoteUserID.userName", &object.user_name, USER_FIELD_CHARS)?;
            limits::max_chars("remoteUserID.aliasName", &object.alias_name, USER_FIELD_CHARS)?;
            if object.alias_name.is_empty() {
                return Err(InvalidField::new("remoteUserID.aliasName", "must not be empty"));
            }
            let login = object.login_id.as_deref().unwrap_or_default();
            limits::max_chars("remoteUserID.loginID", login, USER_FIELD_CHARS)
        }
    }
}

/// The fabric named by an optional connectionID, created on first mention.
async fn fabric_of(
    conn: &mut PgConnection,
    endpoint: &Endpoint,
    connection_id: Option<&str>,
    remote_id: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    let Some(connection_id) = connection_id else { return Ok(None) };
    let id = fabric::fabric_of(conn, endpoint, connection_id, remote_id.unwrap_or_default(), at).await?;
    Ok(Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::collector::user::UserIdObject;

    #[test]
    fn remote_user_limits_name_the_remote_user_fields() {
        let object = |user_name: &str, alias_name: &str| {
            UserId::Object(UserIdObject {
                user_name: user_name.to_owned(),
                alias_name: alias_name.to_owned(),
                login_id: None,
            })
        };
        assert_eq!(check_remote_user(&object(&"ä".repeat(128), "bob")), Ok(()));
        let long = check_remote_user(&object(&"ä".repeat(129), "bob")).expect_err("too long");
        assert_eq!(long.field, "remoteUserID.userName");
        assert_eq!(check_remote_user(&object("Bob", "")).expect_err("empty").field, "remoteUserID.aliasName");
        assert_eq!(check_remote_user(&UserId::Plain(String::new())).expect_err("empty").field, "remoteUserID");
    }

    #[test]
    fn an_empty_connection_id_is_refused_but_an_absent_one_is_not() {
        assert_eq!(check_connection_id(None), Ok(()));
        assert_eq!(check_connection_id(Some("pc-1")), Ok(()));
        assert_eq!(check_connection_id(Some("")).expect_err("empty").field, "connectionID");
        assert!(check_connection_id(Some(&"x".repeat(257))).is_err());
    }

    #[test]
    fn objects_are_limited_in_serialised_size() {
        let mut object = Map::new();
        object.insert("log".to_owned(), Value::String("x".repeat(OBJECT_BYTES)));
        assert_eq!(check_object("eventData", &object).expect_err("too big").field, "eventData");
        assert_eq!(check_object("eventData", &Map::new()), Ok(()));
    }
}
