//! User action events: joined (creates the endpoint and returns its ucID),
//! alive, left, and the user details of the callstats.js API.
#![expect(unused_qualifications, reason = "utoipa's params() expansion qualifies the parameter types")]

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ingest::{AppPath, Authorized, EndpointPath, EndpointRequest, Ingest};
use super::responses::{EventResponses, JoinResponses};
use super::wire::{AppVersion, Name, OptionalId, Validate, wire_body};
use crate::domain::InvalidField;
use crate::domain::limits::{self, ID_BYTES};
use crate::server::db::conferences::{self, NewEndpoint, UserDetails};
use crate::server::{AppError, AppState};

wire_body! {
    /// The fields every v1 body starts with (`CommonHeaderParams`).
    pub struct CommonHeader {}
}

impl Validate for CommonHeader {}

/// Describes the endpoint's software (`endpointInfo`).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointInfo {
    /// `browser`, `native`, `middlebox`, ...
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<OptionalId>,
    /// Operating system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<OptionalId>,
    /// Its version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_version: Option<OptionalId>,
    /// Browser name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<OptionalId>,
    /// Browser version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<OptionalId>,
    /// The application's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_version: Option<OptionalId>,
}

/// A userID: a plain string, or an object with a real name and an alias.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum UserId {
    /// The plain userID (at most 256 bytes; not empty where it names a user).
    Plain(OptionalId),
    /// `{userName, aliasName, loginID?}`; userName is shown only to support staff.
    Object(UserIdObject),
}

/// Reads either form, with errors that name the object's own fields (an
/// untagged enum would only say that no variant matched): the object is
/// read from the map as it streams by, so the path stays known.
impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UserIdVisitor)
    }
}

struct UserIdVisitor;

impl<'de> serde::de::Visitor<'de> for UserIdVisitor {
    type Value = UserId;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a string or an object {userName, aliasName, loginID?}")
    }

    fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<UserId, E> {
        OptionalId::new(id).map(UserId::Plain).map_err(E::custom)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<UserId, A::Error> {
        UserIdObject::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(UserId::Object)
    }
}

/// The object form of a userID (callstats.js 3.14+).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserIdObject {
    /// The person's real name (≤ 128 characters).
    pub user_name: Name,
    /// The alias engineers see (1 to 128 characters).
    pub alias_name: Name,
    /// Login or e-mail (≤ 128 characters).
    #[serde(rename = "loginID", skip_serializing_if = "Option::is_none")]
    pub login_id: Option<Name>,
}

impl UserId {
    /// Checks what the types cannot say: the user is named, by a plain
    /// userID that is not empty (`field`) or by an alias that is not empty
    /// (`field` + `.aliasName`).
    pub fn check(&self, field: &'static str, alias_field: &'static str) -> Result<(), InvalidField> {
        match self {
            UserId::Plain(id) if id.is_empty() => Err(InvalidField::new(field, "must not be empty")),
            UserId::Object(object) if object.alias_name.is_empty() => {
                Err(InvalidField::new(alias_field, "must not be empty"))
            }
            _ => Ok(()),
        }
    }
}

/// configParams of `initialize()`; unknown keys are refused so typos show.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigParams {
    /// The application's version (≤ 30 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_version: Option<AppVersion>,
    /// Site or campus of the endpoint (≤ 256 bytes).
    #[serde(rename = "siteID", skip_serializing_if = "Option::is_none")]
    pub site_id: Option<OptionalId>,
    /// Application-related IDs (customerID, tenantID, ...), each name and value ≤ 256 bytes.
    #[serde(rename = "additionalIDs", skip_serializing_if = "Option::is_none")]
    pub additional_ids: Option<BTreeMap<OptionalId, OptionalId>>,
    /// The SDK does not send fabricTerminated on unload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_before_unload_handler: Option<bool>,
    /// The SDK skips the pre-call test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_precalltest: Option<bool>,
    /// Legacy (pre-standard) stats are collected too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collect_legacy_stats: Option<bool>,
    /// `false`: no IP address leaves the browser.
    #[serde(rename = "collectIP", skip_serializing_if = "Option::is_none")]
    pub collect_ip: Option<bool>,
}

wire_body! {
    /// Body of user joined (`UserJoinedMessageBody`), plus the optional user
    /// details of callstats.js.
    #[serde(rename_all = "camelCase")]
    pub struct UserJoined {
        /// The endpoint's software.
        pub endpoint_info: EndpointInfo,
        /// Extension: the userID object (real name and alias).
        #[serde(rename = "userID")]
        pub user_id: Option<UserId>,
        /// Extension: configParams of `initialize()`.
        pub config_params: Option<ConfigParams>,
    }
}

impl Validate for UserJoined {
    fn validate(&self) -> Result<(), InvalidField> {
        check_details(self.user_id.as_ref())
    }
}

wire_body! {
    /// Body of user details: who the endpoint's user is and how the SDK is set up.
    #[serde(rename_all = "camelCase")]
    pub struct UserDetailsBody {
        /// The userID, as a string or an object.
        #[serde(rename = "userID")]
        pub user_id: Option<UserId>,
        /// configParams of `initialize()`.
        pub config_params: Option<ConfigParams>,
    }
}

impl Validate for UserDetailsBody {
    fn validate(&self) -> Result<(), InvalidField> {
        check_details(self.user_id.as_ref())
    }
}

fn check_details(user_id: Option<&UserId>) -> Result<(), InvalidField> {
    user_id.map_or(Ok(()), |user_id| user_id.check("userID", "userID.aliasName"))
}

fn config_json(config: Option<&ConfigParams>) -> Result<serde_json::Value, AppError> {
    Ok(serde_json::to_value(config.unwrap_or(&ConfigParams::default())).map_err(anyhow::Error::from)?)
}

fn details<'a>(
    user_id: Option<&'a UserId>,
    config: Option<&'a ConfigParams>,
    json: &'a serde_json::Value,
) -> UserDetails<'a> {
    let object = match user_id {
        Some(UserId::Object(object)) => Some(object),
        _ => None,
    };
    UserDetails {
        user_name: object.map(|object| object.user_name.as_str()),
        alias_name: object.map(|object| object.alias_name.as_str()),
        login_id: object.and_then(|object| object.login_id.as_deref()),
        config_params: json,
        application_version: config.and_then(|config| config.application_version.as_deref()),
        site_id: config.and_then(|config| config.site_id.as_deref()),
    }
}

impl AppPath for ConferencePath {
    fn app_id(&self) -> &str {
        &self.app_id
    }

    fn check(&self) -> Result<(), AppError> {
        Ok(limits::identifier("conferenceID", &self.conf_id, ID_BYTES)?)
    }
}

/// Path of user joined.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ConferencePath {
    /// The appID.
    #[serde(rename = "appID")]
    #[param(rename = "appID")]
    pub app_id: String,
    /// The conferenceID: UTF-8, case-sensitive, at most 256 bytes, percent-encoded in the URL.
    #[serde(rename = "confID")]
    #[param(rename = "confID")]
    pub conf_id: String,
}

/// User joined: adds the endpoint to the conference (starting a new
/// instance when none is live) and returns its ucID.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}", tag = "User Action Events",
    params(ConferencePath), request_body = UserJoined, responses(JoinResponses),
    security(("bearer" = []))
)]
pub async fn joined(
    State(state): State<AppState>,
    request: Authorized<ConferencePath, UserJoined>,
) -> Result<Response, AppError> {
    let Authorized { caller, path, body, at, raw, parts, key } = request;
    let joined_at = at.min(chrono::Utc::now());
    let endpoint_info = serde_json::to_value(&body.endpoint_info).map_err(anyhow::Error::from)?;
    let config_json = config_json(body.config_params.as_ref())?;

    let mut ingest = Ingest::begin(&state, &caller, key, &parts, &raw).await?;
    let new =
        NewEndpoint { user_id: &body.local_id, device_id: &body.device_id, endpoint_info: &endpoint_info, joined_at };
    let uc_id = conferences::join(ingest.conn(), caller.app_id, &path.conf_id, &new)
        .await?
        .ok_or_else(|| AppError::InvalidToken(format!("app {} is disabled", path.app_id)))?;
    if body.user_id.is_some() || body.config_params.is_some() {
        let details = details(body.user_id.as_ref(), body.config_params.as_ref(), &config_json);
        conferences::set_user_details(ingest.conn(), uc_id, &details).await?;
    }
    ingest.finish("userJoined", serde_json::json!({ "status": "success", "ucID": uc_id })).await
}

/// User alive: the endpoint is still in the conference (sent every ~10 s).
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/user/alive", tag = "User Action Events",
    params(EndpointPath), request_body = CommonHeader, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn alive(request: EndpointRequest<CommonHeader>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, at, .. } = request;
    conferences::alive(ingest.conn(), endpoint.id, at).await?;
    ingest.done("userAlive").await
}

/// User left: the endpoint left the conference; the last one to leave ends the instance.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/user/left", tag = "User Action Events",
    params(EndpointPath), request_body = CommonHeader, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn left(request: EndpointRequest<CommonHeader>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, at, .. } = request;
    if conferences::left(ingest.conn(), endpoint.id, endpoint.instance_id, at).await? {
        ingest.summarize_ended(endpoint.instance_id).await?;
    }
    ingest.done("userLeft").await
}

/// Extension: the user details of callstats.js (userID object, configParams).
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/user/details", tag = "callstats.js extensions",
    params(EndpointPath), request_body = UserDetailsBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn user_details(request: EndpointRequest<UserDetailsBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, .. } = request;
    let config_json = config_json(body.config_params.as_ref())?;
    let details = details(body.user_id.as_ref(), body.config_params.as_ref(), &config_json);
    conferences::set_user_details(ingest.conn(), endpoint.id, &details).await?;
    ingest.done("userDetails").await
}
