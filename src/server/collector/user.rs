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
use super::wire::{self, Millis, Validate};
use crate::domain::InvalidField;
use crate::domain::limits::{self, APPLICATION_VERSION_CHARS, ID_BYTES, USER_FIELD_CHARS};
use crate::server::db::conferences::{self, NewEndpoint, UserDetails};
use crate::server::{AppError, AppState};

/// Implements [`Envelope`] for bodies with `local_id` and `timestamp` fields.
macro_rules! envelope {
    ($($body:ty),* $(,)?) => {$(
        impl $crate::server::collector::ingest::Envelope for $body {
            fn local_id(&self) -> &str {
                &self.local_id
            }
            fn timestamp(&self) -> $crate::server::collector::wire::Millis {
                self.timestamp
            }
        }
    )*};
}
pub(crate) use envelope;

/// The fields every v1 body starts with (`CommonHeaderParams`).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CommonHeader {
    /// The endpoint's localID (the userID it authenticated as).
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device (browser profile) it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When it happened: milliseconds since the epoch.
    pub timestamp: Millis,
}

impl Validate for CommonHeader {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp).map(drop)
    }
}

/// Describes the endpoint's software (`endpointInfo`).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointInfo {
    /// `browser`, `native`, `middlebox`, ...
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Operating system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Its version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
    /// Browser name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Browser version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The application's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
}

impl Validate for EndpointInfo {
    fn validate(&self) -> Result<(), InvalidField> {
        for (field, value) in [
            ("endpointInfo.type", &self.kind),
            ("endpointInfo.os", &self.os),
            ("endpointInfo.osVersion", &self.os_version),
            ("endpointInfo.name", &self.name),
            ("endpointInfo.version", &self.version),
            ("endpointInfo.appVersion", &self.app_version),
        ] {
            limits::max_bytes(field, value.as_deref().unwrap_or_default(), ID_BYTES)?;
        }
        Ok(())
    }
}

/// A userID: a plain string, or an object with a real name and an alias.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum UserId {
    /// The plain userID.
    Plain(String),
    /// `{userName, aliasName, loginID?}`; userName is shown only to support staff.
    Object(UserIdObject),
}

/// Reads either form, with errors that name the object's own fields (an
/// untagged enum would only say that no variant matched).
impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(id) => Ok(UserId::Plain(id)),
            object @ serde_json::Value::Object(_) => {
                serde_json::from_value(object).map(UserId::Object).map_err(D::Error::custom)
            }
            _ => Err(D::Error::custom("must be a string or an object {userName, aliasName, loginID?}")),
        }
    }
}

/// The object form of a userID (callstats.js 3.14+).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserIdObject {
    /// The person's real name (≤ 128 characters).
    pub user_name: String,
    /// The alias engineers see (≤ 128 characters).
    pub alias_name: String,
    /// Login or e-mail (≤ 128 characters).
    #[serde(rename = "loginID", skip_serializing_if = "Option::is_none")]
    pub login_id: Option<String>,
}

impl UserId {
    /// Checks the documented limits, naming fields under `field`.
    pub fn check(&self, field: &'static str) -> Result<(), InvalidField> {
        match self {
            UserId::Plain(id) => limits::identifier(field, id, ID_BYTES),
            UserId::Object(object) => {
                limits::max_chars("userID.userName", &object.user_name, USER_FIELD_CHARS)?;
                limits::max_chars("userID.aliasName", &object.alias_name, USER_FIELD_CHARS)?;
                if object.alias_name.is_empty() {
                    return Err(InvalidField::new("userID.aliasName", "must not be empty"));
                }
                limits::max_chars("userID.loginID", object.login_id.as_deref().unwrap_or_default(), USER_FIELD_CHARS)
            }
        }
    }
}

/// configParams of `initialize()`; unknown keys are refused so typos show.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigParams {
    /// The application's version (≤ 30 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_version: Option<String>,
    /// Site or campus of the endpoint (≤ 256 bytes).
    #[serde(rename = "siteID", skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// Application-related IDs (customerID, tenantID, ...), each ≤ 256 bytes.
    #[serde(rename = "additionalIDs", skip_serializing_if = "Option::is_none")]
    pub additional_ids: Option<BTreeMap<String, String>>,
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

impl Validate for ConfigParams {
    fn validate(&self) -> Result<(), InvalidField> {
        let version = self.application_version.as_deref().unwrap_or_default();
        limits::max_chars("configParams.applicationVersion", version, APPLICATION_VERSION_CHARS)?;
        limits::max_bytes("configParams.siteID", self.site_id.as_deref().unwrap_or_default(), ID_BYTES)?;
        for (name, value) in self.additional_ids.iter().flatten() {
            limits::max_bytes("configParams.additionalIDs", name, ID_BYTES)?;
            limits::max_bytes("configParams.additionalIDs", value, ID_BYTES)?;
        }
        Ok(())
    }
}

/// Body of user joined (`UserJoinedMessageBody`), plus the optional user
/// details of callstats.js.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserJoined {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When the user joined.
    pub timestamp: Millis,
    /// The endpoint's software.
    pub endpoint_info: EndpointInfo,
    /// Extension: the userID object (real name and alias).
    #[serde(rename = "userID")]
    pub user_id: Option<UserId>,
    /// Extension: configParams of `initialize()`.
    pub config_params: Option<ConfigParams>,
}

impl Validate for UserJoined {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        self.endpoint_info.validate()?;
        check_details(self.user_id.as_ref(), self.config_params.as_ref())
    }
}

/// Body of user details: who the endpoint's user is and how the SDK is set up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserDetailsBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When the details were given.
    pub timestamp: Millis,
    /// The userID, as a string or an object.
    #[serde(rename = "userID")]
    pub user_id: Option<UserId>,
    /// configParams of `initialize()`.
    pub config_params: Option<ConfigParams>,
}

impl Validate for UserDetailsBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        check_details(self.user_id.as_ref(), self.config_params.as_ref())
    }
}

envelope!(CommonHeader, UserJoined, UserDetailsBody);

fn check_details(user_id: Option<&UserId>, config: Option<&ConfigParams>) -> Result<(), InvalidField> {
    if let Some(user_id) = user_id {
        user_id.check("userID")?;
    }
    config.map_or(Ok(()), Validate::validate)
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
    let Authorized { caller, path, body, at, raw, parts } = request;
    let joined_at = at.min(chrono::Utc::now());
    let endpoint_info = serde_json::to_value(&body.endpoint_info).map_err(anyhow::Error::from)?;
    let config_json = config_json(body.config_params.as_ref())?;

    let mut ingest = Ingest::begin(&state, &caller, &parts, &raw).await?;
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
