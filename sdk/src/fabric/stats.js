// A fabric's stats: getStats() polled every statsInterval, sent with the
// bitrate and loss since the previous poll, and handed to csStatsCallback;
// the selected candidate pair is watched on every read.

import { callBack } from '../environment.js';
import { flatReport, pairReport, relayTypeOf, RTP_TYPES, sanitizeReport, selectedPairOf, snapshotOf, wirePair } from '../getstats.js';
import { LIMITS } from '../limits.js';
import { fabricStats } from './callback-stats.js';
import { pcState } from './states.js';

export class StatsPoller {
  constructor(fabric) {
    this.fabric = fabric;
    this.selectedPair = null;
    // Per RTP report id: the counters of the previous poll, and the loss since it.
    this.counters = new Map();
    this.losses = new Map();
  }


  /** A getStats() snapshot (null when the browser refused), also watching the selected pair. */
  async snapshot() {
    let reports;
    try {
      const report = await this.fabric.pc.getStats();
      reports = [];
      report.forEach((value) => reports.push(value));
    } catch (error) {
      this.fabric.log.debug(`getStats() of ${this.fabric.connectionID} failed:`, error);
      return null;
    }
    const snapshot = snapshotOf(reports, this.fabric.session.env.now());
    this.watchPair(snapshot);
    return snapshot;
  }

  /** Sends a transport change when the selected candidate pair is another one than before. */
  watchPair(snapshot) {
    const pair = selectedPairOf(snapshot);
    const wire = wirePair(pair, snapshot);
    if (!wire) return;
    const before = this.selectedPair;
    this.selectedPair = { id: pair.id, wire, state: pair.state };
    if (!before || before.id === pair.id) return;
    this.fabric.post('events/fabric/transportchange', {
      currIceCandidatePair: this.fabric.privacy(wire),
      prevIceCandidatePair: this.fabric.privacy(before.wire),
      relayType: relayTypeOf(snapshot.byId.get(pair.localCandidateId) || {}),
    }, { at: snapshot.at, label: `transport change ${this.fabric.connectionID}` });
  }

  /** Polls getStats() every statsInterval until the fabric stops. */
  start() {
    this.schedulePoll();
  }

  schedulePoll() {
    this.fabric.later(this.fabric.session.statsIntervalMs, () => this.poll());
  }

  async poll() {
    try {
      if (pcState(this.fabric.pc, 'signalingState') === 'closed' || pcState(this.fabric.pc, 'connectionState') === 'closed') {
        this.fabric.session.endFabric(this.fabric, this.fabric.session.env.now());
        return;
      }
      await this.refresh(true);
    } finally {
      if (this.fabric.live) this.schedulePoll();
    }
  }

  /** Reads the stats; with `submit`, sends them and calls csStatsCallback. Always updates the SSRC map. */
  async refresh(submit) {
    const snapshot = await this.snapshot();
    if (!snapshot || !this.fabric.live) return;
    this.fabric.ssrcs.discover(snapshot);
    if (!submit) return;
    const stats = this.statsBody(snapshot);
    this.fabric.post('stats', { stats: this.fabric.privacy(stats) }, {
      kind: 'stats', at: snapshot.at, label: `stats ${this.fabric.connectionID}`,
    });
    const callback = this.fabric.session.callbacks.stats;
    if (callback) callBack(this.fabric.log, callback, fabricStats(this.fabric, snapshot, stats, this.losses));
  }

  statsBody(snapshot) {
    const selected = selectedPairOf(snapshot);
    const tracks = [];
    for (const type of RTP_TYPES) {
      for (const report of snapshot.of(type)) tracks.push(this.trackReport(report));
    }
    const stats = {
      timestamp: snapshot.at,
      tracks,
      candidatePairs: snapshot.of('candidate-pair').map((pair) => pairReport(pair, snapshot, selected)),
      transports: snapshot.of('transport').map((report) => sanitizeReport(flatReport(report))),
      codecs: snapshot.of('codec').map((report) => sanitizeReport(flatReport(report))),
    };
    let room = LIMITS.statsObjects;
    for (const key of ['tracks', 'candidatePairs', 'transports', 'codecs']) {
      stats[key] = stats[key].slice(0, Math.max(0, room));
      room -= stats[key].length;
    }
    return stats;
  }

  /**
   * An RTP report with `bitrate` (bps) from the byte count since the
   * previous poll; for inbound streams, also notes the loss since then.
   */
  trackReport(report) {
    const copy = sanitizeReport(flatReport(report));
    const inbound = report.type === 'inbound-rtp';
    const bytes = inbound ? report.bytesReceived : report.type === 'outbound-rtp' ? report.bytesSent : undefined;
    if (typeof bytes !== 'number') return copy;
    const previous = this.counters.get(report.id);
    if (previous && report.timestamp > previous.timestamp && bytes >= previous.bytes) {
      copy.bitrate = Math.round(((bytes - previous.bytes) * 8 * 1000) / (report.timestamp - previous.timestamp));
    }
    if (inbound) this.losses.set(report.id, lossSince(previous || { lost: 0, received: 0 }, report));
    this.counters.set(report.id, {
      bytes, timestamp: report.timestamp, lost: report.packetsLost, received: report.packetsReceived,
    });
    return copy;
  }
}

/** Fraction of packets lost between two polls of an inbound stream (0 to 1). */
function lossSince(previous, report) {
  const lost = report.packetsLost - previous.lost;
  const received = report.packetsReceived - previous.received;
  if (!(lost >= 0 && received >= 0)) return undefined;
  return lost + received === 0 ? 0 : lost / (lost + received);
}
