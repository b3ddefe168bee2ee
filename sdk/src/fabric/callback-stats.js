// What csStatsCallback receives for a fabric after each poll: its path and
// one summary per SSRC, in the units the callstats.js docs give (ms, 0–1).

import { selectedPairOf } from '../getstats.js';
import { pcState } from './states.js';

/** @typedef {import('../getstats.js').StatsReport} StatsReport */
/** @typedef {import('../types.js').FabricStats} FabricStats */
/** @typedef {import('../types.js').StreamStats} StreamStats */

/**
 * What csStatsCallback receives: the fabric, its path and one entry per SSRC.
 * The figures are the browser's, as it reported them.
 * @param {import('./fabric.js').Fabric} fabric
 * @param {import('../getstats.js').Snapshot} snapshot
 * @param {import('./stats.js').StatsBody} stats the body sent for this poll
 * @param {Map<unknown, number | undefined>} losses inbound streams' loss since the previous poll, by report id
 * @returns {FabricStats}
 */
export function fabricStats(fabric, snapshot, stats, losses) {
  const selected = selectedPairOf(snapshot);
  const local = selected && snapshot.byId.get(selected.localCandidateId);
  const remote = selected && snapshot.byId.get(selected.remoteCandidateId);
  /** @type {Map<string, StatsReport>} */
  const remoteReports = new Map();
  for (const type of ['remote-inbound-rtp', 'remote-outbound-rtp']) {
    for (const report of snapshot.of(type)) remoteReports.set(`${type}:${report.ssrc}`, report);
  }
  const pairRtt = selected && typeof selected.currentRoundTripTime === 'number'
    ? selected.currentRoundTripTime * 1000 : undefined;
  /** @type {Record<string, StreamStats>} */
  const streams = {};
  for (const track of stats.tracks) {
    if (track.type !== 'inbound-rtp' && track.type !== 'outbound-rtp') continue;
    streams[String(track.ssrc)] = streamSummary(fabric, losses, track, remoteReports, pairRtt);
  }
  return /** @type {FabricStats} */ ({
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
  });
}

/**
 * @param {import('./fabric.js').Fabric} fabric
 * @param {Map<unknown, number | undefined>} losses
 * @param {Record<string, unknown>} track an RTP report of the stats body
 * @param {Map<string, StatsReport>} remoteReports the remote-inbound and remote-outbound reports, by type and SSRC
 * @param {number | undefined} pairRtt the selected pair's round-trip time, ms
 * @returns {StreamStats}
 */
function streamSummary(fabric, losses, track, remoteReports, pairRtt) {
  const inbound = track.type === 'inbound-rtp';
  const override = fabric.ssrcs.overrides.get(String(track.ssrc));
  const summary = /** @type {StreamStats} */ ({
    reportType: inbound ? 'inbound' : 'outbound',
    mediaType: track.kind || track.mediaType,
    ssrc: String(track.ssrc),
    bitrate: track.bitrate,
    framesPerSecond: track.framesPerSecond,
    frameWidth: track.frameWidth,
    frameHeight: track.frameHeight,
    userID: override ? override.userID : (inbound ? fabric.remoteUserID : fabric.session.localUserID),
    usageLabel: override ? override.usageLabel : undefined,
  });
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
    /** @type {Record<string, unknown>} */
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
