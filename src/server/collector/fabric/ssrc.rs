//! `events/ssrcmap`: which user and usage each SSRC of a fabric belongs to.

use std::collections::BTreeMap;

use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{check_fabric, fabric_of};
use crate::domain::InvalidField;
use crate::domain::limits::{self, ID_BYTES, USAGE_LABEL_BYTES, USER_FIELD_CHARS};
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::{UserId, envelope};
use crate::server::collector::wire::{self, Millis, Validate, check_items, compact, parse_ssrc};
use crate::server::db::ssrc::{self, Mapping};

wire_enum! {
    /// Whether the stream is received or sent.
    StreamType { Inbound = "inbound", Outbound = "outbound" }
}

/// One SSRC of an SSRC map (`ssrcInfoObj`, plus usageLabel,
/// associatedVideoTag and the userID object).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SsrcInfo {
    /// The SSRC: the decimal string of an unsigned 32-bit number.
    #[schema(example = "3735928559")]
    pub ssrc: String,
    /// RTCP CNAME.
    pub cname: Option<String>,
    /// Received or sent.
    pub stream_type: Option<StreamType>,
    /// The user producing the stream: a string or `{userName, aliasName, loginID?}`.
    #[serde(rename = "userID")]
    pub user_id: Option<UserId>,
    /// Media stream id.
    pub msid: Option<String>,
    /// Media stream label.
    pub mslabel: Option<String>,
    /// Track label.
    pub label: Option<String>,
    /// When the stream started (ms).
    pub local_start_time: Option<f64>,
    /// Extension: what the stream is used for (≤ 20 bytes).
    pub usage_label: Option<String>,
    /// Extension: the video element showing the stream.
    pub associated_video_tag: Option<String>,
}

impl SsrcInfo {
    fn check(&self) -> Result<(), InvalidField> {
        parse_ssrc("ssrcData.ssrc", &self.ssrc)?;
        limits::max_bytes("ssrcData.usageLabel", self.usage_label.as_deref().unwrap_or_default(), USAGE_LABEL_BYTES)?;
        for (field, value) in [
            ("ssrcData.cname", &self.cname),
            ("ssrcData.msid", &self.msid),
            ("ssrcData.mslabel", &self.mslabel),
            ("ssrcData.label", &self.label),
            ("ssrcData.associatedVideoTag", &self.associated_video_tag),
        ] {
            limits::max_bytes(field, value.as_deref().unwrap_or_default(), ID_BYTES)?;
        }
        match &self.user_id {
            None => Ok(()),
            Some(UserId::Plain(id)) => limits::max_bytes("ssrcData.userID", id, ID_BYTES),
            Some(UserId::Object(object)) => {
                limits::max_chars("ssrcData.userID.userName", &object.user_name, USER_FIELD_CHARS)?;
                limits::max_chars("ssrcData.userID.aliasName", &object.alias_name, USER_FIELD_CHARS)?;
                let login_id = object.login_id.as_deref().unwrap_or_default();
                limits::max_chars("ssrcData.userID.loginID", login_id, USER_FIELD_CHARS)
            }
        }
    }

    /// The row of this SSRC; `ssrc` is the parsed, checked SSRC.
    fn mapping(&self, ssrc: u32) -> Mapping<'_> {
        let (user_id, user_name, alias_name, login_id) = match &self.user_id {
            None => ("", None, None, None),
            Some(UserId::Plain(id)) => (id.as_str(), None, None, None),
            Some(UserId::Object(object)) => (
                object.alias_name.as_str(),
                Some(object.user_name.as_str()),
                Some(object.alias_name.as_str()),
                object.login_id.as_deref(),
            ),
        };
        let details = compact(json!({
            "cname": self.cname,
            "msid": self.msid,
            "mslabel": self.mslabel,
            "label": self.label,
            "localStartTime": self.local_start_time,
            "loginID": login_id,
        }));
        Mapping {
            ssrc,
            user_id,
            user_name,
            alias_name,
            usage_label: self.usage_label.as_deref(),
            associated_video_tag: self.associated_video_tag.as_deref(),
            stream_type: self.stream_type.map(StreamType::as_str),
            details,
        }
    }
}

/// Body of an SSRC map (`ssrcMapBody`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SsrcMapBody {
    /// The endpoint's localID.
    #[serde(rename = "localID")]
    pub local_id: String,
    /// The device it runs on.
    #[serde(rename = "deviceID")]
    pub device_id: String,
    /// When the map was made.
    pub timestamp: Millis,
    /// The remote user of the fabric.
    #[serde(rename = "remoteID")]
    pub remote_id: String,
    /// The fabric.
    #[serde(rename = "connectionID")]
    pub connection_id: String,
    /// One entry per SSRC (at most 1000); a later entry for the same SSRC wins.
    pub ssrc_data: Vec<SsrcInfo>,
}

impl Validate for SsrcMapBody {
    fn validate(&self) -> Result<(), InvalidField> {
        wire::check_header(&self.local_id, &self.device_id, self.timestamp)?;
        check_fabric(&self.connection_id, &self.remote_id)?;
        check_items("ssrcData", &self.ssrc_data)?;
        self.ssrc_data.iter().try_for_each(SsrcInfo::check)
    }
}

impl SsrcMapBody {
    /// One mapping per SSRC, the last given winning.
    fn mappings(&self) -> Result<Vec<Mapping<'_>>, InvalidField> {
        let mut by_ssrc = BTreeMap::new();
        for info in &self.ssrc_data {
            let ssrc = parse_ssrc("ssrcData.ssrc", &info.ssrc)?;
            by_ssrc.insert(ssrc, info.mapping(ssrc));
        }
        Ok(by_ssrc.into_values().collect())
    }
}

envelope!(SsrcMapBody);

/// Which user and usage each SSRC of a fabric belongs to; the latest mapping wins.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/ssrcmap", tag = "special events",
    params(EndpointPath), request_body = SsrcMapBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn map_ssrcs(request: EndpointRequest<SsrcMapBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let mappings = body.mappings()?;
    let fabric_id = fabric_of(ingest.conn(), &endpoint, &body.connection_id, &body.remote_id, at).await?;
    ssrc::upsert(ingest.conn(), fabric_id, at, &mappings).await?;
    ingest.done("ssrcMap").await
}
