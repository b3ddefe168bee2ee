// The entry of callstats.mjs: the SDK as an ES module. A module has no
// document.currentScript: the collector defaults to the origin this module
// was served from, as for <script src>.

import { callstats } from './callstats.js';
import { loadedFrom } from './environment.js';

loadedFrom(import.meta.url);

export default callstats;
export { callstats };
