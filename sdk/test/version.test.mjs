// version.js: the one version string, which the API shows.
import assert from 'node:assert/strict';
import test from 'node:test';

import { callstats } from '../src/callstats.js';
import { VERSION } from '../src/version.js';

test('VERSION is callstats.js\'s version with a callscope pre-release tag', () => {
  assert.match(VERSION, /^3\.\d+\.\d+-callscope\.\d+$/);
  assert.equal(callstats.version, VERSION);
});
