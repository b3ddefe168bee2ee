// Reading getStats()

import { LIMITS } from './limits.js';
import { utf8Bytes } from './text.js';

export const RTP_TYPES = ['inbound-rtp', 'outbound-rtp', 'remote-inbound-rtp', 'remote-outbound-rtp'];
export const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'];

// Figures the collector extracts and checks: non-negative numbers
// (fractions at most 1), non-negative integers for counts and pixels.
const NON_NEGATIVE = ['roundTripTime', 'currentRoundTripTime', 'jitter', 'bitrate', 'framesPerSecond'];
const COUNTS = ['packetsReceived', 'packetsSent', 'frameWidth', 'frameHeight'];

/** A report copied with only its plain values (no nested objects). */
export function flatReport(report) {
  const copy = {};
  for (const key of Object.keys(report)) {
    const value = report[key];
    if (typeof value === 'number' ? Number.isFinite(value) : (typeof value === 'string' || typeof value === 'boolean')) {
      copy[key] = value;
    }
  }
  return copy;
}

/** Drops figures a browser reported out of range, so one odd value cannot refuse a whole poll. */
export function sanitizeReport(report) {
  for (const key of NON_NEGATIVE) {
    if (key in report && !(report[key] >= 0)) delete report[key];
  }
  for (const key of COUNTS) {
    if (key in report && !(Number.isInteger(report[key]) && report[key] >= 0)) delete report[key];
  }
  if ('fractionLost' in report && !(report.fractionLost >= 0 && report.fractionLost <= 1)) delete report.fractionLost;
  if ('packetsLost' in report && !Number.isInteger(report.packetsLost)) delete report.packetsLost;
  if ('ssrc' in report && !(Number.isInteger(report.ssrc) && report.ssrc >= 0 && report.ssrc <= 0xffffffff)) {
    delete report.ssrc;
  }
  if (typeof report.id === 'string' && utf8Bytes(report.id) > LIMITS.idBytes) delete report.id;
  return report;
}

/** One getStats() result, indexed. */
export function snapshotOf(reports, at) {
  const byId = new Map();
  const byType = new Map();
  for (const report of reports) {
    if (!report || typeof report.type !== 'string') continue;
    if (typeof report.id === 'string') byId.set(report.id, report);
    if (!byType.has(report.type)) byType.set(report.type, []);
    byType.get(report.type).push(report);
  }
  return { at, byId, of: (type) => byType.get(type) || [] };
}

export function selectedPairOf(snapshot) {
  for (const transport of snapshot.of('transport')) {
    const pair = snapshot.byId.get(transport.selectedCandidatePairId);
    if (pair) return pair;
  }
  const pairs = snapshot.of('candidate-pair');
  return pairs.find((pair) => pair.selected === true)
    || pairs.find((pair) => pair.nominated === true && pair.state === 'succeeded')
    || null;
}

export function relayTypeOf(local) {
  const protocol = String(local.relayProtocol || '').toLowerCase();
  return local.candidateType === 'relay' && ['udp', 'tcp', 'tls'].includes(protocol) ? `turn/${protocol}` : '';
}

function portOf(candidate) {
  return Number.isInteger(candidate.port) && candidate.port >= 0 && candidate.port <= 65535 ? candidate.port : 0;
}

/** A candidate pair as the collector's iceCandidatesObj, or null when the browser left out its candidates. */
export function wirePair(pair, snapshot) {
  if (!pair) return null;
  const local = snapshot.byId.get(pair.localCandidateId);
  const remote = snapshot.byId.get(pair.remoteCandidateId);
  if (!local || !remote) return null;
  if (!CANDIDATE_TYPES.includes(local.candidateType) || !CANDIDATE_TYPES.includes(remote.candidateType)) return null;
  const protocol = String(local.protocol || '').toLowerCase() === 'tcp' ? 'tcp' : 'udp';
  return {
    candidateID: String(pair.id),
    localAddress: String(local.address || local.ip || ''),
    localPort: portOf(local),
    localCandidateType: local.candidateType,
    remoteAddress: String(remote.address || remote.ip || ''),
    remotePort: portOf(remote),
    remoteCandidateType: remote.candidateType,
    transportType: relayTypeOf(local) || protocol,
    protocol,
  };
}

/**
 * The candidate lists of fabricSetup: every local candidate, and every
 * remote one, each through the best pair it is part of (the selected
 * pair first).
 */
export function candidateLists(snapshot) {
  const selected = selectedPairOf(snapshot);
  const pairs = snapshot.of('candidate-pair').slice().sort((a, b) => {
    const rank = (pair) => (pair === selected ? 0 : pair.state === 'succeeded' ? 1 : 2);
    return rank(a) - rank(b);
  });
  const byLocal = new Map();
  const byRemote = new Map();
  for (const pair of pairs) {
    const wire = wirePair(pair, snapshot);
    if (!wire) continue;
    if (!byLocal.has(pair.localCandidateId)) byLocal.set(pair.localCandidateId, wire);
    if (!byRemote.has(pair.remoteCandidateId)) byRemote.set(pair.remoteCandidateId, wire);
  }
  return {
    localCandidates: Array.from(byLocal.values()).slice(0, LIMITS.itemsPerArray),
    remoteCandidates: Array.from(byRemote.values()).slice(0, LIMITS.itemsPerArray),
  };
}

/** A candidate-pair report with its candidates' type, protocol and address. */
export function pairReport(pair, snapshot, selected) {
  const copy = sanitizeReport(flatReport(pair));
  copy.selected = pair === selected;
  for (const [side, id] of [['local', pair.localCandidateId], ['remote', pair.remoteCandidateId]]) {
    const candidate = snapshot.byId.get(id);
    if (!candidate) continue;
    for (const field of ['candidateType', 'protocol', 'address', 'port', 'relayProtocol', 'networkType', 'url']) {
      const value = field === 'address' ? (candidate.address || candidate.ip) : candidate[field];
      if (value !== undefined && value !== null) {
        copy[`${side}${field.charAt(0).toUpperCase()}${field.slice(1)}`] = value;
      }
    }
  }
  return copy;
}
