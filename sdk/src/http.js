// Requests to the collector: time limits, which answers are retried, and
// how long to wait before the next try

import { TIMING } from './limits.js';

/** @import { Env, TimerId } from './environment.js' */

/**
 * A collector's answer: the response and its body, read in full.
 * @typedef {{ response: Response, text: string }} Answer
 */

/**
 * fetch with a time limit; resolves to {response, text}, rejects on network errors and time-outs.
 * @param {Pick<Env, 'fetch' | 'setTimeout' | 'clearTimeout'>} env
 * @param {string} url
 * @param {RequestInit} init
 * @param {number} timeoutMs
 * @returns {Promise<Answer>}
 */
export async function fetchWithTimeout(env, url, init, timeoutMs) {
  const controller = typeof AbortController === 'function' ? new AbortController() : null;
  /** @type {TimerId | undefined} */
  let timer;
  /** @type {Promise<never>} */
  const timeout = new Promise((_, reject) => {
    timer = env.setTimeout(() => {
      if (controller) controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const exchange = (async () => {
    const response = await env.fetch(url, Object.assign({}, init, controller ? { signal: controller.signal } : {}));
    return { response, text: await response.text() };
  })();
  try {
    return await Promise.race([exchange, timeout]);
  } finally {
    env.clearTimeout(timer);
  }
}

/**
 * Whether an answer with HTTP `status` may succeed if sent again.
 * @param {number} status
 */
export function isRetryableStatus(status) {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * How long an answer asks the client to wait before sending again
 * (`Retry-After`, in seconds or as an HTTP date), in ms; 0 when it does
 * not say. A quota's 429 and a 503 carry it.
 * @param {Response} response
 * @param {number} now the time, in ms since the epoch, an HTTP date is counted from
 * @returns {number}
 */
export function retryAfterMs(response, now) {
  const value = response && response.headers && typeof response.headers.get === 'function'
    ? response.headers.get('Retry-After')
    : null;
  if (value === null || value === undefined) return 0;
  const text = String(value).trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), TIMING.retryAfterCapMs) : 0;
}

/**
 * Exponential backoff with jitter: between half and all of min(cap, start·2^attempt).
 * @param {number} attempt 0 for the first retry
 * @param {() => number} random in [0, 1)
 * @returns {number} ms
 */
export function backoffDelay(attempt, random) {
  const ceiling = Math.min(TIMING.backoffCapMs, TIMING.backoffStartMs * Math.pow(2, attempt));
  return ceiling / 2 + random() * (ceiling / 2);
}
