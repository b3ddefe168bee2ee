// callstats.js as an ES module: `import callstats from '/callstats.mjs'`.
// callstats.js is a classic script; imported for its side effect it defines
// globalThis.callstats, which this module re-exports.
import './callstats.js';

const callstats = globalThis.callstats;
// A module has no document.currentScript: the collector defaults to the
// origin this module was served from, as for <script src>.
callstats._internal.loadedFrom(import.meta.url);

export default callstats;
export { callstats };
