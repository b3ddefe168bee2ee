// Reading getStats()

import { LIMITS } from './limits.js';
import { utf8Bytes } from './text.js';

/**
 * One report of a getStats() result as the SDK reads it: whatever the
 * browser put in it, with a `type` (snapshotOf keeps no other). Its fields
 * are unknown until checked: browsers leave some out.
 * @typedef {Record<string, unknown> & {type: string}} StatsReport
 */

/** A report's plain values (flatReport). @typedef {Record<string, string | number | boolean>} FlatReport */

/**
 * One getStats() result, indexed.
 * @typedef {object} Snapshot
 * @property {number} at when it was taken (ms since the epoch)
 * @property {Map<unknown, StatsReport>} byId the reports by id, looked up with whatever id another report names
 * @property {(type: string) => StatsReport[]} of the reports of a type, in the browser's order
 */

/** @typedef {'host' | 'srflx' | 'prflx' | 'relay'} CandidateType */

/**
 * A candidate pair as the collector's iceCandidatesObj.
 * @typedef {object} WirePair
 * @property {string} candidateID
 * @property {string} localAddress
 * @property {number} localPort
 * @property {CandidateType} localCandidateType
 * @property {string} remoteAddress
 * @property {number} remotePort
 * @property {CandidateType} remoteCandidateType
 * @property {string} transportType
 * @property {'udp' | 'tcp'} protocol
 */

export const RTP_TYPES = ['inbound-rtp', 'outbound-rtp', 'remote-inbound-rtp', 'remote-outbound-rtp'];
/** @type {readonly CandidateType[]} */
export const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'];

/**
 * @param {unknown} value
 * @returns {value is CandidateType}
 */
export function isCandidateType(value) {
  return CANDIDATE_TYPES.some((type) => type === value);
}

// Figures the collector extracts and checks: non-negative numbers
// (fractions at most 1), non-negative integers for counts and pixels.
const NON_NEGATIVE = ['roundTripTime', 'currentRoundTripTime', 'jitter', 'bitrate', 'framesPerSecond'];
const COUNTS = ['packetsReceived', 'packetsSent', 'frameWidth', 'frameHeight'];

/**
 * A report copied with only its plain values (no nested objects).
 * @param {Record<string, unknown>} report
 * @returns {FlatReport}
 */
export function flatReport(report) {
  /** @type {FlatReport} */
  const copy = {};
  for (const key of Object.keys(report)) {
    const value = report[key];
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      copy[key] = value;
    }
  }
  return copy;
}

/**
 * Drops figures a browser reported out of range, so one odd value cannot refuse a whole poll.
 * @template {Record<string, unknown>} R
 * @param {R} report
 * @returns {R}
 */
export function sanitizeReport(report) {
  /** @type {Record<string, unknown>} */
  const fields = report;
  for (const key of NON_NEGATIVE) {
    if (key in fields && !isWithin(fields[key], Infinity)) delete fields[key];
  }
  for (const key of COUNTS) {
    if (key in fields && !(Number.isInteger(fields[key]) && isWithin(fields[key], Infinity))) delete fields[key];
  }
  if ('fractionLost' in fields && !isWithin(fields.fractionLost, 1)) delete fields.fractionLost;
  if ('packetsLost' in fields && !Number.isInteger(fields.packetsLost)) delete fields.packetsLost;
  if ('ssrc' in fields && !(Number.isInteger(fields.ssrc) && isWithin(fields.ssrc, 0xffffffff))) delete fields.ssrc;
  if (typeof fields.id === 'string' && utf8Bytes(fields.id) > LIMITS.idBytes) delete fields.id;
  return report;
}

/**
 * A number from 0 to `max`; a numeric string is not one (the collector refuses it).
 * @param {unknown} value
 * @param {number} max
 * @returns {boolean}
 */
function isWithin(value, max) {
  return typeof value === 'number' && value >= 0 && value <= max;
}

/**
 * One getStats() result, indexed.
 * @param {Iterable<StatsReport>} reports what getStats() gave (a report without a type is left out)
 * @param {number} at
 * @returns {Snapshot}
 */
export function snapshotOf(reports, at) {
  /** @type {Map<unknown, StatsReport>} */
  const byId = new Map();
  /** @type {Map<string, StatsReport[]>} */
  const byType = new Map();
  for (const report of reports) {
    if (!report || typeof report.type !== 'string') continue;
    if (typeof report.id === 'string') byId.set(report.id, report);
    const ofType = byType.get(report.type);
    if (ofType) ofType.push(report);
    else byType.set(report.type, [report]);
  }
  return { at, byId, of: (type) => byType.get(type) || [] };
}

/**
 * @param {Snapshot} snapshot
 * @returns {StatsReport | null}
 */
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

/**
 * @param {Record<string, unknown>} local a local candidate report
 * @returns {string}
 */
export function relayTypeOf(local) {
  const protocol = String(local.relayProtocol || '').toLowerCase();
  return local.candidateType === 'relay' && ['udp', 'tcp', 'tls'].includes(protocol) ? `turn/${protocol}` : '';
}

/** @param {StatsReport} candidate */
function portOf(candidate) {
  const port = candidate.port;
  return typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 0;
}

/**
 * A candidate pair as the collector's iceCandidatesObj, or null when the browser left out its candidates.
 * @param {StatsReport | null} pair
 * @param {Snapshot} snapshot
 * @returns {WirePair | null}
 */
export function wirePair(pair, snapshot) {
  if (!pair) return null;
  const local = snapshot.byId.get(pair.localCandidateId);
  const remote = snapshot.byId.get(pair.remoteCandidateId);
  if (!local || !remote) return null;
  if (!isCandidateType(local.candidateType) || !isCandidateType(remote.candidateType)) return null;
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
 * @param {Snapshot} snapshot
 * @returns {{localCandidates: WirePair[], remoteCandidates: WirePair[]}}
 */
export function candidateLists(snapshot) {
  const selected = selectedPairOf(snapshot);
  const pairs = snapshot.of('candidate-pair').slice().sort((a, b) => {
    /** @param {StatsReport} pair */
    const rank = (pair) => (pair === selected ? 0 : pair.state === 'succeeded' ? 1 : 2);
    return rank(a) - rank(b);
  });
  /** @type {Map<unknown, WirePair>} */
  const byLocal = new Map();
  /** @type {Map<unknown, WirePair>} */
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

/**
 * A candidate-pair report with its candidates' type, protocol and address.
 * @param {StatsReport} pair
 * @param {Snapshot} snapshot
 * @param {StatsReport | null} selected
 * @returns {Record<string, unknown>}
 */
export function pairReport(pair, snapshot, selected) {
  /** @type {Record<string, unknown>} */
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
