// Conferences: joined on first use, alive every 10 s, left when their
// last fabric ends

import { callBack, guarded } from './environment.js';
import { TIMING } from './limits.js';
import { wireUserObject } from './validate.js';

export class Conference {
  constructor(session, id) {
    this.session = session;
    this.id = id;
    this.laneKey = `conference:${session.nextLane()}`;
    this.ucID = null;
    this.state = 'joining';
    this.fabrics = new Set();
    this.aliveTimer = null;
    this.alivePending = false;
    this.precallPosted = false;
  }

  /** The URL of `suffix` under this endpoint, or of the join itself (suffix null). */
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
      onSuccess: (answer) => this.joined(answer),
      onRejected: (status, message) => {
        this.state = 'failed';
        session.protocolError(`joining conference ${JSON.stringify(this.id)}`, message);
      },
    });
  }

  joined(answer) {
    if (!answer || typeof answer.ucID !== 'string') {
      this.state = 'failed';
      this.session.protocolError(`joining conference ${JSON.stringify(this.id)}`, 'the answer has no ucID');
      return;
    }
    this.ucID = answer.ucID;
    if (this.state === 'joining') this.state = 'joined';
    this.session.log.debug(`joined ${JSON.stringify(this.id)} as ucID ${this.ucID}`);
    if (this.state === 'joined') this.scheduleAlive();
    this.session.postPrecall(this);
  }

  /** Posts `fields` (or a promise of them; null skips) to `suffix`, in this conference's order. */
  post(suffix, fields, options) {
    const session = this.session;
    const opts = options || {};
    const at = opts.at === undefined ? session.env.now() : opts.at;
    const body = fields && typeof fields.then === 'function'
      ? fields.then((resolved) => (resolved ? Object.assign(session.header(at), resolved) : null))
      : Object.assign(session.header(at), fields);
    return session.transport.enqueue(this.laneKey, {
      kind: opts.kind,
      label: opts.label || suffix,
      urgent: opts.urgent,
      url: () => this.url(suffix),
      body,
      onSuccess: opts.onSuccess,
      onRejected: (status, message) => {
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

  /** The endpoint leaves the conference (its last fabric ended, or the page is going away). */
  leave(urgent) {
    if (this.state === 'left') return;
    this.state = 'left';
    this.stopAlive();
    this.post('events/user/left', {}, { label: 'user left', urgent });
    this.session.forgetConference(this);
  }
}
