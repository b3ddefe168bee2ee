//! `events/ssrcmap`: which user and usage each SSRC of a fabric belongs to.

use std::collections::BTreeMap;

use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::fabric_of;
use crate::server::AppError;
use crate::server::collector::enums::wire_enum;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::user::UserId;
use crate::server::collector::wire::{EpochMs, Items, OptionalId, Ssrc, UsageLabel, Validate, compact, wire_body};
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
    pub ssrc: Ssrc,
    /// RTCP CNAME.
    pub cname: Option<OptionalId>,
    /// Received or sent.
    pub stream_type: Option<StreamType>,
    /// The user producing the stream: a string or `{userName, aliasName, loginID?}`.
    #[serde(rename = "userID")]
    pub user_id: Option<UserId>,
    /// Media stream id.
    pub msid: Option<OptionalId>,
    /// Media stream label.
    pub mslabel: Option<OptionalId>,
    /// Track label.
    pub label: Option<OptionalId>,
    /// When the stream started (ms).
    pub local_start_time: Option<EpochMs>,
    /// Extension: what the stream is used for (≤ 20 bytes).
    pub usage_label: Option<UsageLabel>,
    /// Extension: the video element showing the stream.
    pub associated_video_tag: Option<OptionalId>,
}

impl SsrcInfo {
    /// The row of this SSRC.
    fn mapping(&self) -> Mapping<'_> {
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
            ssrc: self.ssrc.get(),
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

wire_body! {
    fabric;
    /// Body of an SSRC map (`ssrcMapBody`).
    #[serde(rename_all = "camelCase")]
    pub struct SsrcMapBody {
        /// One entry per SSRC (at most 1000); a later entry for the same SSRC wins.
        #[schema(value_type = Vec<SsrcInfo>, max_items = 1000)]
        pub ssrc_data: Items<SsrcInfo>,
    }
}

impl Validate for SsrcMapBody {}

impl SsrcMapBody {
    /// One mapping per SSRC, the last given winning.
    fn mappings(&self) -> Vec<Mapping<'_>> {
        let by_ssrc: BTreeMap<u32, Mapping<'_>> =
            self.ssrc_data.iter().map(|info| (info.ssrc.get(), info.mapping())).collect();
        by_ssrc.into_values().collect()
    }
}

/// Which user and usage each SSRC of a fabric belongs to; the latest mapping wins.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/ssrcmap", tag = "special events",
    params(EndpointPath), request_body = SsrcMapBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn map_ssrcs(request: EndpointRequest<SsrcMapBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let mappings = body.mappings();
    let fabric_id = fabric_of(ingest.conn(), &endpoint, &body.connection_id, &body.remote_id, at).await?;
    ssrc::upsert(ingest.conn(), fabric_id, at, &mappings).await?;
    ingest.done("ssrcMap").await
}
