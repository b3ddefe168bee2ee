//! Stats series of one fabric: what `getStats()` would report every 10 s
//! for an inbound audio and an inbound video track and the nominated
//! candidate pair, with the network's bad moments (bursts of packet loss,
//! jitter spikes, a rising round-trip time) laid over a steady baseline.

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

/// How good a call's network is; sets the baseline and the bad moments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    /// Clean: the odd small jitter spike.
    Good,
    /// A short loss burst.
    Fair,
    /// Loss bursts, a jitter spike and a rising RTT.
    Poor,
    /// Heavy loss, large jitter, RTT climbing far.
    Bad,
}

/// A bad moment of the network, in seconds from the start of the series.
#[derive(Debug, Clone, Copy)]
enum Episode {
    /// This fraction of packets is lost.
    Loss { from: f64, to: f64, fraction: f64 },
    /// Jitter rises by this many ms.
    Jitter { from: f64, to: f64, extra_ms: f64 },
    /// RTT climbs linearly by up to this many ms, and stays there.
    RttRise { from: f64, to: f64, extra_ms: f64 },
}

/// The counters of one fabric's inbound streams, advanced sample by sample.
#[derive(Debug, Clone)]
pub struct StatsSeries {
    audio_ssrc: u32,
    video_ssrc: u32,
    pair_id: String,
    base_rtt_ms: f64,
    base_jitter_ms: f64,
    base_loss: f64,
    video_bps: f64,
    episodes: Vec<Episode>,
    audio: Counters,
    video: Counters,
    bytes_sent: u64,
    last_s: f64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counters {
    received: u64,
    lost: u64,
    bytes: u64,
}

/// Audio packets per second (20 ms Opus frames).
const AUDIO_PPS: f64 = 50.0;
const AUDIO_BPS: f64 = 32_000.0;

impl StatsSeries {
    /// A series of `seconds` length over a network of `quality`, receiving
    /// the streams `audio_ssrc` and `video_ssrc`.
    pub fn new(quality: Quality, seconds: f64, audio_ssrc: u32, video_ssrc: u32, rng: &mut StdRng) -> Self {
        let (rtt, jitter, loss) = match quality {
            Quality::Good => (rng.random_range(20.0..80.0), rng.random_range(2.0..6.0), rng.random_range(0.0..0.002)),
            Quality::Fair => {
                (rng.random_range(60.0..150.0), rng.random_range(5.0..15.0), rng.random_range(0.002..0.01))
            }
            Quality::Poor => {
                (rng.random_range(120.0..250.0), rng.random_range(10.0..30.0), rng.random_range(0.01..0.03))
            }
            Quality::Bad => {
                (rng.random_range(200.0..400.0), rng.random_range(20.0..50.0), rng.random_range(0.03..0.06))
            }
        };
        Self {
            audio_ssrc,
            video_ssrc,
            pair_id: format!("CP{:08x}_{:08x}", rng.random::<u32>(), rng.random::<u32>()),
            base_rtt_ms: rtt,
            base_jitter_ms: jitter,
            base_loss: loss,
            video_bps: rng.random_range(800_000.0..2_500_000.0),
            episodes: episodes(quality, seconds, rng),
            audio: Counters::default(),
            video: Counters::default(),
            bytes_sent: 0,
            last_s: 0.0,
        }
    }

    /// The `stats` object of the poll `at_s` seconds into the series
    /// (`timestamp_ms` is its wire time): polls must come in time order.
    pub fn sample(&mut self, at_s: f64, timestamp_ms: f64, rng: &mut StdRng) -> Value {
        let interval = (at_s - self.last_s).max(1.0);
        self.last_s = at_s;
        let loss = (self.base_loss * rng.random_range(0.5..1.5) + self.extra(at_s, Kind::Loss)).min(0.6);
        let jitter_ms = self.base_jitter_ms * rng.random_range(0.8..1.2) + self.extra(at_s, Kind::Jitter);
        let rtt_ms = self.base_rtt_ms * rng.random_range(0.9..1.1) + self.extra(at_s, Kind::Rtt);
        // Congestion control backs off while packets are lost.
        let video_bps = self.video_bps * (1.0 - 2.0 * loss).max(0.15) * rng.random_range(0.9..1.05);
        let frames = if loss > 0.1 { rng.random_range(8.0..18.0) } else { rng.random_range(27.0..30.0_f64) };
        let (width, height) = if video_bps < 600_000.0 { (640, 360) } else { (1280, 720) };
        let video_pps = video_bps / 8.0 / 1100.0;

        let audio = advance(&mut self.audio, AUDIO_PPS * interval, loss, AUDIO_BPS * interval / 8.0);
        let video = advance(&mut self.video, video_pps * interval, loss, video_bps * interval / 8.0);
        self.bytes_sent += ((AUDIO_BPS + video_bps) * interval / 8.0) as u64;
        json!({
            "timestamp": timestamp_ms,
            "tracks": [
                {
                    "id": format!("IT01A{}", self.audio_ssrc), "type": "inbound-rtp", "reportType": "inbound",
                    "kind": "audio", "ssrc": self.audio_ssrc, "packetsReceived": audio.received,
                    "packetsLost": audio.lost, "bytesReceived": audio.bytes, "fractionLost": round(loss, 4),
                    "jitter": round(jitter_ms / 1000.0, 5), "bitrate": round(AUDIO_BPS * (1.0 - loss), 0),
                    "audioLevel": round(rng.random_range(0.01..0.4), 3), "codecId": "CIT01_111",
                },
                {
                    "id": format!("IT01V{}", self.video_ssrc), "type": "inbound-rtp", "reportType": "inbound",
                    "kind": "video", "ssrc": self.video_ssrc, "packetsReceived": video.received,
                    "packetsLost": video.lost, "bytesReceived": video.bytes, "fractionLost": round(loss, 4),
                    "jitter": round(jitter_ms * 1.3 / 1000.0, 5), "bitrate": round(video_bps, 0),
                    "framesPerSecond": round(frames, 1), "frameWidth": width, "frameHeight": height,
                    "codecId": "CIT01_96",
                },
            ],
            "candidatePairs": [{
                "id": self.pair_id, "type": "candidate-pair", "state": "succeeded", "nominated": true,
                "currentRoundTripTime": round(rtt_ms / 1000.0, 4),
                "availableOutgoingBitrate": round(video_bps * 1.2 + AUDIO_BPS, 0),
                "bytesSent": self.bytes_sent, "bytesReceived": audio.bytes + video.bytes,
            }],
        })
    }

    fn extra(&self, at_s: f64, kind: Kind) -> f64 {
        self.episodes
            .iter()
            .map(|episode| match (*episode, kind) {
                (Episode::Loss { from, to, fraction }, Kind::Loss) if (from..to).contains(&at_s) => fraction,
                (Episode::Jitter { from, to, extra_ms }, Kind::Jitter) if (from..to).contains(&at_s) => extra_ms,
                (Episode::RttRise { from, to, extra_ms }, Kind::Rtt) if at_s >= from => {
                    extra_ms * ((at_s - from) / (to - from)).min(1.0)
                }
                _ => 0.0,
            })
            .sum()
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Loss,
    Jitter,
    Rtt,
}

fn advance(counters: &mut Counters, expected: f64, loss: f64, bytes: f64) -> Counters {
    let lost = (expected * loss).round() as u64;
    counters.received += (expected.round() as u64).saturating_sub(lost);
    counters.lost += lost;
    counters.bytes += (bytes * (1.0 - loss)) as u64;
    *counters
}

fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

/// The bad moments of a series of `seconds`, as `quality` makes them.
fn episodes(quality: Quality, seconds: f64, rng: &mut StdRng) -> Vec<Episode> {
    let mut window = |length: f64| {
        let length = length.min(seconds * 0.6);
        let from = rng.random_range(0.0..(seconds - length).max(1.0));
        (from, from + length)
    };
    let mut episodes = Vec::new();
    let (bursts, burst_loss, jitter_ms, rtt_rise_ms) = match quality {
        Quality::Good => (0, 0.0, 15.0, 0.0),
        Quality::Fair => (1, 0.05, 20.0, 0.0),
        Quality::Poor => (2, 0.12, 60.0, 220.0),
        Quality::Bad => (3, 0.25, 110.0, 500.0),
    };
    for _ in 0..bursts {
        let (from, to) = window(30.0);
        episodes.push(Episode::Loss { from, to, fraction: burst_loss });
    }
    let (from, to) = window(20.0);
    episodes.push(Episode::Jitter { from, to, extra_ms: jitter_ms });
    if rtt_rise_ms > 0.0 {
        let (from, to) = window(60.0);
        episodes.push(Episode::RttRise { from, to, extra_ms: rtt_rise_ms });
    }
    episodes
}

/// A stats submission body (`statsData`) carrying `stats`.
pub fn stats_body(
    local_id: &str,
    device_id: &str,
    connection_id: &str,
    remote_id: &str,
    timestamp_ms: f64,
    stats: Value,
) -> Value {
    json!({
        "localID": local_id, "deviceID": device_id, "timestamp": timestamp_ms,
        "connectionID": connection_id, "remoteID": remote_id, "stats": stats,
    })
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    fn series(quality: Quality) -> Vec<Value> {
        let mut rng = StdRng::seed_from_u64(3);
        let mut series = StatsSeries::new(quality, 180.0, 1111, 2222, &mut rng);
        (1..=18).map(|step| series.sample(f64::from(step) * 10.0, 1e12, &mut rng)).collect()
    }

    fn figure(samples: &[Value], pick: impl Fn(&Value) -> f64) -> f64 {
        samples.iter().map(pick).fold(0.0, f64::max)
    }

    #[test]
    fn a_bad_network_shows_loss_bursts_jitter_spikes_and_a_rising_rtt() {
        let (good, bad) = (series(Quality::Good), series(Quality::Bad));
        let loss = |sample: &Value| sample["tracks"][0]["fractionLost"].as_f64().unwrap_or_default();
        let jitter = |sample: &Value| sample["tracks"][0]["jitter"].as_f64().unwrap_or_default();
        let rtt = |sample: &Value| sample["candidatePairs"][0]["currentRoundTripTime"].as_f64().unwrap_or_default();
        assert!(figure(&bad, loss) >= 0.2 && figure(&good, loss) < 0.01);
        assert!(figure(&bad, jitter) > 0.1 && figure(&good, jitter) < 0.03);
        assert!(figure(&bad, rtt) > 0.6 && figure(&good, rtt) < 0.1);
    }

    #[test]
    fn counters_only_grow() {
        let samples = series(Quality::Poor);
        for pair in samples.windows(2) {
            for (track, field) in [(0, "packetsReceived"), (0, "packetsLost"), (1, "packetsReceived")] {
                let read = |sample: &Value| sample["tracks"][track][field].as_u64().unwrap_or_default();
                assert!(read(&pair[1]) >= read(&pair[0]), "{field} went down");
            }
        }
        assert!(samples.last().is_some_and(|last| last["tracks"][0]["packetsLost"].as_u64() > Some(0)));
    }
}
