// A fabric's stats: getStats() polled every statsInterval, sent with the
// bitrate and loss since the previous poll, and handed to csStatsCallback;
// the selected candidate pair is watched on every read.

import { callBack } from '../environment.js';
import { flatReport, pairReport, relayTypeOf, RTP_TYPES, sanitizeReport, selectedPairOf, snapshotOf, wirePair } from '../getstats.js';
import { LIMITS } from '../limits.js';
import { fabricStats } from './callback-stats.js';
import { pcState } from './states.js';

/** @typedef {import('../getstats.js').Snapshot} Snapshot */
/** @typedef {import('../getstats.js').StatsReport} StatsReport */

/**
 * The stats body of one poll, each list cut so that together they hold at
 * most LIMITS.statsObjects reports.
 * @typedef {object} StatsBody
 * @property {number} timestamp
 * @property {Record<string, unknown>[]} tracks the RTP reports, with their bitrate
 * @property {Record<string, unknown>[]} candidatePairs
 * @property {Record<string, unknown>[]} transports
 * @property {Record<string, unknown>[]} codecs
 */

/**
 * An RTP stream's counters at the previous poll. Browsers report numbers;
 * a figure left out is undefined, and then no rate is computed from it.
 * @typedef {object} Counters
 * @property {number} bytes
 * @property {number} timestamp
 * @property {number} lost
 * @property {number} received
 */

/** @type {ReadonlyArray<'tracks' | 'candidatePairs' | 'transports' | 'codecs'>} */
const LISTS = ['tracks', 'candidatePairs', 'transports', 'codecs'];

export class StatsPoller {
  /** @param {import('./fabric.js').Fabric} fabric */
  constructor(fabric) {
    this.fabric = fabric;
    /** @type {{ id: unknown, wire: import('../getstats.js').WirePair, state: unknown } | null} the pair in use at the last read */
    this.selectedPair = null;
    // Per RTP report id: the counters of the previous poll, and the loss since it.
    /** @type {Map<unknown, Counters>} */
    this.counters = new Map();
    /** @type {Map<unknown, number | undefined>} */
    this.losses = new Map();
  }

  /**
   * A getStats() snapshot (null when the browser refused), also watching the selected pair.
   * @returns {Promise<Snapshot | null>}
   */
  async snapshot() {
    const fabric = this.fabric;
    /** @type {StatsReport[]} */
    const reports = [];
    try {
      const report = await fabric.pc.getStats();
      report.forEach((value) => reports.push(value));
    } catch (error) {
      fabric.log.debug(`getStats() of ${fabric.connectionID} failed:`, error);
      return null;
    }
    const snapshot = snapshotOf(reports, fabric.session.env.now());
    this.watchPair(snapshot);
    return snapshot;
  }

  /**
   * Sends a transport change when the selected candidate pair is another one than before.
   * @param {Snapshot} snapshot
   */
  watchPair(snapshot) {
    const fabric = this.fabric;
    const pair = selectedPairOf(snapshot);
    const wire = wirePair(pair, snapshot);
    if (!pair || !wire) return;
    const before = this.selectedPair;
    this.selectedPair = { id: pair.id, wire, state: pair.state };
    if (!before || before.id === pair.id) return;
    fabric.post('events/fabric/transportchange', {
      currIceCandidatePair: fabric.privacy(wire),
      prevIceCandidatePair: fabric.privacy(before.wire),
      relayType: relayTypeOf(snapshot.byId.get(pair.localCandidateId) || {}),
    }, { at: snapshot.at, label: `transport change ${fabric.connectionID}` });
  }

  /** Polls getStats() every statsInterval until the fabric stops. */
  start() {
    this.fabric.later(this.fabric.session.statsIntervalMs, () => this.poll());
  }

  async poll() {
    const fabric = this.fabric;
    try {
      if (pcState(fabric.pc, 'signalingState') === 'closed' || pcState(fabric.pc, 'connectionState') === 'closed') {
        fabric.session.endFabric(fabric, fabric.session.env.now());
        return;
      }
      await this.refresh(true);
    } finally {
      if (fabric.live) this.start();
    }
  }

  /**
   * Reads the stats; with `submit`, sends them and calls csStatsCallback. Always updates the SSRC map.
   * @param {boolean} submit
   */
  async refresh(submit) {
    const fabric = this.fabric;
    const snapshot = await this.snapshot();
    if (!snapshot || !fabric.live) return;
    fabric.ssrcs.discover(snapshot);
    if (!submit) return;
    const stats = this.statsBody(snapshot);
    fabric.post('stats', { stats: fabric.privacy(stats) }, {
      kind: 'stats', at: snapshot.at, label: `stats ${fabric.connectionID}`,
    });
    const callback = fabric.session.callbacks.stats;
    if (callback) callBack(fabric.log, callback, fabricStats(fabric, snapshot, stats, this.losses));
  }

  /**
   * @param {Snapshot} snapshot
   * @returns {StatsBody}
   */
  statsBody(snapshot) {
    const selected = selectedPairOf(snapshot);
    const tracks = [];
    for (const type of RTP_TYPES) {
      for (const report of snapshot.of(type)) tracks.push(this.trackReport(report));
    }
    /** @type {StatsBody} */
    const stats = {
      timestamp: snapshot.at,
      tracks,
      candidatePairs: snapshot.of('candidate-pair').map((pair) => pairReport(pair, snapshot, selected)),
      transports: snapshot.of('transport').map((report) => sanitizeReport(flatReport(report))),
      codecs: snapshot.of('codec').map((report) => sanitizeReport(flatReport(report))),
    };
    let room = LIMITS.statsObjects;
    for (const key of LISTS) {
      stats[key] = stats[key].slice(0, Math.max(0, room));
      room -= stats[key].length;
    }
    return stats;
  }

  /**
   * An RTP report with `bitrate` (bps) from the byte count since the
   * previous poll; for inbound streams, also notes the loss since then.
   * @param {StatsReport} report
   * @returns {Record<string, unknown>}
   */
  trackReport(report) {
    /** @type {Record<string, unknown>} */
    const copy = sanitizeReport(flatReport(report));
    const inbound = report.type === 'inbound-rtp';
    const bytes = inbound ? report.bytesReceived : report.type === 'outbound-rtp' ? report.bytesSent : undefined;
    if (typeof bytes !== 'number') return copy;
    const now = /** @type {Counters} */ ({
      bytes,
      timestamp: report.timestamp,
      lost: report.packetsLost,
      received: report.packetsReceived,
    });
    const previous = this.counters.get(report.id);
    if (previous && now.timestamp > previous.timestamp && bytes >= previous.bytes) {
      copy.bitrate = Math.round(((bytes - previous.bytes) * 8 * 1000) / (now.timestamp - previous.timestamp));
    }
    if (inbound) this.losses.set(report.id, lossSince(previous || { bytes: 0, timestamp: 0, lost: 0, received: 0 }, now));
    this.counters.set(report.id, now);
    return copy;
  }
}

/**
 * Fraction of packets lost between two polls of an inbound stream (0 to 1).
 * @param {Counters} previous
 * @param {Counters} now
 * @returns {number | undefined} undefined when a counter is missing or went back
 */
function lossSince(previous, now) {
  const lost = now.lost - previous.lost;
  const received = now.received - previous.received;
  if (!(lost >= 0 && received >= 0)) return undefined;
  return lost + received === 0 ? 0 : lost / (lost + received);
}
