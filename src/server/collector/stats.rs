//! Stats submission: one `getStats()` poll of one fabric. Every object is
//! stored as one row of what the charts and the detectors read, from the
//! standard `RTCStats` names (seconds converted to ms); the rest of the
//! report (byte counts, codec details, the candidates' addresses, ...) is
//! not kept (migrations/0022_lean_samples.sql). The charted figures are
//! checked against their physical bounds (`domain::bounds`): a poll with
//! one absurd figure is refused whole (422 naming it), so no stored sample
//! can make a summary overflow. The figures only the detectors read are
//! kept when they are numbers (or words) of the expected kind and dropped
//! otherwise, as the detectors would ignore them.

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use super::ingest::{Authorized, EndpointPath, known_endpoint};
use super::quota::Kind;
use super::responses::EventResponses;
use super::wire::{JsonObject, Millis, Validate, wire_body};
use crate::domain::InvalidField;
use crate::domain::bounds::{self, Bounds};
use crate::domain::limits::{ID_BYTES, STATE_BYTES, STATS_OBJECTS};
use crate::server::db::stats::{Poll, Sample};
use crate::server::{AppError, AppState};

wire_body! {
    fabric;
    /// Body of a stats submission (`statsData`).
    pub struct StatsBody {
        /// The reports.
        pub stats: StatsObject,
    }
}

/// The reports of one poll. `tracks` and `candidatePairs` are required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatsObject {
    /// RTP streams: `inbound-rtp`, `outbound-rtp`, `remote-inbound-rtp`, ... with
    /// `ssrc`, `kind`, `roundTripTime` (s), `jitter` (s), `packetsLost`,
    /// `packetsReceived`, `packetsSent`, `fractionLost`, `bitrate` (bps),
    /// `framesPerSecond`, `frameWidth`, `frameHeight`.
    pub tracks: Vec<JsonObject>,
    /// ICE candidate pairs (`currentRoundTripTime` in s).
    pub candidate_pairs: Vec<JsonObject>,
    /// Transports.
    #[serde(default)]
    pub transports: Vec<JsonObject>,
    /// Media stream tracks.
    #[serde(default)]
    pub msts: Vec<JsonObject>,
    /// Data channels.
    #[serde(default)]
    pub data_channels: Vec<JsonObject>,
    /// Codecs.
    #[serde(default)]
    pub codecs: Vec<JsonObject>,
    /// When the stats were measured (ms); the body's timestamp when absent.
    pub timestamp: Option<Millis>,
}

impl Validate for StatsBody {
    fn validate(&self) -> Result<(), InvalidField> {
        if self.stats.len() > STATS_OBJECTS {
            return Err(InvalidField::new("stats", format!("at most {STATS_OBJECTS} objects per submission")));
        }
        Ok(())
    }
}

impl StatsObject {
    /// How many objects the submission holds.
    fn len(&self) -> usize {
        [&self.tracks, &self.candidate_pairs, &self.transports, &self.msts, &self.data_channels, &self.codecs]
            .iter()
            .map(|objects| objects.len())
            .sum()
    }

    /// Every object as a sample row, or the first ill-typed figure. An
    /// object whose key came earlier in the poll is left out: a poll's
    /// objects are its samples, one per key.
    fn into_samples(self) -> Result<Vec<Sample>, AppError> {
        let arrays = [
            ("tracks", "track", self.tracks),
            ("candidatePairs", "candidatePair", self.candidate_pairs),
            ("transports", "transport", self.transports),
            ("msts", "mst", self.msts),
            ("dataChannels", "dataChannel", self.data_channels),
            ("codecs", "codec", self.codecs),
        ];
        let mut samples: Vec<Sample> = Vec::with_capacity(arrays.iter().map(|(_, _, objects)| objects.len()).sum());
        let mut keys = HashSet::with_capacity(samples.capacity());
        for (array, report_type, objects) in arrays {
            for (index, object) in objects.into_iter().enumerate() {
                samples.push(Reader { object: object.into_inner(), array, index }.sample(report_type)?);
            }
        }
        samples.retain(|sample| keys.insert(sample.stat_key.clone()));
        Ok(samples)
    }
}

/// Reads one stats object, naming `array[index].field` in errors. Every
/// figure is taken out of the object as it is read; what is left is dropped.
struct Reader {
    object: Map<String, Value>,
    array: &'static str,
    index: usize,
}

impl Reader {
    fn invalid(&self, field: &str, rule: &str) -> AppError {
        AppError::Validation {
            field: format!("stats.{}[{}].{field}", self.array, self.index),
            message: rule.to_owned(),
        }
    }

    fn text(&self, field: &str) -> Option<&str> {
        self.object.get(field).and_then(Value::as_str)
    }

    /// Takes `field` out of the object; `None` when absent or null.
    fn take(&mut self, field: &str) -> Option<Value> {
        self.object.remove(field).filter(|value| !value.is_null())
    }

    /// A number within `bounds`, or null when absent.
    fn number(&mut self, field: &str, bounds: Bounds) -> Result<Option<f64>, AppError> {
        let Some(value) = self.take(field) else { return Ok(None) };
        let checked = value.as_f64().ok_or_else(|| format!("must be a number {bounds}")).and_then(|n| bounds.check(n));
        checked.map(Some).map_err(|rule| self.invalid(field, &rule))
    }

    fn first_number(&mut self, fields: &[&str], bounds: Bounds) -> Result<Option<f64>, AppError> {
        for field in fields {
            if let Some(number) = self.number(field, bounds)? {
                return Ok(Some(number));
            }
        }
        Ok(None)
    }

    /// An integer within `bounds` (which lie within ±2^53, so it is exact).
    fn integer(&mut self, field: &str, bounds: Bounds) -> Result<Option<i64>, AppError> {
        let Some(value) = self.take(field) else { return Ok(None) };
        // Compared as integers: 2^53 + 1 would round into the bounds as a double.
        match value.as_i64() {
            Some(integer) if (bounds.min as i64..=bounds.max as i64).contains(&integer) => Ok(Some(integer)),
            _ => Err(self.invalid(field, &format!("must be an integer {bounds}"))),
        }
    }

    /// A number the detectors read, when it is one (finite); else nothing.
    fn lenient(&mut self, field: &str) -> Option<f64> {
        self.take(field)?.as_f64().filter(|number| number.is_finite())
    }

    /// A lenient count, when it is a whole number within `max` either side of 0.
    fn lenient_count(&mut self, field: &str, max: f64) -> Option<f64> {
        self.lenient(field).filter(|count| count.fract() == 0.0 && count.abs() <= max)
    }

    /// A lenient figure within what a `real` holds.
    fn lenient_real(&mut self, field: &str) -> Option<f32> {
        self.lenient(field).filter(|number| number.abs() <= f64::from(f32::MAX)).map(|number| number as f32)
    }

    /// One of `names` (compared in lower case), else nothing.
    fn word(&mut self, field: &str, names: &[&'static str]) -> Option<&'static str> {
        let text = self.take(field)?.as_str()?.to_ascii_lowercase();
        names.iter().copied().find(|name| *name == text)
    }

    fn ssrc(&mut self) -> Result<Option<i64>, AppError> {
        let ssrc = match self.take("ssrc") {
            None => return Ok(None),
            Some(Value::String(text)) => text.parse::<i64>().ok(),
            Some(value) => value.as_i64(),
        };
        match ssrc {
            Some(ssrc) if (0..=i64::from(u32::MAX)).contains(&ssrc) => Ok(Some(ssrc)),
            _ => Err(self.invalid("ssrc", "must be an unsigned 32-bit number")),
        }
    }

    fn stat_key(&mut self, report_type: &str, kind: &str, ssrc: Option<i64>) -> Result<String, AppError> {
        match self.take("id") {
            Some(Value::String(id)) if !id.is_empty() => {
                if id.len() > ID_BYTES {
                    return Err(self.invalid("id", "must be at most 256 bytes"));
                }
                Ok(id)
            }
            Some(Value::String(_)) | None => Ok(format!(
                "{report_type}:{kind}:{}:{}",
                ssrc.map_or(String::new(), |ssrc| ssrc.to_string()),
                self.index
            )),
            Some(_) => Err(self.invalid("id", "must be a string")),
        }
    }

    fn sample(mut self, report_type: &'static str) -> Result<Sample, AppError> {
        // `type` is kept as stats_type: direction alone cannot tell an
        // outbound-rtp report from the remote-inbound-rtp one of its stream.
        let kind = self.text("type").unwrap_or_default().to_owned();
        // It is part of the generated stat key, which the store limits to 256 bytes.
        if kind.len() > STATE_BYTES {
            return Err(self.invalid("type", &format!("must be at most {STATE_BYTES} bytes")));
        }
        let direction = match (self.text("reportType"), kind.as_str()) {
            (Some("inbound"), _) | (None, "inbound-rtp" | "remote-outbound-rtp") => Some("inbound"),
            (Some("outbound"), _) | (None, "outbound-rtp" | "remote-inbound-rtp") => Some("outbound"),
            _ => None,
        };
        let media_kind = match self.text("kind").or_else(|| self.text("mediaType")) {
            Some("audio") => Some("audio"),
            Some("video") => Some("video"),
            _ => None,
        };
        let ssrc = self.ssrc()?;
        let stat_key = self.stat_key(report_type, &kind, ssrc)?;
        let seconds_to_ms = |seconds: Option<f64>| seconds.map(|seconds| seconds * 1000.0);
        let rtt_ms = match self.number("rtt", bounds::DELAY_MS)? {
            Some(ms) => Some(ms),
            None => seconds_to_ms(self.first_number(&["roundTripTime", "currentRoundTripTime"], bounds::DELAY_S)?),
        };
        let fraction_lost = self.first_number(&["fractionLost", "fractionLoss"], bounds::FRACTION)?;
        // Within 0..=65535, so the cast is exact.
        let pixels = |reader: &mut Self, field| reader.integer(field, bounds::PIXELS).map(|px| px.map(|px| px as i32));
        // Read as `->>` read it from raw before 0022: any other value is 'other'.
        let limitation = self.take("qualityLimitationReason").map(|reason| match reason.as_str() {
            Some("none") => "none",
            Some("cpu") => "cpu",
            Some("bandwidth") => "bandwidth",
            _ => "other",
        });
        let selected = self.take("selected").and_then(|selected| selected.as_bool());
        let candidate_types = ["host", "srflx", "prflx", "relay"];
        Ok(Sample {
            stat_key,
            report_type,
            direction,
            media_kind,
            stats_type: (!kind.is_empty()).then_some(kind),
            ssrc,
            rtt_ms,
            jitter_ms: seconds_to_ms(self.number("jitter", bounds::DELAY_S)?),
            packets_lost: self.integer("packetsLost", bounds::SIGNED_COUNTER)?.map(stored_count),
            packets_received: self.integer("packetsReceived", bounds::COUNTER)?.map(stored_count),
            packets_sent: self.integer("packetsSent", bounds::COUNTER)?.map(stored_count),
            fraction_lost,
            bitrate_bps: self.number("bitrate", bounds::BITRATE_BPS)?,
            frame_rate: self.number("framesPerSecond", bounds::FRAME_RATE)?,
            frame_width: pixels(&mut self, "frameWidth")?,
            frame_height: pixels(&mut self, "frameHeight")?,
            freeze_count: self.lenient_count("freezeCount", f64::from(i32::MAX)).map(|count| count as i32),
            total_freezes_duration_s: self.lenient_real("totalFreezesDuration"),
            concealed_samples: self.lenient_count("concealedSamples", bounds::COUNTER.max).map(|count| count as i64),
            total_samples_received: self
                .lenient_count("totalSamplesReceived", bounds::COUNTER.max)
                .map(|count| count as i64),
            quality_limitation_reason: limitation,
            selected,
            local_candidate_type: self.word("localCandidateType", &candidate_types),
            remote_candidate_type: self.word("remoteCandidateType", &candidate_types),
            local_protocol: self.word("localProtocol", &["udp", "tcp", "tls"]),
            local_relay_protocol: self.word("localRelayProtocol", &["udp", "tcp", "tls"]),
            available_outgoing_bitrate_bps: self.lenient_real("availableOutgoingBitrate"),
        })
    }
}

/// A packet counter as it is stored (migrations/0023): the wire accepts
/// counters up to 2^53, the store holds them within an integer, and one
/// past it stays at its bound, so that the stream reads as flat.
fn stored_count(count: i64) -> i32 {
    i32::try_from(count).unwrap_or(if count < 0 { i32::MIN } else { i32::MAX })
}

/// Stats submission: stores every report of one poll of one fabric.
///
/// The hot path, so it takes no transaction and writes no idempotency row
/// (the `Idempotency-Key` is checked by [`Authorized`] as for every write):
/// the endpoint and fabric come from memory after their first use, and the
/// samples go into one insert that is idempotent by itself (a retried body
/// yields the same `(fabric, time)` poll, which are skipped) and whose
/// answer never varies. Submissions arriving together share that insert
/// ([`StatsWriter`](super::stats_writer::StatsWriter)); it commits before
/// any of them is answered.
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/stats", tag = "Stats submission",
    params(EndpointPath), request_body = StatsBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn submit(
    State(state): State<AppState>,
    request: Authorized<EndpointPath, StatsBody>,
) -> Result<Response, AppError> {
    let Authorized { caller, path, body, at, .. } = request;
    let stats_timestamp = body.stats.timestamp;
    let samples = body.stats.into_samples()?;
    let sampled_at = match stats_timestamp {
        Some(timestamp) => timestamp.to_datetime("stats.timestamp")?,
        None => at,
    };
    // A client clock far ahead would file rows under a future day.
    let sampled_at = sampled_at.min(chrono::Utc::now() + chrono::Duration::minutes(1));

    let (pool, lookups) = (&state.pool, &state.lookups);
    let endpoint = known_endpoint(&state, &caller, &path).await?;
    state.quotas.charge(endpoint.id, Kind::Samples, samples.len())?;
    state.activity.note(pool, endpoint.instance_id, at).await;
    let fabric_id =
        lookups.fabric(pool, endpoint.id, endpoint.instance_id, &body.connection_id, &body.remote_id, at).await?;
    state.stats_writer.write(Poll { fabric_id, sampled_at, samples }).await?;
    state.activity.stored(endpoint.instance_id, at);
    state.progress.seen(&state.pool, endpoint.app_id, "stats");
    Ok(Json(json!({ "status": "success", "msg": "stats received" })).into_response())
}
