// What csStatsCallback receives for a fabric after each poll: its path and
// one summary per SSRC, in the units the callstats.js docs give (ms, 0–1).

import { selectedPairOf } from '../getstats.js';
import { pcState } from './states.js';

/** What csStatsCallback receives: the fabric, its path and one entry per SSRC. */
export function fabricStats(fabric, snapshot, stats, losses) {
  const selected = selectedPairOf(snapshot);
  const local = selected && snapshot.byId.get(selected.localCandidateId);
  const remote = selected && snapshot.byId.get(selected.remoteCandidateId);
  const remoteReports = new Map();
  for (const type of ['remote-inbound-rtp', 'remote-outbound-rtp']) {
    for (const report of snapshot.of(type)) remoteReports.set(`${type}:${report.ssrc}`, report);
  }
  const pairRtt = selected && typeof selected.currentRoundTripTime === 'number'
    ? selected.currentRoundTripTime * 1000 : undefined;
  const streams = {};
  for (const track of stats.tracks) {
    if (track.type !== 'inbound-rtp' && track.type !== 'outbound-rtp') continue;
    streams[String(track.ssrc)] = streamSummary(fabric, losses, track, remoteReports, pairRtt);
  }
  return {
    conferenceID: fabric.conference.id,
    connectionID: fabric.connectionID,
    remoteUserID: fabric.remoteUserID,
    fabricUsage: fabric.usage,
    timestamp: snapshot.at,
    iceConnectionState: pcState(fabric.pc, 'iceConnectionState'),
    connectionState: pcState(fabric.pc, 'connectionState'),
    rtt: pairRtt,
    transport: selected ? {
      localCandidateType: local && local.candidateType,
      remoteCandidateType: remote && remote.candidateType,
      protocol: local && local.protocol,
      relayProtocol: local && local.relayProtocol,
    } : undefined,
    streams,
  };
}

function streamSummary(fabric, losses, track, remoteReports, pairRtt) {
  const inbound = track.type === 'inbound-rtp';
  const override = fabric.ssrcs.overrides.get(String(track.ssrc));
  const summary = {
    reportType: inbound ? 'inbound' : 'outbound',
    mediaType: track.kind || track.mediaType,
    ssrc: String(track.ssrc),
    bitrate: track.bitrate,
    framesPerSecond: track.framesPerSecond,
    frameWidth: track.frameWidth,
    frameHeight: track.frameHeight,
    userID: override ? override.userID : (inbound ? fabric.remoteUserID : fabric.session.localUserID),
    usageLabel: override ? override.usageLabel : undefined,
  };
  if (inbound) {
    const remote = remoteReports.get(`remote-outbound-rtp:${track.ssrc}`);
    Object.assign(summary, {
      packetsReceived: track.packetsReceived,
      packetsLost: track.packetsLost,
      jitter: typeof track.jitter === 'number' ? track.jitter * 1000 : undefined,
      fractionLoss: losses.get(track.id),
      rtt: remote && typeof remote.roundTripTime === 'number' ? remote.roundTripTime * 1000 : pairRtt,
    });
  } else {
    const remote = remoteReports.get(`remote-inbound-rtp:${track.ssrc}`) || {};
    Object.assign(summary, {
      packetsSent: track.packetsSent,
      packetsLost: remote.packetsLost,
      jitter: typeof remote.jitter === 'number' ? remote.jitter * 1000 : undefined,
      fractionLoss: remote.fractionLost,
      rtt: typeof remote.roundTripTime === 'number' ? remote.roundTripTime * 1000 : pairRtt,
    });
  }
  return summary;
}
