// Transport: one queue of requests, in lanes (one per conference) that
// keep their order, retried until the collector stores them

import { CS_ERROR } from './enums.js';
import { callBack, sleep } from './environment.js';
import { backoffDelay, fetchWithTimeout, isRetryableStatus, retryAfterMs } from './http.js';
import { QUEUE, TIMING } from './limits.js';
import { errorText, isPlainObject, isThenable, parseJson, randomHex } from './text.js';

/** @import { Env, Log, TimerId } from './environment.js' */

/**
 * Where requests get their access token (the Authenticator).
 * @typedef {object} TokenSource
 * @property {() => Promise<string>} get a valid token; rejects once authentication is refused for good
 * @property {() => string | null} current the token if still valid, without waiting
 * @property {(token: string) => void} invalidate drops a token the collector refused
 */
/**
 * @typedef {object} TransportOptions
 * @property {Env} env
 * @property {Log} log
 * @property {TokenSource} tokens
 * @property {number} [statsCap] how many stats requests are kept (QUEUE.statsCap)
 * @property {number} [hardCap] how many requests are kept (QUEUE.hardCap)
 * @property {number} [timeoutMs] each try's time limit (TIMING.requestTimeoutMs)
 */
/**
 * The body of a request: an object (JSON-serialisable); null or undefined skips the request.
 * @typedef {Record<string, unknown> | null | undefined} RequestBody
 */
/**
 * A POST to queue (Transport.enqueue).
 * @typedef {object} Request
 * @property {'event' | 'stats'} [kind] default 'event'; stats go first when the queue is full
 * @property {() => string | null} url null: it cannot be sent (the conference was never joined)
 * @property {RequestBody | PromiseLike<RequestBody>} body a promise when the body is still being built
 * @property {string} [label] names the request in the log
 * @property {boolean} [urgent] sent first at unload
 * @property {(answer: unknown) => void} [onSuccess] the collector stored it; `answer` is its parsed body
 * @property {(status: number, message: string) => void} [onRejected] the collector refused it
 * @property {(csError: import('./types.js').CsError, message: string) => void} [onFailed] it can never be sent: authentication was refused
 */
/**
 * A request in the queue.
 * @typedef {object} QueuedRequest
 * @property {number} seq the order it was queued in, over all lanes
 * @property {'event' | 'stats'} kind
 * @property {string} label
 * @property {() => string | null} url
 * @property {string | null} text the body as JSON, once it is built
 * @property {boolean} skip the body was null or could not be built: nothing to send
 * @property {string} key its Idempotency-Key, the same on every try
 * @property {number} attempts
 * @property {boolean} urgent
 * @property {Request['onSuccess']} onSuccess
 * @property {Request['onRejected']} onRejected
 * @property {Request['onFailed']} onFailed
 * @property {PromiseLike<void>} ready settles once the body is built
 * @property {boolean} removed sent, settled or dropped
 */
/**
 * One conference's requests, sent one at a time in order.
 * @typedef {object} Lane
 * @property {string} key
 * @property {QueuedRequest[]} queue
 * @property {boolean} running whether pump is sending from it
 * @property {QueuedRequest | null} inFlight
 */

/** @typedef {Awaited<ReturnType<Transport['attempt']>>} Attempt */

export class Transport {
  /** @param {TransportOptions} options */
  constructor(options) {
    this.env = options.env;
    this.log = options.log;
    this.tokens = options.tokens;
    this.statsCap = options.statsCap || QUEUE.statsCap;
    this.hardCap = options.hardCap || QUEUE.hardCap;
    this.timeoutMs = options.timeoutMs || TIMING.requestTimeoutMs;
    /** @type {Map<string, Lane>} */
    this.lanes = new Map();
    this.sequence = 0;
    this.counts = { stats: 0, event: 0 };
    /** @type {Set<() => void>} */
    this.sleepers = new Set();
    this.droppedStats = 0;
  }

  /**
   * Queues a POST in the lane `laneKey` (one per conference).
   * @param {string} laneKey
   * @param {Request} request
   * @returns {QueuedRequest}
   */
  enqueue(laneKey, request) {
    /** @type {QueuedRequest} */
    const entry = {
      seq: (this.sequence += 1),
      kind: request.kind === 'stats' ? 'stats' : 'event',
      label: request.label || 'request',
      url: request.url,
      text: null,
      skip: false,
      key: randomHex(this.env, 16),
      attempts: 0,
      urgent: request.urgent === true,
      onSuccess: request.onSuccess,
      onRejected: request.onRejected,
      onFailed: request.onFailed,
      ready: Promise.resolve(),
      removed: false,
    };
    /** @param {RequestBody} body */
    const take = (body) => {
      if (body === null || body === undefined) entry.skip = true;
      else entry.text = JSON.stringify(body);
    };
    // A body given as an object is ready at once (a beacon at unload may need it right away).
    if (isThenable(request.body)) {
      entry.ready = request.body.then(take, (error) => {
        entry.skip = true;
        this.log.warn(`${entry.label}: could not build the request:`, error);
      });
    } else {
      take(request.body);
    }
    const lane = this.lane(laneKey);
    lane.queue.push(entry);
    this.counts[entry.kind] += 1;
    this.enforceCaps();
    this.pump(lane);
    return entry;
  }

  /**
   * @param {string} key
   * @returns {Lane}
   */
  lane(key) {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { key, queue: [], running: false, inFlight: null };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** How many requests are queued (in flight included). */
  pending() {
    return this.counts.stats + this.counts.event;
  }

  /** Ends the backoff of every waiting lane (the browser is back online). */
  wake() {
    for (const wakeUp of Array.from(this.sleepers)) wakeUp();
  }

  /**
   * Waits `ms`, or less if wake() is called.
   * @param {number} ms
   * @returns {Promise<void>}
   */
  backoff(ms) {
    return new Promise((resolve) => {
      const done = () => {
        this.sleepers.delete(done);
        this.env.clearTimeout(timer);
        resolve();
      };
      const timer = this.env.setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  /**
   * Sends `lane`'s requests in order until it is empty; one pump per lane at a time.
   * @param {Lane} lane
   */
  async pump(lane) {
    if (lane.running) return;
    lane.running = true;
    try {
      while (lane.queue.length > 0) {
        const entry = lane.queue[0];
        lane.inFlight = entry;
        const outcome = await this.attempt(entry);
        lane.inFlight = null;
        if (outcome.retry) {
          entry.attempts += 1;
          if (outcome.waitMs !== undefined && outcome.waitMs > 0) {
            // The collector said when (a quota's 429): the same request,
            // with its key, goes again then and not sooner, even if the
            // browser comes back online meanwhile.
            this.log.debug(`${entry.label}: ${outcome.retry}; retry ${entry.attempts} in ${outcome.waitMs} ms, as asked`);
            await sleep(this.env, outcome.waitMs);
          } else {
            const delay = backoffDelay(entry.attempts - 1, this.env.random);
            this.log.debug(`${entry.label}: ${outcome.retry}; retry ${entry.attempts} in ${Math.round(delay)} ms`);
            await this.backoff(delay);
          }
          continue;
        }
        this.settle(lane, entry, outcome);
      }
    } catch (error) {
      this.log.warn('the request queue stopped:', error);
    } finally {
      lane.running = false;
      lane.inFlight = null;
    }
  }

  /**
   * Removes `entry` after its last try and tells its callback how it went.
   * @param {Lane} lane
   * @param {QueuedRequest} entry
   * @param {Attempt} outcome
   */
  settle(lane, entry, outcome) {
    if (entry.removed) return;
    this.remove(lane, entry);
    if (outcome.done) {
      this.log.debug(`${entry.label}: stored`);
      callBack(this.log, entry.onSuccess, outcome.answer);
    } else if (outcome.rejected) {
      this.log.warn(`${entry.label} was refused: ${outcome.message}`);
      callBack(this.log, entry.onRejected, outcome.status, outcome.message);
    } else if (outcome.failed) {
      // Authentication was refused for good: said once to csInitCallback, here only to the request's own callback.
      this.log.debug(`${entry.label} was not sent: ${outcome.message}`);
      callBack(this.log, entry.onFailed, outcome.csError, outcome.message);
    }
  }

  /**
   * One try of `entry`: {done, answer} | {rejected, status, message} | {failed, csError, message} | {retry} | {skipped}.
   * @param {QueuedRequest} entry
   */
  async attempt(entry) {
    await entry.ready;
    if (entry.skip) return { skipped: true };
    let token;
    try {
      token = await this.tokens.get();
    } catch (error) {
      // The tokens reject only once authentication is refused, which is final: so is this request.
      // Asked before the URL: a conference never joined for that reason is no protocol error.
      const refusal = /** @type {{ csError?: import('./types.js').CsError } | null | undefined} */ (error);
      const csError = refusal && refusal.csError ? refusal.csError : CS_ERROR.authError;
      return { failed: true, csError, message: errorText(error) };
    }
    // Sent by beacon (or dropped) while this lane waited.
    if (entry.removed) return { skipped: true };
    const url = entry.url();
    if (url === null) return { rejected: true, status: 0, message: 'the conference was never joined' };
    let answer;
    try {
      answer = await fetchWithTimeout(this.env, url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
          'Idempotency-Key': entry.key,
        },
        body: entry.text,
        credentials: 'omit',
      }, this.timeoutMs);
    } catch (error) {
      return { retry: errorText(error) };
    }
    const status = answer.response.status;
    const body = parseJson(answer.text);
    if (answer.response.ok) return { done: true, answer: body };
    const fields = isPlainObject(body) ? body : null;
    if (status === 401) {
      this.tokens.invalidate(token);
      return { retry: 'the access token was refused (401); authenticating again' };
    }
    if (isRetryableStatus(status)) {
      return { retry: `the collector answered ${status}`, waitMs: retryAfterMs(answer.response, this.env.now()) };
    }
    const message = `${status} ${fields && fields.msg ? fields.msg : answer.text.slice(0, 500)}`;
    return { rejected: true, status, message };
  }

  /**
   * @param {Lane} lane
   * @param {QueuedRequest} entry
   */
  remove(lane, entry) {
    const index = lane.queue.indexOf(entry);
    if (index >= 0) lane.queue.splice(index, 1);
    if (!entry.removed) {
      entry.removed = true;
      this.counts[entry.kind] -= 1;
    }
  }

  /** Keeps memory bounded: the oldest stats go first, events only past the hard cap. */
  enforceCaps() {
    while (this.counts.stats > this.statsCap && this.dropOldest('stats')) { /* dropped one */ }
    while (this.pending() > this.hardCap && (this.dropOldest('stats') || this.dropOldest('event'))) { /* dropped one */ }
  }

  /**
   * Drops the oldest queued request of `kind` that is not in flight.
   * @param {'event' | 'stats'} kind
   * @returns {boolean} whether there was one
   */
  dropOldest(kind) {
    /** @type {QueuedRequest | null} */
    let oldest = null;
    /** @type {Lane | null} */
    let oldestLane = null;
    for (const lane of this.lanes.values()) {
      const entry = lane.queue.find((candidate) => candidate.kind === kind && candidate !== lane.inFlight);
      if (entry && (!oldest || entry.seq < oldest.seq)) {
        oldest = entry;
        oldestLane = lane;
      }
    }
    if (!oldest || !oldestLane) return false;
    this.remove(oldestLane, oldest);
    if (kind === 'stats') {
      this.droppedStats += 1;
      if (this.droppedStats === 1 || this.droppedStats % 100 === 0) {
        this.log.warn(`the collector is unreachable and the queue is full: ${this.droppedStats} stats submissions dropped so far`);
      }
    } else {
      this.log.warn(`the queue is over ${this.hardCap} requests: dropped ${oldest.label}`);
    }
    return true;
  }

  /**
   * Sends everything still queued with navigator.sendBeacon (the page is
   * going away): urgent requests first, then events, then stats. Beacons
   * cannot carry headers, so the token and key travel as query parameters.
   * @returns {number} how many were sent
   */
  flushByBeacon() {
    const token = this.tokens.current();
    const send = this.env.sendBeacon;
    let sent = 0;
    if (!token || !send) return sent;
    /** @type {((entry: QueuedRequest) => boolean)[]} */
    const waves = [
      (entry) => entry.urgent,
      (entry) => entry.kind === 'event',
      (entry) => entry.kind === 'stats',
    ];
    for (const inWave of waves) {
      for (const lane of this.lanes.values()) {
        for (const entry of lane.queue.filter(inWave)) {
          if (entry.text === null || entry.skip) continue;
          const url = entry.url();
          if (url === null) continue;
          const separator = url.includes('?') ? '&' : '?';
          const target = `${url}${separator}access_token=${encodeURIComponent(token)}&idempotencyKey=${entry.key}`;
          const blob = new Blob([entry.text], { type: 'text/plain;charset=UTF-8' });
          if (!send(target, blob)) return sent;
          this.remove(lane, entry);
          sent += 1;
        }
      }
    }
    return sent;
  }
}
