// Authentication: client JWT (or the app's tokenGenerator) → access token

import { CS_ERROR } from './enums.js';
import { sleep } from './environment.js';
import { backoffDelay, fetchWithTimeout, isRetryableStatus, retryAfterMs } from './http.js';
import { signHs256Jwt } from './jwt.js';
import { TIMING } from './limits.js';
import { errorText, isPlainObject, parseJson, randomHex } from './text.js';

/** @import { Env, Log, TimerId } from './environment.js' */

/** @import { TokenGenerator } from './types.js' */
/**
 * @typedef {object} AuthenticatorOptions
 * @property {Env} env
 * @property {Log} log
 * @property {string} baseURL the collector's URL ('' for the page's origin)
 * @property {string} appID
 * @property {string} localID the local user's ID as it travels
 * @property {string | TokenGenerator} credential the AppSecret, or the application's tokenGenerator
 * @property {(csError: import('./types.js').CsError, message: string) => void} notify tells the application (csInitCallback)
 * @property {() => void} [onRefused] called once authentication is refused for good
 */
/**
 * An Error that ended authentication for good, with the csError it was reported as.
 * @typedef {Error & { csError: import('./types.js').CsError }} RefusedError
 */
/**
 * What one token request came to: an access token (`expiresIn` in s); a
 * refusal (`refused` says why, as the collector put it; `newToken`: it
 * asks for a fresh code); or no answer to go by (`waitMs`: how long the
 * collector asked to wait).
 * @typedef {{ token: string, expiresIn: number }
 *   | { refused: unknown, newToken: boolean }
 *   | { unreachable: string, waitMs?: number }} TokenOutcome
 */

export class Authenticator {
  /** @param {AuthenticatorOptions} options */
  constructor(options) {
    this.env = options.env;
    this.log = options.log;
    this.url = `${options.baseURL}/authenticate`;
    this.appID = options.appID;
    this.localID = options.localID;
    this.credential = options.credential;
    this.notify = options.notify;
    this.onRefused = options.onRefused || (() => {});
    /** @type {string | null} */
    this.token = null;
    this.expiresAt = 0;
    /** @type {Promise<string> | null} */
    this.pending = null;
    // Set for good once authentication is refused (or no token can be made): an Error with its csError.
    /** @type {RefusedError | null} */
    this.refused = null;
    /** @type {TimerId | null} */
    this.refreshTimer = null;
    this.announced = false;
    this.closed = false;
  }

  /**
   * The access token if it is still valid, for requests that cannot wait.
   * @returns {string | null}
   */
  current() {
    return this.token && this.env.now() < this.expiresAt ? this.token : null;
  }

  /**
   * A valid access token, authenticating when there is none.
   * @returns {Promise<string>} rejects with the RefusedError once authentication is refused
   */
  get() {
    if (this.refused) return Promise.reject(this.refused);
    const token = this.token && this.env.now() < this.expiresAt - 60000 ? this.token : null;
    if (token) return Promise.resolve(token);
    return this.renew();
  }

  /**
   * Drops `token` after the collector refused it (401).
   * @param {string} token
   */
  invalidate(token) {
    if (token === this.token) this.token = null;
  }

  /**
   * Authenticates, unless that is under way already.
   * @returns {Promise<string>}
   */
  renew() {
    if (!this.pending) {
      this.pending = this.run().finally(() => { this.pending = null; });
      this.pending.catch(() => {});
    }
    return this.pending;
  }

  close() {
    this.closed = true;
    if (this.refreshTimer !== null) this.env.clearTimeout(this.refreshTimer);
  }

  /** @returns {Promise<string>} */
  async run() {
    let forceNew = false;
    let askedAgain = false;
    for (let attempt = 0; ; attempt += 1) {
      const code = await this.code(forceNew);
      const outcome = await this.exchange(code);
      if ('token' in outcome) return this.accept(outcome);
      if ('refused' in outcome) {
        // A tokenGenerator may hand out a cached token that expired: ask once for a fresh one.
        if (!askedAgain && (outcome.newToken || typeof this.credential === 'function')) {
          askedAgain = true;
          forceNew = true;
          continue;
        }
        throw this.refuse(CS_ERROR.authError, `authentication refused: ${outcome.refused}`);
      }
      // Never sooner than the collector asked (429/503 with Retry-After).
      const delay = Math.max(backoffDelay(attempt, this.env.random), outcome.waitMs || 0);
      if (attempt === 0) this.notify(CS_ERROR.httpError, outcome.unreachable);
      this.log.debug(`authentication: ${outcome.unreachable}; retrying in ${Math.round(delay)} ms`);
      await sleep(this.env, delay);
    }
  }

  /**
   * @param {{ token: string, expiresIn: number }} outcome
   * @returns {string}
   */
  accept(outcome) {
    this.token = outcome.token;
    this.expiresAt = this.env.now() + outcome.expiresIn * 1000;
    this.scheduleRefresh(outcome.expiresIn * 1000);
    this.log.debug(`authenticated as ${this.localID}@${this.appID}, token valid ${outcome.expiresIn} s`);
    if (!this.announced) {
      this.announced = true;
      this.notify(CS_ERROR.success, 'authenticated');
    }
    return this.token;
  }

  /** @param {number} lifetimeMs how long the new token is valid */
  scheduleRefresh(lifetimeMs) {
    if (this.refreshTimer !== null) this.env.clearTimeout(this.refreshTimer);
    const wait = Math.max(lifetimeMs - TIMING.tokenRefreshMarginMs, lifetimeMs / 2);
    this.refreshTimer = this.env.setTimeout(() => {
      this.refreshTimer = null;
      if (!this.closed) this.renew().catch(() => {});
    }, wait);
  }

  /**
   * Ends authentication for good.
   * @param {import('./types.js').CsError} csError
   * @param {string} message
   * @returns {RefusedError}
   */
  refuse(csError, message) {
    const refused = Object.assign(new Error(message), { csError });
    this.refused = refused;
    this.log.warn(message);
    this.notify(csError, message);
    this.onRefused();
    return refused;
  }

  /**
   * The code to exchange for an access token: the client JWT, or the tokenGenerator's.
   * @param {boolean} forceNew
   * @returns {Promise<string>}
   */
  async code(forceNew) {
    try {
      if (typeof this.credential === 'string') {
        const iat = Math.floor(this.env.now() / 1000);
        const claims = {
          appID: this.appID, userID: this.localID, iat, exp: iat + TIMING.jwtLifetimeSeconds,
          jti: randomHex(this.env, 16),
        };
        return await signHs256Jwt(this.credential, claims, this.env.crypto);
      }
      return await this.generatedToken(this.credential, forceNew);
    } catch (error) {
      throw this.refuse(CS_ERROR.tokenGenerationError, `no token: ${errorText(error)}`);
    }
  }

  /**
   * @param {TokenGenerator} generator
   * @param {boolean} forceNew
   * @returns {Promise<string>}
   */
  generatedToken(generator, forceNew) {
    return new Promise((resolve, reject) => {
      let settled = false;
      // The page may call back with anything: hence `unknown`, checked here.
      /**
       * @param {unknown} error
       * @param {unknown} [token]
       */
      const done = (error, token) => {
        if (settled) return;
        settled = true;
        if (error) reject(new Error(`the tokenGenerator failed: ${errorText(error)}`));
        else if (typeof token !== 'string' || token === '') reject(new Error('the tokenGenerator gave no token'));
        else resolve(token);
      };
      try {
        generator(forceNew, done);
      } catch (error) {
        done(error);
      }
    });
  }

  /**
   * One token request.
   * @param {string} code
   * @returns {Promise<TokenOutcome>}
   */
  async exchange(code) {
    const form = new URLSearchParams({
      grant_type: 'authorization_code', client_id: `${this.localID}@${this.appID}`, code,
    });
    let answer;
    try {
      answer = await fetchWithTimeout(this.env, this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        credentials: 'omit',
      }, TIMING.requestTimeoutMs);
    } catch (error) {
      return { unreachable: `cannot reach ${this.url}: ${errorText(error)}` };
    }
    const status = answer.response.status;
    const parsed = parseJson(answer.text);
    const body = isPlainObject(parsed) ? parsed : null;
    if (answer.response.ok && body && typeof body.access_token === 'string' && body.access_token !== '') {
      const expiresIn = Number(body.expires_in) > 0 ? Number(body.expires_in) : 7200;
      return { token: body.access_token, expiresIn };
    }
    if (isRetryableStatus(status)) {
      return { unreachable: `${this.url} answered ${status}`, waitMs: retryAfterMs(answer.response, this.env.now()) };
    }
    const reason = (body && (body.errorReason || body.error_description || body.msg || body.error))
      || `${this.url} answered ${status}`;
    const actions = body && body['urn:x-callstats:auth:errorActions'];
    const newToken = Array.isArray(actions) && actions.some((action) => action && action.action === 'retryWithNewToken');
    return { refused: reason, newToken };
  }
}
