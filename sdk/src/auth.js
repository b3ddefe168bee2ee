// Authentication: client JWT (or the app's tokenGenerator) → access token

import { CS_ERROR } from './enums.js';
import { sleep } from './environment.js';
import { backoffDelay, fetchWithTimeout, isRetryableStatus, retryAfterMs } from './http.js';
import { signHs256Jwt } from './jwt.js';
import { TIMING } from './limits.js';
import { errorText, parseJson, randomHex } from './text.js';

export class Authenticator {
  constructor(options) {
    this.env = options.env;
    this.log = options.log;
    this.url = `${options.baseURL}/authenticate`;
    this.appID = options.appID;
    this.localID = options.localID;
    this.credential = options.credential;
    this.notify = options.notify;
    this.onRefused = options.onRefused || (() => {});
    this.token = null;
    this.expiresAt = 0;
    this.pending = null;
    // Set for good once authentication is refused (or no token can be made): an Error with its csError.
    this.refused = null;
    this.refreshTimer = null;
    this.announced = false;
    this.closed = false;
  }

  /** The access token if it is still valid, for requests that cannot wait. */
  current() {
    return this.token && this.env.now() < this.expiresAt ? this.token : null;
  }

  /** A valid access token, authenticating when there is none. */
  get() {
    if (this.refused) return Promise.reject(this.refused);
    const token = this.token && this.env.now() < this.expiresAt - 60000 ? this.token : null;
    if (token) return Promise.resolve(token);
    return this.renew();
  }

  /** Drops `token` after the collector refused it (401). */
  invalidate(token) {
    if (token === this.token) this.token = null;
  }

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

  async run() {
    let forceNew = false;
    let askedAgain = false;
    for (let attempt = 0; ; attempt += 1) {
      const code = await this.code(forceNew);
      const outcome = await this.exchange(code);
      if (outcome.token) return this.accept(outcome);
      if (outcome.refused) {
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

  scheduleRefresh(lifetimeMs) {
    if (this.refreshTimer !== null) this.env.clearTimeout(this.refreshTimer);
    const wait = Math.max(lifetimeMs - TIMING.tokenRefreshMarginMs, lifetimeMs / 2);
    this.refreshTimer = this.env.setTimeout(() => {
      this.refreshTimer = null;
      if (!this.closed) this.renew().catch(() => {});
    }, wait);
  }

  refuse(csError, message) {
    this.refused = Object.assign(new Error(message), { csError });
    this.log.warn(message);
    this.notify(csError, message);
    this.onRefused();
    return this.refused;
  }

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
      return await this.generatedToken(forceNew);
    } catch (error) {
      throw this.refuse(CS_ERROR.tokenGenerationError, `no token: ${errorText(error)}`);
    }
  }

  generatedToken(forceNew) {
    return new Promise((resolve, reject) => {
      let settled = false;
      const done = (error, token) => {
        if (settled) return;
        settled = true;
        if (error) reject(new Error(`the tokenGenerator failed: ${errorText(error)}`));
        else if (typeof token !== 'string' || token === '') reject(new Error('the tokenGenerator gave no token'));
        else resolve(token);
      };
      try {
        this.credential(forceNew, done);
      } catch (error) {
        done(error);
      }
    });
  }

  /** One token request: {token, expiresIn} | {refused, newToken} | {unreachable}. */
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
    const body = parseJson(answer.text);
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
