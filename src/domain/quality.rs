//! An objective quality score of one media stream on the MOS scale (1..5),
//! from what `getStats()` measures: round-trip time, jitter, packet loss
//! and, for video, frame rate and height.
//!
//! Audio follows the ITU-T G.107 E-model in the simplified form of Cole &
//! Rosenbluth (2001); video starts from the same network score and is
//! lowered for low frame rate and low resolution. See `docs/quality.md` for
//! the formulas, the constants and their limits.

/// Basic signal-to-noise ratio of the E-model with every G.107 default
/// (R₀ − Is = 93.2): the R factor of a perfect connection.
pub const R_MAX: f64 = 93.2;
/// One-way delay (ms) added by the codec frame and packetisation (Opus at
/// 20 ms frames), on top of the network and jitter-buffer delay.
pub const CODEC_DELAY_MS: f64 = 20.0;
/// How many times the jitter the receiver's jitter buffer holds back.
pub const JITTER_BUFFER_FACTOR: f64 = 2.0;
/// Equipment impairment Ie of the codec without loss. Opus at speech rates
/// is taken as transparent, like G.711 (Ie = 0 in G.113 Appendix I).
pub const IE_CODEC: f64 = 0.0;
/// Packet-loss robustness factor Bpl. Opus is not in G.113; 10 lies between
/// G.711 without (4.3) and with (25.1) packet-loss concealment, a
/// deliberately cautious choice so that loss shows in the score.
pub const BPL: f64 = 10.0;
/// Burst ratio: 1 means random (independent) loss, all `getStats()` gives.
pub const BURST_R: f64 = 1.0;
/// Highest MOS the E-model can give (R = 100 maps to 4.5).
pub const MOS_MAX: f64 = 4.5;
/// Frame rate (fps) from which video motion counts as fully smooth.
pub const SMOOTH_FRAME_RATE: f64 = 24.0;
/// Frame height (pixels) from which video counts as fully sharp (720p).
pub const SHARP_FRAME_HEIGHT: f64 = 720.0;

/// The largest round-trip time (ms) taken as a measurement: a minute. A
/// figure beyond a plausibility bound cannot come from a working network
/// stack (a broken or hostile client sent it), so a summary leaves it out
/// rather than let it skew the score or overflow the mean.
pub const PLAUSIBLE_RTT_MS: f64 = 60_000.0;
/// The largest jitter (ms) taken as a measurement: a minute.
pub const PLAUSIBLE_JITTER_MS: f64 = 60_000.0;
/// The largest frame rate (fps) taken as a measurement.
pub const PLAUSIBLE_FRAME_RATE: f64 = 1_000.0;

/// How a score reads: the bands the dashboard colours and the overview counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// Below 3: most users notice and many complain.
    Poor,
    /// 3 to 4: noticeable but usable.
    Fair,
    /// 4 and above.
    Good,
}

impl Band {
    /// Every band, worst first.
    pub const ALL: [Band; 3] = [Band::Poor, Band::Fair, Band::Good];

    /// The band of `score`.
    pub fn of(score: f64) -> Band {
        if score >= 4.0 {
            Band::Good
        } else if score >= 3.0 {
            Band::Fair
        } else {
            Band::Poor
        }
    }

    /// Its name, also its CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Poor => "poor",
            Band::Fair => "fair",
            Band::Good => "good",
        }
    }

    /// Its name with its range, for charts.
    pub fn label(self) -> &'static str {
        match self {
            Band::Poor => "poor (< 3)",
            Band::Fair => "fair (3–4)",
            Band::Good => "good (≥ 4)",
        }
    }
}

/// Audio or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A voice stream.
    Audio,
    /// A camera or screen stream.
    Video,
}

impl MediaKind {
    /// The kind as `getStats()` spells it (`audio` / `video`).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }

    /// Reads `audio` or `video`; anything else is `None`.
    pub fn parse(kind: &str) -> Option<Self> {
        match kind {
            "audio" => Some(MediaKind::Audio),
            "video" => Some(MediaKind::Video),
            _ => None,
        }
    }
}

/// What was measured on one stream, typically averaged over its samples.
/// A missing figure is taken as perfect (no delay, no loss, smooth and
/// sharp video): the score only ever reflects what was measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamFigures {
    /// Round-trip time, ms.
    pub rtt_ms: Option<f64>,
    /// Interarrival jitter, ms.
    pub jitter_ms: Option<f64>,
    /// Share of packets lost, 0..1.
    pub loss_fraction: Option<f64>,
    /// Audio or video.
    pub media_kind: MediaKind,
    /// Frames per second (video only).
    pub frame_rate: Option<f64>,
    /// Frame height in pixels (video only).
    pub frame_height: Option<i32>,
}

impl StreamFigures {
    /// Whether anything the score depends on was measured.
    fn measured(&self) -> bool {
        let network = self.rtt_ms.is_some() || self.jitter_ms.is_some() || self.loss_fraction.is_some();
        let picture = self.frame_rate.is_some() || self.frame_height.is_some();
        network || (self.media_kind == MediaKind::Video && picture)
    }
}

/// The stream's score, 1 (bad) to 4.5 (the best a network allows); `None`
/// when nothing it depends on was measured.
pub fn score(figures: &StreamFigures) -> Option<f64> {
    if !figures.measured() {
        return None;
    }
    let network = mos_from_r(r_factor(figures.rtt_ms, figures.jitter_ms, figures.loss_fraction));
    Some(match figures.media_kind {
        MediaKind::Audio => network,
        MediaKind::Video => {
            let picture = frame_rate_factor(figures.frame_rate) * resolution_factor(figures.frame_height);
            // Scale the distance above the floor, so the result stays in 1..network.
            1.0 + (network - 1.0) * picture
        }
    })
}

/// E-model transmission rating R (0..100) from network figures; missing
/// ones count as perfect.
pub fn r_factor(rtt_ms: Option<f64>, jitter_ms: Option<f64>, loss_fraction: Option<f64>) -> f64 {
    let rtt = non_negative(rtt_ms);
    let jitter = non_negative(jitter_ms);
    let mouth_to_ear = rtt / 2.0 + JITTER_BUFFER_FACTOR * jitter + CODEC_DELAY_MS;
    let loss_percent = non_negative(loss_fraction).min(1.0) * 100.0;
    (R_MAX - delay_impairment(mouth_to_ear) - loss_impairment(loss_percent)).clamp(0.0, 100.0)
}

/// Delay impairment Id for a one-way mouth-to-ear delay `d` in ms
/// (Cole & Rosenbluth): 0.024·d, plus 0.11·(d − 177.3) beyond 177.3 ms.
pub fn delay_impairment(d: f64) -> f64 {
    0.024 * d + if d > 177.3 { 0.11 * (d - 177.3) } else { 0.0 }
}

/// Effective equipment impairment Ie,eff (G.107) for `loss_percent` (Ppl,
/// 0..100) of packets lost.
pub fn loss_impairment(loss_percent: f64) -> f64 {
    let ppl = loss_percent.clamp(0.0, 100.0);
    IE_CODEC + (95.0 - IE_CODEC) * ppl / (ppl / BURST_R + BPL)
}

/// G.107 mapping of R to MOS, clamped to 1..[`MOS_MAX`].
pub fn mos_from_r(r: f64) -> f64 {
    let r = r.clamp(0.0, 100.0);
    (1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r)).clamp(1.0, MOS_MAX)
}

/// 1 at [`SMOOTH_FRAME_RATE`] or above, falling with the square root of the
/// rate to 0 for frozen video (which then scores 1).
fn frame_rate_factor(frame_rate: Option<f64>) -> f64 {
    // NaN would read as 0 fps (frozen): a non-finite rate is not measured.
    frame_rate.filter(|fps| fps.is_finite()).map_or(1.0, |fps| (fps.max(0.0) / SMOOTH_FRAME_RATE).min(1.0).sqrt())
}

/// 1 at [`SHARP_FRAME_HEIGHT`] or above, falling linearly to ½ at zero
/// height: a small picture is worse, but still shows who speaks.
fn resolution_factor(frame_height: Option<i32>) -> f64 {
    frame_height.map_or(1.0, |height| 0.5 + 0.5 * (f64::from(height.max(0)) / SHARP_FRAME_HEIGHT).min(1.0))
}

fn non_negative(figure: Option<f64>) -> f64 {
    figure.filter(|value| value.is_finite()).unwrap_or(0.0).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audio(rtt_ms: Option<f64>, jitter_ms: Option<f64>, loss_fraction: Option<f64>) -> StreamFigures {
        StreamFigures {
            rtt_ms,
            jitter_ms,
            loss_fraction,
            media_kind: MediaKind::Audio,
            frame_rate: None,
            frame_height: None,
        }
    }

    fn video(frame_rate: Option<f64>, frame_height: Option<i32>) -> StreamFigures {
        StreamFigures { media_kind: MediaKind::Video, frame_rate, frame_height, ..audio(Some(0.0), None, None) }
    }

    fn audio_score(rtt: f64, jitter: f64, loss: f64) -> f64 {
        score(&audio(Some(rtt), Some(jitter), Some(loss))).expect("measured")
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-3, "{actual} is not {expected}");
    }

    #[test]
    fn the_default_r_factor_maps_to_the_e_model_mos() {
        // 1 + 0.035·93.2 + 7e-6·93.2·33.2·6.8 = 1 + 3.262 + 0.1473
        assert_close(mos_from_r(R_MAX), 4.4093);
    }

    #[test]
    fn an_unimpaired_stream_scores_about_4_4() {
        // Only the codec delay is left: d = 20, Id = 0.48, R = 92.72.
        assert_close(r_factor(Some(0.0), Some(0.0), Some(0.0)), 92.72);
        assert_close(audio_score(0.0, 0.0, 0.0), 4.3998);
    }

    #[test]
    fn five_percent_random_loss_costs_about_1_25_mos() {
        // Ie,eff = 95·5 / (5/1 + 10) = 31.667; R = 93.2 − 0.48 − 31.667 = 61.053;
        // MOS = 1 + 0.035·61.053 + 7e-6·61.053·1.053·38.947 = 1 + 2.1369 + 0.0175 = 3.1544.
        assert_close(loss_impairment(5.0), 31.6667);
        assert_close(audio_score(0.0, 0.0, 0.05), 3.1544);
    }

    #[test]
    fn long_delay_crosses_the_177_ms_knee() {
        // RTT 600 ms: d = 300 + 20 = 320, Id = 7.68 + 0.11·142.7 = 23.377, R = 69.823.
        assert_close(delay_impairment(320.0), 23.377);
        assert_close(audio_score(600.0, 0.0, 0.0), 3.5887);
        // RTT 100 ms: d = 70, Id = 1.68, R = 91.52.
        assert_close(audio_score(100.0, 0.0, 0.0), 4.3744);
        assert!(audio_score(600.0, 0.0, 0.0) < audio_score(100.0, 0.0, 0.0));
    }

    #[test]
    fn jitter_counts_twice_as_buffering_delay() {
        // 50 ms of jitter delays as much as 200 ms more RTT.
        assert_close(audio_score(0.0, 50.0, 0.0), audio_score(200.0, 0.0, 0.0));
        assert!(audio_score(0.0, 50.0, 0.0) < audio_score(0.0, 0.0, 0.0));
    }

    #[test]
    fn more_loss_never_scores_higher() {
        let scores: Vec<f64> = (0..=100).map(|percent| audio_score(80.0, 5.0, f64::from(percent) / 100.0)).collect();
        assert!(scores.windows(2).all(|pair| pair[1] <= pair[0]), "{scores:?}");
        assert!(scores[0] > scores[100]);
    }

    #[test]
    fn scores_stay_within_the_mos_scale() {
        assert_close(audio_score(10_000.0, 1_000.0, 1.0), 1.0);
        assert_close(mos_from_r(-20.0), 1.0);
        assert_close(mos_from_r(150.0), MOS_MAX);
        // Out-of-range figures are read as the nearest possible value, a
        // non-finite one as not measured.
        assert_close(r_factor(Some(f64::INFINITY), Some(-5.0), Some(3.0)), r_factor(None, Some(0.0), Some(1.0)));
        assert_close(audio_score(-100.0, -1.0, -0.5), audio_score(0.0, 0.0, 0.0));
        let frozen = score(&video(Some(0.0), Some(0))).expect("measured");
        assert_close(frozen, 1.0);
        let unmeasured_rate = score(&video(Some(f64::NAN), Some(720))).expect("measured");
        assert_close(unmeasured_rate, score(&video(None, Some(720))).expect("measured"));
        let huge = score(&audio(Some(1e308), Some(1e308), None)).expect("measured");
        assert!(huge.is_finite(), "{huge}");
        assert_close(huge, 1.0);
    }

    #[test]
    fn missing_figures_count_as_perfect_and_nothing_measured_is_no_score() {
        assert_eq!(score(&audio(None, None, None)), None);
        assert_eq!(score(&StreamFigures { frame_rate: Some(30.0), ..audio(None, None, None) }), None);
        assert_close(score(&audio(None, None, Some(0.0))).expect("measured"), audio_score(0.0, 0.0, 0.0));
        let picture_only = StreamFigures { rtt_ms: None, ..video(Some(30.0), Some(720)) };
        assert_close(score(&picture_only).expect("measured"), audio_score(0.0, 0.0, 0.0));
    }

    #[test]
    fn smooth_sharp_video_scores_as_its_network() {
        let network = audio_score(0.0, 0.0, 0.0);
        assert_close(score(&video(Some(30.0), Some(1080))).expect("measured"), network);
        assert_close(score(&video(None, None)).expect("measured"), network);
    }

    #[test]
    fn low_frame_rate_and_low_resolution_lower_video() {
        let network = audio_score(0.0, 0.0, 0.0);
        // 6 fps: factor √(6/24) = ½; 360 p: factor ½ + ½·½ = ¾.
        assert_close(score(&video(Some(6.0), Some(720))).expect("measured"), 1.0 + (network - 1.0) * 0.5);
        assert_close(score(&video(Some(24.0), Some(360))).expect("measured"), 1.0 + (network - 1.0) * 0.75);
        let both = score(&video(Some(6.0), Some(360))).expect("measured");
        assert_close(both, 1.0 + (network - 1.0) * 0.375);
        assert!(both < score(&video(Some(6.0), Some(720))).expect("measured"));
    }

    #[test]
    fn media_kinds_parse_from_their_stats_spelling() {
        for kind in [MediaKind::Audio, MediaKind::Video] {
            assert_eq!(MediaKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MediaKind::parse("screen"), None);
    }
}
