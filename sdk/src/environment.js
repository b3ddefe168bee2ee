// Environment: every browser global the SDK uses, read when used (the
// SDK loads in Node, where there is no window); tests replace parts


/**
 * Where the SDK was loaded from, whose origin is the default collector: the
 * script's src (index.js reads document.currentScript) or the module's URL
 * (module.js reads import.meta.url).
 */
let scriptURL = '';

/** Names the URL the SDK was loaded from; the first one named counts. */
export function loadedFrom(url) {
  if (!scriptURL && url) scriptURL = String(url);
}

/**
 * What the SDK uses of its host, each part replaceable in tests
 * (instances.js setEnvironment).
 * @typedef {ReturnType<typeof defaultEnvironment>} Env
 */
/** @typedef {ReturnType<typeof makeLog>} Log */

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

export function makeLog(env, debug) {
  const out = env.console || { debug() {}, warn() {} };
  return {
    debug: debug ? (...args) => out.debug('[callstats]', ...args) : () => {},
    // Never console.error: pages treat it as their own failure.
    warn: (...args) => out.warn('[callstats]', ...args),
  };
}

/** `fn` such that nothing it throws or rejects with reaches the page. */
export function guarded(log, what, fn) {
  return function (...args) {
    try {
      const value = fn.apply(this, args);
      if (value && typeof value.then === 'function') {
        return value.then(undefined, (error) => log.warn(`${what} failed:`, error));
      }
      return value;
    } catch (error) {
      log.warn(`${what} failed:`, error);
      return undefined;
    }
  };
}

export function callBack(log, callback, ...args) {
  if (typeof callback !== 'function') return;
  try {
    callback(...args);
  } catch (error) {
    log.warn('a callback given to callstats threw:', error);
  }
}

export function sleep(env, ms) {
  return new Promise((resolve) => env.setTimeout(resolve, ms));
}
