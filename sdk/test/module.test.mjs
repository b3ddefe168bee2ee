// module.js, the entry of callstats.mjs: the API as default and named export,
// and no global.
import assert from 'node:assert/strict';
import test from 'node:test';

import { callstats } from '../src/callstats.js';
import entry, { callstats as named } from '../src/module.js';

test('callstats.mjs exports the API class, as default and by name, and sets no global', () => {
  assert.equal(entry, callstats);
  assert.equal(named, callstats);
  assert.equal(globalThis.callstats, undefined);
});
