//! What goes wrong in the demo's calls: `reportError` bodies with the DOM
//! errors browsers really give, the SDPs of the failed negotiation, and
//! application logs (one of them longer than the 20 KB that is kept).

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

/// Why a fabric's setup fails, and the error the application reports first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// ICE never connects (symmetric NAT, blocked UDP, no TURN): `iceConnectionFailure`.
    Transport,
    /// The answer does not apply: `setRemoteDescription`.
    Negotiation,
    /// No offer could be made: `createOffer`.
    SdpGeneration,
}

impl Failure {
    /// The `reason` of `fabricSetupFailed`.
    pub fn reason(self) -> &'static str {
        match self {
            Failure::Transport => "TransportFailure",
            Failure::Negotiation => "NegotiationFailure",
            Failure::SdpGeneration => "SDPGenerationError",
        }
    }

    /// How long after addNewFabric the failure is noticed, in ms.
    pub fn delay_ms(self, rng: &mut StdRng) -> f64 {
        match self {
            Failure::Transport => rng.random_range(8_000.0..30_000.0),
            Failure::Negotiation => rng.random_range(300.0..2_000.0),
            Failure::SdpGeneration => rng.random_range(50.0..300.0),
        }
    }

    /// The reportError fields (without the common header) for this failure on `connection_id`.
    pub fn report(self, connection_id: &str, remote_id: &str, ssrcs: (u32, u32), rng: &mut StdRng) -> Value {
        let offer = sdp("offer", ssrcs, rng);
        match self {
            Failure::Transport => json!({
                "connectionID": connection_id, "remoteID": remote_id, "wrtcFuncName": "iceConnectionFailure",
                "domError": { "name": "NetworkError", "message": "ICE connection state changed to failed" },
                "localSDP": offer, "remoteSDP": sdp("answer", (ssrcs.0 ^ 0x5a5a, ssrcs.1 ^ 0x5a5a), rng),
            }),
            Failure::Negotiation => json!({
                "connectionID": connection_id, "remoteID": remote_id, "wrtcFuncName": "setRemoteDescription",
                "domError": {
                    "name": "InvalidAccessError",
                    "message": "Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to set \
                                remote answer sdp: The order of m-lines in answer doesn't match order in offer. \
                                Rejecting answer.",
                },
                "localSDP": offer, "remoteSDP": sdp("answer", (ssrcs.1, ssrcs.0), rng),
            }),
            Failure::SdpGeneration => json!({
                "connectionID": connection_id, "remoteID": remote_id, "wrtcFuncName": "createOffer",
                "domError": {
                    "name": "OperationError",
                    "message": "Failed to execute 'createOffer' on 'RTCPeerConnection': Failed to create offer: \
                                no codec in common for m-section video",
                },
                "localSDP": offer,
            }),
        }
    }
}

/// A getUserMedia failure, which happens before any peer connection exists.
pub fn get_user_media(rng: &mut StdRng) -> Value {
    let dom_error = match rng.random_range(0..4) {
        0 => json!({ "name": "NotAllowedError", "message": "Permission denied" }),
        1 => json!({ "name": "NotFoundError", "message": "Requested device not found" }),
        2 => json!({ "name": "NotReadableError", "message": "Could not start video source" }),
        _ => json!({
            "name": "OverconstrainedError", "message": "Constraints could not be satisfied",
            "constraint": "deviceId",
        }),
    };
    json!({ "connectionID": null, "wrtcFuncName": "getUserMedia", "domError": dom_error })
}

/// An application log; `long` makes one over 20 KB, which the collector truncates.
pub fn application_log(connection_id: &str, long: bool, rng: &mut StdRng) -> Value {
    const LINES: &[&str] = &[
        "signaling: websocket closed (1006), reconnecting in 2 s",
        "signaling: reconnected, resubscribing to room",
        "media: switching camera to 'FaceTime HD Camera (Built-in)'",
        "media: audio output device changed to 'Jabra Evolve2 65'",
        "ui: network warning banner shown (packet loss > 5%)",
        "signaling: ICE restart requested by the server",
    ];
    let count = if long { 400 } else { rng.random_range(3..8) };
    let message: Vec<String> = (0..count)
        .map(|line| format!("[{:05}] {} — приложение/アプリ", line, LINES[rng.random_range(0..LINES.len())]))
        .collect();
    json!({ "connectionID": connection_id, "wrtcFuncName": "applicationLog", "message": message.join("\n") })
}

/// A plausible SDP (`offer` or `answer`) sending audio and video with `ssrcs`.
pub fn sdp(kind: &str, (audio_ssrc, video_ssrc): (u32, u32), rng: &mut StdRng) -> String {
    let session: u64 = rng.random_range(1_000_000_000_000_000..9_000_000_000_000_000);
    let ufrag = format!("{:08x}", rng.random::<u32>());
    let fingerprint: Vec<String> = (0..32).map(|_| format!("{:02X}", rng.random::<u8>())).collect();
    let setup = if kind == "offer" { "actpass" } else { "active" };
    let cname = format!("{:016x}", rng.random::<u64>());
    let media = |mid: u8, line: &str, rtpmap: &[&str], ssrc: u32| {
        let mut lines = vec![
            line.to_owned(),
            "c=IN IP4 0.0.0.0".to_owned(),
            "a=rtcp:9 IN IP4 0.0.0.0".to_owned(),
            format!("a=ice-ufrag:{ufrag}"),
            "a=ice-pwd:4Zcgt6V5rYq3YjQ0QhYoT3Zq".to_owned(),
            "a=ice-options:trickle".to_owned(),
            format!("a=fingerprint:sha-256 {}", fingerprint.join(":")),
            format!("a=setup:{setup}"),
            format!("a=mid:{mid}"),
            "a=sendrecv".to_owned(),
            "a=rtcp-mux".to_owned(),
        ];
        lines.extend(rtpmap.iter().map(|entry| format!("a=rtpmap:{entry}")));
        lines.push(format!("a=ssrc:{ssrc} cname:{cname}"));
        lines
    };
    let mut lines = vec![
        "v=0".to_owned(),
        format!("o=- {session} 2 IN IP4 127.0.0.1"),
        "s=-".to_owned(),
        "t=0 0".to_owned(),
        "a=group:BUNDLE 0 1".to_owned(),
        "a=msid-semantic: WMS".to_owned(),
    ];
    lines.extend(media(
        0,
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8",
        &["111 opus/48000/2", "63 red/48000/2"],
        audio_ssrc,
    ));
    lines.extend(media(
        1,
        "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98",
        &["96 VP8/90000", "97 rtx/90000", "98 VP9/90000"],
        video_ssrc,
    ));
    lines.push(String::new());
    lines.join("\r\n")
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn every_failure_reports_its_function_with_a_dom_error_and_an_sdp() {
        let mut rng = StdRng::seed_from_u64(5);
        for (failure, function) in [
            (Failure::Transport, "iceConnectionFailure"),
            (Failure::Negotiation, "setRemoteDescription"),
            (Failure::SdpGeneration, "createOffer"),
        ] {
            let report = failure.report("pc-1", "bob", (1, 2), &mut rng);
            assert_eq!(report["wrtcFuncName"], function);
            assert!(report["domError"]["name"].is_string());
            assert!(report["localSDP"].as_str().is_some_and(|sdp| sdp.starts_with("v=0\r\n")));
        }
    }

    #[test]
    fn the_long_application_log_is_over_twenty_kilobytes() {
        let mut rng = StdRng::seed_from_u64(5);
        let log = application_log("pc-1", true, &mut rng);
        assert!(log["message"].as_str().is_some_and(|text| text.len() > 20 * 1024));
        let short = application_log("pc-1", false, &mut rng);
        assert!(short["message"].as_str().is_some_and(|text| text.len() < 2048));
    }
}
