// Environment: every browser global the SDK uses, read when used (the
// SDK loads in Node, where there is no window); tests replace parts

import { isThenable } from './text.js';

/**
 * Where the SDK was loaded from, whose origin is the default collector: the
 * script's src (index.js reads document.currentScript) or the module's URL
 * (module.js reads import.meta.url).
 */
let scriptURL = '';

/**
 * Names the URL the SDK was loaded from; the first one named counts.
 * @param {string | URL | null | undefined} url
 */
export function loadedFrom(url) {
  if (!scriptURL && url) scriptURL = String(url);
}

/**
 * What the SDK uses of its host, each part replaceable in tests
 * (instances.js setEnvironment). The optional parts are null (or absent)
 * outside a browser.
 * @typedef {object} Env
 * @property {(url: string, init?: RequestInit) => Promise<Response>} fetch
 * @property {() => number} now wall-clock time, in ms since the epoch
 * @property {() => number} monotonic a clock for durations, in ms
 * @property {(callback: () => void, ms: number) => TimerId} setTimeout
 * @property {(id: TimerId | undefined) => void} clearTimeout
 * @property {() => number} random in [0, 1)
 * @property {Crypto | undefined} crypto
 * @property {EventTarget | null} window the page, for its unload and online events
 * @property {Document | null} document
 * @property {Navigator | null} navigator
 * @property {() => Storage | null} sessionStorage may throw (storage blocked for the site)
 * @property {typeof RTCPeerConnection | null} RTCPeerConnection
 * @property {((url: string, data: BodyInit) => boolean) | null} sendBeacon
 * @property {Pick<Console, 'debug' | 'warn'> | undefined} console
 * @property {() => string} defaultCollector the collector's origin when configParams name none
 */
/** @typedef {number} TimerId what env.setTimeout returns, for env.clearTimeout */
/** @typedef {ReturnType<typeof makeLog>} Log */

/** @returns {Env} */
export function defaultEnvironment() {
  const g = globalThis;
  return {
    fetch: (url, init) => g.fetch(url, init),
    now: () => Date.now(),
    monotonic: () => (g.performance ? g.performance.now() : Date.now()),
    setTimeout: (callback, ms) => g.setTimeout(callback, ms),
    clearTimeout: (id) => g.clearTimeout(id),
    random: () => Math.random(),
    crypto: g.crypto,
    window: typeof g.addEventListener === 'function' && g.document ? g : null,
    document: g.document || null,
    navigator: g.navigator || null,
    sessionStorage: () => g.sessionStorage,
    RTCPeerConnection: g.RTCPeerConnection || null,
    sendBeacon: g.navigator && typeof g.navigator.sendBeacon === 'function'
      ? (url, data) => g.navigator.sendBeacon(url, data)
      : null,
    console: g.console,
    defaultCollector: () => {
      try {
        if (scriptURL) return new URL(scriptURL).origin;
      } catch (_) { /* not a URL: fall back to the page */ }
      return g.location && g.location.origin && g.location.origin !== 'null' ? g.location.origin : '';
    },
  };
}

/**
 * @param {Pick<Env, 'console'>} env
 * @param {boolean} debug whether debug lines are written
 */
export function makeLog(env, debug) {
  const out = env.console || { debug() {}, warn() {} };
  return {
    debug: debug ? (/** @type {unknown[]} */ ...args) => out.debug('[callstats]', ...args) : () => {},
    // Never console.error: pages treat it as their own failure.
    warn: (/** @type {unknown[]} */ ...args) => out.warn('[callstats]', ...args),
  };
}

/**
 * `fn` such that nothing it throws or rejects with reaches the page. What
 * it returns is for event targets and timers, which ignore it.
 * @template {unknown[]} A
 * @param {Log} log
 * @param {string} what names `fn` in the warning
 * @param {(...args: A) => unknown} fn
 * @returns {(...args: A) => void}
 */
export function guarded(log, what, fn) {
  return /** @this {unknown} */ function (...args) {
    try {
      const value = fn.apply(this, args);
      if (isThenable(value)) return value.then(undefined, (error) => log.warn(`${what} failed:`, error));
      return value;
    } catch (error) {
      log.warn(`${what} failed:`, error);
      return undefined;
    }
  };
}

/**
 * Calls what the page gave as a callback, if it is a function; what it throws stays with the SDK.
 * @param {Log} log
 * @param {unknown} callback
 * @param {...unknown} args
 */
export function callBack(log, callback, ...args) {
  if (typeof callback !== 'function') return;
  try {
    callback(...args);
  } catch (error) {
    log.warn('a callback given to callstats threw:', error);
  }
}

/**
 * @param {Pick<Env, 'setTimeout'>} env
 * @param {number} ms
 * @returns {Promise<void>}
 */
export function sleep(env, ms) {
  return new Promise((resolve) => env.setTimeout(resolve, ms));
}
