// A fabric's SSRC map: each SSRC seen in the stats, mapped to its user
// (local or remote), with what associateMstWithUserID said about it.

import { LIMITS } from '../limits.js';
import { videoTagName, wireUserObject } from '../validate.js';

/**
 * What associateMstWithUserID said about an SSRC.
 * @typedef {object} Override
 * @property {import('../types.js').UserID} userID
 * @property {string} usageLabel
 * @property {string | HTMLVideoElement | null | undefined} associatedVideoTag
 */

/**
 * One entry of ssrcData, as the collector takes it.
 * @typedef {object} SsrcEntry
 * @property {string} ssrc
 * @property {'inbound' | 'outbound'} [streamType]
 * @property {string | object} [userID]
 * @property {unknown} [label] the stream's kind, as the browser reported it
 * @property {string} [usageLabel]
 * @property {string} [associatedVideoTag]
 */

export class SsrcMap {
  /** @param {import('./fabric.js').Fabric} fabric */
  constructor(fabric) {
    this.fabric = fabric;
    /** @type {Map<string, { streamType: 'inbound' | 'outbound', kind: unknown }>} SSRCs seen in the stats */
    this.seen = new Map();
    /** @type {Map<string, Override>} */
    this.overrides = new Map();
    this.signature = '';
  }

  /**
   * Maps each SSRC seen in the stats: local ones to localUserID, remote ones to remoteUserID.
   * @param {import('../getstats.js').Snapshot} snapshot
   */
  discover(snapshot) {
    /** @type {Array<[string, 'inbound' | 'outbound']>} */
    const directions = [['inbound-rtp', 'inbound'], ['outbound-rtp', 'outbound']];
    for (const [type, streamType] of directions) {
      for (const report of snapshot.of(type)) {
        if (Number.isInteger(report.ssrc)) this.seen.set(String(report.ssrc), { streamType, kind: report.kind });
      }
    }
    const entries = Array.from(this.seen.keys()).sort().map((ssrc) => this.entry(ssrc));
    const signature = JSON.stringify(entries);
    if (entries.length === 0 || signature === this.signature) return;
    this.signature = signature;
    this.fabric.post('events/ssrcmap', { ssrcData: entries.slice(0, LIMITS.itemsPerArray) }, {
      at: snapshot.at, label: `SSRC map ${this.fabric.connectionID}`,
    });
  }

  /**
   * @param {string} ssrc
   * @returns {SsrcEntry}
   */
  entry(ssrc) {
    const seen = this.seen.get(ssrc);
    const override = this.overrides.get(ssrc);
    /** @type {SsrcEntry} */
    const entry = { ssrc };
    if (seen) {
      entry.streamType = seen.streamType;
      entry.userID = wireUserObject(seen.streamType === 'inbound' ? this.fabric.remoteUserID : this.fabric.session.localUserID);
      if (seen.kind) entry.label = seen.kind;
    }
    if (override) {
      entry.userID = wireUserObject(override.userID);
      entry.usageLabel = override.usageLabel;
      const tag = videoTagName(override.associatedVideoTag);
      if (tag) entry.associatedVideoTag = tag;
    }
    return entry;
  }

  /**
   * associateMstWithUserID: labels one SSRC with its user and usage, and sends the entry at once.
   * @param {string} ssrc decimal
   * @param {import('../types.js').UserID} userID
   * @param {string} usageLabel
   * @param {string | HTMLVideoElement | null | undefined} associatedVideoTag
   */
  associate(ssrc, userID, usageLabel, associatedVideoTag) {
    this.overrides.set(ssrc, { userID, usageLabel, associatedVideoTag });
    const entry = this.entry(ssrc);
    this.fabric.post('events/ssrcmap', { ssrcData: [entry] }, { label: `associateMstWithUserID ${ssrc}` });
  }
}
