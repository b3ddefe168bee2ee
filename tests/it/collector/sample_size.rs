//! Bytes per stats sample on disk, for a call sent through the collector
//! the way callstats.js sends it: every plain field of Chrome's getStats()
//! reports (seven RTP reports, two candidate pairs with their candidates'
//! addresses, the transport and four codecs), every 10 s for an hour, from
//! both ends of a two-party call.

use serde_json::{Value, json};
use sqlx::PgPool;

use super::{Collector, Joined, header, now_ms, with};

/// Polls sent per end: an hour at one every 10 s.
const POLLS: u32 = 360;

/// What the migrations 0022 and 0023 aim at (docs/benchmarks.md).
pub(super) const MAX_BYTES_PER_SAMPLE: f64 = 150.0;

/// The getStats() reports of one poll of one end, as the SDK's
/// `statsBody()` sends them; `n` advances the counters, `side` tells the
/// two ends' identifiers apart.
fn chrome_stats(side: u32, n: u32, at_ms: f64) -> Value {
    let (audio_in, video_in, audio_out, video_out) =
        (3_000_000_001 + side, 3_100_000_001 + side, 3_000_000_002 - side, 3_100_000_002 - side);
    let (k, n) = (u64::from(n), f64::from(n));
    let track =
        format!("{{{:08x}-5f2a-4c1b-9e3d-{:012x}}}", 0x1a2b_3c4d + side, 0x0fed_cba9_8765_u64 + u64::from(side));
    let tracks = vec![
        with(
            json!({ "id": format!("IT01A{audio_in}"), "timestamp": at_ms, "type": "inbound-rtp", "ssrc": audio_in,
          "kind": "audio", "transportId": "T01", "codecId": "CIT01_111_minptime=10;useinbandfec=1",
          "mediaType": "audio", "jitter": 0.004 + n % 3.0 / 1000.0, "packetsLost": k / 7,
          "trackIdentifier": track, "mid": "0", "remoteId": format!("ROA{audio_in}"),
          "packetsReceived": k * 500, "packetsDiscarded": 0, "fecPacketsReceived": 0, "fecPacketsDiscarded": 0,
          "bytesReceived": k * 40_000, "headerBytesReceived": k * 14_000,
          "lastPacketReceivedTimestamp": at_ms - 3.2, "jitterBufferDelay": n * 480.5,
          "jitterBufferTargetDelay": n * 470.1, "jitterBufferMinimumDelay": n * 300.7 }),
            json!({
          "jitterBufferEmittedCount": k * 480_000, "totalSamplesReceived": k * 480_000,
          "concealedSamples": k * 120, "silentConcealedSamples": k * 20, "concealmentEvents": k,
          "insertedSamplesForDeceleration": k * 30, "removedSamplesForAcceleration": k * 25,
          "audioLevel": 0.0213, "totalAudioEnergy": n * 0.0712, "totalSamplesDuration": k * 10,
          "playoutId": "AP", "estimatedPlayoutTimestamp": 3_910_000_000_000.0 + n * 10_000.0, "bitrate": 31_874 }),
        ),
        with(
            json!({ "id": format!("IT01V{video_in}"), "timestamp": at_ms, "type": "inbound-rtp", "ssrc": video_in,
          "kind": "video", "transportId": "T01", "codecId": "CIT01_96", "mediaType": "video",
          "jitter": 0.009 + n % 5.0 / 1000.0, "packetsLost": k / 3, "trackIdentifier": track, "mid": "1",
          "packetsReceived": k * 1_200, "bytesReceived": k * 1_250_000, "headerBytesReceived": k * 30_000,
          "lastPacketReceivedTimestamp": at_ms - 1.1, "jitterBufferDelay": n * 33.2,
          "jitterBufferTargetDelay": n * 31.9, "jitterBufferMinimumDelay": n * 20.4,
          "jitterBufferEmittedCount": k * 300 }),
            json!({ "framesReceived": k * 300, "frameWidth": 1280,
          "frameHeight": 720, "framesPerSecond": 30, "framesDecoded": k * 299, "keyFramesDecoded": 1 + k / 60,
          "framesDropped": k / 10, "totalDecodeTime": n * 0.912, "totalProcessingDelay": n * 12.4,
          "totalAssemblyTime": n * 0.31, "framesAssembledFromMultiplePackets": k * 290,
          "totalInterFrameDelay": n * 9.98, "totalSquaredInterFrameDelay": n * 0.34, "pauseCount": 0,
          "totalPausesDuration": 0, "freezeCount": k / 90, "totalFreezesDuration": (k / 90) as f64 * 0.4,
          "firCount": 0, "pliCount": k / 30, "nackCount": k * 2, "qpSum": k * 9_000,
          "decoderImplementation": "libvpx", "powerEfficientDecoder": false, "bitrate": 1_000_113 }),
        ),
        json!({ "id": format!("OT01A{audio_out}"), "timestamp": at_ms, "type": "outbound-rtp", "ssrc": audio_out,
          "kind": "audio", "transportId": "T01", "codecId": "COT01_111_minptime=10;useinbandfec=1",
          "mediaType": "audio", "packetsSent": k * 500, "bytesSent": k * 40_100, "headerBytesSent": k * 14_000,
          "retransmittedPacketsSent": 0, "retransmittedBytesSent": 0, "mediaSourceId": "SA1",
          "remoteId": format!("RIA{audio_out}"), "mid": "0", "targetBitrate": 32_000, "totalPacketSendDelay": n * 0.05,
          "nackCount": 0, "active": true, "bitrate": 32_080 }),
        with(
            json!({ "id": format!("OT01V{video_out}"), "timestamp": at_ms, "type": "outbound-rtp", "ssrc": video_out,
          "kind": "video", "transportId": "T01", "codecId": "COT01_96", "mediaType": "video",
          "packetsSent": k * 1_200, "bytesSent": k * 1_250_500, "headerBytesSent": k * 30_000,
          "retransmittedPacketsSent": k * 2, "retransmittedBytesSent": k * 2_400, "mediaSourceId": "SV2",
          "remoteId": format!("RIV{video_out}"), "mid": "1", "targetBitrate": 1_100_000 }),
            json!({ "framesEncoded": k * 300,
          "keyFramesEncoded": 1 + k / 60, "totalEncodeTime": n * 1.2, "totalEncodedBytesTarget": 0,
          "frameWidth": 1280, "frameHeight": 720, "framesPerSecond": 30, "framesSent": k * 300,
          "hugeFramesSent": 0, "totalPacketSendDelay": n * 0.4, "qualityLimitationReason": "none",
          "qualityLimitationResolutionChanges": 0, "encoderImplementation": "libvpx", "firCount": 0,
          "pliCount": k / 30, "nackCount": k / 5, "qpSum": k * 8_700, "active": true,
          "powerEfficientEncoder": false, "scalabilityMode": "L1T1", "bitrate": 1_000_400 }),
        ),
        json!({ "id": format!("RIA{audio_out}"), "timestamp": at_ms - 480.0, "type": "remote-inbound-rtp",
          "ssrc": audio_out, "kind": "audio", "transportId": "T01", "codecId": "COT01_111_minptime=10;useinbandfec=1",
          "jitter": 0.0041, "packetsLost": k / 7, "localId": format!("OT01A{audio_out}"),
          "roundTripTime": 0.042, "totalRoundTripTime": n * 0.042, "fractionLost": 0,
          "roundTripTimeMeasurements": k * 2 }),
        json!({ "id": format!("RIV{video_out}"), "timestamp": at_ms - 230.0, "type": "remote-inbound-rtp",
          "ssrc": video_out, "kind": "video", "transportId": "T01", "codecId": "COT01_96", "jitter": 0.0087,
          "packetsLost": k / 3, "localId": format!("OT01V{video_out}"), "roundTripTime": 0.043,
          "totalRoundTripTime": n * 0.043, "fractionLost": 0.0039, "roundTripTimeMeasurements": k * 10 }),
        json!({ "id": format!("ROA{audio_in}"), "timestamp": at_ms - 2_100.0, "type": "remote-outbound-rtp",
          "ssrc": audio_in, "kind": "audio", "transportId": "T01", "codecId": "CIT01_111_minptime=10;useinbandfec=1",
          "packetsSent": k * 500, "bytesSent": k * 40_100, "localId": format!("IT01A{audio_in}"),
          "remoteTimestamp": at_ms - 2_102.5, "reportsSent": k * 2, "roundTripTimeMeasurements": 0,
          "totalRoundTripTime": 0 }),
    ];
    let (local, remote) = (format!("{:08}", 12_345_678 + side), format!("{:08}", 87_654_321 - side));
    let pair = |id: &str, selected: bool, local_type: &str, address: &str, rtt: f64| {
        let pair = json!({ "id": id, "timestamp": at_ms, "type": "candidate-pair", "transportId": "T01",
          "localCandidateId": format!("I{local}"), "remoteCandidateId": format!("I{remote}"),
          "state": if selected { "succeeded" } else { "failed" }, "priority": 9_114_756_780_671_369_215_u64,
          "nominated": selected, "writable": selected, "packetsSent": k * 1_750, "packetsReceived": k * 1_760,
          "bytesSent": k * 1_300_000, "bytesReceived": k * 1_310_000, "totalRoundTripTime": n * 0.084,
          "currentRoundTripTime": rtt, "availableOutgoingBitrate": 2_480_000, "requestsReceived": k * 2,
          "requestsSent": k * 2 + 1, "responsesReceived": k * 2, "responsesSent": k * 2,
          "consentRequestsSent": k * 2, "packetsDiscardedOnSend": 0, "bytesDiscardedOnSend": 0,
          "lastPacketReceivedTimestamp": at_ms - 0.4, "lastPacketSentTimestamp": at_ms - 0.2 });
        with(
            pair,
            json!({ "selected": selected, "localCandidateType": local_type, "localProtocol": "udp",
          "localAddress": address, "localPort": 51_234 + side, "localNetworkType": "wifi",
          "remoteCandidateType": "srflx", "remoteProtocol": "udp", "remoteAddress": "198.51.100.23",
          "remotePort": 60_123 }),
        )
    };
    let codec = |id: &str, payload: u32, mime: &str, clock: u32, fmtp: Option<&str>| {
        let mut codec = json!({ "id": id, "timestamp": at_ms, "type": "codec", "transportId": "T01",
                                "payloadType": payload, "mimeType": mime, "clockRate": clock });
        if let Some(fmtp) = fmtp {
            codec["channels"] = json!(2);
            codec["sdpFmtpLine"] = json!(fmtp);
        }
        codec
    };
    let transport = json!({ "id": "T01", "timestamp": at_ms, "type": "transport", "bytesSent": k * 1_300_000,
            "bytesReceived": k * 1_310_000, "packetsSent": k * 1_750, "packetsReceived": k * 1_760,
            "dtlsState": "connected", "selectedCandidatePairId": format!("CP{local}_{remote}"),
            "localCertificateId": "CFA1:B2:C3:D4", "remoteCertificateId": "CF9F:8E:7D:6C", "tlsVersion": "FEFD",
            "dtlsCipher": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "dtlsRole": "client",
            "srtpCipher": "AES_CM_128_HMAC_SHA1_80", "selectedCandidatePairChanges": 1, "iceRole": "controlling",
            "iceLocalUsernameFragment": "a1B2", "iceState": "connected" });
    json!({
        "timestamp": at_ms,
        "tracks": tracks,
        "candidatePairs": [
            pair(&format!("CP{local}_{remote}"), true, "srflx", "203.0.113.7", 0.042),
            pair(&format!("CP{remote}_{local}"), false, "host", "192.168.1.23", 0.0),
        ],
        "transports": [transport],
        "codecs": [
            codec("CIT01_111_minptime=10;useinbandfec=1", 111, "audio/opus", 48_000, Some("minptime=10;useinbandfec=1")),
            codec("COT01_111_minptime=10;useinbandfec=1", 111, "audio/opus", 48_000, Some("minptime=10;useinbandfec=1")),
            codec("CIT01_96", 96, "video/VP8", 90_000, None),
            codec("COT01_96", 96, "video/VP8", 90_000, None),
        ],
    })
}

async fn send_call(collector: &Collector, joined: &Joined, side: u32, peer: &str, start_ms: f64) {
    for n in 1..=POLLS {
        let at_ms = start_ms + f64::from(n) * 10_000.0;
        let body = with(
            header(&joined.user),
            json!({ "connectionID": "pc-1", "remoteID": peer, "stats": chrome_stats(side, n, at_ms) }),
        );
        let response = collector.send(joined, "stats", &body).await;
        assert_eq!(response.status(), 200, "poll {n}: {}", response.text().await.unwrap_or_default());
    }
}

/// Bytes on disk (heap, indexes, TOAST, free-space and visibility maps, as
/// `pg_total_relation_size`) of the partitions holding samples, per sample
/// they hold; the samples; and the heap's and the indexes' share per sample.
///
/// Measured after a `vacuum`, as autovacuum leaves a day's partition, and
/// without the heap's free space that later samples fill. When several
/// writers insert at once, each fills a page of its own, and PostgreSQL
/// adds pages ahead of them: at any moment a few pages per writer stand
/// part empty. In a day's partition they weigh nothing per sample; in a
/// table of a few hundred pages, several bytes, by chance of timing. The
/// vacuum records their free space (in the free-space map, which the next
/// inserts read); what a page holds free below the room of one sample
/// (128 bytes) stays counted, as no sample will use it.
pub(super) async fn bytes_per_sample(pool: &PgPool) -> (f64, i64, f64, f64) {
    sqlx::query("vacuum stats_samples").execute(pool).await.expect("vacuum");
    sqlx::query("create extension if not exists pg_freespacemap").execute(pool).await.expect("pg_freespacemap");
    sqlx::query_as(
        "with parts as (
             select c.oid, (select count(*) from stats_samples s where s.tableoid = c.oid) as rows,
                    (select coalesce(sum(f.avail), 0) from pg_freespace(c.oid::regclass) f where f.avail >= 128)
                        as reusable
             from pg_inherits i join pg_class c on c.oid = i.inhrelid
             where i.inhparent = 'stats_samples'::regclass
         )
         select sum(pg_total_relation_size(oid) - reusable)::float8 / sum(rows), sum(rows)::bigint,
                sum(pg_relation_size(oid) - reusable)::float8 / sum(rows), sum(pg_indexes_size(oid))::float8 / sum(rows)
         from parts where rows > 0",
    )
    .fetch_one(pool)
    .await
    .expect("sizes")
}

#[sqlx::test]
async fn an_hour_of_a_chrome_call_costs_at_most_150_bytes_per_sample_on_disk(pool: PgPool) {
    let mut config = crate::common::test_config();
    // Two hours of polls arrive within seconds: no per-minute quota.
    config.quota_samples_per_minute = 0;
    let collector = Collector::spawn_with(config, pool).await;
    let (alice, bob) = (collector.join("sizes", "alice").await, collector.join("sizes", "bob").await);
    let start_ms = now_ms() - f64::from(POLLS + 1) * 10_000.0;
    tokio::join!(send_call(&collector, &alice, 0, "bob", start_ms), send_call(&collector, &bob, 1, "alice", start_ms));

    let (bytes, rows, heap, indexes) = bytes_per_sample(&collector.server.pool).await;
    assert_eq!(rows, i64::from(POLLS) * 2 * 14, "every object of every poll is a sample");
    println!("{rows} samples, {bytes:.1} bytes per sample on disk (heap {heap:.1}, indexes {indexes:.1})");
    assert!(bytes <= MAX_BYTES_PER_SAMPLE, "{bytes:.1} bytes per sample on disk");

    // What the detectors read survives: the selected pair's path, a video
    // stream's freezes, an audio stream's concealment.
    let (paths, freezes, concealed): (i64, i64, i64) = sqlx::query_as(
        "select count(*) filter (where selected and local_candidate_type = stats_code('candidate_type', 'srflx')
                                 and local_protocol = stats_code('protocol', 'udp')),
                count(*) filter (where freeze_count > 0 and total_freezes_duration_s > 0),
                count(*) filter (where concealed_samples > 0 and total_samples_received > 0)
         from stats_samples",
    )
    .fetch_one(&collector.server.pool)
    .await
    .expect("figures");
    assert_eq!(paths, i64::from(POLLS) * 2);
    assert!(freezes > 0 && concealed == i64::from(POLLS) * 2, "{freezes} {concealed}");
}
