// The entry of callstats.js and callstats-<version>.min.js: a classic script
// (esbuild wraps it in a function, so it declares no globals of its own) that
// hands the SDK to whoever loads it.
/// <reference path="./loaders.d.ts" />

import { callstats } from './callstats.js';
import { loadedFrom } from './environment.js';

// Read now: once this script has run, document.currentScript no longer names it.
if (typeof document !== 'undefined' && document.currentScript) {
  loadedFrom(/** @type {HTMLScriptElement} */ (document.currentScript).src);
}

if (typeof module === 'object' && module && module.exports) {
  module.exports = callstats;
} else {
  // The global is set even under an AMD loader: pages that include the SDK
  // with a plain <script> beside require.js read it, as with callstats.io's
  // script. The AMD module is named, so such a <script> is no anonymous
  // define() that require.js would refuse.
  globalThis.callstats = callstats;
  if (typeof define === 'function' && define.amd) {
    define('callstats', [], () => callstats);
  }
}
