// Conferences: joined on first use, alive every 10 s, left when their
// last fabric ends

import { callBack, guarded } from './environment.js';
import { TIMING } from './limits.js';
import { isThenable } from './text.js';
import { wireUserObject } from './validate.js';

/** @typedef {'joining' | 'joined' | 'failed' | 'left'} ConferenceState */

/**
 * The fields of one post, without the header (localID, deviceID, timestamp).
 * @typedef {Record<string, unknown>} Fields
 */

/**
 * How a post is sent; every part may be left out.
 * @typedef {object} PostOptions
 * @property {number} [at] the header's timestamp (default: now)
 * @property {'event' | 'stats'} [kind]
 * @property {string} [label] names the request in the log (default: its suffix)
 * @property {boolean} [urgent] sent first at unload
 * @property {(answer: unknown) => void} [onSuccess] the collector stored it
 * @property {(status: number, message: string) => void} [onRejected] the collector refused it
 * @property {(csError: import('./types.js').CsError, message: string) => void} [onFailed] it can never be sent
 */

export class Conference {
  /**
   * @param {import('./session.js').Session} session
   * @param {string} id the conferenceID
   */
  constructor(session, id) {
    this.session = session;
    this.id = id;
    this.laneKey = `conference:${session.nextLane()}`;
    /** @type {string | null} */
    this.ucID = null;
    /** @type {ConferenceState} */
    this.state = 'joining';
    /** @type {Set<import('./fabric/fabric.js').Fabric>} */
    this.fabrics = new Set();
    /** @type {ReturnType<import('./environment.js').Env['setTimeout']> | null} */
    this.aliveTimer = null;
    this.alivePending = false;
    this.precallPosted = false;
  }

  /**
   * The URL of `suffix` under this endpoint, or of the join itself (suffix null).
   * @param {string | null} suffix
   * @returns {string | null} null while the conference has no ucID
   */
  url(suffix) {
    const session = this.session;
    const base = `${session.baseURL}/v1/apps/${encodeURIComponent(session.appID)}/conferences/${encodeURIComponent(this.id)}`;
    if (suffix === null) return base;
    return this.ucID ? `${base}/${encodeURIComponent(this.ucID)}/${suffix}` : null;
  }

  join() {
    const session = this.session;
    const body = Object.assign(session.header(session.env.now()), {
      endpointInfo: session.endpointInfo(),
      userID: wireUserObject(session.localUserID),
      configParams: session.serverConfig,
    });
    session.transport.enqueue(this.laneKey, {
      label: `user joined ${JSON.stringify(this.id)}`,
      url: () => this.url(null),
      body,
      onSuccess: /** @param {unknown} answer */ (answer) => this.joined(answer),
      onRejected: /** @param {number} status @param {string} message */ (status, message) => {
        this.state = 'failed';
        session.protocolError(`joining conference ${JSON.stringify(this.id)}`, message);
      },
    });
  }

  /** @param {unknown} answer the collector's answer to the join (parsed JSON, or null) */
  joined(answer) {
    const ucID = answer !== null && typeof answer === 'object' && 'ucID' in answer ? answer.ucID : undefined;
    if (typeof ucID !== 'string') {
      this.state = 'failed';
      this.session.protocolError(`joining conference ${JSON.stringify(this.id)}`, 'the answer has no ucID');
      return;
    }
    this.ucID = ucID;
    if (this.state === 'joining') this.state = 'joined';
    this.session.log.debug(`joined ${JSON.stringify(this.id)} as ucID ${this.ucID}`);
    if (this.state === 'joined') this.scheduleAlive();
    this.session.postPrecall(this);
  }

  /**
   * Posts `fields` (or a promise of them; null skips) to `suffix`, in this conference's order.
   * @param {string} suffix
   * @param {Fields | PromiseLike<Fields | null> | null} fields
   * @param {PostOptions} [options]
   */
  post(suffix, fields, options) {
    const session = this.session;
    const opts = options || {};
    const at = opts.at === undefined ? session.env.now() : opts.at;
    const body = isThenable(fields)
      ? fields.then((resolved) => (resolved ? Object.assign(session.header(at), resolved) : null))
      : Object.assign(session.header(at), fields);
    return session.transport.enqueue(this.laneKey, {
      kind: opts.kind,
      label: opts.label || suffix,
      urgent: opts.urgent,
      url: () => this.url(suffix),
      body,
      onSuccess: opts.onSuccess,
      onRejected: /** @param {number} status @param {string} message */ (status, message) => {
        session.protocolError(opts.label || suffix, message);
        callBack(session.log, opts.onRejected, status, message);
      },
      onFailed: opts.onFailed,
    });
  }

  scheduleAlive() {
    const env = this.session.env;
    this.aliveTimer = env.setTimeout(guarded(this.session.log, 'user alive', () => {
      this.aliveTimer = null;
      if (this.state !== 'joined') return;
      // One pending alive says as much as ten: do not pile them up while the collector is away.
      if (!this.alivePending) {
        this.alivePending = true;
        const done = () => { this.alivePending = false; };
        this.post('events/user/alive', {}, { label: 'user alive', onSuccess: done, onRejected: done });
      }
      this.scheduleAlive();
    }), TIMING.aliveIntervalMs);
  }

  stopAlive() {
    if (this.aliveTimer !== null) this.session.env.clearTimeout(this.aliveTimer);
    this.aliveTimer = null;
  }

  /**
   * The endpoint leaves the conference (its last fabric ended, or the page is going away).
   * @param {boolean} [urgent] sent first, by beacon (the page is going away)
   */
  leave(urgent) {
    if (this.state === 'left') return;
    this.state = 'left';
    this.stopAlive();
    this.post('events/user/left', {}, { label: 'user left', urgent });
    this.session.forgetConference(this);
  }
}
