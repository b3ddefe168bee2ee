// Fabrics: one monitored RTCPeerConnection. The Fabric holds what every part
// shares (the pc, its ids, its listeners and timers); each concern is a part
// of its own: connection states and setup (states.js), SDP (sdp.js), stats
// polling (stats.js, with what csStatsCallback receives in
// callback-stats.js), the SSRC map (ssrcs.js) and time to first media
// (first-frame.js).

import { CS_ERROR } from '../enums.js';
import { callBack, guarded } from '../environment.js';
import { isThenable, randomHex } from '../text.js';
import { wireUserObject } from '../validate.js';
import { FirstFrames } from './first-frame.js';
import { SdpReporter } from './sdp.js';
import { SsrcMap } from './ssrcs.js';
import { ConnectionStates } from './states.js';
import { StatsPoller } from './stats.js';

/** @typedef {import('../conference.js').Fields} Fields */
/** @typedef {import('../conference.js').PostOptions} PostOptions */

export class Fabric {
  /**
   * @param {import('../session.js').Session} session
   * @param {import('../conference.js').Conference} conference
   * @param {RTCPeerConnection} pc
   * @param {{ userID: import('../types.js').UserID, wireID: string }} remote the remoteUserID as given, and as it travels
   * @param {import('../types.js').FabricUsage} usage
   * @param {Record<string, unknown>} attributes fabricAttributes with their defaults
   * @param {import('../types.js').CsCallback | null | undefined} pcCallback
   */
  constructor(session, conference, pc, remote, usage, attributes, pcCallback) {
    this.session = session;
    this.conference = conference;
    this.pc = pc;
    this.remoteUserID = remote.userID;
    this.remoteID = remote.wireID;
    this.usage = usage;
    this.attributes = attributes;
    this.pcCallback = pcCallback;
    this.connectionID = `pc-${randomHex(session.env, 8)}`;
    this.addedAt = session.env.now();
    this.live = true;
    /** @type {Array<[string, (event: Event) => unknown]>} */
    this.listeners = [];
    /** @type {Set<import('../environment.js').TimerId>} */
    this.timers = new Set();
    this.states = new ConnectionStates(this);
    this.sdp = new SdpReporter(this);
    this.stats = new StatsPoller(this);
    this.ssrcs = new SsrcMap(this);
    this.firstFrames = new FirstFrames(this);
  }

  get log() {
    return this.session.log;
  }

  start() {
    this.post('events/fabric/added', {
      remoteUserID: wireUserObject(this.remoteUserID),
      fabricUsage: this.usage,
      fabricAttributes: this.attributes,
    }, {
      label: `addNewFabric ${this.connectionID}`,
      onSuccess: () => callBack(this.log, this.pcCallback, CS_ERROR.success, `monitoring ${this.connectionID}`),
      onRejected: (status, message) => callBack(this.log, this.pcCallback, CS_ERROR.csProtoError, message),
      onFailed: (csError, message) => callBack(this.log, this.pcCallback, csError, message),
    });
    this.states.listen();
    this.listen('track', () => this.later(1000, () => this.stats.refresh(false)));
    this.stats.start();
    // An application may add the pc after it connected, or after negotiating.
    this.states.catchUp();
  }

  /**
   * Posts `fields` (or a promise of them; null skips) with this fabric's connectionID and remoteID.
   * @param {string} suffix
   * @param {Fields | PromiseLike<Fields | null>} fields
   * @param {PostOptions} [options]
   */
  post(suffix, fields, options) {
    const header = { connectionID: this.connectionID, remoteID: this.remoteID };
    const body = isThenable(fields)
      ? fields.then((resolved) => (resolved ? Object.assign(header, resolved) : null))
      : Object.assign(header, fields);
    return this.conference.post(suffix, body, options);
  }

  /**
   * Listens to `type` on the pc until the fabric stops; nothing the handler throws reaches the page.
   * @param {string} type
   * @param {(event: Event) => unknown} handler
   */
  listen(type, handler) {
    const listener = guarded(this.log, `${type} handler`, /** @param {Event} event */ (event) => {
      if (this.live) return handler(event);
      return undefined;
    });
    this.pc.addEventListener(type, listener);
    this.listeners.push([type, listener]);
  }

  /**
   * Runs `task` in `ms` unless the fabric stopped meanwhile.
   * @param {number} ms
   * @param {() => unknown} task
   */
  later(ms, task) {
    const timer = this.session.env.setTimeout(guarded(this.log, 'fabric timer', () => {
      this.timers.delete(timer);
      if (this.live) return task();
      return undefined;
    }), ms);
    this.timers.add(timer);
  }

  /** Stops every listener and timer; nothing more is sent for this pc. */
  stop() {
    this.live = false;
    if (typeof this.pc.removeEventListener === 'function') {
      for (const [type, listener] of this.listeners) this.pc.removeEventListener(type, listener);
    }
    this.listeners = [];
    for (const timer of this.timers) this.session.env.clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * associateMstWithUserID: labels one SSRC and watches its video element.
   * @param {string} ssrc decimal
   * @param {import('../types.js').UserID} userID
   * @param {string} usageLabel
   * @param {string | HTMLVideoElement | null} [associatedVideoTag]
   */
  associate(ssrc, userID, usageLabel, associatedVideoTag) {
    this.ssrcs.associate(ssrc, userID, usageLabel, associatedVideoTag);
    if (associatedVideoTag !== undefined && associatedVideoTag !== null) this.firstFrames.watch(ssrc, associatedVideoTag);
  }

  /**
   * @template T
   * @param {T} value
   * @returns {T} `value`, its IP addresses masked unless configParams allow them
   */
  privacy(value) {
    return this.session.privacy(value);
  }
}
