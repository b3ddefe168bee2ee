// index.js, the entry of the classic-script build: without module.exports
// (an ES module import here, a <script> in a page) it sets the global.
import assert from 'node:assert/strict';
import test from 'node:test';

import { callstats } from '../src/callstats.js';

test('loaded where there is no module.exports, the entry sets globalThis.callstats', async () => {
  assert.equal(globalThis.callstats, undefined);
  await import('../src/index.js');
  assert.equal(globalThis.callstats, callstats);
});
